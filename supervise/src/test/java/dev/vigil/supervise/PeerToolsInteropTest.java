package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * runit's sv and s6's s6-svc against our supervise: sv reads the 20-byte runit record (byte 18
 * "got TERM", byte 19 the state) and writes the same control FIFO; s6-svc's signal letters are
 * daemontools' letters. Skipped, visibly, without the Debian packages.
 */
class PeerToolsInteropTest extends LiveTest {

  @Test
  void runitSvStatusUpDownRestartAndPauseWork() throws IOException {
    String sv = Peers.require("sv");
    services.sleeper("svc");
    SuperviseProcess s = supervise("svc");
    long first = s.awaitChild();

    assertSv(0, "run: \\./svc: \\(pid " + first + "\\) \\d+s", sv, "status", "./svc");

    assertSv(0, "", sv, "down", "./svc");
    s.awaitStatus("sv down to take it down", st -> st.pid() == 0 && st.want() == Want.DOWN);
    assertTrue(SuperviseProcess.gone(first));
    assertSv(0, "down: \\./svc: \\d+s, normally up", sv, "status", "./svc");

    assertSv(0, "", sv, "up", "./svc");
    long second = s.awaitChildOtherThan(first);
    assertSv(0, "run: \\./svc: \\(pid " + second + "\\) \\d+s", sv, "status", "./svc");

    assertSv(0, "", sv, "pause", "./svc");
    Await.until("sv pause to stop the child", () -> Proc.state(second) == 'T');
    s.awaitStatus("paused", st -> st.paused());
    assertSv(0, "run: \\./svc: \\(pid " + second + "\\) \\d+s, paused", sv, "status", "./svc");
    assertSv(0, "", sv, "cont", "./svc");
    Await.until("sv cont to continue the child", () -> Proc.state(second) != 'T');

    // restart (t, c, u) then waits as -v does; its check compares whole seconds, so when the old
    // child started in the same second it may report that one before the t is even read
    assertSv(0, "ok: run: \\./svc: \\(pid (" + second + "|\\d+)\\) \\d+s", sv, "restart", "./svc");
    long third = s.awaitChildOtherThan(second);
    assertTrue(SuperviseProcess.gone(second));
    assertEquals(Want.UP, s.status().want());
    assertSv(0, "run: \\./svc: \\(pid " + third + "\\) \\d+s", sv, "status", "./svc");

    // -v waits for the state change, reading byte 19 until it says down
    assertSv(0, "ok: down: \\./svc: \\d+s, normally up", sv, "-v", "down", "./svc");
    assertSv(0, "ok: run: \\./svc: \\(pid \\d+\\) \\d+s", sv, "-v", "up", "./svc");
  }

  @Test
  void runitSvShowsGotTermForAChildThatIgnoresIt() throws IOException {
    String sv = Peers.require("sv");
    services.stubborn("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    Await.until("the run script to have set its trap", () -> logged() == 1);
    assertSv(0, "", sv, "down", "./svc");
    s.awaitStatus("want down, TERM sent", st -> st.want() == Want.DOWN && st.termSent());
    assertSv(0, "run: \\./svc: \\(pid " + child + "\\) \\d+s, want down, got TERM", sv, "status", "./svc");
    s.send("k");
    s.awaitStatus("the child to be killed", st -> st.pid() == 0);
    assertSv(0, "down: \\./svc: \\d+s, normally up", sv, "status", "./svc");
  }

  @Test
  void s6SvcHupReachesTheChildAndKillRestartsIt() throws IOException {
    String s6svc = Peers.require("s6-svc");
    ServiceDir d = trapper("svc");
    SuperviseProcess s = supervise("svc");
    long first = s.awaitChild();
    awaitReady(d, 1);

    assertEquals(new Captured(0, "", ""), Processes.run(root, List.of(s6svc, "-h", "svc")));
    Await.until("s6-svc -h to reach the child", () -> signals(d).contains("HUP"));
    assertEquals(first, s.currentChild());

    assertEquals(new Captured(0, "", ""), Processes.run(root, List.of(s6svc, "-k", "svc")));
    long second = s.awaitChildOtherThan(first);
    assertTrue(SuperviseProcess.gone(first), "the first child was killed and reaped");
    assertEquals(OptionalInt.of(9), s.status().extension().orElseThrow().lastExit());
    awaitReady(d, 2);
    assertEquals(second, s.currentChild());
  }

  /** Runs an sv command, checks its exit code, empty stderr and stdout; returns stdout. */
  private String assertSv(int exit, String outPattern, String... command) throws IOException {
    Captured c = Processes.run(root, List.of(command));
    String out = c.out().endsWith("\n") ? c.out().substring(0, c.out().length() - 1) : c.out();
    assertEquals(exit, c.exit(), String.join(" ", command) + ": " + c);
    assertEquals("", c.err(), String.join(" ", command) + ": " + c);
    assertTrue(out.matches(outPattern), String.join(" ", command) + " printed \"" + c.out() + "\", expected /" + outPattern + "/");
    return out;
  }
}
