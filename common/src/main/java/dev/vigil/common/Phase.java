package dev.vigil.common;

/** runit's state byte (status byte 19). */
public enum Phase {
  DOWN,
  RUN,
  /** runit runs {@code ./finish}; vigil never writes it. */
  FINISH;

  /** The phase a runit byte encodes, or null for a value runit never writes. */
  static Phase of(byte code) {
    return code >= 0 && code < values().length ? values()[code] : null;
  }
}
