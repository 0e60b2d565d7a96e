package dev.vigil.controller;

import java.time.Duration;

/** A moment on the monotonic clock by which something must be done. */
final class Deadline {
  private final long at;

  private Deadline(long at) {
    this.at = at;
  }

  static Deadline in(Duration d) {
    return new Deadline(System.nanoTime() + d.toNanos());
  }

  long remainingNanos() {
    return Math.max(0, at - System.nanoTime());
  }

  /** At least 1: for waits where 0 would mean "for ever". */
  long remainingMillis() {
    return Math.max(1, (remainingNanos() + 999_999) / 1_000_000);
  }

  boolean passed() {
    return at - System.nanoTime() <= 0;
  }
}
