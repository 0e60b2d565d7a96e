package dev.vigil.svscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.fixtures.Services;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * svscan with real directories and processes: which entries are services (spec §8), entries
 * that come and go, log pairs and their pipe, a peer supervisor on an entry, and the shutdown.
 */
class SvscanTest extends ServiceTest {
  private final List<SvscanProcess> started = new ArrayList<>();
  private Path scan;

  @BeforeEach
  void scanDirectory() throws IOException {
    scan = Files.createDirectory(root.resolve("service"));
  }

  @AfterEach
  void stopSvscans() {
    for (SvscanProcess s : started) {
      if (s.process().isAlive()) {
        s.terminate();
      }
    }
  }

  private SvscanProcess svscan() throws IOException {
    SvscanProcess s = SvscanProcess.start(processes, root, "service", services.pidLog());
    started.add(s);
    return s;
  }

  /** A service directory at {@code dir} whose run logs its pid, then runs {@code body} (sh). */
  private Path service(Path dir, String body) throws IOException {
    Files.createDirectories(dir);
    Services.script(dir.resolve("run"), "echo $$ >> " + services.pidLog() + "\n" + body + "\n");
    return dir;
  }

  private Path sleeper(String name) throws IOException {
    return service(scan.resolve(name), "exec sleep 100000");
  }

  @Test
  void everyDirectoryButDotEntriesIsAServiceAndASymlinkedOneIsOneService() throws IOException {
    sleeper("a");
    sleeper(".hidden");
    Path real = service(root.resolve("real"), "exec sleep 100000");
    Files.createSymbolicLink(scan.resolve("link"), Path.of("../real"));
    Files.createSymbolicLink(scan.resolve("link2"), Path.of("../real"));
    Files.createSymbolicLink(scan.resolve("dangling"), Path.of("../nowhere"));
    Files.writeString(scan.resolve("afile"), "not a service\n");
    SvscanProcess s = svscan();

    long a = s.awaitChild("a");
    long linked = s.awaitChild("link");
    assertEquals(linked, s.awaitChild("link2"), "one service for both names");
    Await.until("the warning for the dangling symlink",
        () -> s.errLines("svscan: ").contains("svscan: warning: unable to stat dangling: file does not exist"));
    assertEquals(List.of(linked), Proc.runningUnder(real.toRealPath()), "one child in the linked directory");
    assertEquals(real.toRealPath(), Proc.cwd(linked));
    assertEquals(scan.resolve("a").toRealPath(), Proc.cwd(a));
    assertFalse(Files.exists(scan.resolve(".hidden/supervise")), "dot entries are not services");
    assertEquals(List.of(scan.resolve("afile")), filesNamed(scan, "afile"));
    assertEquals(List.of("svscan: warning: unable to stat dangling: file does not exist"),
        distinct(s.errLines("svscan: ")));
  }

  @Test
  void anEntryThatAppearsIsStartedAtOnce() throws IOException {
    SvscanProcess s = svscan();
    Await.until("svscan to have started", () -> s.process().isAlive() && openFds(s.pid()) > 4);
    Path ready = service(root.resolve("staging/new"), "exec sleep 100000");
    long moved = System.nanoTime();
    Files.move(ready, scan.resolve("new"));
    long child = s.awaitChild("new");
    long millis = (System.nanoTime() - moved) / 1_000_000;
    // well under the 5 s of a rescan (which, with nothing to retry, is not even armed): inotify
    // saw it; bench/svscan.sh measures how soon (tens of milliseconds)
    assertTrue(millis < 4000, "started " + millis + " ms after it appeared (daemontools: up to 5 s)");
    assertEquals(scan.resolve("new").toRealPath(), Proc.cwd(child));
  }

