package dev.vigil.controller;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The waits of one start, daemon_controller's wait_until loops: check, then pause, until the
 * check holds, the start deadline passes, or the log file has been silent for the log-file
 * activity timeout (the daemon is then taken to have died before it wrote its pid file).
 */
final class Waits {
  /** daemon_controller's pause between looks at the pid file. */
  static final Duration PID_FILE_INTERVAL = Duration.ofMillis(100);

  /** A wait ended without its condition; the message says which limit ended it. */
  static final class TimedOut extends Exception {
    private static final long serialVersionUID = 1L;

    TimedOut(String why) {
      super(why, null, false, false);
    }
  }

  /** What is waited for; it may fail as a ping fails. */
  interface Check {
    boolean holds() throws Exception;
  }

  private final Deadline deadline;
  private final LogWatch log;
  private final Duration quiet;
  private long lastActivity = System.nanoTime();

  /** @param quiet the log-file activity timeout; null for none (a supervised service) */
  Waits(Deadline deadline, LogWatch log, Duration quiet) {
    this.deadline = deadline;
    this.log = log;
    this.quiet = quiet;
  }

  Deadline deadline() {
    return deadline;
  }

  void until(Duration interval, Check check) throws Exception {
    while (true) {
      if (quiet != null) {
        if (log.changed()) {
          lastActivity = System.nanoTime();
        } else if (System.nanoTime() - lastActivity > quiet.toNanos()) {
          throw new TimedOut("no log file activity for " + quiet.toMillis() + " ms");
        }
      }
      if (check.holds()) {
        return;
      }
      if (deadline.passed()) {
        throw new TimedOut("timed out");
      }
      LockSupport.parkNanos(Math.min(interval.toNanos(), deadline.remainingNanos()));
      if (Thread.currentThread().isInterrupted()) {
        throw new TimedOut("interrupted");
      }
    }
  }

  /** Waits at most {@code limit} for {@code check}, every 10 ms; whether it came to hold. */
  static boolean within(Duration limit, Check check) {
    Deadline d = Deadline.in(limit);
    try {
      while (!check.holds()) {
        if (d.passed()) {
          return false;
        }
        LockSupport.parkNanos(10_000_000);
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
