package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Services;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A ./run that daemonizes (its parent exits 0 while the daemon runs on, as the seed's transmit
 * and memcached -d do) is followed, not restarted in a loop: the process its pidfile names
 * (systemd's PIDFile=), or without one the only process it left (systemd's GuessMainPID), is the
 * service from then on. Each daemon logs its pid in the pid log, so the clean-up finds it.
 */
class SuperviseDaemonizeTest extends LiveTest {

  /**
   * The classic double fork, the daemon in a session of its own, writing its pid file after its
   * parent exited (as memcached -d does): supervise waits for the file, follows that pid as up,
   * sends the commands to it, learns its real exit status (it is supervise's child, reparented
   * to the subreaper) and only then starts ./run again.
   */
  @Test
  void theProcessThePidfileNamesIsFollowedAndRestartedOnlyWhenItDies() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Files.writeString(dir.resolve("pidfile"), "daemon.pid\n");
    Services.script(dir.resolve("run"), daemonizing(dir, "echo $$ > daemon.pid; "));
    SuperviseProcess s = supervise("svc");

    long daemon = awaitFollowed(s, dir);
    assertEquals(s.pid(), Proc.parent(daemon), "the daemon is supervise's child, reparented to the subreaper");
    Status up = s.status();
    assertEquals(1, up.extension().orElseThrow().starts(), "followed, not started again");

