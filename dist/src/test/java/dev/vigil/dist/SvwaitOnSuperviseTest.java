package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * svwait and {@code svc -W} through their launchers against our real supervise: the record's
 * stage tells -D when ./finish is done, and a supervise killed with SIGKILL ends a wait with 102.
 */
class SvwaitOnSuperviseTest extends ServiceTest {
  private static final Path BIN = Path.of(System.getProperty("vigil.home")).resolve("bin");
  private static final Captured MET = new Captured(0, "", "");

  private final List<Process> supervisors = new ArrayList<>();

  /** Stops each supervise by SIGTERM, which takes its child down first; the fixture kills the rest. */
  @AfterEach
  void stopSupervisors() {
    for (Process p : supervisors) {
      p.destroy();
      Processes.awaitExit(p, Await.DEFAULT);
    }
  }

  private Captured run(String program, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(BIN.resolve(program).toString()));
    command.addAll(List.of(args));
    return Processes.run(root, command);
  }

  private Process supervise(String name) throws IOException {
    Path log = root.resolve(name + ".log");
    Process p = processes.start(root, log, log, List.of(BIN.resolve("supervise").toString(), name));
    supervisors.add(p);
    return p;
  }

  private static Status status(ServiceDir dir) {
    try {
      return dir.readStatus();
    } catch (IOException e) {
      return null;
    }
  }

  /** The child up now, once its run script has logged its pid (the test's clean-up reads the log). */
  private long up(ServiceDir dir) {
    long pid = Await.value(dir.name() + " to come up", () -> status(dir), s -> s != null && s.isUp()).pid();
    Await.until("child " + pid + " to log its pid", () -> services.logged(pid));
    return pid;
  }

  @Test
  void svcWaitsForWhatItAsked() throws IOException {
    ServiceDir dir = services.sleeper("app");
    supervise("app");
    long first = up(dir); // svwait needs a supervised directory: supervise/ and its record
    assertEquals(MET, run("svwait", "-u", "-t", "15000", "app"));
    assertEquals(MET, run("svwait", "-U", "app"), "no readiness in the record: ready is up");

    assertEquals(MET, run("svc", "-t", "-W", "r", "-T", "15000", "app"));
    long second = up(dir);
    assertNotEquals(first, second, "restarted: a new child");

    assertEquals(MET, run("svc", "-d", "-W", "D", "-T", "15000", "app"));
    assertEquals(Stage.DOWN, status(dir).extension().get().progress().get().stage());
    assertEquals(new Captured(99, "", "svwait: fatal: timed out\n"), run("svwait", "-u", "-t", "100", "app"));

    assertEquals(MET, run("svc", "-u", "-W", "u", "-T", "15000", "app"));
    up(dir);
  }

  @Test
  void finishedWaitsForFinish() throws IOException {
    ServiceDir dir = services.sleeper("app");
    Services.script(dir.path().resolve("finish"), "echo $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    Files.writeString(dir.path().resolve("timeout-finish"), "0\n"); // for ever: the test ends it
    supervise("app");
    up(dir);
    Path out = root.resolve("svc.out");
    Process svc = processes.start(root, out, out, List.of(BIN.resolve("svc").toString(), "-d", "-W", "D", "-T", "15000", "app"));
    Status finishing = Await.value("./finish to run", () -> status(dir),
        s -> s != null && s.pid() != 0 && s.extension().get().progress().get().stage() == Stage.FINISHING);
    Await.until("./finish to log its pid", () -> services.logged(finishing.pid()));
    assertEquals(MET, run("svwait", "-d", "app"), "./run is gone: down");
    assertTrue(svc.isAlive(), "svc -W D waits while ./finish runs");
    ProcessHandle.of(finishing.pid()).orElseThrow().destroyForcibly();
    assertEquals(0, Processes.awaitExit(svc, Await.DEFAULT));
    assertEquals("", Files.readString(out));
  }

  @Test
  void aKilledSuperviseEndsTheWait() throws IOException {
    ServiceDir dir = services.sleeper("app");
    Process supervise = supervise("app");
    up(dir);
    Path out = root.resolve("svwait.out");
    Process svwait = processes.start(root, out, out, List.of(BIN.resolve("svwait").toString(), "-d", "app"));
    Await.until("svwait to watch", () -> watches(svwait.pid()));
    long start = System.nanoTime();
    supervise.destroyForcibly(); // SIGKILL: its child runs on; the fixture's clean-up stops it by pid
    assertEquals(102, Processes.awaitExit(svwait, Await.DEFAULT));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals("svwait: fatal: unable to wait for app: supervise not running\n", Files.readString(out));
    assertTrue(ms < 2000, "noticed after " + ms + " ms (the period is 1000)");
  }

  /** Whether {@code pid} has an inotify descriptor: the JVM is up and its watch made. */
  private static boolean watches(long pid) {
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.anyMatch(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify");
        } catch (IOException e) {
          return false;
        }
      });
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aTimeoutIsBounded() throws IOException {
    ServiceDir dir = services.sleeper("app");
    supervise("app");
    up(dir);
    long start = System.nanoTime();
    assertEquals(new Captured(99, "", "svc: fatal: timed out\n"), run("svc", "-W", "d", "-T", "300", "app"));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms >= 300, ms + " ms");
    assertTrue(ms < 5000, ms + " ms (a JVM start and 300)");
  }
}
