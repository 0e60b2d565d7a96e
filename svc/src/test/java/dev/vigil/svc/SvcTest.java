package dev.vigil.svc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.ServiceDir;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** svc in-process (spec §5), reading what arrives on supervise/control behind a fake supervisor. */
class SvcTest extends ServiceTest {
  static final String USAGE = "svc options: u up, d down, o once, x exit, p pause, c continue,"
      + " h hup, a alarm, i interrupt, t term, k kill, q quit, 1 usr1, 2 usr2, w winch;"
      + " W STATE wait until STATE (u up, U ready, d down, D finished, r restarted, R restarted and ready),"
      + " T MS wait at most MS milliseconds\n";
  private static final Captured QUIET = new Captured(0, "", "");

  private final List<AutoCloseable> taps = new ArrayList<>();

  @AfterEach
  void closeTaps() throws Exception {
    for (AutoCloseable t : taps) {
      t.close();
    }
  }

  private static Captured svc(String... args) {
    return Captured.of(Main::run, args);
  }

  private static Captured warning(String message) {
    return new Captured(0, "", "svc: warning: " + message + "\n");
  }

  private static String[] with(String[] options, String... dirs) {
    return Stream.concat(Stream.of(options), Stream.of(dirs)).toArray(String[]::new);
  }

  private ServiceDir supervised(String name) throws Exception {
    ServiceDir dir = services.empty(name);
    FakeSupervisor.start(dir, processes);
    return dir;
  }

  private ControlTap tap(ServiceDir dir) throws IOException {
    ControlTap t = new ControlTap(dir);
    taps.add(t);
    return t;
  }

  static Stream<Arguments> commandStrings() {
    return Stream.of(
        Arguments.of(new String[] {"-d", "-u", "-d", "-cc"}, "duc"),
        Arguments.of(new String[] {"-u", "-hh", "-aituk", "-d", "-x"}, "uhaitkdx"),
        Arguments.of(new String[] {"-q12w"}, "q12w"),
        Arguments.of(new String[] {"-udoxpchaitkq12w"}, "udoxpchaitkq12w"),
        Arguments.of(new String[] {"-wq", "-2", "-1", "-qw"}, "wq21"),
        Arguments.of(new String[] {"-xd"}, "xd"),
        Arguments.of(new String[] {"-kkkk", "-k"}, "k"),
        Arguments.of(new String[] {"-u", "--"}, "u"));
  }

  @ParameterizedTest(name = "{0} writes {1}")
  @MethodSource("commandStrings")
  void eachLetterOnceInOrderOfFirstAppearance(String[] options, String written) throws Exception {
    ServiceDir dir = supervised("service");
    ControlTap control = tap(dir);
    assertEquals(QUIET, svc(with(options, dir.name())));
    assertEquals(written, control.drain());
  }

  @Test
  void badOptionPrintsUsageAndWritesNothing() throws Exception {
    ServiceDir dir = supervised("service");
    ControlTap control = tap(dir);
    assertEquals(new Captured(100, "", "svc: illegal option -- Z\n" + USAGE), svc("-uZ", dir.name()));
    assertEquals(new Captured(100, "", "svc: illegal option -- Z\n" + USAGE), svc("-u", "-Z", dir.name()));
    assertEquals("", control.drain());
  }

  @Test
  void noLettersWriteNothing() throws Exception {
    ServiceDir dir = supervised("service");
    ControlTap control = tap(dir);
    assertEquals(QUIET, svc(dir.name()));
    assertEquals("", control.drain());
  }

  @Test
  void noLettersStillWarnWhenNotSupervised() throws Exception {
    ServiceDir dir = services.empty("service");
    FakeSupervisor.start(dir, processes).close();
    assertEquals(warning("unable to control " + dir.name() + ": supervise not running"), svc(dir.name()));
  }

  @Test
  void noDirsDoNothing() {
    assertEquals(QUIET, svc("-u"));
    assertEquals(QUIET, svc());
  }

