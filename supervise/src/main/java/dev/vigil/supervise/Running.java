package dev.vigil.supervise;

/**
 * The process the machine knows of (./run, or ./finish while finishing).
 *
 * @param pid its pid; it leads its own session and process group, so also its group's id
 * @param startTicks its start time as the kernel reports it (with the pid, one process)
 * @param startedAt when it was spawned, monotonic nanoseconds
 * @param paused it was sent SIGSTOP (svc -p) and not SIGCONT since
 * @param termSent it was sent SIGTERM (runit's "got TERM")
 * @param signalled an operator signalled it through the control FIFO: its death is no crash
 */
public record Running(long pid, long startTicks, long startedAt, boolean paused, boolean termSent,
    boolean signalled) {
  static Running started(long pid, long startTicks, long now) {
    return new Running(pid, startTicks, now, false, false, false);
  }

  Running pausedAs(boolean value) {
    return new Running(pid, startTicks, startedAt, value, termSent, signalled);
  }

  /** After SIGTERM and SIGCONT: told to go, and no longer paused. */
  Running terminated() {
    return new Running(pid, startTicks, startedAt, false, true, signalled);
  }

  Running afterTerm() {
    return new Running(pid, startTicks, startedAt, paused, true, signalled);
  }

  /** An operator sent it a signal (svc -t, -k, -h...). */
  Running signalledByOperator() {
    return new Running(pid, startTicks, startedAt, paused, termSent, true);
  }
}
