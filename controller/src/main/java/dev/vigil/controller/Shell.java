package dev.vigil.controller;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a start, stop or ping command as daemon_controller does: {@code /bin/sh -c COMMAND}, stdin
 * from /dev/null, no descriptor but 0–2 (the JDK closes the rest in the child, so a daemon never
 * inherits the lock file), and stdout and stderr captured into a temporary file unless they are
 * to be the caller's own.
 */
final class Shell {
  /** How a command ended. */
  enum Outcome { OK, FAILED, TIMED_OUT }

  /**
   * @param process the shell: still running when the outcome is TIMED_OUT
   * @param output what it printed, stripped; empty when not captured
   * @param reason {@code exited with status N}, {@code timed out}, or empty for OK
   */
  record Result(Outcome outcome, Process process, String output, String reason) {}

  private Shell() {}

  /**
   * Runs {@code command} to its end or the deadline. A command still running at the deadline is
   * left running for the caller to stop ({@link Result#process}).
   *
   * @param capture whether to capture the output; otherwise it goes where this JVM's goes
   */
  static Result run(String command, boolean capture, Deadline deadline) {
    Path out = null;
    try {
      ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", command))
          .redirectInput(new File("/dev/null"));
      if (capture) {
        out = Files.createTempFile("daemon-output", ".txt");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
      } else {
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
      }
      Process p = pb.start();
      boolean ended;
      try {
        ended = p.waitFor(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ended = false;
      }
      String output = out == null ? "" : Files.readString(out, StandardCharsets.UTF_8).strip();
      if (!ended) {
        return new Result(Outcome.TIMED_OUT, p, output, "timed out");
      }
      int status = p.exitValue();
      return status == 0
          ? new Result(Outcome.OK, p, output, "")
          : new Result(Outcome.FAILED, p, output, "exited with status " + status);
    } catch (IOException e) {
      throw new UncheckedIOException("unable to run /bin/sh -c " + command + ": " + e.getMessage(), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a temporary file left in /tmp is no reason to fail the start
        }
      }
    }
  }

  /** Whether {@code log} is this JVM's own stdout or stderr, which daemon_controller does not capture. */
  static boolean isOwnOutput(Path log) {
    String s = log.toString();
    return s.equals("/dev/stdout") || s.equals("/dev/stderr") || s.equals("/dev/fd/1") || s.equals("/dev/fd/2")
        || s.matches("/proc/(\\d+|self)/fd/[12]");
  }
}
