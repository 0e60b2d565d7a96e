package dev.vigil.hadaemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Captured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java API (run_command) on the actions that start nothing: codes and output as bin/hadaemon's. */
class RunCommandTest {
  @TempDir Path dir;

  private Captured call(String action) throws IOException {
    Path config = dir.resolve("d.conf");
    Files.writeString(config, "name = d\nprogram = /bin/sleep\nprogram_args = 600\npid_dir = " + dir.resolve("run")
        + "\nlog_file = " + dir.resolve("log") + "\nstandby_max_procs = 0\n");
    return Captured.of((args, out, err) -> Main.runCommand(config, args[0], out, err), action);
  }

  @Test
  void statusOfADaemonNeverStartedIsThree() throws IOException {
    Captured c = call("status");
    assertEquals(3, c.exit());
    assertEquals(String.format("%-40s: %-40s %40s%n", "d", "main #1 status", "[Not Running]"), c.out());
  }

  @Test
  void aLeftoverPidFileIsOne() throws IOException {
    Files.createDirectories(dir.resolve("run"));
    Files.writeString(dir.resolve("run/main-1.pid"), "999999999");
    assertEquals(1, call("status").exit());
  }

  @Test
  void anUnknownActionIsTwoAndOneLine() throws IOException {
    Captured c = call("--bounce");
    assertEquals(2, c.exit());
    assertTrue(c.err().startsWith("hadaemon: fatal: unknown action --bounce; usage: hadaemon config start|"), c.err());
    assertEquals(0, call("--get_init_file").exit(), "leading dashes are allowed, as in the original");
  }
}
