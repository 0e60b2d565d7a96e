package dev.vigil.common;

/** The only exit codes vigil's programs use, as in daemontools (spec §1.1). */
public final class Exit {
  public static final int OK = 0;
  /** Usage errors and permanent conditions ("not supervised" for svok). */
  public static final int USAGE = 100;
  /** Temporary or system failures. */
  public static final int TEMPORARY = 111;

  private Exit() {}
}
