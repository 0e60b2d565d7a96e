package dev.vigil.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DaemonController by start command and pid file, against real daemons: python3's http.server
 * pinged over HTTP, a daemon that dies at start saying why in its log, daemons that never answer
 * or ignore SIGTERM. Every daemon's pid goes into the fixture's pid log: nothing outlives a test.
 */
class DaemonControllerTest extends ServiceTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Daemons daemons;

  @BeforeEach
  void daemons() {
    daemons = new Daemons(root);
  }

  private DaemonController.Builder httpServer(int port) {
    return DaemonController.builder()
        .identifier("http.server on " + port)
        .startCommand(daemons.httpServer(port))
        .ping(() -> Daemons.get(http, port) == 200)
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile);
  }

  /** The daemon has logged "busy": it runs past its {@code trap '' TERM}. */
  private boolean busy() {
    try {
      return Files.readString(daemons.logFile).contains("busy");
    } catch (IOException e) {
      return false;
    }
  }

  private long pidFromFile() throws IOException {
    return Long.parseLong(Files.readString(daemons.pidFile).strip());
  }

  @Test
  void startWaitsUntilThePingAnswersAndStopWaitsUntilGone() throws Exception {
    int port = Daemons.freePort();
    DaemonController c = httpServer(port).build();
    assertFalse(c.running());
    assertEquals(OptionalLong.empty(), c.pid());
    c.start();
    assertEquals(200, Daemons.get(http, port), "start returned: it answers");
    assertTrue(c.running());
    long pid = pidFromFile();
    assertEquals(OptionalLong.of(pid), c.pid());
    assertTrue(Processes.alive(pid));
    assertThrows(AlreadyStarted.class, c::start);
    c.stop();
    assertFalse(Processes.alive(pid), "stop returned: it is gone");
    assertFalse(c.running());
    assertFalse(Files.exists(daemons.pidFile), "a pid file naming no process is deleted");
    assertThrows(ConnectException.class, () -> Daemons.get(http, port));
    c.stop(); // nothing to stop: nothing to do
  }

  @Test
  void connectStartsTheDaemonOnlyWhenItDoesNotAnswer() throws Exception {
    int port = Daemons.freePort();
    AtomicInteger hooks = new AtomicInteger();
    DaemonController c = httpServer(port).beforeStart(hooks::incrementAndGet).build();
    assertEquals(Integer.valueOf(200), c.connect(() -> Daemons.get(http, port)));
    assertEquals(1, hooks.get(), "started once, before_start first");
    long pid = pidFromFile();
    assertEquals(Integer.valueOf(200), c.connect(() -> Daemons.get(http, port)));
    assertEquals(1, hooks.get(), "running: connected without a start");
    assertEquals(pid, pidFromFile());
    c.stop();
    assertFalse(Processes.alive(pid));
  }

  @Test
  void connectToADaemonThatRunsButDoesNotAnswerIsAConnectError() throws Exception {
    int port = Daemons.freePort();
    DaemonController c = httpServer(port).build();
    c.start();
    ConnectError e = assertThrows(ConnectError.class, () -> c.connect(() -> null));
    assertTrue(e.getMessage().contains("Cannot connect to daemon 'http.server on " + port + "'"), e.getMessage());
    int other = Daemons.freePort(); // refused there: "not yet", twice, then the error with its cause
    ConnectError refused = assertThrows(ConnectError.class, () -> c.connect(() -> Daemons.get(http, other)));
    assertTrue(NotYet.means(refused.getCause()), String.valueOf(refused.getCause()));
    IllegalStateException own = assertThrows(IllegalStateException.class, () -> c.connect(() -> {
      throw new IllegalStateException("the block's own failure");
    }));
    assertEquals("the block's own failure", own.getMessage(), "passed through as thrown");
    c.stop();
  }

  @Test
  void aDaemonThatDiesAtStartIsAStartErrorCarryingWhatItLogged() throws Exception {
    Files.writeString(daemons.logFile, "an old line, from before this start\n");
    DaemonController c = DaemonController.builder()
        .identifier("broken")
        .startCommand(daemons.background("echo 'broken: fatal: unable to read config.yml: file does not exist'; exit 1"))
        .ping(() -> false)
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .build();
    StartError e = assertThrows(StartError.class, c::start);
    assertEquals(List.of("broken: fatal: unable to read config.yml: file does not exist"), e.logLines());
    assertTrue(e.getMessage().startsWith("Daemon 'broken' failed to start: exited before it answered\n"), e.getMessage());
    assertTrue(e.getMessage().endsWith("unable to read config.yml: file does not exist"), e.getMessage());
    assertFalse(c.running());
  }

  @Test
  void aStartCommandThatFailsIsAStartErrorWithItsOutputAndStatus() {
    DaemonController c = DaemonController.builder()
        .identifier("refused")
        .startCommand("echo 'refused: port 80: permission denied'; echo 'a log line' >> " + daemons.logFile + "; exit 3")
        .ping(() -> true)
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile) // does not exist before the start: all of it is this attempt's
        .build();
    StartError e = assertThrows(StartError.class, c::start);
    assertEquals("refused: port 80: permission denied", e.output());
    assertEquals(List.of("a log line"), e.logLines());
    assertEquals("Daemon 'refused' failed to start: exited with status 3\nrefused: port 80: permission denied\na log line",
        e.getMessage());
  }

  @Test
  void aDaemonThatNeverAnswersTimesOutAndIsStopped() throws Exception {
    DaemonController c = DaemonController.builder()
        .identifier("mute")
        .startCommand(daemons.background("while :; do echo still starting; sleep 0.1; done"))
        .ping(() -> false)
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .startTimeout(Duration.ofMillis(1500))
        .build();
    long start = System.nanoTime();
    StartTimeout e = assertThrows(StartTimeout.class, c::start);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 1500 && ms < 10_000, ms + " ms");
    assertTrue(e.getMessage().startsWith("Daemon 'mute' did not start in time: timed out\n"), e.getMessage());
    assertTrue(e.logLines().contains("still starting"), e.logLines().toString());
    long pid = Long.parseLong(Files.readAllLines(root.resolve("pids")).get(0));
    assertFalse(Processes.alive(pid), "the daemon was stopped, not leaked");
    assertFalse(c.running());
  }

  @Test
  void aSilentLogEndsTheStartBeforeTheStartTimeout() throws Exception {
    DaemonController c = DaemonController.builder()
        .identifier("silent")
        .startCommand(daemons.background("exec sleep 100000"))
        .ping("exit 1")
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .logFileActivityTimeout(Duration.ofMillis(300))
        .build(); // start timeout: the default 15 s
    long start = System.nanoTime();
    StartTimeout e = assertThrows(StartTimeout.class, c::start);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < 10_000, ms + " ms: the log's silence ended it, not the 15 s start timeout");
    assertTrue(e.getMessage().startsWith("Daemon 'silent' did not start in time: no log file activity for 300 ms"), e.getMessage());
    long pid = Long.parseLong(Files.readAllLines(root.resolve("pids")).get(0));
    assertFalse(Processes.alive(pid), "stopped");
  }

  @Test
  void aTimedOutDaemonThatIgnoresTermIsKilledAfterTheAbortTimeout() throws Exception {
    DaemonController c = DaemonController.builder()
        .identifier("stubborn")
        .startCommand(daemons.background("trap '' TERM; while :; do echo busy; sleep 0.1; done"))
        .ping(() -> {
          Await.until("the daemon to ignore TERM", this::busy); // the abort's TERM must find the trap set
          return false;
        })
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .startTimeout(Duration.ofMillis(500))
        .startAbortTimeout(Duration.ofMillis(300))
        .build();
    long start = System.nanoTime();
    assertThrows(StartTimeout.class, c::start);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 800, ms + " ms: the start timeout, then the abort timeout before the KILL");
    long pid = Long.parseLong(Files.readAllLines(root.resolve("pids")).get(0));
    assertFalse(Processes.alive(pid), "SIGKILLed after TERM was ignored");
  }

  @Test
  void aDaemonThatIgnoresTermIsAStopTimeoutAndKilled() throws Exception {
    DaemonController c = DaemonController.builder()
        .identifier("stubborn")
        .startCommand(daemons.background("trap '' TERM; while :; do echo busy; sleep 0.1; done"))
        .ping(this::busy) // answers once its trap is set
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .stopTimeout(Duration.ofMillis(500))
        .build();
    c.start();
    long pid = pidFromFile();
    StopTimeout e = assertThrows(StopTimeout.class, c::stop);
    assertEquals("Daemon 'stubborn' did not exit in time (force killed)", e.getMessage());
    assertFalse(Processes.alive(pid));
    assertFalse(c.running());
  }

  @Test
  void aStopCommandIsRunAndItsFailureIsAStopError() throws Exception {
    int port = Daemons.freePort();
    DaemonController c = httpServer(port).stopCommand("echo 'cannot stop: not allowed'; exit 4").build();
    c.start();
    StopError e = assertThrows(StopError.class, c::stop);
    assertEquals("Daemon 'http.server on " + port + "': the stop command failed: exited with status 4\ncannot stop: not allowed",
        e.getMessage());
    assertTrue(c.running());
    DaemonController good = httpServer(port).stopCommand("kill $(cat " + daemons.pidFile + ")").build();
    good.stop();
    assertFalse(c.running());
  }

  @Test
  void aStartCommandThatDoesNotReturnTimesOutAndIsStopped() throws Exception {
    DaemonController c = DaemonController.builder()
        .identifier("foreground")
        .startCommand("echo $$ >> " + root.resolve("pids") + "; cd " + root + " && exec sleep 100000")
        .ping(() -> true)
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .startTimeout(Duration.ofMillis(300))
        .build();
    StartTimeout e = assertThrows(StartTimeout.class, c::start);
    assertTrue(e.getMessage().startsWith("Daemon 'foreground' did not start in time: timed out"), e.getMessage());
    long pid = Long.parseLong(Files.readAllLines(root.resolve("pids")).get(0));
    Await.until("the start command to be gone", () -> !Processes.alive(pid));
  }

  @Test
  void aPingThatFailsForGoodIsAStartErrorAndTheDaemonIsStopped() throws Exception {
    DaemonController c = DaemonController.builder()
        .identifier("misconfigured ping")
        .startCommand(daemons.background("exec sleep 100000"))
        .ping(() -> {
          throw new IllegalArgumentException("no such host: ping.invalid");
        })
        .pidFile(daemons.pidFile)
        .logFile(daemons.logFile)
        .build();
    StartError e = assertThrows(StartError.class, c::start);
    assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
    assertTrue(e.getMessage().startsWith("Daemon 'misconfigured ping' failed to start: the ping failed: "
        + "java.lang.IllegalArgumentException: no such host: ping.invalid"), e.getMessage());
    long pid = Long.parseLong(Files.readAllLines(root.resolve("pids")).get(0));
    assertFalse(Processes.alive(pid), "stopped");
  }

  @Test
  void notYetIsWhatDaemonControllerAllows() {
    assertTrue(NotYet.means(new ConnectException("Connection refused")));
    assertTrue(NotYet.means(new IOException("wrapped by java.net.http", new ConnectException())));
    assertTrue(NotYet.means(new java.net.SocketException("Connection reset by peer")));
    assertTrue(NotYet.means(new java.net.SocketTimeoutException("connect timed out")));
    assertTrue(NotYet.means(new java.net.NoRouteToHostException("No route to host")));
    assertTrue(NotYet.means(new java.net.http.HttpConnectTimeoutException("HTTP connect timed out")));
    assertFalse(NotYet.means(new IOException("Broken pipe")));
    assertFalse(NotYet.means(new java.net.UnknownHostException("ping.invalid")));
    assertFalse(NotYet.means(new IllegalStateException("a bug")));
  }

  @Test
  void mandatoryOptionsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DaemonController.builder().identifier("x").startCommand("true").ping("true").pidFile(daemons.pidFile).build());
    assertEquals("the 'logFile' option is mandatory", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DaemonController.service(root).startCommand("true").build());
  }

  @Test
  void theLockFileIsThePidFilesNamePlusLock() {
    assertEquals(root.resolve("daemon.pid.lock"), httpServer(1).build().lockFile());
  }
}
