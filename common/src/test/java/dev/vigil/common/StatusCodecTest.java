package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusCodecTest {
  private static final Tai64n STAMP = Tai64n.ofUnix(1795235263, 342681000);

  /**
   * Files in src/test/resources/golden, written by the real supervise (18 bytes) and runsv (20
   * bytes); see the README there. Expected values were read off the hex dumps independently.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // file,                          unix time,  nanos,     pid,  paused, want, termSent, phase
    "daemontools-up,                  1795240207, 726428500, 4546, false, UP,   false, RUN",
    "daemontools-up-paused,           1795240207, 726428500, 4546, true,  UP,   false, RUN",
    "daemontools-up-want-down,        1795240207, 726226500, 4544, false, DOWN, false, RUN",
    "daemontools-up-paused-want-down, 1795240207, 726226500, 4544, true,  DOWN, false, RUN",
    "daemontools-down,                1795240218, 877381500, 0,    false, DOWN, false, DOWN",
    "daemontools-up-once,             1795240220, 384955500, 4624, false, NONE, false, RUN",
    "daemontools-up-once-paused,      1795240220, 384955500, 4624, true,  NONE, false, RUN",
    "daemontools-down-once,           1795240223, 402402500, 0,    false, NONE, false, DOWN",
    "daemontools-exited-want-up,      1795240233, 1126500,   0,    false, UP,   false, DOWN",
    "daemontools-exited,              1795240235, 746653500, 0,    false, DOWN, false, DOWN",
    "daemontools-down-normally-down,  1795240238, 702475500, 0,    false, DOWN, false, DOWN",
    "daemontools-up-normally-down,    1795240240, 208486500, 4786, false, UP,   false, RUN",
    "runit-run,                       1795240247, 656278500, 4835, false, UP,   false, RUN",
    "runit-run-paused,                1795240247, 656278500, 4835, true,  UP,   false, RUN",
    "runit-down,                      1795240252, 189192500, 0,    false, DOWN, false, DOWN",
    "runit-once,                      1795240253, 700245500, 4881, false, DOWN, false, RUN",
    "runit-want-down-got-term,        1795240247, 654533500, 4833, false, DOWN, true,  RUN",
    "runit-finish,                    1795240247, 654575500, 4915, false, DOWN, false, FINISH",
    "runit-exited,                    1795240265, 78813500,  0,    false, DOWN, false, DOWN",
    "runit-down-normally-down,        1795240270, 181100500, 0,    false, DOWN, false, DOWN",
  })
  void decodesGoldenFileAndEncodesItBack(String file, long unix, int nanos, long pid, boolean paused,
      Want want, boolean termSent, Phase phase) throws IOException {
    byte[] golden = golden(file);
    int size = file.startsWith("runit-") ? StatusCodec.RUNIT_SIZE : StatusCodec.DAEMONTOOLS_SIZE;
    assertEquals(size, golden.length);

    Status s = StatusCodec.decode(golden, golden.length);

    assertEquals(new Status(new Tai64n(Tai64n.EPOCH + unix, nanos), pid, paused, want, termSent, phase,
        Optional.empty()), s);
    assertEquals(unix, s.stamp().unixSeconds());
    assertEquals(500, s.stamp().nanos() % 1000, "supervise's nanoseconds end in 500");
    byte[] encoded = StatusCodec.encode(s);
    assertEquals(StatusCodec.RUNIT_SIZE, encoded.length);
    assertArrayEquals(golden, Arrays.copyOf(encoded, size));
    if (size == StatusCodec.DAEMONTOOLS_SIZE) {
      // what vigil adds to a daemontools record is what runit would have written
      assertEquals(0, encoded[18]);
      assertEquals(pid == 0 ? 0 : 1, encoded[19]);
    }
  }

  /** The dumps in spec §3.3, taken from supervise by whoever wrote the spec. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 00 75, 1795235263, 342681500, 20397, false, UP",
    "40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 01 75, 1795235263, 342681500, 20397, true,  UP",
    "40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 00 64, 1795235263, 342681500, 20397, false, DOWN",
    "40 00 00 00 6b 01 1d cb 22 73 8e a4 00 00 00 00 00 64, 1795235265, 577998500, 0,     false, DOWN",
    "40 00 00 00 6b 01 1d cb 34 62 e1 8c a3 50 00 00 00 00, 1795235265, 878895500, 20643, false, NONE",
    "40 00 00 00 6b 01 1d cc 35 c3 6b 8c 00 00 00 00 00 00, 1795235266, 901999500, 0,     false, NONE",
    "40 00 00 00 6b 01 1c dc 39 03 0a 14 00 00 00 00 00 64, 1795235026, 956500500, 0,     false, DOWN",
    "40 00 00 00 6b 01 1d 2c 14 c1 35 a4 00 00 00 00 00 75, 1795235106, 348206500, 0,     false, UP",
    "40 00 00 00 6b 01 1d cf 10 68 4f 4c 00 00 00 00 00 64, 1795235269, 275271500, 0,     false, DOWN",
  })
  void decodesSpecDump(String hex, long unix, int nanos, long pid, boolean paused, Want want)
      throws IOException {
    byte[] dump = hex(hex);

    Status s = StatusCodec.decode(dump, dump.length);

    assertEquals(Status.daemontools(new Tai64n(Tai64n.EPOCH + unix, nanos), pid, paused, want), s);
    assertArrayEquals(dump, Arrays.copyOf(StatusCodec.encode(s), 18));
  }

  @Test
  void pidIsLittleEndianAtOffset12() throws IOException {
    byte[] b = StatusCodec.encode(Status.daemontools(STAMP, 0x04030201L, false, Want.UP));

    assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOfRange(b, 12, 16));
    assertEquals(0x04030201L, StatusCodec.decode(b, b.length).pid());
  }

  @Test
  void largestPidRoundTripsUnsigned() throws IOException {
    byte[] b = StatusCodec.encode(Status.daemontools(STAMP, 4294967295L, true, Want.DOWN));

    assertArrayEquals(hex("ff ff ff ff 01 64"), Arrays.copyOfRange(b, 12, 18));
    Status s = StatusCodec.decode(b, b.length);
    assertEquals(4294967295L, s.pid());
    assertTrue(s.paused());
  }

  @Test
  void labelAndNanosAreBigEndian() {
    byte[] b = StatusCodec.encode(Status.daemontools(new Tai64n(0x0102030405060708L, 0x090a0b0c), 0, false,
        Want.NONE));

    assertArrayEquals(hex("01 02 03 04 05 06 07 08 09 0a 0b 0c"), Arrays.copyOf(b, 12));
  }

  @Test
  void wantByte() throws IOException {
    assertEquals('u', StatusCodec.encode(Status.daemontools(STAMP, 1, false, Want.UP))[17]);
    assertEquals('d', StatusCodec.encode(Status.daemontools(STAMP, 1, false, Want.DOWN))[17]);
    assertEquals(0, StatusCodec.encode(Status.daemontools(STAMP, 1, false, Want.NONE))[17]);
    assertEquals(Want.UP, decodeWithWant('u'));
    assertEquals(Want.DOWN, decodeWithWant('d'));
    assertEquals(Want.NONE, decodeWithWant(0));
  }

  @ParameterizedTest
  @ValueSource(ints = {'A', 'U', 'D', 'o', 'x', 1, 0xff})
  void unknownWantByteDecodesAsNone(int code) throws IOException {
    assertEquals(Want.NONE, decodeWithWant(code));
  }

  @Test
  void pausedIsWrittenOnlyWithAChild() {
    assertEquals(0, StatusCodec.encode(Status.daemontools(STAMP, 0, true, Want.UP))[16]);
    assertEquals(1, StatusCodec.encode(Status.daemontools(STAMP, 7, true, Want.UP))[16]);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 5, 17})
  void fewerThan18BytesIsBadFormat(int length) {
    StatusFormatException e = assertThrows(StatusFormatException.class,
        () -> StatusCodec.decode(new byte[StatusCodec.SIZE], length));
    assertEquals("bad format", e.getMessage());
  }

  @Test
  void eighteenBytesDerivePhaseFromPidAndIgnoreTheRestOfTheBuffer() throws IOException {
    byte[] b = hex("40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 00 75 01 02");

    Status s = StatusCodec.decode(b, 18);

    assertFalse(s.termSent());
    assertEquals(Phase.RUN, s.phase());
    byte[] down = hex("40 00 00 00 6b 01 1d c9 14 6c e7 9c 00 00 00 00 00 75 01 01");
    assertEquals(Phase.DOWN, StatusCodec.decode(down, 18).phase());
  }

  @Test
  void twentyBytesCarryRunitsTermSentAndPhase() throws IOException {
    Status s = StatusCodec.decode(hex("40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 00 64 01 02"), 20);

    assertTrue(s.termSent());
    assertEquals(Phase.FINISH, s.phase());
    assertEquals(Optional.empty(), s.extension());
  }

  @Test
  void unknownRunitPhaseFallsBackToThePid() throws IOException {
    Status up = StatusCodec.decode(hex("40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 00 64 00 07"), 20);
    Status down = StatusCodec.decode(hex("40 00 00 00 6b 01 1d c9 14 6c e7 9c 00 00 00 00 00 64 00 ff"), 20);

    assertEquals(Phase.RUN, up.phase());
    assertEquals(Phase.DOWN, down.phase());
  }

  @Test
  void extensionRoundTripsIn46Bytes() throws IOException {
    Extension x = new Extension(4294967295L, 3, OptionalInt.of(0x0100), 123456789012L, 5);
    Status s = new Status(STAMP, 4242, true, Want.UP, true, Phase.RUN, Optional.of(x));

    byte[] b = StatusCodec.encode(s);

    assertEquals(StatusCodec.V1_SIZE, b.length);
    assertArrayEquals(hex("01 01 00 00 01 00 00 00 00 03 00 00 00 1c be 99 1a 14 ff ff ff ff 00 00 00 05"),
        Arrays.copyOfRange(b, 20, 46));
    assertEquals(s, StatusCodec.decode(b, b.length));
  }

  @Test
  void anUnknownLastExitIsFlagBitOneWithNoWaitStatus() throws IOException {
    Extension x = new Extension(99, 1, OptionalInt.of(Extension.EXIT_UNKNOWN), 0, 3);
    Status s = new Status(STAMP, 0, false, Want.UP, false, Phase.DOWN, Optional.of(x));

    byte[] b = StatusCodec.encode(s);

    assertEquals(2, b[21], "bit 1: exited, how is unknown (an adopted child); bit 0 clear");
    assertArrayEquals(new byte[4], Arrays.copyOfRange(b, 22, 26));
    assertEquals(s, StatusCodec.decode(b, b.length));
  }

  @Test
  void extensionWithoutLastExitClearsTheFlag() throws IOException {
    Extension x = new Extension(99, 1, OptionalInt.empty(), 0, 3);
    Status s = new Status(STAMP, 0, false, Want.DOWN, false, Phase.DOWN, Optional.of(x));

    byte[] b = StatusCodec.encode(s);

    assertEquals(1, b[20]);
    assertEquals(0, b[21]);
    assertEquals(s, StatusCodec.decode(b, b.length));
  }

  @Test
  void versionByteZeroMeansNoExtension() throws IOException {
    byte[] b = StatusCodec.encode(new Status(STAMP, 1, false, Want.UP, false, Phase.RUN,
        Optional.of(new Extension(1, 2, OptionalInt.of(3), 4, 5))));
    b[20] = 0;

    assertEquals(Optional.empty(), StatusCodec.decode(b, b.length).extension());
  }

  @Test
  void laterLayoutVersionsAreReadForTheFieldsWeKnow() throws IOException {
    Extension x = new Extension(77, 5, OptionalInt.of(9), 11, 4);
    byte[] b = Arrays.copyOf(StatusCodec.encode(new Status(STAMP, 1, false, Want.UP, false, Phase.RUN,
        Optional.of(x))), 64);
    Arrays.fill(b, StatusCodec.V1_SIZE, 64, (byte) 0xee);

    for (int version : new int[] {2, 127, 128, 255}) {
      b[20] = (byte) version;
      assertEquals(Optional.of(x), StatusCodec.decode(b, b.length).extension(), "version " + version);
    }
  }

  @Test
  void shorterThanTheExtensionHasNoExtensionEvenWithAVersionByte() throws IOException {
    byte[] b = StatusCodec.encode(new Status(STAMP, 1, false, Want.UP, false, Phase.RUN,
        Optional.of(new Extension(1, 2, OptionalInt.of(3), 4, 5))));

    assertEquals(Optional.empty(), StatusCodec.decode(b, StatusCodec.V1_SIZE - 1).extension());
  }

  @Test
  void version2AppendsTheStageAndRoundTripsIn76Bytes() throws IOException {
    Extension.Progress p = new Extension.Progress(Stage.STOPPING, 2, 3, new Tai64n(0x400000006b011dc9L, 342681500),
        Optional.of(new Tai64n(0x400000006b011dd0L, 500)));
    Extension x = new Extension(99, 4, OptionalInt.of(0x0100), 777, 6, Optional.of(p));
    Status s = new Status(STAMP, 4242, false, Want.DOWN, true, Phase.RUN, Optional.of(x));

    byte[] b = StatusCodec.encode(s);

    assertEquals(76, b.length);
    assertEquals(2, b[20], "layout version");
    assertArrayEquals(hex("04 02 00 00 00 03 40 00 00 00 6b 01 1d c9 14 6c e7 9c 40 00 00 00 6b 01 1d d0 00 00 01 f4"),
        Arrays.copyOfRange(b, 46, 76));
    assertEquals(s, StatusCodec.decode(b, b.length));
    // a reader of layout 1 is served by the first 46 bytes; cut there, version 2 reads as 1
    assertEquals(Optional.of(new Extension(99, 4, OptionalInt.of(0x0100), 777, 6)),
        StatusCodec.decode(b, 46).extension());
  }

  @Test
  void version4AppendsReadinessTheStatusTextAndTheLastExitedPid() throws IOException {
    Extension.Progress p = new Extension.Progress(Stage.UP, 0, 0, STAMP, Optional.empty());
    Extension.Readiness r = new Extension.Readiness(Optional.of(new Tai64n(0x400000006b011dd0L, 500)), true, "héllo");
    Extension x = new Extension(99, 4, OptionalInt.empty(), 777, 6, Optional.of(p), Optional.of(r), OptionalLong.of(31337));
    Status s = new Status(STAMP, 4242, false, Want.UP, false, Phase.RUN, Optional.of(x));

    byte[] b = StatusCodec.encode(s);

    assertEquals(100, b.length, "90 bytes, six of text and the pid");
    assertEquals(4, b[20], "layout version");
    assertArrayEquals(hex("03 40 00 00 00 6b 01 1d d0 00 00 01 f4 06 68 c3 a9 6c 6c 6f 00 00 7a 69"),
        Arrays.copyOfRange(b, 76, 100));
    assertEquals(s, StatusCodec.decode(b, b.length));
    // a reader of layout 3 is served by the first 96 bytes (the text's end): no pid there
    assertEquals(Optional.of(new Extension(99, 4, OptionalInt.empty(), 777, 6, Optional.of(p), Optional.of(r))),
        StatusCodec.decode(b, 96).extension());
    // a reader of layout 2 is served by the first 76 bytes
    assertEquals(Optional.of(new Extension(99, 4, OptionalInt.empty(), 777, 6, Optional.of(p))),
        StatusCodec.decode(b, 76).extension());
  }

  @Test
  void aStatusTextIsCutAt200BytesBetweenCharacters() throws IOException {
    Extension.Progress p = new Extension.Progress(Stage.UP, 0, 0, STAMP, Optional.empty());
    String text = "x" + "é".repeat(150); // 301 bytes: the cut falls inside an é
    Extension x = new Extension(1, 1, OptionalInt.empty(), 2, 3, Optional.of(p),
        Optional.of(new Extension.Readiness(Optional.empty(), false, text)));
    byte[] b = StatusCodec.encode(new Status(STAMP, 1, false, Want.UP, false, Phase.RUN, Optional.of(x)));
    assertEquals(StatusCodec.SIZE + 199, b.length);
    assertEquals("x" + "é".repeat(99),
        StatusCodec.decode(b, b.length).extension().get().readiness().get().text());
  }

  @Test
  void version2WithoutANextStartLeavesItsLabelZero() throws IOException {
    Extension.Progress p = new Extension.Progress(Stage.UP, 0, 0, STAMP, Optional.empty());
    byte[] b = StatusCodec.encode(new Status(STAMP, 1, false, Want.UP, false, Phase.RUN,
        Optional.of(new Extension(1, 1, OptionalInt.empty(), 2, 3, Optional.of(p)))));
    assertArrayEquals(new byte[12], Arrays.copyOfRange(b, 64, 76));
    assertEquals(Optional.of(p), StatusCodec.decode(b, b.length).extension().get().progress());
  }

  @Test
  void unknownTrailingBytesAreIgnored() throws IOException {
    byte[] daemontools = golden("daemontools-up-paused");
    byte[] runit = golden("runit-want-down-got-term");
    byte[] longDaemontools = Arrays.copyOf(daemontools, 19);
    longDaemontools[18] = 0;
    byte[] longRunit = Arrays.copyOf(runit, 41);
    Arrays.fill(longRunit, 20, 41, (byte) 0x5a);

    assertEquals(StatusCodec.decode(daemontools, 18), StatusCodec.decode(longDaemontools, 19));
    assertEquals(StatusCodec.decode(runit, 20), StatusCodec.decode(longRunit, 41));
  }

  @Test
  void daemontoolsFactoryDerivesPhase() {
    assertEquals(Phase.DOWN, Status.daemontools(STAMP, 0, false, Want.UP).phase());
    assertEquals(Phase.RUN, Status.daemontools(STAMP, 1, false, Want.UP).phase());
  }

  private static Want decodeWithWant(int code) throws IOException {
    byte[] b = hex("40 00 00 00 6b 01 1d c9 14 6c e7 9c ad 4f 00 00 00 00");
    b[17] = (byte) code;
    return StatusCodec.decode(b, b.length).want();
  }

  static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replace(" ", ""));
  }

  static byte[] golden(String name) throws IOException {
    try (InputStream in = StatusCodecTest.class.getResourceAsStream("/golden/" + name + ".status")) {
      assertNotNull(in, "missing golden file " + name);
      return in.readAllBytes();
    }
  }

  @Test
  void theArticlesRecordIsTwentyBytesWithThePidLittleEndianAt16() throws IOException {
    Status s = new Status(STAMP, 0x04030201L, true, Want.DOWN, true, Phase.FINISH, Optional.empty());
    byte[] b = StatusCodec.encodeArticle(s);
    assertEquals(StatusCodec.ARTICLE_SIZE, b.length);
    assertArrayEquals(Arrays.copyOf(StatusCodec.encode(s), 12), Arrays.copyOf(b, 12), "bytes 0-11: daemontools' label");
    assertArrayEquals(new byte[] {1, 'd', 2 | 4, 0, 1, 2, 3, 4}, Arrays.copyOfRange(b, 12, 20));
    assertEquals(s, StatusCodec.decodeArticle(b, b.length));
  }

  @Test
  void theArticlesRecordLeavesTheExtensionOutAndKeepsAPidAbove65535() throws IOException {
    Extension x = new Extension(99, 3, OptionalInt.of(0), 12345, 7);
    Status s = new Status(STAMP, 4_194_303L, false, Want.UP, false, Phase.RUN, Optional.of(x));
    byte[] b = StatusCodec.encodeArticle(s);
    assertEquals(StatusCodec.ARTICLE_SIZE, b.length);
    assertEquals(new Status(STAMP, 4_194_303L, false, Want.UP, false, Phase.RUN, Optional.empty()),
        StatusCodec.decodeArticle(b, b.length));
  }

  @Test
  void anArticleRecordShorterThanTwentyBytesIsBadFormat() {
    byte[] b = StatusCodec.encodeArticle(Status.daemontools(STAMP, 1, false, Want.UP));
    assertThrows(StatusFormatException.class, () -> StatusCodec.decodeArticle(b, 19));
  }
}
