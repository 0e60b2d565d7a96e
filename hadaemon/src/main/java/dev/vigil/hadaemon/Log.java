package dev.vigil.hadaemon;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * hadaemon's own log lines, in HADaemon::Control's format so that the same greps work:
 * {@code [2026-11-29 10:40:01.12345][PID][LEVEL] message}, appended to log_file (a keeper's
 * standard error is log_file).
 */
final class Log {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSS");

  private final PrintStream out;
  private final long pid = ProcessHandle.current().pid();

  Log(PrintStream out) {
    this.out = out;
  }

  void info(String message) {
    line("INFO", message);
  }

  void warn(String message) {
    line("WARN", message);
  }

  private void line(String level, String message) {
    // one print, flushed: keepers of one daemon share the file
    out.print("[" + WHEN.format(LocalDateTime.now()) + "][" + pid + "][" + level + "] " + message + "\n");
    out.flush();
  }
}
