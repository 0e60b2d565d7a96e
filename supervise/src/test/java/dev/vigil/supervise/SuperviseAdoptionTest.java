package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Extension;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.StatusCodec;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The incident vigil was started from: a supervisor is killed, a new one is started on the same
 * directory, and a second copy of the service must not run. The new supervise adopts the
 * orphan the old record names (same pid, same kernel start time) and supervises it on.
 */
class SuperviseAdoptionTest extends LiveTest {

  private static void killHard(SuperviseProcess s) {
    s.process().destroyForcibly();
    Processes.awaitExit(s.process(), Await.DEFAULT);
  }

  @Test
  void aNewSuperviseAdoptsTheOrphanOfAKilledOneAndStartsNoSecondCopy() throws IOException {
    ServiceDir dir = services.sleeper("svc");
    SuperviseProcess first = supervise("svc");
    long child = first.awaitChild();
    Status before = first.status();
    killHard(first);
    assertTrue(Processes.alive(child), "SIGKILL of supervise leaves its child running");

    SuperviseProcess second = supervise("svc");
    Status adopted = second.awaitStatus("the orphan adopted", st -> st.extension().orElseThrow().supervisorPid()
        == second.pid());
    assertEquals(child, adopted.pid(), "the same process");
    assertEquals(before.stamp(), adopted.stamp(), "up since the first start, not since the adoption");
    assertEquals(1, adopted.extension().orElseThrow().starts(), "the record's count goes on");
    assertEquals(List.of(Long.toString(child)), Files.readAllLines(services.pidLog()), "no second copy started");
    assertEquals(child + "\n", second.pidFile());
    assertEquals(Proc.startTicks(child), adopted.extension().orElseThrow().childStartTicks());

    // commands reach it (through its pidfd), and its end is seen: exit status unknown, restarted
    second.send("k");
    long next = second.awaitChildOtherThan(child);
    Await.until("the orphan gone", () -> !Processes.alive(child));
    Status restarted = second.awaitStatus("the new child", st -> st.pid() == next);
    assertEquals(OptionalInt.of(Extension.EXIT_UNKNOWN), restarted.extension().orElseThrow().lastExit(),
        "not our child: how it ended cannot be known, and is not made up");
    assertEquals(2, restarted.extension().orElseThrow().starts());
  }

  @Test
  void aRecordWhosePidNowNamesAnotherProcessIsNotAdoptedFrom() throws IOException {
    ServiceDir dir = services.sleeper("svc");
    SuperviseProcess first = supervise("svc");
    first.awaitChild();
    Status old = first.status();
    first.stop();
    // the record of a dead supervisor whose child's pid is taken by a process started later
    Process stranger = processes.start(root, root.resolve("stranger.out"), root.resolve("stranger.out"),
        List.of("sleep", "100000"));
    Extension x = old.extension().orElseThrow();
    Status forged = new Status(old.stamp(), stranger.pid(), false, old.want(), false, dev.vigil.common.Phase.RUN,
        java.util.Optional.of(new Extension(x.supervisorPid(), x.starts(), x.lastExit(), x.childStartTicks(), x.lockFd(),
            x.progress(), x.readiness())));
    Files.write(dir.status(), StatusCodec.encode(forged));

    SuperviseProcess second = supervise("svc");
    long own = second.awaitChild();
    assertNotEquals(stranger.pid(), own, "a pid with another start time is another process");
    assertTrue(stranger.isAlive(), "and it is left alone");
    second.send("d");
    second.awaitStatus("down", st -> st.pid() == 0);
    assertTrue(stranger.isAlive(), "svc -d signals only the service's own process");
  }
}