  @Test
  void aLogPairSharesOnePipeThatOutlivesTheMainsRestart() throws IOException {
    Path b = service(scan.resolve("b"), "i=0\nwhile :; do i=$((i+1)); echo $i; sleep 0.01; done");
    service(b.resolve("log"), "exec cat >> out");
    SvscanProcess s = svscan();
    long main = s.awaitChild("b");
    long logger = s.awaitChild("b/log");
    Path out = b.resolve("log/out");
    Await.until("lines to reach the logger", () -> TextFiles.lines(out).size() >= 5);
    Path pipe = link(main, 1);
    assertTrue(pipe.toString().startsWith("pipe:"), "main's stdout is a pipe: " + pipe);
    assertEquals(pipe, link(logger, 0), "the logger reads that pipe");

    ProcessHandle.of(main).ifPresent(ProcessHandle::destroyForcibly);
    long again = s.awaitChildOtherThan("b", main);
    assertEquals(pipe, link(again, 1), "the restarted main writes into the same pipe");
    int before = TextFiles.lines(out).size();
    Await.until("the new main's lines to reach the logger", () -> TextFiles.lines(out).size() > before + 3);
    assertEquals(logger, s.status("b/log").pid(), "the logger ran on");
  }

  @Test
  void anEntryThatLeftRunsUntilSvcDxAndIsThenDroppedWhileOneStillThereIsStartedAgain() throws IOException {
    sleeper("gone");
    sleeper("stays");
    SvscanProcess s = svscan();
    long gone = s.awaitChild("gone");
    long stays = s.awaitChild("stays");
    Path moved = Files.move(scan.resolve("gone"), root.resolve("gone"));
    assertTrue(Processes.alive(gone), "an entry that left keeps running");

    dev.vigil.common.ServiceDir outside = dev.vigil.common.ServiceDir.of(moved);
    assertTrue(outside.send("dx".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    Await.until("the service that left to go down and out", () -> !Processes.alive(gone) && !supervised(outside));
    s.send("stays", "dx");
    long again = s.awaitChildOtherThan("stays", stays);
    assertTrue(!Processes.alive(stays));
    assertEquals(Want.UP, s.status("stays").want(), "started again as a new supervise would: no down file");
    Await.holds("the service that left to stay down", () -> !supervised(outside) && Proc.runningUnder(moved).isEmpty(),
        Duration.ofMillis(1500));
    assertTrue(Processes.alive(again));
  }

  @Test
  void aPeerSupervisorOnAnEntryKeepsSvscanOutUntilItExitsAndIsKeptOutItself() throws IOException {
    String supervise = Peers.require("supervise");
    String svc = Peers.require("svc");
    sleeper("a");
    sleeper("b");
    Process peer = processes.start(scan, root.resolve("peer.out"), root.resolve("peer.err"), List.of(supervise, "a"));
    Await.until("daemontools' supervise to run a", () -> TextFiles.lines(services.pidLog()).size() == 1);
    SvscanProcess s = svscan();
    s.awaitChild("b");
    Await.until("svscan's warning", () -> s.errLines("svscan: ")
        .contains("svscan: warning: unable to acquire a/supervise/lock: temporary failure"));

    Captured theirs = Processes.run(scan, List.of(supervise, "b"));
    assertEquals(new Captured(111, "", "supervise: fatal: unable to acquire b/supervise/lock: temporary failure\n"),
        theirs);

    Processes.run(scan, List.of(svc, "-dx", "a"));
    assertEquals(0, Processes.awaitExit(peer, Await.DEFAULT));
    long ours = s.awaitChild("a");
    assertEquals(scan.resolve("a").toRealPath(), Proc.cwd(ours));
  }

  @Test
  void theCToolsWorkOnEveryServiceOfAnSvscan() throws IOException {
    String svstat = Peers.require("svstat");
    String svc = Peers.require("svc");
    String svok = Peers.require("svok");
    String sv = Peers.require("sv");
    sleeper("a");
    SvscanProcess s = svscan();
    long first = s.awaitChild("a");
    assertEquals(0, Processes.run(scan, List.of(svok, "a")).exit());
    assertTrue(Processes.run(scan, List.of(svstat, "a")).out().matches("a: up \\(pid " + first + "\\) \\d+ seconds\\n"));
    assertTrue(Processes.run(root, List.of(sv, "status", "./service/a")).out()
        .matches("run: \\./service/a: \\(pid " + first + "\\) \\d+s\\n"));
    assertEquals(0, Processes.run(scan, List.of(svc, "-t", "a")).exit());
    long second = s.awaitChildOtherThan("a", first);
    Processes.run(scan, List.of(svc, "-d", "a"));
    Status down = Await.value("svc -d to take it down", () -> s.status("a"), st -> st != null && st.pid() == 0);
    assertEquals(Want.DOWN, down.want());
    assertFalse(Processes.alive(second));
    Processes.run(root, List.of(sv, "up", "./service/a"));
    s.awaitChildOtherThan("a", second);
  }

  @Test
  void termTakesEveryServiceDownAndLetsLoggersDrainTheirPipe() throws IOException {
    sleeper("a");
    Path b = service(scan.resolve("b"), "i=0\ntrap 'echo $i > ../written; exit 0' TERM\n"
        + "while :; do i=$((i+1)); echo $i; done");
    service(b.resolve("log"), "exec cat >> out");
    Files.createFile(sleeper("idle").resolve("down"));
    SvscanProcess s = svscan();
    s.awaitChild("a");
    s.awaitChild("b");
    s.awaitChild("b/log");
    Path out = b.resolve("log/out");
    Await.until("lines to flow", () -> TextFiles.lines(out).size() > 1000);

    assertEquals(0, s.terminate());
    List<String> got = TextFiles.lines(out);
    // the trap may come between the count's increment and its echo: that last line was never written
    int counted = Integer.parseInt(Files.readString(scan.resolve("written")).trim());
    assertTrue(got.size() == counted || got.size() == counted - 1,
        "every line the main wrote reached the log: " + got.size() + " of " + counted);
    for (int i = 0; i < got.size(); i++) {
      assertEquals(Integer.toString(i + 1), got.get(i), "line " + (i + 1));
    }
    for (String name : List.of("a", "b", "b/log", "idle")) {
      Status st = s.status(name);
      assertNotNull(st, name);
      assertEquals(0, st.pid(), name + " is down");
      assertEquals(Want.DOWN, st.want(), name + " wants down");
    }
    assertTrue(Proc.runningUnder(scan.toRealPath()).isEmpty(), "nothing left running");
  }

  /**
   * A TERM in the middle of a mass start: the starts still waiting for their turn are taken
   * back, not made and then stopped (198 of 200 were, before).
   */
  @Test
  void termDuringAMassStartStartsNothingMore() throws IOException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      names.add(String.format("s%03d", i));
      sleeper(names.get(i));
    }
    SvscanProcess s = svscan();
    Await.until("a first service to start", () -> startedCount(s, names) > 0);
    int before = startedCount(s, names);
    assertEquals(0, s.terminate());
    int after = startedCount(s, names);
    assertTrue(before < 100, "the TERM came early in the mass start: " + before + " started");
    // the round under way when the TERM came, and the one in which it was read: 4 spawns each
    assertTrue(after - before <= 2 * 4, "started after the TERM: " + (after - before));
    assertTrue(Proc.runningUnder(scan.toRealPath()).isEmpty(), "nothing left running");
  }

