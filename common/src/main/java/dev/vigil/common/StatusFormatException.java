package dev.vigil.common;

import java.io.IOException;

/** A status file too short to hold daemontools' 18 bytes: svstat's "bad format". */
public final class StatusFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public StatusFormatException() {
    super("bad format");
  }
}
