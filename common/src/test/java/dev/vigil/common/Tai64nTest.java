package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class Tai64nTest {
  private static final long TWO_TO_62 = 1L << 62;

  @Test
  void epochIsTwoToThe62PlusTen() {
    assertEquals(TWO_TO_62 + 10, Tai64n.EPOCH);
    assertEquals(0x400000000000000AL, Tai64n.ofUnix(0, 0).label());
  }

  @Test
  void ofUnixAddsTheFixedOffsetAndKeepsMicrosecondsPlus500() {
    Tai64n t = Tai64n.ofUnix(1795235263, 342681999);

    assertEquals(TWO_TO_62 + 10 + 1795235263, t.label());
    assertEquals(342681500, t.nanos());
    assertEquals(1795235263, t.unixSeconds());
  }

  @Test
  void nanosAlwaysEndIn500() {
    assertEquals(500, Tai64n.ofUnix(1, 0).nanos());
    assertEquals(999_999_500, Tai64n.ofUnix(1, 999_999_999).nanos());
    assertEquals(1_500, Tai64n.ofUnix(1, 1_000).nanos());
    assertEquals(1_500, Tai64n.ofUnix(1, 1_999).nanos());
  }

  @Test
  void decodesTheSpecExample() throws IOException {
    byte[] b = StatusCodecTest.hex("40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 00 75");

    Tai64n t = StatusCodec.decode(b, b.length).stamp();

    assertEquals(0x400000006b011dc9L, t.label());
    assertEquals(1795235263, t.unixSeconds());
    assertEquals(342681500, t.nanos());
  }

  @Test
  void nowIsTheWallClock() {
    long before = Instant.now().getEpochSecond();
    Tai64n t = Tai64n.now();
    long after = Instant.now().getEpochSecond();

    assertTrue(before <= t.unixSeconds() && t.unixSeconds() <= after, t::toString);
    assertEquals(500, t.nanos() % 1000);
  }
}
