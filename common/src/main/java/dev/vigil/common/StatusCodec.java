package dev.vigil.common;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The status record to and from bytes. This is the only code that knows byte offsets
 * (doc/status-format.md):
 *
 * <pre>
 *  0  8  TAI64N seconds label, big-endian            daemontools
 *  8  4  TAI64N nanoseconds, big-endian
 * 12  4  pid, little-endian, 0 = no child
 * 16  1  paused (1 only while a child exists)
 * 17  1  want: 'u', 'd', or 0 for once
 * 18  1  1 = SIGTERM sent to this child            runit
 * 19  1  0 down, 1 run, 2 finish
 * 20  1  extension layout version (1)               vigil
 * 21  1  flags: bit 0 = bytes 22-25 hold a wait status, bit 1 = the last child's exit is unknown
 * 22  4  last child's wait status, big-endian
 * 26  4  starts since the supervisor began, big-endian
 * 30  8  current child's start time in clock ticks since boot, big-endian, 0 = none
 * 38  4  supervisor pid, big-endian
 * 42  4  the supervisor's descriptor holding the flock on supervise/lock, big-endian
 * 46  1  stage: 0 down, 1 starting, 2 up, 3 finishing, 4 stopping   (version 2)
 * 47  1  signals a stop in progress has sent, 0 when none
 * 48  4  consecutive fast deaths (the backoff's count), big-endian
 * 52 12  TAI64N label of when the stage began
 * 64 12  TAI64N label of when the next start is due, all zero when none is owed
 * 76  1  readiness flags: bit 0 ready, bit 1 the service said STOPPING=1   (version 3)
 * 77 12  TAI64N label of when the child became ready, all zero while it is not
 * 89  1  length of the status text that follows (the service's last STATUS=), 0-200
 * 90  n  the status text, UTF-8
 * 90+n 4 pid of the service's process that last exited, 0 = none, big-endian   (version 4)
 * </pre>
 *
 * Later layout versions only append, so a reader takes every field it knows from any version at
 * least as new as the one that introduced it, and ignores the bytes it does not know (version 4
 * appends after the text, whose length byte says where).
 *
 * <p>The seed article's layout ({@code status/NAME/status}, {@link #encodeArticle}) is another
 * record of 20 bytes, with no extension:
 *
 * <pre>
 *  0 12  TAI64N label of the last change, big-endian  (the article: "no use")
 * 12  1  paused
 * 13  1  want: 'u', 'd', or 0 for once
 * 14  1  bits 0-1: 0 down, 1 run, 2 finish; bit 2: SIGTERM sent to this child
 * 15  1  0
 * 16  4  pid, little-endian, 0 = no child          (od -An -j16 -N2 -tu2 status)
 * </pre>
 */
public final class StatusCodec {
  /** What daemontools writes, and the least a reader accepts. */
  public static final int DAEMONTOOLS_SIZE = 18;
  /** What runit writes. */
  public static final int RUNIT_SIZE = 20;
  /** A version 3 record without a status text: what vigil wrote before the last exited pid. */
  public static final int V3_SIZE = 90;
  /** The longest status text kept, in bytes. */
  public static final int TEXT_MAX = 200;
  /** Version 4's field after the text: the last exited pid. */
  private static final int LAST_PID_SIZE = 4;
  /** What vigil writes without a status text. */
  public static final int SIZE = V3_SIZE + LAST_PID_SIZE;
  /** The most a reader needs to read: a record with the longest status text. */
  public static final int MAX_SIZE = SIZE + TEXT_MAX;
  /** A version 1 record: what vigil wrote before stages. */
  public static final int V1_SIZE = 46;
  /** A version 2 record: what vigil wrote before readiness. */
  public static final int V2_SIZE = 76;

  /** The extension layout this codec writes. */
  public static final int VERSION = 4;

  private static final int LABEL = 0;
  private static final int NANOS = 8;
  private static final int PID = 12;
  private static final int PAUSED = 16;
  private static final int WANT = 17;
  private static final int TERM_SENT = 18;
  private static final int PHASE = 19;
  private static final int EXT_VERSION = 20;
  private static final int EXT_FLAGS = 21;
  private static final int LAST_EXIT = 22;
  private static final int STARTS = 26;
  private static final int CHILD_START = 30;
  private static final int SUPERVISOR = 38;
  private static final int LOCK_FD = 42;
  private static final int STAGE = 46;
  private static final int STOP_SIGNALS = 47;
  private static final int FAST_DEATHS = 48;
  private static final int SINCE = 52;
  private static final int NEXT_START = 64;
  private static final int READINESS = 76;
  private static final int READY_SINCE = 77;
  private static final int TEXT_LENGTH = 89;
  private static final int TEXT = 90;

  /** The seed article's record: what its layout writes and reads, whole. */
  public static final int ARTICLE_SIZE = 20;
  private static final int ARTICLE_PAUSED = 12;
  private static final int ARTICLE_WANT = 13;
  private static final int ARTICLE_FLAGS = 14;
  private static final int ARTICLE_PID = 16;
  private static final int ARTICLE_PHASE_BITS = 3;
  private static final int ARTICLE_TERM_SENT = 4;

  private static final int HAS_LAST_EXIT = 1;
  private static final int LAST_EXIT_UNKNOWN = 2;
  private static final int READY = 1;
  private static final int STOPPING = 2;

  private StatusCodec() {}

  public static byte[] encode(Status s) {
    byte[] b = new byte[MAX_SIZE];
    putBig(b, LABEL, 8, s.stamp().label());
    putBig(b, NANOS, 4, s.stamp().nanos());
    putLittle(b, PID, s.pid());
    b[PAUSED] = (byte) (s.isUp() && s.paused() ? 1 : 0);
    b[WANT] = s.want().code;
    b[TERM_SENT] = (byte) (s.termSent() ? 1 : 0);
    b[PHASE] = (byte) s.phase().ordinal();
    Extension x = s.extension().orElse(null);
    if (x == null) {
      return java.util.Arrays.copyOf(b, RUNIT_SIZE);
    }
    b[EXT_VERSION] = VERSION;
    boolean unknown = x.lastExit().isPresent() && x.lastExit().getAsInt() == Extension.EXIT_UNKNOWN;
    b[EXT_FLAGS] = (byte) (unknown ? LAST_EXIT_UNKNOWN : x.lastExit().isPresent() ? HAS_LAST_EXIT : 0);
    putBig(b, LAST_EXIT, 4, unknown ? 0 : x.lastExit().orElse(0));
    putBig(b, STARTS, 4, x.starts());
    putBig(b, CHILD_START, 8, x.childStartTicks());
    putBig(b, SUPERVISOR, 4, x.supervisorPid());
    putBig(b, LOCK_FD, 4, x.lockFd());
    if (x.progress().isEmpty()) {
      b[EXT_VERSION] = 1;
      return java.util.Arrays.copyOf(b, V1_SIZE);
    }
    if (x.readiness().isEmpty()) {
      b[EXT_VERSION] = 2;
    }
    Extension.Progress p = x.progress().get();
    b[STAGE] = (byte) p.stage().ordinal();
    b[STOP_SIGNALS] = (byte) Math.min(255, p.stopSignals());
    putBig(b, FAST_DEATHS, 4, p.fastDeaths());
    putLabel(b, SINCE, p.since());
    if (p.nextStart().isPresent()) {
      putLabel(b, NEXT_START, p.nextStart().get());
    }
    if (x.readiness().isEmpty()) {
      return java.util.Arrays.copyOf(b, V2_SIZE);
    }
    Extension.Readiness r = x.readiness().get();
    b[READINESS] = (byte) ((r.since().isPresent() ? READY : 0) | (r.stopping() ? STOPPING : 0));
    if (r.since().isPresent()) {
      putLabel(b, READY_SINCE, r.since().get());
    }
    byte[] text = truncatedText(r.text());
    b[TEXT_LENGTH] = (byte) text.length;
    System.arraycopy(text, 0, b, TEXT, text.length);
    putBig(b, TEXT + text.length, LAST_PID_SIZE, x.lastPid().orElse(0));
    return java.util.Arrays.copyOf(b, TEXT + text.length + LAST_PID_SIZE);
  }

  /**
   * The seed article's 20 bytes: daemontools' label and flags, runit's phase and SIGTERM flag
   * folded into byte 14, the pid moved to 16-19. Everything of the extension is left out.
   */
  public static byte[] encodeArticle(Status s) {
    byte[] b = new byte[ARTICLE_SIZE];
    putBig(b, LABEL, 8, s.stamp().label());
    putBig(b, NANOS, 4, s.stamp().nanos());
    b[ARTICLE_PAUSED] = (byte) (s.isUp() && s.paused() ? 1 : 0);
    b[ARTICLE_WANT] = s.want().code;
    b[ARTICLE_FLAGS] = (byte) (s.phase().ordinal() | (s.termSent() ? ARTICLE_TERM_SENT : 0));
    putLittle(b, ARTICLE_PID, s.pid());
    return b;
  }

  /**
   * Decodes the seed article's record.
   *
   * @throws StatusFormatException if there are fewer than its 20 bytes
   */
  public static Status decodeArticle(byte[] b, int length) throws StatusFormatException {
    if (length < ARTICLE_SIZE) {
      throw new StatusFormatException();
    }
    long pid = getLittle(b, ARTICLE_PID);
    Phase written = Phase.of((byte) (b[ARTICLE_FLAGS] & ARTICLE_PHASE_BITS));
    Phase phase = written != null ? written : pid == 0 ? Phase.DOWN : Phase.RUN;
    return new Status(new Tai64n(getBig(b, LABEL, 8), (int) getBig(b, NANOS, 4)), pid,
        b[ARTICLE_PAUSED] != 0, Want.of(b[ARTICLE_WANT]), (b[ARTICLE_FLAGS] & ARTICLE_TERM_SENT) != 0, phase,
        Optional.empty());
  }

  /** The text in UTF-8, cut to {@link #TEXT_MAX} bytes at a character's boundary. */
  private static byte[] truncatedText(String text) {
    byte[] all = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (all.length <= TEXT_MAX) {
      return all;
    }
    int end = TEXT_MAX;
    while (end > 0 && (all[end] & 0xc0) == 0x80) {
      end--; // all[end] continues a character: cut before that character
    }
    return java.util.Arrays.copyOf(all, end);
  }

  private static void putLabel(byte[] b, int at, Tai64n label) {
    putBig(b, at, 8, label.label());
    putBig(b, at + 8, 4, label.nanos());
  }

  private static Tai64n getLabel(byte[] b, int at) {
    return new Tai64n(getBig(b, at, 8), (int) getBig(b, at + 8, 4));
  }

  /**
   * Decodes the first {@code length} bytes of {@code b}.
   *
   * @throws StatusFormatException if there are fewer than daemontools' 18
   */
  public static Status decode(byte[] b, int length) throws StatusFormatException {
    if (length < DAEMONTOOLS_SIZE) {
      throw new StatusFormatException();
    }
    Tai64n stamp = new Tai64n(getBig(b, LABEL, 8), (int) getBig(b, NANOS, 4));
    long pid = getLittle(b, PID);
    boolean paused = b[PAUSED] != 0;
    Want want = Want.of(b[WANT]);
    boolean termSent = false;
    Phase phase = pid == 0 ? Phase.DOWN : Phase.RUN;
    if (length >= RUNIT_SIZE) {
      termSent = b[TERM_SENT] != 0;
      Phase written = Phase.of(b[PHASE]);
      phase = written == null ? phase : written;
    }
    Optional<Extension> extension = Optional.empty();
    int version = length >= V1_SIZE ? b[EXT_VERSION] & 0xff : 0;
    if (version >= 1) {
      OptionalInt lastExit = (b[EXT_FLAGS] & HAS_LAST_EXIT) != 0
          ? OptionalInt.of((int) getBig(b, LAST_EXIT, 4))
          : (b[EXT_FLAGS] & LAST_EXIT_UNKNOWN) != 0 ? OptionalInt.of(Extension.EXIT_UNKNOWN) : OptionalInt.empty();
      Optional<Extension.Progress> progress = Optional.empty();
      Stage stage = length >= V2_SIZE && version >= 2 ? Stage.of(b[STAGE]) : null;
      if (stage != null) {
        Tai64n next = getLabel(b, NEXT_START);
        progress = Optional.of(new Extension.Progress(stage, b[STOP_SIGNALS] & 0xff,
            (int) getBig(b, FAST_DEATHS, 4), getLabel(b, SINCE),
            next.label() == 0 ? Optional.empty() : Optional.of(next)));
      }
      Optional<Extension.Readiness> readiness = Optional.empty();
      java.util.OptionalLong lastPid = java.util.OptionalLong.empty();
      if (progress.isPresent() && version >= 3 && length >= V3_SIZE) {
        int textLength = Math.min(b[TEXT_LENGTH] & 0xff, length - TEXT);
        if (version >= 4 && length >= TEXT + textLength + LAST_PID_SIZE) {
          lastPid = java.util.OptionalLong.of(getBig(b, TEXT + textLength, LAST_PID_SIZE));
        }
        readiness = Optional.of(new Extension.Readiness(
            (b[READINESS] & READY) != 0 ? Optional.of(getLabel(b, READY_SINCE)) : Optional.empty(),
            (b[READINESS] & STOPPING) != 0,
            new String(b, TEXT, textLength, java.nio.charset.StandardCharsets.UTF_8)));
      }
      extension = Optional.of(new Extension(getBig(b, SUPERVISOR, 4), getBig(b, STARTS, 4),
          lastExit, getBig(b, CHILD_START, 8), (int) getBig(b, LOCK_FD, 4), progress, readiness, lastPid));
    }
    return new Status(stamp, pid, paused, want, termSent, phase, extension);
  }

  /** A pid: four bytes, little-endian, as daemontools writes it. */
  private static void putLittle(byte[] b, int at, long value) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (value >>> (8 * i));
    }
  }

  private static long getLittle(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v |= (b[at + i] & 0xffL) << (8 * i);
    }
    return v;
  }

  private static void putBig(byte[] b, int at, int length, long value) {
    for (int i = 0; i < length; i++) {
      b[at + i] = (byte) (value >>> (8 * (length - 1 - i)));
    }
  }

  private static long getBig(byte[] b, int at, int length) {
    long v = 0;
    for (int i = 0; i < length; i++) {
      v = (v << 8) | (b[at + i] & 0xffL);
    }
    return v;
  }
}