  @Test
  void sameDirTwiceGetsTheStringTwice() throws Exception {
    ServiceDir dir = supervised("service");
    ControlTap control = tap(dir);
    assertEquals(QUIET, svc("-dx", dir.name(), dir.name()));
    assertEquals("dxdx", control.drain());
  }

  @Test
  void everyDirGetsTheString() throws Exception {
    ServiceDir a = supervised("a");
    ServiceDir b = supervised("b");
    ControlTap tapA = tap(a);
    ControlTap tapB = tap(b);
    assertEquals(QUIET, svc("-t", "-h", a.name(), b.name()));
    assertEquals("th", tapA.drain());
    assertEquals("th", tapB.drain());
  }

  @Test
  void missingDir() {
    String dir = root.resolve("missing").toString();
    assertEquals(warning("unable to chdir to " + dir + ": file does not exist"), svc("-u", dir));
  }

  @Test
  void dirIsAFile() throws Exception {
    String dir = Files.createFile(root.resolve("file")).toString();
    assertEquals(warning("unable to chdir to " + dir + ": not a directory"), svc("-u", dir));
  }

  @Test
  void noSuperviseDir() throws Exception {
    ServiceDir dir = services.empty("service");
    assertEquals(warning("unable to control " + dir.name() + ": file does not exist"), svc("-u", dir.name()));
  }

  @Test
  void superviseIsAFile() throws Exception {
    ServiceDir dir = services.empty("service");
    Files.createFile(dir.supervise());
    assertEquals(warning("unable to control " + dir.name() + ": not a directory"), svc("-u", dir.name()));
  }

  @Test
  void controlIsADirectory() throws Exception {
    ServiceDir dir = services.empty("service");
    Files.createDirectories(dir.control());
    assertEquals(warning("unable to control " + dir.name() + ": is a directory"), svc("-u", dir.name()));
  }

  @Test
  void notRunning() throws Exception {
    ServiceDir dir = services.empty("service");
    FakeSupervisor.start(dir, processes).close();
    assertEquals(warning("unable to control " + dir.name() + ": supervise not running"), svc("-u", dir.name()));
  }

  /** A failing directory does not stop the others, and the exit code stays 0. */
  @Test
  void warningsPerDirectoryThenCarryOn() throws Exception {
    ServiceDir up = supervised("up");
    ControlTap control = tap(up);
    String missing = root.resolve("missing").toString();
    assertEquals(warning("unable to chdir to " + missing + ": file does not exist"), svc("-k", missing, up.name()));
    assertEquals("k", control.drain());
  }

  @Test
  void doubleDashEndsOptions() throws Exception {
    assertEquals(warning("unable to chdir to -u: file does not exist"), svc("--", "-u"));
    ServiceDir dir = supervised("service");
    ControlTap control = tap(dir);
    assertEquals(QUIET, svc("-d", "--", dir.name()));
    assertEquals("d", control.drain());
  }

  @Test
  void loneDashIsADirectory() {
    assertEquals(new Captured(0, "", "svc: warning: unable to chdir to -: file does not exist\n"
        + "svc: warning: unable to chdir to -u: file does not exist\n"), svc("-", "-u"));
  }

  @Test
  void optionsAfterADirAreDirs() throws Exception {
    ServiceDir dir = supervised("service");
    ControlTap control = tap(dir);
    assertEquals(warning("unable to chdir to -u: file does not exist"), svc("-d", dir.name(), "-u"));
    assertEquals("d", control.drain());
  }

  @Test
  void emptyDirName() {
    assertEquals(warning("unable to chdir to : file does not exist"), svc("-u", ""));
  }

  /** One write per directory: concurrent svc calls never interleave their strings (spec §5). */
  @Test
  void concurrentCallsNeverInterleave() throws Exception {
    ServiceDir dir = supervised("service");
    ControlTap control = tap(dir);
    String all = "udoxpchaitkq12w";
    int threads = 8;
    int calls = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Captured>> results = new ArrayList<>();
      for (int i = 0; i < threads * calls; i++) {
        results.add(pool.submit(() -> svc("-" + all, dir.name())));
      }
      for (Future<Captured> r : results) {
        assertEquals(QUIET, r.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(all.repeat(threads * calls), control.drain());
  }
}
