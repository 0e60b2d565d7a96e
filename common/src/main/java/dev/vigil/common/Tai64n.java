package dev.vigil.common;

/**
 * A TAI64N label as supervise writes it (spec §1.3): seconds are {@code 2^62 + 10 + unix time}
 * (a fixed 10 s offset, no leap-second table) and nanoseconds are microseconds times 1000 plus
 * 500, so they always end in 500.
 *
 * @param label the 64-bit seconds label
 * @param nanos the nanoseconds field
 */
public record Tai64n(long label, int nanos) {
  /** The label of the unix epoch. */
  public static final long EPOCH = 0x400000000000000AL;

  /** The label supervise writes for a wall-clock time. */
  public static Tai64n ofUnix(long epochSecond, int nanoOfSecond) {
    return new Tai64n(EPOCH + epochSecond, nanoOfSecond / 1000 * 1000 + 500);
  }

  /** The label for the current wall-clock time. */
  public static Tai64n now() {
    java.time.Instant t = java.time.Instant.now();
    return ofUnix(t.getEpochSecond(), t.getNano());
  }

  /** This time plus {@code nanos} (a non-negative span), in supervise's microsecond precision. */
  public Tai64n plusNanos(long nanos) {
    long total = (long) this.nanos + nanos;
    return ofUnix(unixSeconds() + total / 1_000_000_000L, (int) (total % 1_000_000_000L));
  }

  /** Seconds since the unix epoch. */
  public long unixSeconds() {
    return label - EPOCH;
  }
}
