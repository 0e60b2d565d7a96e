package dev.vigil.controller;

import java.util.List;

/**
 * The daemon did not answer its ping within the start timeout, or its log file stayed silent for
 * the log-file activity timeout before it did. The process was stopped before this was thrown
 * (SIGTERM, then SIGKILL after the start-abort timeout): a start that fails leaves nothing running.
 */
public final class StartTimeout extends ControllerTimeout {
  private static final long serialVersionUID = 1L;

  private final transient Attempt attempt;

  StartTimeout(String identifier, Attempt attempt) {
    super(attempt.describe("Daemon '" + identifier + "' did not start in time"));
    this.attempt = attempt;
  }

  /** What the start command printed on its stdout and stderr, stripped; empty if not captured. */
  public String output() {
    return attempt.output();
  }

  /** The lines the daemon appended to its log file during the attempt. */
  public List<String> logLines() {
    return attempt.logLines();
  }
}
