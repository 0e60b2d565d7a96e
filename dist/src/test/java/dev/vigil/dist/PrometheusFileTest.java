package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * svstat --prometheus through its launcher when its text cannot be written: a write that fails
 * half way (a file size limit stands in for a full disk, which a test cannot make without
 * mounting a file system), stdout on /dev/full, a directory the user may not write to. Each exits
 * 111 with one line, and leaves the old file as it was and no temporary file.
 */
class PrometheusFileTest extends ServiceTest {
  private static final Path SVSTAT = Path.of(System.getProperty("vigil.home"), "bin", "svstat");

  private Captured sh(String script, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, SVSTAT.toString()));
    command.addAll(List.of(args));
    return Processes.run(root, command);
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().collect(Collectors.toList());
    }
  }

  @Test
  void aWriteThatFailsHalfWayLeavesTheOldFile() throws IOException {
    Path dir = Files.createDirectory(root.resolve("textfiles"));
    Path file = Files.writeString(dir.resolve("vigil.prom"), "the old text\n");
    List<String> args = new ArrayList<>(List.of("--prometheus=" + file));
    for (int i = 0; i < 40; i++) {
      args.add("missing-service-" + i); // 40 lines of text: more than the 512 bytes allowed
    }
    // the JVM ignores SIGXFSZ, so the write fails (EFBIG) rather than killing svstat
    Captured c = sh("ulimit -f 1 && exec \"$0\" \"$@\"", args.toArray(new String[0]));
    assertEquals(111, c.exit(), c::toString);
    assertTrue(c.err().matches("svstat: fatal: unable to write " + Pattern.quote(file.toString())
        + "\\.tmp-\\d+: unknown error\n"), c.err());
    assertEquals("", c.out());
    assertEquals("the old text\n", Files.readString(file));
    assertEquals(List.of(file), list(dir), "no temporary file left");
  }

  @Test
  void stdoutOnAFullDevice() throws IOException {
    Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full");
    Captured c = sh("exec \"$0\" --prometheus missing > /dev/full");
    assertEquals(new Captured(111, "", "svstat: fatal: unable to write to stdout: unknown error\n"), c);
  }

  /** As root, through setpriv as nobody: root may write to any directory. */
  @Test
  void aDirectoryTheUserMayNotWriteTo() throws IOException {
    boolean rootUser = "root".equals(System.getProperty("user.name"));
    Path setpriv = Path.of("/usr/bin/setpriv");
    Assumptions.assumeTrue(!rootUser || Files.isExecutable(setpriv), "root without setpriv (util-linux)");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody must reach it
    Path dir = Files.createDirectory(root.resolve("textfiles"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    Path file = dir.resolve("vigil.prom");
    String as = (rootUser ? "exec " + setpriv + " --reuid=65534 --regid=65534 --clear-groups " : "exec ")
        + "\"$0\" \"$@\"";
    Captured c = sh(as, "--prometheus=" + file, "missing");
    assertEquals(111, c.exit(), c::toString);
    assertTrue(c.err().matches("svstat: fatal: unable to create " + Pattern.quote(file.toString())
        + "\\.tmp-\\d+: access denied\n"), c.err());
    assertEquals(List.of(), list(dir));
  }
}
