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
import org.junit.jupiter.api.Assumptions;
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

  // ---------------------------------------------------------------- user, group, uid, gid, umask

  private static void assumeRootAndNobody() throws IOException {
    Assumptions.assumeTrue(Files.readString(Path.of("/proc/self/status")).matches("(?s).*\\nUid:\\s+\\d+\\s+0\\s.*"),
        "needs root: only root changes the program's user");
    Assumptions.assumeTrue(Files.readString(RunAs.PASSWD).contains("\nnobody:x:65534:65534:")
        && Files.readString(RunAs.GROUP).contains("\nnogroup:x:65534:"), "needs Debian's nobody and nogroup (65534)");
  }

  @Test
  void withoutThemTheProgramRunsAsItIs() throws IOException {
    Config c = read("program_args = 600\n");
    assertEquals(List.of("/bin/sleep", "600"), c.command());
    assertEquals(List.of(), c.runAs.environment());
  }

  @Test
  void aUserBringsItsGroupHomeAndTheSetprivStep() throws IOException {
    assumeRootAndNobody();
    Config c = read("user = nobody\numask = 027\nprogram_args = 600\n");
    assertEquals(65534, c.runAs.uid);
    assertEquals(65534, c.runAs.gid, "the user's primary group");
    List<String> command = c.command();
    assertTrue(command.get(0).endsWith("/setpriv"), command.toString());
    assertEquals(List.of("--reuid=65534", "--regid=65534", "--init-groups", "--", "/bin/sh", "-c",
        "umask 0027 && exec \"$@\"", "sh", "/bin/sleep", "600"), command.subList(1, command.size()));
    assertEquals(List.of("USER=nobody", "HOME=/nonexistent"), c.runAs.environment());
    RunAs numbers = read("uid = 65534\ngid = 0\n").runAs;
    assertEquals(List.of(65534, 0), List.of(numbers.uid, numbers.gid), "gid wins over the user's group");
    assertEquals("nobody", numbers.user, "uid names its user, for USER");
    assertEquals(List.of("--regid=65534", "--keep-groups", "--", "/bin/sleep"),
        read("group = nogroup\n").command().subList(1, 5), "a group alone: setgid, as the original");
  }

  @Test
  void anUmaskAloneIsAShellStep() throws IOException {
    assertEquals(List.of("/bin/sh", "-c", "umask 0077 && exec \"$@\"", "sh", "/bin/sleep"), read("umask = 77\n").command());
  }

  @Test
  void unknownOrContradictoryUsersAreOneLine() throws IOException {
    assumeRootAndNobody();
    Die unknown = refused("user = no-such-user-here\n");
    assertEquals(6, unknown.exit);
    assertEquals("fatal: user: no such user: no-such-user-here", unknown.getMessage());
    assertEquals("fatal: group: no such group: no-such-group-here", refused("group = no-such-group-here\n").getMessage());
    assertEquals("fatal: uid: no user has uid 99999999", refused("uid = 99999999\n").getMessage());
    assertEquals("fatal: uid: 0 is not user nobody's uid 65534", refused("user = nobody\nuid = 0\n").getMessage());
    assertEquals("fatal: gid: 0 is not group nogroup's gid 65534", refused("group = nogroup\ngid = 0\n").getMessage());
    assertEquals("fatal: uid: not a number: nobody", refused("uid = nobody\n").getMessage());
    assertEquals("fatal: umask: not an octal mode from 0 to 0777: 089", refused("umask = 089\n").getMessage());
  }
}