  /** How many of the services have started a child, as their status files count. */
  private static int startedCount(SvscanProcess s, List<String> names) {
    int n = 0;
    for (String name : names) {
      Status st = s.status(name);
      if (st != null && st.extension().map(x -> x.starts() > 0).orElse(false)) {
        n++;
      }
    }
    return n;
  }

  /** The lifecycle files work under svscan as under supervise: one Service class serves both. */
  @Test
  void finishBackoffAndTheStopScheduleHoldUnderSvscan() throws IOException {
    Path crash = service(scan.resolve("crash"), "exit 3");
    Services.script(crash.resolve("finish"), "echo \"$1 $2\" >> ../finished\n");
    Files.writeString(crash.resolve("backoff-max"), "2000\n");
    Path stubborn = service(scan.resolve("stubborn"), "trap '' TERM\nexec sleep 100000");
    Files.writeString(stubborn.resolve("stop-schedule"), "TERM/1/KILL\n");
    SvscanProcess s = svscan();
    long child = s.awaitChild("stubborn");
    // after its finish, crash waits out its backoff down (during finish no start is owed yet)
    Status backedOff = Await.value("two quick deaths of crash", () -> s.status("crash"), st -> st != null
        && st.extension().flatMap(x -> x.progress())
            .map(p -> p.fastDeaths() >= 2 && p.stage() == dev.vigil.common.Stage.DOWN).orElse(false));
    assertTrue(backedOff.extension().get().progress().get().nextStart().isPresent(), "a next start is due");
    assertEquals("3 0", TextFiles.lines(scan.resolve("finished")).get(0), "finish ran with runit's arguments");

    long sent = System.nanoTime();
    assertEquals(0, s.terminate());
    long ms = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(ms >= 900 && ms < 1800, "TERM, 1 s, KILL (the schedule, not the 2 s default): " + ms + " ms");
    assertFalse(Processes.alive(child));
  }

