package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Every control letter against a real child: the signal it gets (a run script that traps them
 * and writes their names down, or /proc for STOP), and what the status file says after.
 */
class SuperviseControlTest extends LiveTest {

  @Test
  void signalLettersReachTheChildOnlyAndDoNotRewriteTheStatus() throws IOException {
    ServiceDir d = trapper("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    awaitReady(d, 1);
    long sleeper = Long.parseLong(Files.readAllLines(services.pidLog()).get(1));
    byte[] before = s.statusBytes();
    long inode = s.statusInode();

    String[][] letters = {
        {"h", "HUP"}, {"a", "ALRM"}, {"i", "INT"}, {"q", "QUIT"}, {"1", "USR1"}, {"2", "USR2"}, {"w", "WINCH"}};
    for (String[] l : letters) {
      s.send(l[0]);
      Await.until("svc -" + l[0] + " to reach the child as " + l[1], () -> {
        List<String> got = signals(d);
        return got.get(got.size() - 1).equals(l[1]);
      });
    }
    assertEquals(List.of("ready", "HUP", "ALRM", "INT", "QUIT", "USR1", "USR2", "WINCH"), signals(d));
    assertEquals(child, s.currentChild(), "the child survived every one");
    assertTrue(Processes.alive(sleeper), "signals go to the child's pid, not to its process group");
    assertEquals(inode, s.statusInode(), "h a i q 1 2 w do not rewrite the status file");
    assertArrayEquals(before, s.statusBytes());
  }

  @Test
  void pauseStopsTheChildAndContinueResumesIt() throws IOException {
    ServiceDir d = trapper("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    awaitReady(d, 1);

    s.send("p");
    Await.until("svc -p to stop the child", () -> Proc.state(child) == 'T');
    Status paused = s.awaitStatus("the status to say paused", Status::paused);
    assertEquals(1, s.statusBytes()[16], "byte 16");
    assertEquals(child, paused.pid());
    assertEquals(Want.UP, paused.want());

    s.send("c");
    Await.until("svc -c to continue the child", () -> Proc.state(child) != 'T');
    Await.until("the child to see SIGCONT", () -> signals(d).contains("CONT"));
    s.awaitStatus("the status to say not paused", st -> !st.paused());
    assertEquals(0, s.statusBytes()[16]);
    assertEquals(child, s.currentChild());
  }

  @Test
  void downSendsTermAndContSoEvenAPausedChildGoesThenUpStartsANewOne() throws IOException {
    ServiceDir d = trapper("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    awaitReady(d, 1);
    s.send("p");
    Await.until("the child to stop", () -> Proc.state(child) == 'T');

    // a stopped child acts on a trapped TERM only once it is continued: d must send CONT too
    s.send("d");
    Status down = s.awaitStatus("the child to be reaped", st -> st.pid() == 0);
    assertTrue(SuperviseProcess.gone(child), "reaped");
    assertTrue(signals(d).containsAll(List.of("TERM", "CONT")), "signals seen: " + signals(d));
    assertEquals(Want.DOWN, down.want());
    assertFalse(down.paused());
    assertEquals(OptionalInt.of(0), down.extension().orElseThrow().lastExit(), "the trap exits 0");
    s.awaitPidFile("");
    byte[] b = s.statusBytes();
    assertEquals('d', b[17]);
    assertEquals(0, b[18], "no TERM outstanding once reaped");
    assertEquals(0, b[19], "runit state down");

    s.send("u");
    long second = s.awaitChildOtherThan(child);
    awaitReady(d, 2);
    Status up = s.status();
    assertEquals(Want.UP, up.want());
    assertEquals(2, up.extension().orElseThrow().starts());
    assertEquals(4, logged(), "two starts, each logging its pid and its sleep's");
    assertNotEquals(child, second);
  }

  @Test
  void upAndOnceWhileUpOnlyRewriteTheStatus() throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    long inode = s.statusInode();

    s.send("u");
    Await.until("svc -u to rewrite the status", () -> s.statusInode() != inode);
    assertEquals(child, s.currentChild(), "u while up starts nothing");
    assertEquals('u', s.statusBytes()[17]);

    s.send("o");
    Status once = s.awaitStatus("svc -o to make want none", st -> st.want() == Want.NONE);
    assertEquals(0, s.statusBytes()[17], "byte 17 is 0 for once");
    assertEquals(child, once.pid());
    assertEquals(1, logged());
  }

  @Test
  void termOnALongRunningChildRestartsItAtOnceAndKillOnAYoungOneWaitsForTheThrottle() throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = supervise("svc");
    long first = s.awaitChild();
    Status st1 = s.status();
    // the throttle counts from the start: once the child is older than a second, nothing holds a restart
    Await.until("the first child to be older than a second",
        () -> nowMicros() - micros(st1) > 1_100_000L);

    long sent = System.nanoTime();
    s.send("t");
    long second = s.awaitChildOtherThan(first);
    long restartMillis = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(restartMillis < 700, "a child that ran over a second is restarted at once, took " + restartMillis + " ms");
    assertTrue(SuperviseProcess.gone(first));
    Status st2 = s.status();
    assertEquals(OptionalInt.of(15), st2.extension().orElseThrow().lastExit(), "killed by SIGTERM");
    assertEquals(2, st2.extension().orElseThrow().starts());
    assertFalse(st2.termSent(), "byte 18 belongs to the old child");
    Await.until("the second child to log its pid", () -> logged() >= 2);

    s.send("k");
    long third = s.awaitChildOtherThan(second);
    Status st3 = s.status();
    assertEquals(OptionalInt.of(9), st3.extension().orElseThrow().lastExit(), "killed by SIGKILL");
    assertEquals(3, st3.extension().orElseThrow().starts());
    long startToStart = micros(st3) - micros(st2);
    assertTrue(startToStart >= 950_000 && startToStart < 1_500_000,
        "a child that died young is restarted a second after its start; start to start was "
            + startToStart + " µs");
    assertEquals(third, s.currentChild());
    // the status follows the spawn at once; the run script logs its pid when it gets to run
    Await.until("the third child to log its pid", () -> logged() >= 3);
    assertEquals(3, logged());
  }

  @Test
  void termAndDownOnAChildThatIgnoresTermSetByte18AndKillEndsIt() throws IOException {
    services.stubborn("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    Await.until("the run script to have set its trap", () -> logged() == 1);
    assertEquals(0, s.statusBytes()[18]);

    s.send("t");
    s.awaitStatus("svc -t to be recorded in byte 18", Status::termSent);
    assertEquals(1, s.statusBytes()[18]);
    assertEquals(child, s.currentChild(), "the child ignores TERM");

    s.send("d");
    Status wantDown = s.awaitStatus("want down", st -> st.want() == Want.DOWN);
    assertEquals(child, wantDown.pid(), "up, want down: the child is still there");
    assertTrue(wantDown.termSent());
    assertEquals(1, s.statusBytes()[19], "runit state run");

    s.send("k");
    Status down = s.awaitStatus("svc -k to end it", st -> st.pid() == 0);
    assertEquals(Want.DOWN, down.want());
    assertFalse(down.termSent());
    assertEquals(OptionalInt.of(9), down.extension().orElseThrow().lastExit());
    s.awaitPidFile("");
    assertTrue(SuperviseProcess.gone(child));
    assertEquals(1, logged(), "want down: not restarted");
  }

  static long micros(Status s) {
    return s.stamp().unixSeconds() * 1_000_000L + s.stamp().nanos() / 1000;
  }

  static long nowMicros() {
    java.time.Instant t = java.time.Instant.now();
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }
}
