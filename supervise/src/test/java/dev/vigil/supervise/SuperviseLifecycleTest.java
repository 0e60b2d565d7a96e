package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How a service lives and ends under a real supervise: the down file, once, exit, bursts of
 * commands, and the one-start-per-second throttle, which in vigil is a deadline that commands do
 * not wait for.
 */
class SuperviseLifecycleTest extends LiveTest {

  @Test
  void aDownFileKeepsTheServiceDownUntilUp() throws IOException {
    ServiceDir d = services.sleeper("svc");
    Files.createFile(d.down());
    SuperviseProcess s = supervise("svc");
    barrier(s);
    Status st = s.status();
    assertEquals(0, st.pid());
    assertEquals(Want.DOWN, st.want());
    assertEquals(0, st.extension().orElseThrow().starts());
    assertEquals("", s.pidFile());
    assertEquals(0, logged(), "nothing was started");

    s.send("u");
    long child = s.awaitChild();
    assertEquals(Want.UP, s.status().want());
    assertEquals(1, s.status().extension().orElseThrow().starts());
    assertEquals(child + "\n", s.pidFile());
  }

  @Test
  void onceStartsADownServiceAndDoesNotRestartItsChild() throws IOException {
    ServiceDir d = services.sleeper("svc");
    Files.createFile(d.down());
    SuperviseProcess s = supervise("svc");
    barrier(s);

    s.send("o");
    long child = s.awaitChild();
    Status up = s.status();
    assertEquals(Want.NONE, up.want());
    assertEquals(0, s.statusBytes()[17]);
    // the status follows the spawn at once: let the run script get as far as logging its pid
    Await.until("the child to log its pid", () -> logged() == 1);

    s.send("k");
    Status down = s.awaitStatus("the once child to be reaped", st -> st.pid() == 0);
    assertEquals(Want.NONE, down.want(), "want stays none");
    assertEquals(OptionalInt.of(9), down.extension().orElseThrow().lastExit());
    assertTrue(SuperviseProcess.gone(child));
    // a restart would come at once for a child over a second old, else a second after its start
    long window = Math.max(200_000, 1_300_000 - (SuperviseControlTest.nowMicros() - SuperviseControlTest.micros(up)));
    Await.holds("the once service to stay down", () -> s.status().pid() == 0 && logged() == 1,
        Duration.ofNanos(window * 1000));
    assertEquals(1, s.status().extension().orElseThrow().starts());
  }

  @Test
  void exitWithAChildWaitsForItObeyingCommandsThenExits0WithoutRestart() throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    Await.until("the child to log its pid", () -> logged() == 1);

    s.send("x");
    s.send("p");
    Await.until("supervise to obey p after x", () -> Proc.state(child) == 'T');
    assertTrue(s.isAlive());
    assertTrue(s.isSupervised());
    s.send("c");
    Await.until("supervise to obey c after x", () -> Proc.state(child) != 'T');