  /** svscan killed and started again: every service's orphan is adopted, none runs twice. */
  @Test
  void aNewSvscanAdoptsTheOrphansOfAKilledOne() throws IOException {
    List<Long> children = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      sleeper("s" + i);
    }
    SvscanProcess first = svscan();
    for (int i = 1; i <= 5; i++) {
      children.add(first.awaitChild("s" + i));
    }
    first.process().destroyForcibly();
    Processes.awaitExit(first.process(), Await.DEFAULT);

    SvscanProcess second = svscan();
    for (int i = 1; i <= 5; i++) {
      String name = "s" + i;
      Status st = Await.value(name + " adopted", () -> second.status(name),
          x -> x != null && x.extension().orElseThrow().supervisorPid() == second.pid());
      assertEquals((long) children.get(i - 1), st.pid(), name);
    }
    assertEquals(5, TextFiles.lines(services.pidLog()).size(), "no second copy of any service");
  }

  /**
   * A service that daemonizes, among others, is followed through its pid file under svscan too
   * (all services' leftovers are svscan's children there): never restarted while its daemon
   * runs, and svc -d stops the daemon.
   */
  @Test
  void aDaemonizingServiceIsFollowedThroughItsPidFile() throws IOException {
    sleeper("other");
    Path dir = service(scan.resolve("forking"), String.join("\n",
        "setsid sh -c 'echo $$ >> " + services.pidLog() + "; sleep 0.1; echo $$ > daemon.pid; exec sleep 100000' &",
        "exit 0"));
    Files.writeString(dir.resolve("pidfile"), "daemon.pid\n");
    SvscanProcess svscan = svscan();
    svscan.awaitChild("other");
    long daemon = Await.value("the status to name the daemon", () -> {
      Status st = svscan.status("forking");
      long named = TextFiles.pid(dir.resolve("daemon.pid"));
      return st != null && named != 0 && st.pid() == named ? named : 0L;
    }, p -> p != 0);
    assertEquals(1, svscan.status("forking").extension().orElseThrow().starts(), "followed, not restarted");
    svscan.send("forking", "d");
    Await.until("the daemon stopped by svc -d", () -> !Proc.exists(daemon));
    Await.until("the record to say down", () -> svscan.status("forking").pid() == 0);
  }


  /** The adopted logger goes on reading what the restarted main writes: the pair's pipe is found again. */
  @Test
  void aNewSvscanFindsTheLogPipeOfAnAdoptedPairAgain() throws IOException {
    Path main = service(scan.resolve("app"), "echo \"started $$\"\nexec sleep 100000");
    service(main.resolve("log"), "exec cat > ../logged");
    SvscanProcess first = svscan();
    long child = first.awaitChild("app");
    long logger = first.awaitChild("app/log");
    Await.until("the first line logged", () -> lines(main.resolve("logged")).contains("started " + child));
    first.process().destroyForcibly();
    Processes.awaitExit(first.process(), Await.DEFAULT);

    SvscanProcess second = svscan();
    Await.until("both adopted", () -> {
      Status m = second.status("app");
      Status l = second.status("app/log");
      return m != null && l != null && m.extension().orElseThrow().supervisorPid() == second.pid()
          && l.extension().orElseThrow().supervisorPid() == second.pid();
    });
    assertEquals(logger, second.status("app/log").pid());
    second.send("app", "k");
    long restarted = second.awaitChildOtherThan("app", child);
    Await.until("the restarted main's line in the adopted logger's file",
        () -> lines(main.resolve("logged")).contains("started " + restarted));
    assertEquals(logger, second.status("app/log").pid(), "the same logger all along");
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Readiness is the service's, in svscan's one JVM as in supervise (doc/service-dir.md). */
  @Test
  void eachServiceOfAnSvscanSaysWhenItIsReadyByItsOwnProtocol() throws IOException {
    Path notified = service(scan.resolve("notified"), "read go < go\necho >&3\nexec sleep 100000");
    Processes.run(notified, List.of("mkfifo", "go"));
    Files.writeString(notified.resolve("notification-fd"), "3\n");
    Path checked = sleeper("checked");
    Services.script(checked.resolve("check"), "test -e healthy\n");
    Path plain = sleeper("plain");
    SvscanProcess s = svscan();
    s.awaitChild("notified");
    s.awaitChild("checked");
    s.awaitChild("plain");
    assertTrue(ready(s.status("plain")), "no protocol: ready when up");
    assertFalse(ready(s.status("notified")));
    assertFalse(ready(s.status("checked")));

    Files.createFile(checked.resolve("healthy"));
    Await.until("checked ready", () -> ready(s.status("checked")));
    assertFalse(ready(s.status("notified")), "one service's readiness is its own");
    assertEquals(0, Processes.run(notified, List.of("timeout", "10", "sh", "-c", "echo go > go")).exit());
    Await.until("notified ready", () -> ready(s.status("notified")));
  }

  private static boolean ready(Status st) {
    return st != null && st.isUp()
        && st.extension().flatMap(x -> x.readiness()).flatMap(r -> r.since()).isPresent();
  }

  @Test
  void aLogThatIsAFileIsWarnedAboutAndRetried() throws IOException {
    Path c = sleeper("c");
    Services.script(c.resolve("log"), "exec cat\n");
    SvscanProcess s = svscan();
    s.awaitChild("c");
    Await.until("the warning", () -> s.errLines("svscan: ")
        .contains("svscan: warning: unable to chdir to c/log: not a directory"));
  }

  @Test
  void entriesBeyondTheDescriptorsLeftWaitWithOneWarningWhileTheOthersRunOn() throws IOException {
    for (int i = 1; i <= 40; i++) {
      sleeper("s" + i);
    }
    // a hard limit svscan cannot raise: some services fit, the rest are refused and retried
    SvscanProcess s = SvscanProcess.start(processes, root, "service", services.pidLog(), "ulimit -n 200 && ");
    started.add(s);
    Await.until("every entry to be up or refused", () -> {
      for (int i = 1; i <= 40; i++) {
        Status st = s.status("s" + i);
        if ((st == null || st.pid() == 0) && !s.errLines("svscan: ").contains(refusal(i))) {
          return false;
        }
      }
      return true;
    });
    List<String> refused = s.errLines("svscan: ");
    int up = 0;
    String running = null;
    for (int i = 1; i <= 40; i++) {
      Status st = s.status("s" + i);
      if (st != null && st.pid() != 0) {
        up++;
        running = "s" + i;
        assertFalse(refused.contains(refusal(i)));
      }
    }
    assertTrue(up >= 5 && up < 40, up + " of 40 up");
    assertEquals(refused.size(), new java.util.HashSet<>(refused).size(), "one warning per entry");
    long child = s.awaitChild(running);
    s.send(running, "t");
    s.awaitChildOtherThan(running, child);
    Await.holds("no warning about the services that run", () -> s.errLines("svscan: ").equals(refused),
        Duration.ofMillis(5500));
  }

  private static String refusal(int i) {
    return "svscan: warning: unable to start s" + i + ": process cannot open more files";
  }

  @Test
  void aScanDirectoryThatCannotBeOpenedIsFatal() throws IOException {
    Captured c = Processes.run(root, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), SvscanProcess.MAIN,
        "missing", "ignored"));
    assertEquals(new Captured(111, "", "svscan: fatal: unable to chdir to missing: file does not exist\n"), c);
  }

  private boolean supervised(dev.vigil.common.ServiceDir dir) {
    try {
      return dir.isSupervised();
    } catch (dev.vigil.common.ServiceIOException e) {
      return false;
    }
  }

  private static List<String> distinct(List<String> lines) {
    return new ArrayList<>(new java.util.LinkedHashSet<>(lines));
  }

  private static List<Path> filesNamed(Path dir, String name) throws IOException {
    List<Path> found = new ArrayList<>();
    try (var entries = Files.newDirectoryStream(dir, name + "*")) {
      entries.forEach(found::add);
    }
    return found;
  }

  private static int openFds(long pid) {
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static Path link(long pid, int fd) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd));
  }
}
