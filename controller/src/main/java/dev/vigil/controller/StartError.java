package dev.vigil.controller;

import java.util.List;

/**
 * The start failed: the start command exited non-zero, or the daemon exited (or never answered a
 * ping) before the start timeout. Carries what the start command printed and the lines the daemon
 * wrote to its log file during the attempt, which is usually why.
 */
public final class StartError extends ControllerFailure {
  private static final long serialVersionUID = 1L;

  private final transient Attempt attempt;

  StartError(String identifier, Attempt attempt) {
    super(attempt.describe("Daemon '" + identifier + "' failed to start"));
    this.attempt = attempt;
  }

  StartError(String identifier, Attempt attempt, Throwable cause) {
    super(attempt.describe("Daemon '" + identifier + "' failed to start"), cause);
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