    s.send("t");
    assertEquals(0, s.awaitExit(), "exit code");
    assertTrue(SuperviseProcess.gone(child), "the child was reaped before the exit");
    assertEquals(1, logged(), "not restarted although want is up");
    Status last = s.status();
    assertEquals(0, last.pid());
    assertEquals(Want.UP, last.want(), "x does not change want");
    assertEquals(OptionalInt.of(15), last.extension().orElseThrow().lastExit());
    assertEquals("", s.pidFile());
    assertFalse(s.isSupervised());
  }

  @Test
  void exitWithoutAChildExitsAtOnce() throws IOException {
    ServiceDir d = services.sleeper("svc");
    Files.createFile(d.down());
    SuperviseProcess s = supervise("svc");
    long sent = System.nanoTime();
    s.send("x");
    assertEquals(0, s.awaitExit());
    long millis = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(millis < 1000, "exited " + millis + " ms after x");
    assertEquals(0, logged());
    assertEquals(0, s.status().pid());
    assertEquals(Want.DOWN, s.status().want());
  }

  @Test
  void aBurstOfBytesIsHandledInOrderWithNoneLost() throws IOException {
    ServiceDir d = trapper("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    awaitReady(d, 1);

    // seven signals in one write, with bytes that name no command between them
    s.send("ha\0iz\nq1?2w");
    Await.until("all seven signals to arrive", () -> signals(d).size() == 8);
    assertEquals(Set.of("ready", "HUP", "ALRM", "INT", "QUIT", "USR1", "USR2", "WINCH"), Set.copyOf(signals(d)));

    // order matters: pause, continue, pause leaves it paused
    s.send("pcp");
    Await.until("the child to be stopped", () -> Proc.state(child) == 'T');
    Status paused = s.awaitStatus("paused", Status::paused);
    assertEquals(child, paused.pid());

    // continue, down, up: the child goes and, as up came last, a new one starts
    s.send("cdu");
    long second = s.awaitChildOtherThan(child);
    assertNotEquals(child, second);
    Status up = s.status();
    assertEquals(Want.UP, up.want());
    assertFalse(up.paused());
    assertTrue(signals(d).contains("TERM"));

    // and the other way round: up, down leaves it down; x then exits
    s.send("udx");
    assertEquals(0, s.awaitExit());
    assertEquals(Want.DOWN, s.status().want());
    assertEquals(0, s.status().pid());
    assertTrue(SuperviseProcess.gone(second));
  }

  @Test
  void aCrashingServiceStartsOncePerSecondWithBackoffMax1000AsDaemontoolsDoes() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Files.writeString(dir.resolve("backoff-max"), "1000\n");
    // the run script notes the kernel's start time of its own process (field 22 of
    // /proc/PID/stat, in clock ticks: the spawn itself, whatever the scheduler does after), then fails
    Services.script(dir.resolve("run"),
        "echo $$ >> " + services.pidLog() + "\ncut -d' ' -f22 /proc/$$/stat >> starts\nexit 1\n");
    long hz = Long.parseLong(Processes.run(root, List.of("getconf", "CLK_TCK")).out().trim());
    SuperviseProcess s = supervise("svc");
    Await.until("three starts", () -> starts(dir).size() >= 3);
    // -d on a child still running would TERM it: wait until the third is gone (a second's window)
    s.awaitStatus("the third child to have exited",
        st -> st.pid() == 0 && st.extension().orElseThrow().starts() == 3);
    s.send("dx");
    assertEquals(0, s.awaitExit());
    List<Long> at = starts(dir);
    for (int i = 1; i < 3; i++) {
      long gap = (at.get(i) - at.get(i - 1)) * 1000 / hz;
      assertTrue(gap >= 950 && gap < 1500, "start " + i + " came " + gap + " ms after the one before");
    }
    assertEquals(OptionalInt.of(0x100), s.status().extension().orElseThrow().lastExit(), "exit 1");
  }

  @Test
  void downAndExitDuringTheThrottleTakeEffectAtOnceWithNoFurtherStart() throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Services.script(dir.resolve("run"), "echo $$ >> " + services.pidLog() + "\ndate +%s%N >> starts\nexit 1\n");
    SuperviseProcess s = supervise("svc");
    // the first child has come and gone: the next start waits for the deadline
    Status down = s.awaitStatus("the first child to exit",
        st -> st.pid() == 0 && st.extension().orElseThrow().lastExit().isPresent());
    assertEquals(1, down.extension().orElseThrow().starts());
    Await.until("the start to be noted", () -> starts(dir).size() == 1);
    long sinceStart = SuperviseControlTest.nowMicros() - starts(dir).get(0) / 1000;
    assertTrue(sinceStart < 900_000, "precondition: -dx is sent inside the throttle, " + sinceStart + " µs after the start");

    long sent = System.nanoTime();
    s.send("dx");
    assertEquals(0, s.awaitExit());
    long millis = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(millis < 500, "svc -dx during the throttle took " + millis + " ms");
    assertEquals(1, logged(), "no start after -dx");
    assertEquals(1, s.status().extension().orElseThrow().starts());
    assertEquals(Want.DOWN, s.status().want());
  }

  /** Commands are served in order: once c has rewritten the status, everything before it is done. */
  static void barrier(SuperviseProcess s) {
    long inode = s.statusInode();
    s.send("c");
    Await.until("supervise to answer c", () -> s.statusInode() != inode);
  }

  private static List<Long> starts(Path dir) {
    try {
      List<Long> at = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("starts"), StandardCharsets.US_ASCII)) {
        at.add(Long.parseLong(line.trim()));
      }
      return at;
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
  }
}
