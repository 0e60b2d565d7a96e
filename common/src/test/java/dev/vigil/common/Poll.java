package dev.vigil.common;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Polling with a deadline, the only way these tests wait (test-fixtures' Await depends on us). */
final class Poll {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  interface Condition {
    boolean holds() throws IOException;
  }

  private Poll() {}

  static void until(String what, Condition condition) throws IOException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what);
      }
      LockSupport.parkNanos(2_000_000);
    }
  }
}
