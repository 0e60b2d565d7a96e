package dev.vigil.supervise;

/**
 * The child the machine knows of.
 *
 * @param pid its pid; it leads its own session and process group, so also its group's id
 * @param startTicks its start time as the kernel reports it (with the pid, one process)
 * @param paused it was sent SIGSTOP (svc -p) and not SIGCONT since
 * @param termSent it was sent SIGTERM (runit's "got TERM")
 */
public record Running(long pid, long startTicks, boolean paused, boolean termSent) {
  static Running started(long pid, long startTicks) {
    return new Running(pid, startTicks, false, false);
  }

  Running pausedAs(boolean value) {
    return new Running(pid, startTicks, value, termSent);
  }

  /** After SIGTERM and SIGCONT: told to go, and no longer paused. */
  Running terminated() {
    return new Running(pid, startTicks, false, true);
  }

  Running afterTerm() {
    return new Running(pid, startTicks, paused, true);
  }
}
