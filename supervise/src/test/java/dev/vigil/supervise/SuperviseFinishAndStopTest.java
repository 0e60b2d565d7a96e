package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import dev.vigil.common.Want;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Peers;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.Services;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ./finish as runit runs it, and the stop schedule (stop-schedule, s6's down-signal and
 * timeout-kill) to the child's process group, under a real supervise.
 */
class SuperviseFinishAndStopTest extends LiveTest {
  private Path service(String run) throws IOException {
    Path dir = Files.createDirectories(root.resolve("svc"));
    Services.script(dir.resolve("run"), "echo $$ >> " + services.pidLog() + "\n" + run + "\n");
    return dir;
  }

  /** The next ./run other than {@code old} (during finish the status names finish's pid). */
  private long nextRun(SuperviseProcess s, long old) {
    stageOf(s, Stage.UP);
    return s.awaitStatus("a new ./run", st -> st.pid() != old && st.pid() != 0
        && st.extension().flatMap(x -> x.progress()).map(p -> p.stage() == Stage.UP).orElse(false)).pid();
  }

  private long stageOf(SuperviseProcess s, Stage stage) {
    Status st = s.awaitStatus("stage " + stage.word(),
        x -> x.extension().flatMap(e -> e.progress()).map(p -> p.stage() == stage).orElse(false));
    return st.pid();
  }

  @Test
  void finishRunsWithRunitsArgumentsAndRunStartsAgainOnlyAfterIt() throws IOException {
    Path dir = service("sleep 0.2\nexit 3");
    // finish says when it ran and with what, takes a while, and says when it is done
    Services.script(dir.resolve("finish"),
        "echo \"$$ $1 $2\" >> finished\necho $$ >> " + services.pidLog() + "\nsleep 0.7\ndate +%s%N >> finished-at\n");
    String sv = Peers.require("sv");
    SuperviseProcess s = supervise("svc");
    long first = s.awaitChild();
    long finish = stageOf(s, Stage.FINISHING);
    byte[] b = s.statusBytes();
    assertEquals(2, b[19], "runit's state byte: finish");
    assertEquals(finish + "\n", s.pidFile(), "the finish's pid, as runit writes it");
    Captured status = Processes.run(root, List.of(sv, "status", "./svc"));
    assertTrue(status.out().startsWith("finish: ./svc: (pid " + finish + ") "), status.out());
    long second = nextRun(s, first);
    assertEquals(List.of(finish + " 3 0"), TextFiles.lines(dir.resolve("finished")), "exit code 3, low byte 0");
    long finishedAt = Long.parseLong(TextFiles.lines(dir.resolve("finished-at")).get(0)) / 1000;
    assertTrue(SuperviseControlTest.micros(s.status()) >= finishedAt, "./run started again after finish ended");

    // a signal: -1 and the signal number
    ProcessHandle.of(second).ifPresent(ProcessHandle::destroyForcibly);
    Await.until("the second finish", () -> TextFiles.lines(dir.resolve("finished")).size() == 2);
    assertTrue(TextFiles.lines(dir.resolve("finished")).get(1).endsWith(" -1 9"));
    s.send("dx");
    assertEquals(0, s.awaitExit());
  }

