package dev.vigil.controller;

import java.util.ArrayList;
import java.util.List;

/**
 * What one failed start left to tell: the start command's output, the daemon's log lines written
 * during the attempt, and why it ended (an exit status, "timed out", ...). One place words them,
 * in daemon_controller's order (output, then logs, then the reason in parentheses).
 *
 * @param output the start command's output, stripped; empty when it was not captured
 * @param logLines the lines appended to the log file during the attempt
 * @param reason why the attempt ended, e.g. {@code exited with status 1}; empty if the output says it
 */
record Attempt(String output, List<String> logLines, String reason) {
  Attempt {
    logLines = List.copyOf(logLines);
  }

  /** {@code HEADLINE: REASON}, then the output's lines, then the log's, one per line. */
  String describe(String headline) {
    List<String> parts = new ArrayList<>();
    parts.add(reason.isEmpty() ? headline : headline + ": " + reason);
    if (!output.isEmpty()) {
      parts.add(output);
    }
    parts.addAll(logLines);
    if (output.isEmpty() && logLines.isEmpty()) {
      parts.add("(no output, and nothing in the log file)");
    }
    return String.join("\n", parts);
  }
}
