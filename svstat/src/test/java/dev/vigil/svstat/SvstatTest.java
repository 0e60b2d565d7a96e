package dev.vigil.svstat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.StatusCodec;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.FakeSupervisor;
import dev.vigil.fixtures.ServiceTest;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** svstat in-process on real directories, with hand-made status files behind a fake supervisor. */
class SvstatTest extends ServiceTest {
  /** A label this far ahead always prints {@code 0 seconds}, whenever the test runs. */
  private static final long FUTURE = 1_000_000;


  private static Captured svstat(String... dirs) {
    return Captured.of(Main::run, dirs);
  }

  private ServiceDir supervised(String name) throws Exception {
    return BrokenServices.supervised(services, processes, name);
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  /** The 18 bytes daemontools supervise would write for {@code s}. */
  private static byte[] daemontools(Status s) {
    return Arrays.copyOf(StatusCodec.encode(s), StatusCodec.DAEMONTOOLS_SIZE);
  }

  private static Status upInFuture(long pid) {
    return Status.daemontools(Tai64n.ofUnix(nowSeconds() + FUTURE, 0), pid, false, Want.UP);
  }

  @ParameterizedTest(name = "pid {0} paused {1} want {2} down file {3}: {4}")
  @MethodSource("dev.vigil.svstat.StatusMatrix#rows")
  void fullMatrixFromStatusFiles(long pid, boolean paused, Want want, boolean downFile, String line)
      throws Exception {
    ServiceDir dir = supervised("service");
    if (downFile) {
      Files.createFile(dir.down());
    }
    long before = nowSeconds();
    Files.write(dir.status(), daemontools(
        Status.daemontools(Tai64n.ofUnix(before - StatusMatrix.AGE, 999_999_500), pid, paused, want)));
    Captured c = svstat(dir.name());
    long slack = nowSeconds() - before;

    Matcher age = Pattern.compile("(\\d+) seconds").matcher(c.out());
    assertTrue(age.find(), c::toString);
    long printed = Long.parseLong(age.group(1));
    assertTrue(printed >= StatusMatrix.AGE && printed <= StatusMatrix.AGE + slack,
        () -> "age " + printed + " outside " + StatusMatrix.AGE + ".." + (StatusMatrix.AGE + slack));
    String expected = line.replace(StatusMatrix.AGE + " seconds", printed + " seconds");
    assertEquals(new Captured(0, dir.name() + ": " + expected + "\n", ""), c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.vigil.svstat.BrokenServices#all")
  void everyErrorIsOneLineOnStdout(String what, BrokenServices.Layout layout, String line, boolean asDaemontools)
      throws Exception {
    Path dir = layout.make(services, processes, "broken");
    assertEquals(new Captured(0, dir + ": " + line + "\n", ""), svstat(dir.toString()));
  }

  @Test
  void emptyNameCannotBeEntered() {
    assertEquals(new Captured(0, ": unable to chdir: file does not exist\n", ""), svstat(""));
  }

  @Test
  void optionsAreDirectoryNames() {
    assertEquals(new Captured(0, "-x: unable to chdir: file does not exist\n", ""), svstat("-x"));
  }

  @Test
  void noArgumentsPrintNothing() {
    assertEquals(new Captured(0, "", ""), svstat());
  }

  @Test
  void relativeNameIsEchoedVerbatim() throws Exception {
    ServiceDir dir = supervised("service");
    Files.write(dir.status(), daemontools(upInFuture(42)));
    String relative = Path.of("").toAbsolutePath().relativize(dir.path()).toString();
    assertTrue(relative.startsWith(".."), relative);
    assertEquals(new Captured(0, relative + ": up (pid 42) 0 seconds\n", ""), svstat(relative));
  }

  @Test
  void severalDirectoriesOneLineEachInOrder() throws Exception {
    ServiceDir up = supervised("up");
    Files.write(up.status(), daemontools(upInFuture(42)));
    Files.createFile(up.down());
    ServiceDir gone = services.empty("gone");
    FakeSupervisor.start(gone, processes).close();
    String missing = root.resolve("missing").toString();

    Captured c = svstat(up.name(), missing, gone.name(), up.name());

    assertEquals(new Captured(0,
        up.name() + ": up (pid 42) 0 seconds, normally down\n"
            + missing + ": unable to chdir: file does not exist\n"
            + gone.name() + ": supervise not running\n"
            + up.name() + ": up (pid 42) 0 seconds, normally down\n", ""), c);
  }

  @ParameterizedTest(name = "down as {0}: normally {1}")
  @CsvSource({"none, up", "file, down", "directory, down", "symlink to a file, down", "dangling symlink, up"})
  void downFileIsStatFollowingLinks(String down, String normally) throws Exception {
    ServiceDir dir = supervised("service");
    Files.write(dir.status(), daemontools(Status.daemontools(Tai64n.ofUnix(nowSeconds() + FUTURE, 0), 0, false, Want.NONE)));
    switch (down) {
      case "file" -> Files.createFile(dir.down());
      case "directory" -> Files.createDirectory(dir.down());
      case "symlink to a file" -> Files.createSymbolicLink(dir.down(), Files.createFile(dir.path().resolve("off")).getFileName());
      case "dangling symlink" -> Files.createSymbolicLink(dir.down(), Path.of("nowhere"));
      default -> { }
    }
    String suffix = normally.equals("up") ? ", normally up" : "";
    assertEquals(new Captured(0, dir.name() + ": down 0 seconds" + suffix + "\n", ""), svstat(dir.name()));
  }

  /** Spec §6.2: any non-zero paused byte counts; a want byte other than u or d prints nothing. */
  @Test
  void rawBytes() throws Exception {
    ServiceDir dir = supervised("service");
    byte[] b = daemontools(Status.daemontools(Tai64n.ofUnix(nowSeconds() + FUTURE, 0), 0xffff_ffffL, false, Want.NONE));
    b[16] = 7;
    b[17] = 'A';
    Files.write(dir.status(), b);
    assertEquals(new Captured(0, dir.name() + ": up (pid 4294967295) 0 seconds, paused\n", ""), svstat(dir.name()));
  }

  /** runit's 20-byte and vigil's 46-byte records give the line the first 18 bytes give. */
  @Test
  void longerRecordsReadAsTheirFirst18Bytes() throws Exception {
    ServiceDir dir = supervised("service");
    Tai64n stamp = Tai64n.ofUnix(nowSeconds() + FUTURE, 0);
    Status runit = new Status(stamp, 77, true, Want.DOWN, true, Phase.FINISH, Optional.empty());
    Status vigil = new Status(stamp, 77, true, Want.DOWN, true, Phase.RUN,
        Optional.of(new Extension(12, 3, OptionalInt.of(256), 999, 7)));
    String line = dir.name() + ": up (pid 77) 0 seconds, paused, want down\n";

    for (byte[] record : new byte[][] {daemontools(runit), StatusCodec.encode(runit), StatusCodec.encode(vigil)}) {
      Files.write(dir.status(), record);
      assertEquals(new Captured(0, line, ""), svstat(dir.name()), () -> record.length + "-byte record");
    }
  }

  /** A zeroed label is about 2^62 s old, printed rounded as daemontools prints it (StatusLineTest). */
  @Test
  void zeroedStatusPrintsHugeAge() throws Exception {
    ServiceDir dir = supervised("service");
    Files.write(dir.status(), new byte[StatusCodec.DAEMONTOOLS_SIZE]);
    long before = nowSeconds();
    Captured c = svstat(dir.name());
    long after = nowSeconds();

    boolean matched = false;
    for (long now = before; now <= after; now++) {
      String age = StatusLineTest.viaDouble(BigInteger.ONE.shiftLeft(62).add(BigInteger.valueOf(10 + now)));
      matched |= c.equals(new Captured(0, dir.name() + ": down " + age + " seconds, normally up\n", ""));
    }
    assertTrue(matched, c::toString);
  }
}
