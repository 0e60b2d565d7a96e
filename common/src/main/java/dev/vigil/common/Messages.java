package dev.vigil.common;

import java.io.PrintStream;

/** The DJB message grammar: {@code PROG: fatal: ...} and {@code PROG: warning: ...}, one line each. */
public final class Messages {
  private Messages() {}

  /** {@code PROG: warning: TEXT}. */
  public static void warning(PrintStream err, String program, String text) {
    line(err, program, "warning: " + text);
  }

  /** {@code PROG: TEXT}, written and flushed as one line so concurrent writers do not interleave. */
  static void line(PrintStream err, String program, String text) {
    err.print(program + ": " + text + "\n");
    err.flush();
  }
}
