package dev.vigil.common.os;

import dev.vigil.common.Tai64n;

/** Time as supervise reads it: a monotonic clock for deadlines, the wall clock for status stamps. */
public interface Clock {
  /** Monotonic nanoseconds: deadlines survive wall-clock steps. */
  long nanos();

  /** The wall-clock time as a status label. */
  Tai64n wall();

  /** The real clocks. */
  Clock SYSTEM = new Clock() {
    @Override
    public long nanos() {
      return System.nanoTime();
    }

    @Override
    public Tai64n wall() {
      return Tai64n.now();
    }
  };
}
