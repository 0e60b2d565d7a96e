package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  @Test
  void aProcessThatIsGoneHasNoFields() {
    assertTrue(ProcStat.field(Integer.MAX_VALUE, ProcStat.PARENT).isEmpty());
  }
}
