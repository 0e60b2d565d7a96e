package dev.vigil.common;

/** The only exit codes vigil's programs use, as in daemontools (spec §1.1). */
public final class Exit {
  public static final int OK = 0;
  /** Usage errors and permanent conditions ("not supervised" for svok). */
  public static final int USAGE = 100;
  /** Temporary or system failures. */
  public static final int TEMPORARY = 111;
  /** svwait and svc -W: the wait timed out (s6-svwait's code). */
  public static final int TIMED_OUT = 99;
  /**
   * svwait and svc -W: what was waited for can no longer happen because a supervisor is gone
   * (s6-svwait's documented code for "the supervisor died").
   */
  public static final int SUPERVISOR_GONE = 102;

  private Exit() {}
}
