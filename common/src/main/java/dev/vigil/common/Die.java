package dev.vigil.common;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Thrown by deep code to end a program with one diagnostic line and an exit code. Only a
 * program's {@code run(args, out, err)} catches it; users never see a stack trace.
 */
public final class Die extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public final int exit;

  private Die(int exit, String text) {
    super(text, null, false, false);
    this.exit = exit;
  }

  /** {@code PROG: usage: SYNOPSIS}, exit 100. */
  public static Die usage(String synopsis) {
    return usage(Exit.USAGE, synopsis);
  }

  /** {@code PROG: usage: SYNOPSIS} with another exit code: a peer's, where vigil matches one (sipid's 1). */
  public static Die usage(int exit, String synopsis) {
    return new Die(exit, "usage: " + synopsis);
  }

  /** {@code PROG: fatal: WHAT}. */
  public static Die fatal(int exit, String what) {
    return new Die(exit, "fatal: " + what);
  }

  /** {@code PROG: fatal: WHAT: REASON}, REASON in daemontools' errno wording. */
  public static Die fatal(int exit, String what, IOException cause) {
    return new Die(exit, "fatal: " + what + ": " + Errno.text(cause));
  }

  /**
   * What a program's {@code run} does with whatever its body threw: a Die becomes its one line and
   * code; anything else (a bug) becomes {@code PROG: fatal: internal error: ...} and 111. Never a
   * stack trace. (A catch in each run, not a lambda: clients must not pay for invokedynamic.)
   */
  public static int report(String program, PrintStream err, Throwable e) {
    Die d = e instanceof Die ? (Die) e : fatal(Exit.TEMPORARY, "internal error: " + e);
    return d.report(program, err);
  }

  /** Prints the diagnostic as one line on {@code err} and returns the exit code. */
  public int report(String program, PrintStream err) {
    Messages.line(err, program, getMessage());
    return exit;
  }
}
