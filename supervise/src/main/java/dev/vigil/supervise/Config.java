package dev.vigil.supervise;

import java.util.Optional;

/**
 * What the files of a service directory say about running it (doc/service-dir.md), beyond
 * daemontools' run and down. Read when the service is taken in charge and again after each
 * start of ./run, so an edit takes effect from the next start.
 *
 * @param finish there is a {@code finish} to run after ./run exits (runit)
 * @param finishTimeoutNanos {@code timeout-finish}: how long finish may run before SIGKILL, 0: for
 *     ever (s6)
 * @param stop how {@code svc -d} takes the child down: from {@code stop-schedule}, or s6's
 *     {@code down-signal} and {@code timeout-kill}; empty: as daemontools, TERM and CONT to the
 *     child alone, and wait
 * @param backoffMaxNanos {@code backoff-max}: the longest wait between starts of a crashing service
 * @param backoffResetNanos {@code backoff-reset}: uptime after which a death is no crash
 * @param ready when ./run counts as ready: {@code notification-fd}, {@code notify-socket},
 *     {@code check}, or as soon as it runs
 * @param pidfile {@code pidfile}: where a ./run that daemonizes has its daemon write its pid
 *     (systemd's PIDFile=), relative to the service directory unless absolute
 */
public record Config(boolean finish, long finishTimeoutNanos, Optional<StopPlan> stop, long backoffMaxNanos,
    long backoffResetNanos, ReadyWhen ready, Optional<String> pidfile) {
  static final long MILLI = 1_000_000L;
  /**
   * The defaults: no finish, 5 s for a finish, daemontools' stop, backoff up to 60 s, reset after
   * 10 s up, ready when up.
   */
  public static final Config DEFAULT = new Config(false, 5000 * MILLI, Optional.empty(), 60_000 * MILLI,
      10_000 * MILLI, ReadyWhen.UP, Optional.empty());
  /** {@code check-interval}'s default: runit's sv runs ./check about every 420 ms; we are quicker. */
  static final long CHECK_INTERVAL = 100 * MILLI;

  /** Settings without a pidfile. */
  public Config(boolean finish, long finishTimeoutNanos, Optional<StopPlan> stop, long backoffMaxNanos,
      long backoffResetNanos, ReadyWhen ready) {
    this(finish, finishTimeoutNanos, stop, backoffMaxNanos, backoffResetNanos, ready, Optional.empty());
  }

  Config withReady(ReadyWhen r) {
    return new Config(finish, finishTimeoutNanos, stop, backoffMaxNanos, backoffResetNanos, r, pidfile);
  }
}
