package dev.vigil.svwait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Phase;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Backgrounded;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.PeerSupervisor;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * svwait against daemontools' supervise and runit's runsv: both rename their records into place,
 * so the watch wakes it; neither says when a service is ready, so ready is up. Skipped, saying
 * which package is missing, where they are not installed.
 */
class SvwaitInteropTest extends ServiceTest {
  private static final Captured MET = new Captured(0, "", "");
  private static final String UP = "up (pid P) S seconds";

  private final List<Backgrounded> waits = new ArrayList<>();

  @AfterEach
  void noWaitLeft() throws InterruptedException {
    for (Backgrounded b : waits) {
      b.assertEnded(Duration.ofSeconds(5));
    }
  }

  private Backgrounded waiting(String... args) {
    Backgrounded b = Backgrounded.waiting(Main::run, args);
    waits.add(b);
    return b;
  }

  private static Captured svwait(String... args) {
    return Captured.of(Main::run, args);
  }

  private static void send(ServiceDir dir, String commands) throws IOException {
    assertTrue(dir.send(commands.getBytes(StandardCharsets.US_ASCII)), "supervisor running on " + dir.name());
  }

  /**
   * The pid of the child up now, once its run script has logged it: the test's clean-up stops
   * what is logged, and a wait for up ends as soon as the child is forked, before the script ran.
   */
  private long logged(ServiceDir dir) {
    long pid = Await.value("a child up in " + dir.name(), () -> status(dir), Status::isUp).pid();
    Await.until("child " + pid + " to log its pid", () -> services.logged(pid));
    return pid;
  }

  private static Status status(ServiceDir dir) {
    try {
      return dir.readStatus();
    } catch (ServiceIOException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void upDownAndUpAgain(PeerSupervisor.Kind kind) throws IOException {
    ServiceDir dir = services.sleeper("app");
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    peer.await(UP);
    logged(dir);
    assertEquals(MET, svwait("-u", dir.name()));
    assertEquals(MET, svwait("-U", dir.name()), "no readiness: ready is up");

    Backgrounded down = waiting("-d", dir.name());
    send(dir, "d");
    assertEquals(MET, down.result());
    peer.await("down S seconds, normally up");
    assertEquals(MET, svwait("-D", dir.name()), "no ./finish: down is finished");

    Backgrounded up = waiting("-U", dir.name());
    send(dir, "u");
    assertEquals(MET, up.result());
    logged(dir);
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void restarted(PeerSupervisor.Kind kind) throws IOException {
    ServiceDir dir = services.sleeper("app");
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    peer.await(UP);
    long pid = logged(dir);
    Backgrounded restarted = waiting("-R", dir.name());
    send(dir, "t");
    assertEquals(MET, restarted.result());
    assertTrue(logged(dir) != pid, "a new child");
  }

  @ParameterizedTest
  @EnumSource(PeerSupervisor.Kind.class)
  void aKilledSupervisorEndsTheWait(PeerSupervisor.Kind kind) throws IOException {
    ServiceDir dir = services.sleeper("app");
    PeerSupervisor peer = PeerSupervisor.start(kind, dir, services, processes);
    peer.await(UP);
    logged(dir);
    Backgrounded down = waiting("-d", dir.name());
    long start = System.nanoTime();
    ProcessHandle.of(peer.pid()).orElseThrow().destroyForcibly(); // its child runs on; the test's clean-up stops it
    assertEquals(new Captured(102, "", "svwait: fatal: unable to wait for " + dir.name() + ": supervise not running\n"),
        down.result());
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms < 2000, "noticed after " + ms + " ms (the period is 1000)");
  }

  /** runit's state byte tells ./finish running (2) from down (0): -D waits for the second. */
  @Test
  void finishedWaitsForRunitsFinish() throws IOException {
    ServiceDir dir = services.sleeper("app");
    Services.script(dir.path().resolve("finish"), "echo $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    PeerSupervisor peer = PeerSupervisor.start(PeerSupervisor.Kind.RUNIT, dir, services, processes);
    peer.await(UP);
    logged(dir);
    Backgrounded finished = waiting("-D", dir.name());
    send(dir, "d");
    // runsv writes a finish record with pid 0 first, then one with ./finish's pid
    Status finishing = Await.value("./finish to run", () -> status(dir), s -> s.phase() == Phase.FINISH && s.pid() != 0);
    Await.until("./finish to log its pid", () -> services.logged(finishing.pid()));
    assertEquals(MET, svwait("-d", dir.name()), "./run is gone: down");
    assertTrue(!finished.isDone(), "-D waits while ./finish runs");
    ProcessHandle.of(finishing.pid()).orElseThrow().destroyForcibly();
    assertEquals(MET, finished.result());
  }
}