  @Test
  void aFinishThatHangsIsKilledAfterTimeoutFinishAndOneThatCannotStartIsReported() throws IOException {
    Path dir = service("exec sleep 100000");
    Services.script(dir.resolve("finish"), "echo $$ >> " + services.pidLog() + "\nexec sleep 100000\n");
    Files.writeString(dir.resolve("timeout-finish"), "300\n");
    SuperviseProcess s = supervise("svc");
    long first = s.awaitChild();
    s.send("k");
    long finish = stageOf(s, Stage.FINISHING);
    long started = System.nanoTime();
    nextRun(s, first);
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertFalse(Processes.alive(finish), "the hanging finish was killed");
    assertTrue(ms >= 200 && ms < 1500, "killed after timeout-finish (300 ms), took " + ms + " ms");

    Files.setPosixFilePermissions(dir.resolve("finish"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    long second = s.currentChild();
    s.send("k");
    nextRun(s, second);
    assertTrue(s.errLines("supervise: ").contains("supervise: warning: unable to start svc/finish: access denied"),
        s.err());
  }

  @Test
  void downDuringFinishMeansNoRestartAfterIt() throws IOException {
    Path dir = service("exec sleep 100000");
    Services.script(dir.resolve("finish"), "echo $$ >> " + services.pidLog() + "\nsleep 0.5\n");
    SuperviseProcess s = supervise("svc");
    s.awaitChild();
    s.send("k");
    stageOf(s, Stage.FINISHING);
    s.send("d");
    Status down = s.awaitStatus("down after finish", st -> st.pid() == 0
        && st.extension().flatMap(x -> x.progress()).map(p -> p.stage() == Stage.DOWN).orElse(false));
    assertEquals(Want.DOWN, down.want());
    Await.holds("no restart", () -> s.status().pid() == 0, Duration.ofMillis(1200));
  }

  @Test
  void aStopScheduleTakesTheWholeGroupDownStepByStepAndTheStatusSaysSo() throws IOException {
    // the child ignores TERM; its background sleep (same process group) would outlive it
    Path dir = service("trap 'echo TERM >> got' TERM\ntrap 'echo QUIT >> got' QUIT\nsleep 100000 &\n"
        + "echo $! >> " + services.pidLog() + "\nwhile :; do wait; done");
    Files.writeString(dir.resolve("stop-schedule"), "TERM/1/QUIT/1/KILL\n");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    Await.until("the background sleep to be logged", () -> TextFiles.lines(services.pidLog()).size() == 2);
    long grandchild = Long.parseLong(TextFiles.lines(services.pidLog()).get(1));
    long sent = System.nanoTime();
    s.send("d");
    Status stopping = s.awaitStatus("stopping", st -> st.extension().flatMap(x -> x.progress())
        .map(p -> p.stage() == Stage.STOPPING).orElse(false));
    assertTrue(stopping.termSent(), "runit's byte 18: TERM sent");
    assertEquals(child, stopping.pid());
    assertEquals(Want.DOWN, stopping.want());
    s.awaitStatus("the child gone", st -> st.pid() == 0);
    long ms = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(ms >= 1900 && ms < 3500, "TERM, 1 s, QUIT, 1 s, KILL: " + ms + " ms");
    Await.until("TERM and QUIT to reach the trap", () -> TextFiles.lines(dir.resolve("got")).size() >= 2);
    assertEquals(List.of("TERM", "QUIT"), TextFiles.lines(dir.resolve("got")));
    Await.until("the group's other member to be gone too", () -> !Processes.alive(grandchild));
  }

  @Test
  void downSignalAndTimeoutKillAsS6HasThem() throws IOException {
    Path dir = service("trap 'echo HUP >> got' HUP\ntrap '' TERM\nwhile :; do sleep 0.05; done");
    Files.writeString(dir.resolve("down-signal"), "SIGHUP\n");
    Files.writeString(dir.resolve("timeout-kill"), "400\n");
    SuperviseProcess s = supervise("svc");
    s.awaitChild();
    long sent = System.nanoTime();
    s.send("d");
    s.awaitStatus("the child gone", st -> st.pid() == 0);
    long ms = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(ms >= 350 && ms < 1800, "HUP, then KILL 400 ms later: " + ms + " ms");
    Await.until("the HUP to reach the trap", () -> TextFiles.lines(dir.resolve("got")).contains("HUP"));
  }

  @Test
  void termToSuperviseFollowsTheServicesScheduleNotTheDefaultGrace() throws IOException {
    Path dir = service("trap '' TERM\nexec sleep 100000");
    Files.writeString(dir.resolve("stop-schedule"), "TERM/1/KILL\n");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    long sent = System.nanoTime();
    s.process().destroy();
    assertEquals(0, s.awaitExit());
    long ms = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(ms >= 900 && ms < 1800, "TERM, 1 s, KILL (not 2 s): " + ms + " ms");
    assertFalse(Processes.alive(child));
  }

  @Test
  void aMalformedSettingIsWarnedAboutOnceAndTheDefaultUsed() throws IOException {
    Path dir = service("exec sleep 100000");
    Files.writeString(dir.resolve("stop-schedule"), "TERM/soon/KILL\n");
    SuperviseProcess s = supervise("svc");
    long child = s.awaitChild();
    s.send("t");
    s.awaitChildOtherThan(child);
    assertEquals(List.of("supervise: warning: unable to use svc/stop-schedule: no signal or seconds: soon; using the default"),
        s.errLines("supervise: "), "once, though it was read again after the restart");
  }
}
