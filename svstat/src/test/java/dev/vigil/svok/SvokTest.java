package dev.vigil.svok;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.ServiceDir;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.ServiceTest;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** svok in-process (spec §7): 0 supervised, 100 not, 111 cannot tell; stdout always empty. */
class SvokTest extends ServiceTest {

  private static Captured svok(String... args) {
    return Captured.of(Main::run, args);
  }

  private static Captured exit(int code) {
    return new Captured(code, "", "");
  }

  private static Captured fatal(String message) {
    return new Captured(111, "", "svok: fatal: " + message + "\n");
  }

  private ServiceDir supervised(String name) throws Exception {
    ServiceDir dir = services.empty(name);
    FakeSupervisor.start(dir, processes);
    return dir;
  }

  @Test
  void noArgumentIsUsage() {
    assertEquals(new Captured(100, "", "svok: usage: svok dir\n"), svok());
  }

  @Test
  void missingDir() {
    String dir = root.resolve("missing").toString();
    assertEquals(fatal("unable to chdir to " + dir + ": file does not exist"), svok(dir));
  }

  @Test
  void dirIsAFile() throws Exception {
    String dir = Files.createFile(root.resolve("file")).toString();
    assertEquals(fatal("unable to chdir to " + dir + ": not a directory"), svok(dir));
  }

  @Test
  void emptyName() {
    assertEquals(fatal("unable to chdir to : file does not exist"), svok(""));
  }

  @Test
  void noSuperviseDirIsSilentlyNotSupervised() throws Exception {
    assertEquals(exit(100), svok(services.empty("service").name()));
  }

  @Test
  void noOkIsSilentlyNotSupervised() throws Exception {
    ServiceDir dir = services.empty("service");
    Files.createDirectory(dir.supervise());
    assertEquals(exit(100), svok(dir.name()));
  }

  @Test
  void okWithoutSupervisorIsNotSupervised() throws Exception {
    ServiceDir dir = services.empty("service");
    FakeSupervisor.start(dir, processes).close();
    assertEquals(exit(100), svok(dir.name()));
  }

  @Test
  void supervised() throws Exception {
    assertEquals(exit(0), svok(supervised("service").name()));
  }

  @Test
  void superviseIsAFile() throws Exception {
    ServiceDir dir = services.empty("service");
    Files.createFile(dir.supervise());
    assertEquals(fatal("unable to open " + dir.name() + "/supervise/ok: not a directory"), svok(dir.name()));
  }

  @Test
  void okIsADirectory() throws Exception {
    ServiceDir dir = services.empty("service");
    Files.createDirectories(dir.ok());
    assertEquals(fatal("unable to open " + dir.name() + "/supervise/ok: is a directory"), svok(dir.name()));
  }

  @Test
  void onlyTheFirstArgumentCounts() throws Exception {
    ServiceDir up = supervised("up");
    ServiceDir idle = services.empty("idle");
    String missing = root.resolve("missing").toString();
    assertEquals(exit(0), svok(up.name(), missing, idle.name()));
    assertEquals(exit(100), svok(idle.name(), up.name()));
  }
}
