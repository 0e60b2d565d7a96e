package dev.vigil.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/hadaemon with real processes: main and standby keepers started through the launcher, a
 * sh program, kill -9, stop files, the stop signals, status and its LSB codes, the init file.
 * Every process a test started is stopped afterwards by pid: the programs (each appends its pid
 * to pids.log) and the keepers (each writes its pid into every line it logs).
 */
class HadaemonTest {
  private static final Path HOME = Path.of(System.getProperty("vigil.home"));
  private static final String HADAEMON = HOME.resolve("bin/hadaemon").toString();

  @TempDir Path dir;
  private Path config;

  /**
   * Stops, by pid, every process whose working directory is this test's directory: the keepers
   * (hadaemon runs in it) and the programs and what they left behind. Rounds until one finds
   * none, as a standby may promote itself and start a program while the others are killed.
   */
  @AfterEach
  void stopEverything() throws IOException {
    for (int round = 0; round < 50; round++) {
      List<ProcessHandle> left = ProcessHandle.allProcesses().filter(p -> Processes.runsUnder(p.pid(), dir)).toList();
      if (left.isEmpty()) {
        return;
      }
      left.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle p : left) {
        p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
      }
    }
    throw new AssertionError("processes still start in " + dir);
  }

  // ---------------------------------------------------------------- promotion

  @Test
  void killMinus9OfTheMainPromotesExactlyOneStandby() throws IOException {
    configure(1, 2, "", loop());
    assertEquals(0, hadaemon("start").exit());
    long first = pid("main-1");
    assertEquals(List.of(first), programs());
    long since = System.nanoTime();
    kill9(first);
    long second = Await.value("a standby promoted", () -> PidFilesOf.running(dir.resolve("run/main-1.pid")), p -> p != 0 && p != first);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    java.util.function.BooleanSupplier onePromotion =
        () -> programs().size() == 2 && alive(programs()) == 1 && standbysRunning(2) == 1;
    Await.until("the promoted standby's pid files settled", onePromotion);
    Await.holds("exactly one promotion: one new program, one standby left waiting", onePromotion, Duration.ofMillis(500));
    assertEquals(second, pid("main-1"));
    assertTrue(millis < 2000, "promoted in " + millis + " ms, not at the original's 1 s retry");
  }

  @Test
  void twoMainsAndTwoStandbysEachMainKilledIsReplacedOnce() throws IOException {
    configure(2, 2, "", loop());
    assertEquals(0, hadaemon("start").exit());
    Captured status = hadaemon("status");
    assertEquals(0, status.exit(), status.toString());
    List<Long> mains = List.of(pid("main-1"), pid("main-2"));
    assertEquals(2, alive(programs()));
    kill9(mains.get(0));
    kill9(mains.get(1));
    Await.until("both mains replaced", () -> {
      long a = PidFilesOf.running(dir.resolve("run/main-1.pid"));
      long b = PidFilesOf.running(dir.resolve("run/main-2.pid"));
      return a != 0 && b != 0 && !mains.contains(a) && !mains.contains(b);
    });
    java.util.function.BooleanSupplier twoPromotions =
        () -> programs().size() == 4 && alive(programs()) == 2 && standbysRunning(2) == 0;
    Await.until("the promoted standbys' pid files settled", twoPromotions);
    Await.holds("two promotions, no more: four programs started, two alive, no standby left", twoPromotions, Duration.ofMillis(500));
    assertEquals(1, hadaemon("status").exit(), "standbys missing: not all running");
    assertEquals(0, hadaemon("fork").exit(), "cron's fork brings new standbys");
    assertEquals(2, standbysRunning(2));
    assertEquals(0, hadaemon("status").exit());
  }

  @Test
  void aChildTheProgramLeavesBehindDoesNotHoldTheLock() throws IOException {
    // the program starts a grandchild that outlives it: with HADaemon::Control the grandchild
    // inherits the main lock and no standby can take over (its KNOWN ISSUES)
    String program = "sleep 600 &\necho $! > " + dir.resolve("grandchild") + "\n" + loop();
    configure(1, 1, "", program);
    assertEquals(0, hadaemon("start").exit());
    long first = pid("main-1");
    Await.until("the grandchild started", () -> !read(dir.resolve("grandchild")).isEmpty());
    kill9(first);
    Await.until("the standby took over", () -> replaced(first));
    assertEquals(0, hadaemon("stop").exit());

    // asked for (reset_close_on_exec_main_lock_fd), the lock goes to the program and so to its
    // children, as in HADaemon::Control: the grandchild keeps it and the standby waits
    Files.delete(dir.resolve("grandchild"));
    configure(1, 1, "reset_close_on_exec_main_lock_fd = 1\n", program);
    assertEquals(0, hadaemon("start").exit());
    long second = pid("main-1");
    Await.until("the grandchild started", () -> read(dir.resolve("grandchild")).endsWith("\n"));
    long grandchild = Long.parseLong(read(dir.resolve("grandchild")).strip());
    kill9(second);
    Await.holds("no promotion while the grandchild holds the lock", () -> !replaced(second), Duration.ofMillis(800));
    kill9(grandchild);
    Await.until("the standby took over once the grandchild is gone", () -> replaced(second));
  }

  private boolean replaced(long old) {
    long p = PidFilesOf.running(dir.resolve("run/main-1.pid"));
    return p != 0 && p != old;
  }

  @Test
  void theLockIsHandedToTheProgramOnlyWhenAskedFor() throws IOException {
    Path seen = dir.resolve("seen");
    // readlink runs as a child, so the shell holds no pipe of its own on 3 meanwhile
    String report = "echo ${HADC_lock_fd:-none} > " + seen + ".new\nreadlink /proc/$$/fd/3 >> " + seen + ".new\nmv " + seen + ".new " + seen + "\n";
    configure(1, 0, "", report + loop());
    assertEquals(0, hadaemon("start").exit());
    Await.until("the program reported", () -> Files.exists(seen));
    assertEquals("none\n", read(seen), "no HADC_lock_fd and no descriptor 3 by default");
    assertEquals(0, hadaemon("stop").exit());
    Files.delete(seen);
    configure(1, 0, "reset_close_on_exec_main_lock_fd = 1\n", report + loop());
    assertEquals(0, hadaemon("start").exit());
    Await.until("the program reported", () -> Files.exists(seen));
    assertEquals("3\n" + dir.resolve("run/lock/1.lock") + "\n", read(seen));
  }

  @Test
  void restartHandsEachMainToAStandbyAndLeavesAFreshStandby() throws IOException {
    configure(1, 1, "", loop());
    assertEquals(0, hadaemon("start").exit());
    long main = pid("main-1");
    long standby = pid("standby-1");
    Captured restart = hadaemon("restart");
    assertEquals(0, restart.exit(), restart.toString());
    assertEquals(line("stopping standby processes", "[OK]") + line("starting standby processes", "[OK]")
        + line("restarting main processes", "[OK]"), restart.out());
    assertNotEquals(main, pid("main-1"));
    assertNotEquals(standby, pid("standby-1"));
    assertEquals(2, programs().size(), "the old main's program and the new one, no other");
    assertEquals(1, alive(programs()));
  }

  @Test
  void foregroundRunsTheProgramHereAndExitsAsItDoes() throws IOException {
    configure(1, 1, "", "echo in the foreground\nexit 3\n");
    Captured c = hadaemon("foreground");
    assertEquals(new Captured(3, "in the foreground\n", ""), c);
    assertFalse(Files.exists(dir.resolve("run")), "no pid files, no locks");
  }

  // ---------------------------------------------------------------- stopping

  @Test
  void stopFilesStopStandbysAndMainsWithoutASignal() throws IOException {
    Path stops = dir.resolve("stops");
    String program = "while [ ! -e " + stops + "/stop-$$ ]; do sleep 0.02; done\necho \"$$ saw its stop file\"\nexit 0\n";
    configure(1, 1, "main_stop_file = " + stops + "/stop-%p\nstop_file_kill_timeout = 10\nkill_timeout = 0.2\n", program);
    assertEquals(0, hadaemon("start").exit());
    long main = pid("main-1");
    Captured stop = hadaemon("stop");
    assertEquals(0, stop.exit(), stop.toString());
    assertTrue(read(dir.resolve("log")).contains(main + " saw its stop file"), read(dir.resolve("log")));
    Await.until("the keeper logs an exit without a signal", () -> read(dir.resolve("log")).contains("(pid " + main + ") exited 0"));
    assertFalse(Files.exists(stops.resolve("stop-" + main)), "the stop file is removed");
    assertTrue(Files.exists(dir.resolve("run/standby-stop-file")), "left for cron's fork");
    assertEquals(1, hadaemon("fork").exit(), "fork refuses while the standby stop file is there");
    assertEquals(3, hadaemon("status").exit());
    assertEquals(0, hadaemon("start").exit(), "start removes it");
    assertFalse(Files.exists(dir.resolve("run/standby-stop-file")));
  }

  @Test
  void aProgramThatIgnoresTermGetsTermTermThenInt() throws IOException {
    Path got = dir.resolve("got");
    String program = "trap 'echo TERM >> " + got + "' TERM\n" + "while :; do sleep 0.02; done\n";
    configure(1, 0, "kill_timeout = 0.3\n", program);
    assertEquals(0, hadaemon("start").exit());
    long main = pid("main-1");
    long since = System.nanoTime();
    Captured stop = hadaemon("stop");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    assertEquals(0, stop.exit(), stop.toString());
    assertEquals("TERM\nTERM\n", read(got));
    Await.until("the keeper logs INT, the third, as the end of it", () -> read(dir.resolve("log")).contains("(pid " + main + ") killed by signal 2"));
    assertTrue(millis >= 600, "two TERMs, kill_timeout 0.3 s after each: " + millis + " ms");
  }

  // ---------------------------------------------------------------- status and LSB codes

  @Test
  void statusSaysRunningStoppedOrStaleWithLsbCodes() throws IOException {
    configure(1, 1, "", loop());
    Captured stopped = hadaemon("status");
    assertEquals(3, stopped.exit(), "LSB: not running");
    assertEquals(line("main #1 status", "[Not Running]") + line("standby #1 status", "[Not Running]"), stopped.out());
    assertEquals(0, hadaemon("start").exit());
    Captured running = hadaemon("status");
    assertEquals(new Captured(0, line("main #1 status", "[Running]") + line("standby #1 status", "[Running]"), ""), running);
    assertEquals(0, hadaemon("stop").exit());
    // a pid file left behind by a main that died without its keeper (both killed)
    Process gone = new ProcessBuilder("true").start();
    Processes.awaitExit(gone, Duration.ofSeconds(10));
    Files.writeString(dir.resolve("run/main-1.pid"), Long.toString(gone.pid()));
    Captured stale = hadaemon("status");
    assertEquals(1, stale.exit(), "LSB: dead and pid file exists");
    assertTrue(stale.out().startsWith(line("main #1 status", "[Not Running]")));
  }

  @Test
  void badInputIsOneLineAndAnLsbCode() throws IOException {
    configure(1, 1, "", loop());
    assertEquals(new Captured(2, "", "hadaemon: fatal: unknown action bounce; usage: hadaemon config "
        + "start|stop|restart|hard_restart|reload|status|fork|foreground|get_init_file\n"), hadaemon("bounce"));
    assertEquals(new Captured(2, "", "hadaemon: fatal: usage: hadaemon config "
        + "start|stop|restart|hard_restart|reload|status|fork|foreground|get_init_file\n"), run(HADAEMON));
    Captured missing = run(HADAEMON, dir.resolve("nowhere.conf").toString(), "status");
    assertEquals(new Captured(6, "", "hadaemon: fatal: unable to read " + dir.resolve("nowhere.conf") + ": file does not exist\n"), missing);
    Files.writeString(config, read(config) + "colour = green\n");
    Captured unknown = hadaemon("start");
    assertEquals(6, unknown.exit());
    assertTrue(unknown.err().matches("hadaemon: fatal: \\S+ line \\d+: unknown option colour\n"), unknown.err());
  }

  @Test
  void reloadSendsHupToEveryMain() throws IOException {
    Path got = dir.resolve("got");
    configure(2, 0, "", "trap 'echo HUP $$ >> " + got + "' HUP\nwhile :; do sleep 0.02; done\n");
    assertEquals(7, hadaemon("reload").exit(), "LSB: not running");
    assertEquals(0, hadaemon("start").exit());
    assertEquals(0, hadaemon("reload").exit());
    Set<String> expected = Set.of("HUP " + pid("main-1"), "HUP " + pid("main-2"));
    Await.until("both mains got HUP", () -> Files.exists(got) && Set.copyOf(read(got).lines().toList()).equals(expected));
  }

  // ---------------------------------------------------------------- user, group, umask

  /** Writes who it runs as, one item a line, to ids/report: uid, gid, groups, umask, USER HOME, pid. */
  private String reportIds() throws IOException {
    Path ids = Files.createDirectories(dir.resolve("ids"));
    Files.setPosixFilePermissions(ids, PosixFilePermissions.fromString("rwxrwxrwx"));
    return "{ id -u; id -g; id -G; umask; echo \"$USER $HOME\"; echo $$; } > " + ids + "/report.new && mv "
        + ids + "/report.new " + ids + "/report\n";
  }

  /** The test's directory and program readable and runnable by nobody. */
  private void openToOthers() throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir.resolve("program"), PosixFilePermissions.fromString("rwxr-xr-x"));
    // pids.log is the program's; the test reads it to know what to stop
    Files.writeString(dir.resolve("pids.log"), "");
    Files.setPosixFilePermissions(dir.resolve("pids.log"), PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  private void assumeRootAndNobody() throws IOException {
    Assumptions.assumeTrue(Processes.run(dir, List.of("id", "-u")).out().equals("0\n"), "needs root: only root changes the program's user");
    Assumptions.assumeTrue(Processes.run(dir, List.of("id", "-u", "nobody")).out().equals("65534\n")
        && Processes.run(dir, List.of("getent", "group", "nogroup")).out().startsWith("nogroup:x:65534:"),
        "needs Debian's nobody and nogroup (65534)");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv")),
        "peer missing: setpriv (Debian package util-linux)");
  }

  private String report() {
    return read(dir.resolve("ids/report"));
  }

  @Test
  void theProgramRunsAsTheUserWithTheUmaskAndTheKeeperStaysRoot() throws IOException {
    assumeRootAndNobody();
    configure(1, 1, "user = nobody\numask = 027\n", reportIds() + loop());
    openToOthers();
    assertEquals(0, hadaemon("start").exit());
    long first = pid("main-1");
    Await.until("the program reported", () -> report().endsWith(first + "\n"));
    assertEquals("65534\n65534\n65534\n0027\nnobody /nonexistent\n" + first + "\n", report(),
        "nobody, its group and only its group (initgroups), the umask, USER and HOME");
    assertEquals(0, Files.getAttribute(dir.resolve("run/main-1.pid"), "unix:uid"), "the keeper writes the pid files as root");
    // a promoted standby's program is started the same way
    kill9(first);
    long second = Await.value("a standby promoted", () -> PidFilesOf.running(dir.resolve("run/main-1.pid")), p -> p != 0 && p != first);
    Await.until("the new program reported", () -> report().endsWith("\n" + second + "\n"));
    assertEquals("65534\n65534\n65534\n0027\nnobody /nonexistent\n" + second + "\n", report());
    assertEquals(0, hadaemon("stop").exit());
  }

  @Test
  void aGroupAloneChangesTheGroupOnly() throws IOException {
    assumeRootAndNobody();
    configure(1, 0, "group = nogroup\n", reportIds());
    openToOthers();
    assertEquals(0, hadaemon("foreground").exit());
    assertTrue(report().startsWith("0\n65534\n"), report());
  }

  @Test
  void withoutUserGroupOrUmaskNothingChanges() throws IOException {
    configure(1, 0, "", reportIds());
    assertEquals(0, hadaemon("foreground").exit());
    String ours = Processes.run(dir, List.of("/bin/sh", "-c", "id -u; id -g; id -G; umask")).out();
    assertTrue(report().startsWith(ours), "as hadaemon itself: " + ours + " but " + report());
  }

  @Test
  void anUnknownUserIsOneLineAndNotConfigured() throws IOException {
    configure(1, 1, "user = no-such-user-here\n", loop());
    assertEquals(new Captured(6, "", "hadaemon: fatal: user: no such user: no-such-user-here\n"), hadaemon("start"));
    assertFalse(Files.exists(dir.resolve("run")), "nothing started");
  }

  @Test
  void aHadaemonThatIsNotRootCannotSwitchUser() throws IOException {
    assumeRootAndNobody();
    configure(1, 1, "user = root\n", loop());
    openToOthers();
    String setpriv = Files.isExecutable(Path.of("/usr/bin/setpriv")) ? "/usr/bin/setpriv" : "/bin/setpriv";
    List<String> asNobody = List.of(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", HADAEMON, config.toString());
    Captured start = run(concat(asNobody, "start"));
    assertEquals(new Captured(6, "", "hadaemon: fatal: user: hadaemon runs as uid 65534, not root: it cannot start the program as uid 0 gid 0\n"), start);
    assertEquals(3, run(concat(asNobody, "status")).exit(), "status is for anyone");
  }

  private static String[] concat(List<String> command, String last) {
    List<String> all = new ArrayList<>(command);
    all.add(last);
    return all.toArray(String[]::new);
  }

  // ---------------------------------------------------------------- the init file

  @Test
  void getInitFileIsAValidLsbScriptThatRunsHadaemon() throws IOException {
    configure(1, 1, "lsb_start = $remote_fs $syslog\nlsb_stop = $remote_fs\nlsb_sdesc = the test daemon\n"
        + "lsb_desc = it's a test\ninit_config = /etc/default/hd test\ninit_code = PATH=/usr/bin:/bin\ninit_code = export PATH\n", loop());
    Captured c = hadaemon("get_init_file");
    assertEquals(0, c.exit(), c.toString());
    Path script = dir.resolve("init");
    Files.writeString(script, c.out());
    assertEquals(new Captured(0, "", ""), Processes.run(dir, List.of("/bin/sh", "-n", script.toString())));
    String text = c.out();
    assertTrue(text.startsWith("#!/bin/sh\n"));
    int begin = text.indexOf("\n### BEGIN INIT INFO\n");
    int end = text.indexOf("\n### END INIT INFO\n");
    assertTrue(begin > 0 && end > begin, "one LSB comment block");
    List<String> keys = new ArrayList<>();
    for (String l : text.substring(begin + 1, end).lines().skip(1).toList()) {
      Matcher m = Pattern.compile("^# ([A-Za-z-]+): +(.*)$").matcher(l);
      assertTrue(m.matches(), "an LSB header line: " + l);
      keys.add(m.group(1));
    }
    assertEquals(List.of("Provides", "Required-Start", "Required-Stop", "Default-Start", "Default-Stop",
        "Short-Description", "Description"), keys);
    assertTrue(text.contains("\n# Provides:          test\n"));
    assertTrue(text.contains("\n# Required-Start:    $remote_fs $syslog\n"));
    assertTrue(text.contains("\n# Default-Start:     2 3 4 5\n# Default-Stop:      0 1 6\n"));
    Captured status = Processes.run(dir, List.of("/bin/sh", script.toString(), "status"));
    assertEquals(3, status.exit(), "the script runs hadaemon CONFIG status: " + status);
  }

  /** Debian's own reader of LSB headers, when installed: insserv's dry run accepts the script. */
  @Test
  void insservAcceptsTheInitFile() throws IOException {
    configure(1, 1, "lsb_start = $remote_fs $syslog\nlsb_stop = $remote_fs\nlsb_sdesc = the test daemon\n", loop());
    Path initd = Files.createDirectories(dir.resolve("init.d"));
    Files.writeString(initd.resolve("test"), hadaemon("get_init_file").out());
    Path insserv = Path.of("/usr/lib/insserv/insserv");
    if (!Files.isExecutable(insserv)) {
      insserv = Path.of("/sbin/insserv");
    }
    Assumptions.assumeTrue(Files.isExecutable(insserv), "peer missing: insserv (Debian package insserv); the header is still checked by getInitFileIsAValidLsbScriptThatRunsHadaemon");
    Captured c = Processes.run(dir, List.of(insserv.toString(), "-n", "-p", initd.toString(), "test"));
    assertEquals(0, c.exit(), c.toString());
    assertFalse(c.err().contains("missing LSB"), c.err());
  }

  // ---------------------------------------------------------------- helpers

  /** A sh loop that stays until killed, answering signals at once. */
  private static String loop() {
    return "while :; do sleep 0.05; done\n";
  }

  private void configure(int mains, int standbys, String more, String body) throws IOException {
    Path program = dir.resolve("program");
    Files.writeString(program, "#!/bin/sh\necho $$ >> " + dir.resolve("pids.log") + "\n" + body);
    program.toFile().setExecutable(true);
    config = dir.resolve("test.conf");
    Files.writeString(config, "name = test\nprogram = " + program + "\npid_dir = " + dir.resolve("run")
        + "\nlog_file = " + dir.resolve("log") + "\nmax_procs = " + mains + "\nstandby_max_procs = " + standbys
        + "\n" + more);
  }

  private Captured hadaemon(String action) throws IOException {
    return run(HADAEMON, config.toString(), action);
  }

  private Captured run(String... command) throws IOException {
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectInput(new File("/dev/null")).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("HADC_NO_COLORS");
    Process p = pb.start();
    Processes.awaitExit(p, Duration.ofSeconds(60));
    return new Captured(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String line(String what, String message) {
    return String.format("%-40s: %-40s %40s%n", "test", what, message);
  }

  private long pid(String role) {
    long pid = PidFilesOf.running(dir.resolve("run/" + role + ".pid"));
    assertNotEquals(0, pid, role + " runs");
    return pid;
  }

  private int standbysRunning(int slots) {
    int n = 0;
    for (int i = 1; i <= slots; i++) {
      n += PidFilesOf.running(dir.resolve("run/standby-" + i + ".pid")) != 0 ? 1 : 0;
    }
    return n;
  }

  private List<Long> programs() {
    try {
      return Files.readAllLines(dir.resolve("pids.log")).stream().map(String::strip).map(Long::valueOf).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static int alive(List<Long> pids) {
    return (int) pids.stream().filter(Processes::alive).count();
  }

  private static void kill9(long pid) {
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false), "pid " + pid + " killed");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Pid files as hadaemon reads them: the pid, if that process is alive. */
  static final class PidFilesOf {
    static long running(Path file) {
      try {
        long pid = Long.parseLong(Files.readString(file).strip());
        return Processes.alive(pid) ? pid : 0;
      } catch (IOException | NumberFormatException e) {
        return 0;
      }
    }
  }
}
