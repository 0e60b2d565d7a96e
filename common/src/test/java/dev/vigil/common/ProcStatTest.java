package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProcStatTest {
  private static final long SELF = ProcessHandle.current().pid();

  @Test
  void theParentIsThisProcesssParent() {
    assertEquals(ProcessHandle.current().parent().orElseThrow().pid(),
        ProcStat.field(SELF, ProcStat.PARENT).getAsLong());
  }

  /** Clock ticks are 1/100 s on Linux; our start lies between boot and now. */
  @Test
  void theStartTimeIsInTicksSinceBoot() throws Exception {
    long ticks = ProcStat.field(SELF, ProcStat.START_TIME).getAsLong();
    double uptime = Double.parseDouble(
        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime")).split(" ")[0]);
    Instant started = ProcessHandle.current().info().startInstant().orElseThrow();
    double ageSeconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
    assertTrue(Math.abs(uptime - ticks / 100.0 - ageSeconds) < 2, "ticks " + ticks + ", uptime " + uptime);
  }

  /** A child started with setsid leads its own group and session; its parent is this process. */
  @Test
  void theIdsOfAChildInASessionOfItsOwn() throws Exception {
    Process child = new ProcessBuilder("setsid", "sleep", "100000").start();
    try {
      long pid = child.pid();
      // setsid(1) calls setsid(2) after its exec: poll until it has, with a deadline
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (ProcStat.ids(pid).orElseThrow().session() != pid && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      dev.vigil.common.os.ProcessIds ids = ProcStat.ids(pid).orElseThrow();
      assertEquals(SELF, ids.parent());
      assertEquals(pid, ids.group());
      assertEquals(pid, ids.session());
      assertEquals(ProcStat.field(pid, ProcStat.START_TIME).getAsLong(), ids.startTicks());
      assertFalse(ids.exited());
      assertEquals(java.util.List.of(pid), ProcStat.groupMembers(pid));
      assertEquals(ProcStat.field(SELF, ProcStat.SESSION).getAsLong(), ProcStat.ids(SELF).orElseThrow().session());
    } finally {
      child.destroyForcibly();
      child.waitFor();
    }
    assertTrue(ProcStat.ids(child.pid()).isEmpty());
  }

  @Test
  void aProcessThatIsGoneHasNoFields() {
    assertTrue(ProcStat.field(Integer.MAX_VALUE, ProcStat.PARENT).isEmpty());
  }

  @Test
  void thisProcessRunsAndNoneRunsWhereThereIsNone() {
    assertTrue(ProcStat.runs(SELF));
    assertFalse(ProcStat.runs(Integer.MAX_VALUE));
    assertFalse(ProcStat.runs(0));
  }

  /**
   * A child that exited and is not reaped does not run: sh starts it, then execs sleep, which never
   * waits; the child exits only when told, after the exec, so no sh is left to reap it.
   */
  @Test
  void aZombieDoesNotRun() throws Exception {
    Process parent = new ProcessBuilder("/bin/sh", "-c", "exec 3<&0; (read line <&3) & echo $!; exec sleep 100000 3<&-")
        .redirectErrorStream(true).start();
    try {
      long child = Long.parseLong(new java.io.BufferedReader(
          new java.io.InputStreamReader(parent.getInputStream())).readLine().strip());
      await("sh to exec sleep", () -> comm(parent.pid()).equals("sleep"));
      assertTrue(ProcStat.runs(child), "the child waits for its line");
      parent.getOutputStream().write('\n');
      parent.getOutputStream().flush();
      await("the child to exit and stay unreaped", () -> zombieState(child));
      assertFalse(ProcStat.runs(child));
      assertTrue(ProcStat.runs(parent.pid()));
    } finally {
      parent.destroyForcibly();
      parent.waitFor();
    }
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
  }

  private static String comm(long pid) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/comm")).strip();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static boolean zombieState(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (java.io.IOException e) {
      throw new AssertionError("child " + pid + " was reaped: no zombie to look at", e);
    }
  }
}
