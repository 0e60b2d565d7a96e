package dev.vigil.svstat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class StatusLineTest {
  private static final long NOW = 1_795_235_263L;

  private static Status status(Tai64n stamp, long pid, boolean paused, Want want) {
    return Status.daemontools(stamp, pid, paused, want);
  }

  @ParameterizedTest(name = "pid {0} paused {1} want {2} down file {3}: {4}")
  @MethodSource("dev.vigil.svstat.StatusMatrix#rows")
  void fullMatrix(long pid, boolean paused, Want want, boolean downFile, String line) {
    Status s = status(Tai64n.ofUnix(NOW - StatusMatrix.AGE, 123_456_789), pid, paused, want);
    assertEquals(line, StatusLine.format(s, NOW, !downFile));
  }

  @Test
  void pidIsPrintedUnsigned() {
    Status s = status(Tai64n.ofUnix(NOW, 0), 4294967295L, false, Want.UP);
    assertEquals("up (pid 4294967295) 0 seconds", StatusLine.format(s, NOW, true));
  }

  /** Whole-second arithmetic: the label's nanoseconds never count (spec §6.2). */
  @ParameterizedTest(name = "label {0}.{1} at {2} prints {3} seconds")
  @CsvSource({
      // label sec, nanos,       now,  printed
      "998,         10000000,    1000, 2", // 1.99 s old
      "999,         580000000,   1000, 1", // 0.42 s old
      "999,         999999000,   1000, 1", // 1 microsecond old
      "999,         0,           1001, 2", // 2.0 s old
      "1000,        999999000,   1000, 0", // same second
      "1001,        0,           1000, 0", // 1 s in the future
      "2000000000,  0,           1000, 0", // far in the future
  })
  void wholeSeconds(long labelUnix, int nanos, long now, long printed) {
    Status s = status(Tai64n.ofUnix(labelUnix, nanos), 0, false, Want.NONE);
    assertEquals("down " + printed + " seconds", StatusLine.format(s, now, false));
  }

  /** A label above 2^63 is in the future when compared unsigned, as daemontools compares. */
  @Test
  void labelWithTopBitSetIsInTheFuture() {
    Status s = status(new Tai64n(0xffff_ffff_ffff_ffffL, 0), 0, false, Want.UP);
    assertEquals("down 0 seconds, want up", StatusLine.format(s, NOW, false));
  }

  /**
   * A zeroed label is 2^62 + 10 + now seconds old. daemontools prints that age through a double
   * (tai_approx), so it comes out rounded to 53 significant bits: the real svstat printed
   * 4611686020222627840, not 4611686020222628198, at unix time 1795240284.
   */
  @ParameterizedTest(name = "zeroed label at unix {0}")
  @CsvSource({"1795240284, 4611686020222627840", "1795235263, 4611686020222622720", "0, 4611686018427387904"})
  void zeroedLabelPrintsHugeAgeAsDaemontoolsDoes(long now, String printed) {
    assertEquals(printed, viaDouble(BigInteger.ONE.shiftLeft(62).add(BigInteger.valueOf(10 + now))));
    Status s = status(new Tai64n(0, 0), 0, false, Want.NONE);
    assertEquals("down " + printed + " seconds, normally up", StatusLine.format(s, now, true));
  }

  /** The age as daemontools prints it: the exact difference rounded to the nearest double. */
  static String viaDouble(BigInteger age) {
    return new BigDecimal(new BigDecimal(age).doubleValue()).toBigInteger().toString();
  }
}
