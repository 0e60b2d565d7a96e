package dev.vigil.common;

/**
 * Where a vigil-supervised service is in its life, as the status extension records it (one byte,
 * this order): the supervisor's lifecycle phases, which svstat -l and -o show by these names.
 */
public enum Stage {
  DOWN,
  /** A start is out; its answer not yet in. */
  STARTING,
  UP,
  /** ./finish runs, after ./run exited. */
  FINISHING,
  /** ./run is being taken down by a stop plan (svc -d with a stop schedule, or a shutdown). */
  STOPPING;

  /** The stage a byte encodes, or null for a value no version writes. */
  static Stage of(byte code) {
    return code >= 0 && code < values().length ? values()[code] : null;
  }

  /** The name as svstat prints it. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
