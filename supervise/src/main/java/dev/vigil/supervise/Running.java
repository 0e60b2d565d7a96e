package dev.vigil.supervise;

import dev.vigil.common.Extension;
import dev.vigil.common.Tai64n;
import java.util.Optional;

/**
 * The process the machine knows of (./run, or ./finish while finishing).
 *
 * @param pid its pid; it leads its own session and process group, so also its group's id
 * @param startTicks its start time as the kernel reports it (with the pid, one process)
 * @param startedAt when it was spawned, monotonic nanoseconds
 * @param paused it was sent SIGSTOP (svc -p) and not SIGCONT since
 * @param termSent it was sent SIGTERM (runit's "got TERM")
 * @param signalled an operator signalled it through the control FIFO: its death is no crash
 * @param readiness what ./run has said of its readiness; {@link Extension.Readiness#NONE} for
 *     ./finish, which is never ready
 */
public record Running(long pid, long startTicks, long startedAt, boolean paused, boolean termSent,
    boolean signalled, Extension.Readiness readiness) {
  static Running started(long pid, long startTicks, long now) {
    return new Running(pid, startTicks, now, false, false, false, Extension.Readiness.NONE);
  }

  Running pausedAs(boolean value) {
    return new Running(pid, startTicks, startedAt, value, termSent, signalled, readiness);
  }

  /** After SIGTERM and SIGCONT: told to go, and no longer paused. */
  Running terminated() {
    return new Running(pid, startTicks, startedAt, false, true, signalled, readiness);
  }

  Running afterTerm() {
    return new Running(pid, startTicks, startedAt, paused, true, signalled, readiness);
  }

  /** An operator sent it a signal (svc -t, -k, -h...). */
  Running signalledByOperator() {
    return new Running(pid, startTicks, startedAt, paused, termSent, true, readiness);
  }

  /**
   * What it said, added to what it said before: ready once is ready until it exits (the first
   * time is kept), STOPPING=1 likewise, and the last STATUS= text replaces the one before.
   */
  Running told(boolean ready, Optional<String> text, boolean stopping, Tai64n wall) {
    Extension.Readiness r = new Extension.Readiness(
        readiness.since().isEmpty() && ready ? Optional.of(wall) : readiness.since(),
        readiness.stopping() || stopping, text.orElse(readiness.text()));
    return new Running(pid, startTicks, startedAt, paused, termSent, signalled, r);
  }
}