    s.send("t");
    long next = Await.value("the next daemon", () -> daemonPid(dir), p -> p != 0 && p != daemon
        && s.status().pid() == p);
    assertTrue(SuperviseProcess.gone(daemon), "the TERM reached the daemon, which was reaped");
    Status after = s.status();
    assertEquals(java.util.OptionalInt.of(15), after.extension().orElseThrow().lastExit(),
        "the daemon's own wait status, not ./run's");
    assertEquals(2, after.extension().orElseThrow().starts());
    assertTrue(next > 0);
  }

  /** No pidfile: ./run leaves exactly one process and exits 0; that process is followed, with a warning. */
  @Test
  void theOnlyProcessARunLeavesIsFollowedWithAWarning() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Services.script(dir.resolve("run"), String.join("\n",
        "echo $$ >> " + services.pidLog(),
        "sleep 100000 &",
        "echo $! >> " + services.pidLog(),
        "echo $! > daemon.pid",
        "exit 0", ""));
    SuperviseProcess s = supervise("svc");

    long daemon = awaitFollowed(s, dir);
    Await.until("a warning naming the guess", () -> s.err().contains("left one process behind, pid " + daemon));
    assertEquals(1, s.status().extension().orElseThrow().starts());

    s.send("d");
    s.awaitStatus("down", st -> st.pid() == 0);
    Await.until("the followed process stopped by svc -d", () -> SuperviseProcess.gone(daemon));
  }

  /**
   * ./run exits 0 and leaves several processes, one of them deaf to TERM: none is followed; they
   * are taken down (TERM, then KILL after 2 s) before ./run starts again, never beside it.
   */
  @Test
  void severalProcessesLeftBehindAreStoppedBeforeRunStartsAgain() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    // the final svc -d may catch a ./run between starting a process and logging it: a plan to
    // the group takes such a process down too, where daemontools' TERM to ./run alone would not
    Files.writeString(dir.resolve("stop-schedule"), "TERM/2/KILL\n");
    Services.script(dir.resolve("run"), String.join("\n",
        "echo $$ >> " + services.pidLog(),
        // a new run looks for what an earlier one left: nothing may still run
        "for p in $(cat left.* 2>/dev/null); do kill -0 $p 2>/dev/null && echo $p >> overlap; done",
        "sleep 100000 &",
        "echo $! >> " + services.pidLog(),
        "echo $! > left.$$",
        "sh -c 'trap \"\" TERM; exec sleep 100000' &",
        "echo $! >> " + services.pidLog(),
        "echo $! >> left.$$",
        "exit 0", ""));
    SuperviseProcess s = supervise("svc");
    long firstRun = Await.value("the first run's pid", () -> {
      List<String> lines = TextFiles.lines(services.pidLog());
      return lines.isEmpty() ? 0L : Long.parseLong(lines.get(0).trim());
    }, p -> p != 0);
    Path leftFile = dir.resolve("left." + firstRun);
    List<Long> left = Await.value("the processes the first run left", () -> {
      List<String> lines = Files.exists(leftFile) ? TextFiles.lines(leftFile) : List.of();
      return lines.size() == 2 ? lines.stream().map(l -> Long.parseLong(l.trim())).toList() : null;
    }, l -> l != null);

    Await.until("a warning naming both", () -> s.err().contains("left 2 processes behind"));
    // the second run has logged its first leftover: its look for the first run's is over
    Await.until("./run started again", () -> logged() >= 5);
    assertFalse(Files.exists(dir.resolve("overlap")), "a new ./run started beside what the last one left");
    for (long pid : left) {
      assertTrue(SuperviseProcess.gone(pid), "pid " + pid + " was taken down and reaped");
    }
    assertTrue(s.status().extension().orElseThrow().starts() >= 2);
  }

  /**
   * A pidfile naming a process that is not the service's (a stale file whose pid another
   * program took over: the seed's incident) is never followed nor signalled: supervise warns
   * after its wait and starts ./run again.
   */
  @Test
  void aPidfileNamingSomeoneElsesProcessIsNotFollowed() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Process stranger = processes.start(root, root.resolve("stranger.out"), root.resolve("stranger.err"),
        List.of("sleep", "100000"));
    Files.writeString(dir.resolve("pidfile"), "stale.pid\n");
    Files.writeString(dir.resolve("stale.pid"), stranger.pid() + "\n");
    Services.script(dir.resolve("run"), String.join("\n",
        "echo $$ >> " + services.pidLog(),
        "exit 0", ""));
    SuperviseProcess s = supervise("svc");

    Await.until("the warning that the pidfile named no process of the service",
        () -> s.err().contains("named no process of the service"));
    Await.until("./run started again", () -> logged() >= 2);
    assertTrue(stranger.isAlive(), "the stranger was not signalled");
    assertFalse(s.status().pid() == stranger.pid(), "the stranger never became the service");
  }

  /**
   * A real daemonizing program: memcached -d (fork, the parent exits 0, the child calls setsid)
   * writing its pid file with -P. Followed, TERM by svc -d reaches it, and nothing restarts it.
   */
  @Test
  void memcachedDashDIsFollowedThroughItsPidFile() throws IOException {
    Path memcached = Path.of("/usr/bin/memcached");
    Assumptions.assumeTrue(Files.isExecutable(memcached),
        "memcached is not installed (Debian package memcached; .ci/run installs it)");
    Path dir = Files.createDirectories(root.resolve("svc"));
    Files.writeString(dir.resolve("pidfile"), "memcached.pid\n");
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Services.script(dir.resolve("run"), String.join("\n",
        "echo $$ >> " + services.pidLog(),
        "rm -f memcached.pid",
        // -u root: as nobody it could not write its pid file here
        "memcached -d -u root -U 0 -l 127.0.0.1 -p " + port + " -P \"$PWD/memcached.pid\" || exit 111",
        // logged for the clean-up, once memcached has written it
        "while [ ! -s memcached.pid ]; do sleep 0.01; done",
        "cat memcached.pid >> " + services.pidLog(),
        "exit 0", ""));
    try {
      SuperviseProcess s = supervise("svc");
      long daemon = Await.value("the status to name memcached", () -> {
        long pid = TextFiles.pid(dir.resolve("memcached.pid"));
        return pid != 0 && s.status().pid() == pid && Proc.exists(pid) ? pid : 0L;
      }, p -> p != 0);
      assertEquals(1, s.status().extension().orElseThrow().starts());
      try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
        assertTrue(client.isConnected(), "memcached serves");
      }

      s.send("d");
      s.awaitStatus("down", st -> st.pid() == 0);
      Await.until("memcached stopped by svc -d", () -> SuperviseProcess.gone(daemon));
      assertEquals(1, s.status().extension().orElseThrow().starts(), "never started twice");
    } finally {
      // memcached chdirs to /, out of the clean-up's sight: found by its command line
      killAll(dir.resolve("memcached.pid").toString());
    }
  }

  /** SIGKILLs every process whose command line holds {@code marker}, and waits for each to go. */
  private static void killAll(String marker) throws IOException {
    try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
          if (cmdline.contains(marker)) {
            long pid = Long.parseLong(name);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            Await.until("pid " + pid + " gone", () -> !Proc.exists(pid) || !Processes.alive(pid));
          }
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    }
  }

  /** A run script whose daemon (a double fork, setsid) logs its pid and runs {@code write} first. */
  private String daemonizing(Path dir, String write) {
    return String.join("\n",
        "echo $$ >> " + services.pidLog(),
        "setsid sh -c 'echo $$ >> " + services.pidLog() + "; sleep 0.2; " + write + "exec sleep 100000' &",
        "exit 0", "");
  }

  /** Waits until the status names the daemon that daemon.pid names, alive; returns its pid. */
  private static long awaitFollowed(SuperviseProcess s, Path dir) {
    return Await.value("the status to name the daemon", () -> {
      long pid = daemonPid(dir);
      return pid != 0 && s.status().pid() == pid && Proc.exists(pid) ? pid : 0L;
    }, p -> p != 0);
  }

  private static long daemonPid(Path dir) {
    return TextFiles.pid(dir.resolve("daemon.pid"));
  }

}
