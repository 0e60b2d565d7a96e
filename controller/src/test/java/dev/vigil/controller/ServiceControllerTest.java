package dev.vigil.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.ServiceTest;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DaemonController on a service directory that vigil's real supervise runs (a JVM of its own,
 * from this module's test class path): start is {@code u} and a wait until ready, stop is {@code
 * d} and a wait until down, through svwait's Waiter; the same failures as by start command.
 */
class ServiceControllerTest extends ServiceTest {
  private final List<Process> supervisors = new ArrayList<>();

  /** SIGTERM takes supervise's child down first; the fixture kills whatever is left by pid. */
  @AfterEach
  void stopSupervisors() {
    for (Process p : supervisors) {
      p.destroy();
      Processes.awaitExit(p, Await.DEFAULT);
    }
  }

  /** Our supervise on {@code dir}, running once it has written its first record. */
  private void supervise(ServiceDir dir) throws IOException {
    Path log = root.resolve("supervise.log");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"), "dev.vigil.supervise.Main", dir.path().toString());
    supervisors.add(processes.start(root, log, log, command));
    Await.until("supervise to write its record", () -> record(dir) != null);
  }

  private static Status record(ServiceDir dir) {
    try {
      return dir.readStatus();
    } catch (IOException e) {
      return null;
    }
  }

  /** A service that is down until told (a down file), and says it is ready on descriptor 3. */
  private ServiceDir notifying(String name, String beforeReady) throws IOException {
    ServiceDir dir = services.create(name, "sh -c '" + beforeReady + " printf \"\\n\" >&3; exec sleep 100000'");
    Files.writeString(dir.path().resolve("notification-fd"), "3\n");
    Files.writeString(dir.down(), "");
    return dir;
  }

  @Test
  void startWaitsUntilReadyAndStopUntilDown() throws Exception {
    ServiceDir dir = notifying("app", "");
    supervise(dir);
    DaemonController c = DaemonController.service(dir.path()).build();
    assertFalse(c.running());
    assertEquals(OptionalLong.empty(), c.pid());
    c.start();
    Status up = record(dir);
    assertTrue(up.isUp());
    assertTrue(up.extension().orElseThrow().readiness().orElseThrow().since().isPresent(), "start returned: ready");
    assertTrue(c.running());
    assertEquals(OptionalLong.of(up.pid()), c.pid());
    assertThrows(AlreadyStarted.class, c::start);
    assertEquals("connected", c.connect(() -> "connected"));
    Await.until("the child to log its pid", () -> services.logged(up.pid()));
    c.stop();
    assertFalse(Processes.alive(up.pid()), "stop returned: the child is gone");
    assertFalse(c.running());
    assertEquals(Want.DOWN, record(dir).want());
    assertEquals(dir.path().resolve("supervise/controller.lock"), c.lockFile());
  }

  @Test
  void connectStartsTheServiceWhenItDoesNotAnswer() throws Exception {
    ServiceDir dir = notifying("app", "");
    supervise(dir);
    DaemonController c = DaemonController.service(dir.path()).identifier("app").build();
    int[] calls = {0};
    assertEquals("answered", c.connect(() -> ++calls[0] == 1 ? null : "answered"));
    assertTrue(c.running(), "not answering and not running: started");
    c.stop();
  }

  @Test
  void aServiceThatNeverGetsReadyTimesOutAndIsWantedDownAgain() throws Exception {
    Path log = root.resolve("mute.log");
    Files.writeString(log, "a line from an earlier run\n");
    // logs why it waits, then says nothing on its descriptor 3
    ServiceDir dir = services.create("mute", "sh -c 'echo \"mute: waiting for the database\" >> " + log + "; exec sleep 100000'");
    Files.writeString(dir.path().resolve("notification-fd"), "3\n");
    Files.writeString(dir.down(), "");
    supervise(dir);
    DaemonController c = DaemonController.service(dir.path()).identifier("mute").logFile(log)
        .startTimeout(Duration.ofMillis(2000)).build(); // time for the child to log its line
    StartTimeout e = assertThrows(StartTimeout.class, c::start);
    assertEquals(List.of("mute: waiting for the database"), e.logLines());
    assertEquals("Daemon 'mute' did not start in time: not ready in time\nmute: waiting for the database", e.getMessage());
    Status after = record(dir);
    assertEquals(0, after.pid(), "stopped, not left running");
    assertEquals(Want.DOWN, after.want());
    for (String pid : Files.readAllLines(services.pidLog())) {
      assertFalse(Processes.alive(Long.parseLong(pid)), "child " + pid + " is gone");
    }
  }

  @Test
  void aServiceThatIgnoresTermIsAStopTimeoutAndKilled() throws Exception {
    ServiceDir dir = services.stubborn("stubborn");
    supervise(dir);
    DaemonController c = DaemonController.service(dir.path()).identifier("stubborn")
        .stopTimeout(Duration.ofMillis(500)).build();
    long pid = Await.value("the child to come up", () -> record(dir), r -> r != null && r.isUp()).pid();
    Await.until("the child to log its pid (its trap is set)", () -> services.logged(pid));
    StopTimeout e = assertThrows(StopTimeout.class, c::stop);
    assertEquals("Daemon 'stubborn' did not exit in time (force killed)", e.getMessage());
    assertFalse(Processes.alive(pid), "killed");
    assertFalse(c.running());
    assertEquals(Want.DOWN, record(dir).want());
  }

  /**
   * daemontools' supervise and runit's runsv, whose records say nothing of readiness: start
   * returns once the service is up, stop once it is down.
   */
  @ParameterizedTest
  @ValueSource(strings = {"supervise", "runsv"})
  void theCSupervisorsAreDrivenTheSameWay(String peer) throws Exception {
    String binary = Peers.require(peer);
    ServiceDir dir = services.sleeper("app");
    Files.writeString(dir.down(), "");
    Path log = root.resolve(peer + ".log");
    supervisors.add(processes.start(root, log, log, List.of(binary, dir.path().toString())));
    Await.until(peer + " to write its record", () -> record(dir) != null);
    DaemonController c = DaemonController.service(dir.path()).identifier(peer).build();
    assertFalse(c.running());
    c.start();
    long pid = c.pid().orElseThrow();
    assertTrue(c.running());
    Await.until("the child to log its pid", () -> services.logged(pid));
    c.stop();
    assertFalse(Processes.alive(pid), "stop returned: the child is gone");
    assertFalse(c.running());
    // daemontools' supervise ignores SIGTERM: tell it to exit, as svc -x does
    dir.send("x".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Test
  void withoutASupervisorStartIsAStartError() throws Exception {
    ServiceDir dir = services.sleeper("orphan");
    Files.createDirectories(dir.supervise());
    StartError e = assertThrows(StartError.class, DaemonController.service(dir.path()).identifier("orphan").build()::start);
    assertTrue(e.getMessage().startsWith("Daemon 'orphan' failed to start: unable to open "), e.getMessage());
    assertTrue(e.getMessage().contains("supervise/status: file does not exist"), e.getMessage());
  }
}
