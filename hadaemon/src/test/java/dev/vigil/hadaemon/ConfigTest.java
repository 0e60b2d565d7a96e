package dev.vigil.hadaemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Die;
import dev.vigil.common.os.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file: HADaemon::Control's option names and defaults, and one line for bad input. */
class ConfigTest {
  @TempDir Path dir;

  private Config read(String text) throws IOException {
    Path file = dir.resolve("c.conf");
    Files.writeString(file, "name = t\nprogram = /bin/sleep\npid_dir = /run/t\nlog_file = /var/log/t\n" + text);
    return Config.read(file);
  }

  private Die refused(String text) {
    return assertThrows(Die.class, () -> read(text));
  }

  @Test
  void theOriginalsDefaults() throws IOException {
    Config c = read("");
    assertEquals(1, c.maxProcs);
    assertEquals(1, c.standbyMaxProcs);
    assertEquals(1000, c.signalMillis);
    assertEquals(1000, c.stopFileMillis);
    assertEquals(List.of(Signal.TERM, Signal.TERM, Signal.INT, Signal.KILL), c.stopSignals);
    assertEquals(Path.of("/run/t/standby-stop-file"), c.standbyStopFile);
    assertEquals(Path.of("/var/log/t"), c.stdoutFile);
    assertEquals(Path.of("/run/t/lock/1.lock"), c.mainLock(1));
    assertEquals(Path.of("/run/t/lock-standby/2.lock"), c.standbyLock(2));
    assertEquals(Path.of("/run/t/main-1.pid"), c.pidFile("main-1"));
    assertNull(c.mainStopFile(12));
  }

  @Test
  void theSpecificTimeoutsWinOverKillTimeout() throws IOException {
    Config c = read("kill_timeout = 7\nsignal_kill_timeout = 0.25\n");
    assertEquals(250, c.signalMillis);
    assertEquals(7000, c.stopFileMillis);
  }

  @Test
  void listsAreWordsQuotedAsInSh() throws IOException {
    Config c = read("program_args = -a 'two words' \"it's\" back\\ slash ''\nstop_signals = SIGHUP 15 kill\n");
    assertEquals(List.of("-a", "two words", "it's", "back slash", ""), c.programArgs);
    assertEquals(List.of(Signal.HUP, Signal.TERM, Signal.KILL), c.stopSignals);
  }

  @Test
  void mainStopFileNamesThePid() throws IOException {
    assertEquals(Path.of("/tmp/stop-42"), read("main_stop_file = /tmp/stop-%p\n").mainStopFile(42));
  }

  @Test
  void initCodeMayTakeSeveralLines() throws IOException {
    assertEquals("a=1\nexport a", read("init_code = a=1\ninit_code = export a\n").initCode);
  }

  @Test
  void badInputIsOneLineAndNotConfigured() {
    Die unknown = refused("colour = red\n");
    assertEquals(6, unknown.exit);
    assertEquals("fatal: " + dir.resolve("c.conf") + " line 5: unknown option colour", unknown.getMessage());
    assertEquals("fatal: " + dir.resolve("c.conf") + " line 5: name given twice", refused("name = u\n").getMessage());
    assertEquals("fatal: max_procs: not a whole number from 1 to 1000: 0", refused("max_procs = 0\n").getMessage());
    assertEquals("fatal: stop_signals: no such signal: TREM", refused("stop_signals = TERM TREM\n").getMessage());
    assertEquals("fatal: kill_timeout: not a number of seconds: soon", refused("kill_timeout = soon\n").getMessage());
    assertEquals("fatal: program_args: an unclosed quote", refused("program_args = 'a\n").getMessage());
    assertTrue(refused("user = nobody\n").getMessage().endsWith("user is not supported; run hadaemon as the user the program should run as"));
    assertEquals("fatal: close_fds_on_start: 0 is not supported: the program never inherits hadaemon's descriptors",
        refused("close_fds_on_start = 0\n").getMessage());
    assertEquals("fatal: " + dir.resolve("c.conf") + " line 5: not key = value", refused("start\n").getMessage());
  }

  @Test
  void requiredOptions() throws IOException {
    Path file = dir.resolve("c.conf");
    Files.writeString(file, "name = t\nprogram = /bin/sleep\nlog_file = /var/log/t\n");
    assertEquals("fatal: pid_dir must be defined", assertThrows(Die.class, () -> Config.read(file)).getMessage());
  }

  @Test
  void aProgramWithoutASlashIsLookedUpInPath() throws IOException {
    Path file = dir.resolve("c.conf");
    Files.writeString(file, "name = t\nprogram = sh\npid_dir = /run/t\nlog_file = /var/log/t\n");
    assertTrue(Config.read(file).program.isAbsolute());
    Files.writeString(file, "name = t\nprogram = no-such-program-here\npid_dir = /run/t\nlog_file = /var/log/t\n");
    assertEquals("fatal: program: not found in PATH: no-such-program-here",
        assertThrows(Die.class, () -> Config.read(file)).getMessage());
  }
}
