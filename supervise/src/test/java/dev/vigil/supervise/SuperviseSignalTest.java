package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM, SIGINT and SIGHUP to supervise (vigil's deliberate difference from daemontools, which
 * dies and orphans the child): TERM then CONT to the child, SIGKILL two seconds later if it is
 * still there, then exit 0 with the status saying down, want down. Nothing is left running.
 */
class SuperviseSignalTest extends LiveTest {

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT", "HUP"})
  void aSignalTakesTheChildDownAndSuperviseExits0(String signal) throws IOException {
    services.sleeper("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();

    long sent = System.nanoTime();
    kill(signal, s.pid());
    assertEquals(0, s.awaitExit(), "exit code");
    long millis = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(millis < 1500, "exited " + millis + " ms after SIG" + signal);
    assertTrue(SuperviseProcess.gone(child), "the child is dead and reaped");
    Status st = s.status();
    assertEquals(0, st.pid());
    assertEquals(Want.DOWN, st.want());
    assertFalse(st.termSent());
    assertEquals(OptionalInt.of(15), st.extension().orElseThrow().lastExit(), "the child died of TERM");
    assertEquals("", s.pidFile());
    assertFalse(s.isSupervised());
    assertEquals(List.of(), s.errLines("supervise: "), "nothing to say");
  }

  @Test
  void aChildThatIgnoresTermIsKilledAfterTwoSeconds() throws IOException {
    services.stubborn("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    Await.until("the run script to have set its trap", () -> logged() == 1);

    long sent = System.nanoTime();
    kill("TERM", s.pid());
    Status waiting = s.awaitStatus("want down while the child holds out", st -> st.want() == Want.DOWN);
    assertEquals(child, waiting.pid());
    assertTrue(waiting.termSent());
    assertEquals(0, s.awaitExit(), "exit code");
    long millis = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(millis >= 1900 && millis < 4000, "SIGKILL comes two seconds after TERM; supervise exited after " + millis + " ms");
    assertTrue(SuperviseProcess.gone(child));
    Status st = s.status();
    assertEquals(0, st.pid());
    assertEquals(Want.DOWN, st.want());
    assertEquals(OptionalInt.of(9), st.extension().orElseThrow().lastExit(), "the child died of KILL");
  }

  @Test
  void aSignalWhileDownExitsAtOnce() throws IOException {
    ServiceDir d = services.sleeper("svc");
    Files.createFile(d.down());
    SuperviseProcess s = supervise("svc");
    long sent = System.nanoTime();
    kill("TERM", s.pid());
    assertEquals(0, s.awaitExit());
    long millis = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(millis < 1000, "exited " + millis + " ms after SIGTERM");
    assertEquals(Want.DOWN, s.status().want());
    assertEquals(0, logged());
  }

  @Test
  void upAfterTheSignalDoesNotBringTheChildBack() throws IOException {
    services.stubborn("svc");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    Await.until("the run script to have set its trap", () -> logged() == 1);
    kill("TERM", s.pid());
    s.awaitStatus("want down", st -> st.want() == Want.DOWN);
    s.send("u");
    s.send("o");
    assertEquals(0, s.awaitExit());
    assertTrue(SuperviseProcess.gone(child));
    assertEquals(1, logged(), "nothing started after the signal");
    assertEquals(Want.DOWN, s.status().want(), "the last word is want down");
  }

  private void kill(String signal, long pid) throws IOException {
    Captured c = Processes.run(root, List.of("kill", "-s", signal, Long.toString(pid)));
    assertEquals(0, c.exit(), c.toString());
  }
}
