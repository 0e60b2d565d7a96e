package dev.vigil.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class StatusCodecPropertiesTest {
  private static final long U32 = 0xffffffffL;

  private static final Gen<Long> U32S = longs().between(0, U32);
  private static final Gen<OptionalInt> LAST_EXITS = booleans().all()
      .zip(integers().all(), (has, v) -> has ? OptionalInt.of(v) : OptionalInt.empty());
  private static final Gen<Tai64n> LABELS = longs().all().zip(integers().all(), Tai64n::new);
  /** Layout version 2's fields, or none (a version 1 record). */
  private static final Gen<Optional<Extension.Progress>> PROGRESS = in -> {
    if (booleans().all().generate(in)) {
      return Optional.empty();
    }
    Tai64n next = LABELS.generate(in);
    return Optional.of(new Extension.Progress(Generate.enumValues(Stage.class).generate(in),
        integers().between(0, 255).generate(in), integers().all().generate(in), LABELS.generate(in),
        next.label() == 0 ? Optional.empty() : Optional.of(next)));
  };
  /** Status texts: empty, short, any code points (up to the 200 bytes the record keeps, whole characters). */
  private static final Gen<String> TEXTS = in -> {
    int n = integers().between(0, 60).generate(in);
    StringBuilder b = new StringBuilder();
    while (b.length() < n) {
      int cp = integers().between(1, 0x10ffff).generate(in);
      if (cp < 0xd800 || cp > 0xdfff) {
        b.appendCodePoint(cp);
      }
    }
    String t = b.toString();
    while (t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > StatusCodec.TEXT_MAX) {
      t = t.substring(0, t.offsetByCodePoints(0, t.codePointCount(0, t.length()) - 1));
    }
    return t;
  };
  /** Layout version 3's fields, or none (an older record). */
  private static final Gen<Optional<Extension.Readiness>> READINESS = in -> {
    if (booleans().all().generate(in)) {
      return Optional.empty();
    }
    return Optional.of(new Extension.Readiness(
        booleans().all().generate(in) ? Optional.of(LABELS.generate(in)) : Optional.empty(),
        booleans().all().generate(in), TEXTS.generate(in)));
  };
  private static final Gen<Optional<Extension>> EXTENSIONS = booleans().all().zip(
      U32S, U32S, LAST_EXITS, longs().between(0, Long.MAX_VALUE),
      (has, supervisor, starts, lastExit, ticks) ->
          has ? Optional.of(new Extension(supervisor, starts, lastExit, ticks, (int) (ticks % 1024)))
              : Optional.<Extension>empty())
      .zip(PROGRESS, READINESS, U32S, (x, p, r, lastPid) -> x.map(e -> {
        Optional<Extension.Readiness> readiness = p.isPresent() ? r : Optional.empty();
        // layout 4's last exited pid comes with readiness, as vigil writes them together
        return new Extension(e.supervisorPid(), e.starts(), e.lastExit(), e.childStartTicks(), e.lockFd(), p,
            readiness, readiness.isPresent() ? java.util.OptionalLong.of(lastPid) : java.util.OptionalLong.empty());
      }));

  /** Valid records: paused only with a child, since that is all the file can say. */
  private static final Gen<Status> STATUSES = in -> {
    long pid = U32S.generate(in);
    return new Status(
        new Tai64n(longs().all().generate(in), integers().all().generate(in)),
        pid,
        pid != 0 && booleans().all().generate(in),
        Generate.enumValues(Want.class).generate(in),
        booleans().all().generate(in),
        Generate.enumValues(Phase.class).generate(in),
        EXTENSIONS.generate(in));
  };

  private static final Gen<byte[]> RANDOM_BYTES = Generate.byteArrays(integers().between(18, 300),
      Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
  private static final Gen<Byte> PLAUSIBLE =
      Generate.pick(List.of((byte) 0, (byte) 1, (byte) 2, (byte) 'u', (byte) 'd'));

  /**
   * Any bytes, but half the time with no child (pid 0) and half the time with plausible values in
   * bytes 16-20: uniform bytes would almost never hit those cases.
   */
  private static final Gen<byte[]> FILES = ((Gen<byte[]>) in -> {
    byte[] b = RANDOM_BYTES.generate(in);
    if (booleans().all().generate(in)) {
      Arrays.fill(b, 12, 16, (byte) 0);
    }
    for (int i = 16; i < Math.min(b.length, 21); i++) {
      if (booleans().all().generate(in)) {
        b[i] = PLAUSIBLE.generate(in);
      }
    }
    return b;
  }).describedAs(Arrays::toString);

  @Test
  void decodeInvertsEncode() {
    qt().forAll(STATUSES).checkAssert(s -> {
      byte[] b = StatusCodec.encode(s);
      int size = s.extension().isEmpty() ? StatusCodec.RUNIT_SIZE
          : s.extension().get().readiness().isPresent()
              ? StatusCodec.SIZE + s.extension().get().readiness().get().text()
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8).length
          : s.extension().get().progress().isPresent() ? StatusCodec.V2_SIZE : StatusCodec.V1_SIZE;
      assertEquals(size, b.length);
      assertEquals(s, decode(b, b.length));
    });
  }

  @Test
  void anyBytesDecodeAndTheDaemontoolsFieldsSurvive() {
    qt().forAll(FILES).checkAssert(b -> {
      Status s = decode(b, b.length);
      byte[] again = StatusCodec.encode(s);

      assertArrayEquals(Arrays.copyOf(b, 16), Arrays.copyOf(again, 16));
      assertEquals(b[16] != 0 && s.isUp() ? 1 : 0, again[16]);
      boolean known = b[17] == 'u' || b[17] == 'd' || b[17] == 0;
      assertEquals(known ? b[17] : 0, again[17]);
      if (b.length >= StatusCodec.RUNIT_SIZE) {
        assertEquals(b[18] != 0 ? 1 : 0, again[18]);
        boolean runitPhase = b[19] >= 0 && b[19] <= 2;
        assertEquals(runitPhase ? b[19] : s.isUp() ? 1 : 0, again[19]);
      }
      assertEquals(b.length >= StatusCodec.V1_SIZE && b[20] != 0, s.extension().isPresent());
    });
  }

  private static Status decode(byte[] b, int length) {
    try {
      return StatusCodec.decode(b, length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
