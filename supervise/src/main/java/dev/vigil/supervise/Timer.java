package dev.vigil.supervise;

/**
 * One deadline of the {@link Host}'s loop, re-armed as often as needed: arming again replaces the
 * last deadline, which stays in the host's queue until it comes up and is then skipped.
 */
public final class Timer {
  private final Host host;
  private final Runnable action;
  private Due current;

  Timer(Host host, Runnable action) {
    this.host = host;
    this.action = action;
  }

  /** Runs the action at {@code nanos} (the host clock's monotonic time), instead of any earlier arming. */
  public void at(long nanos) {
    if (current != null && current.at == nanos) {
      return;
    }
    current = new Due(this, nanos);
    host.schedule(current);
  }

  /** Runs the action at {@code nanos} unless it is armed for earlier already. */
  public void atOrBefore(long nanos) {
    if (current == null || nanos - current.at < 0) {
      at(nanos);
    }
  }

  public boolean isArmed() {
    return current != null;
  }

  public void cancel() {
    current = null;
  }

  /** One arming, ordered by time in the host's queue. */
  static final class Due implements Comparable<Due> {
    final Timer timer;
    final long at;

    Due(Timer timer, long at) {
      this.timer = timer;
      this.at = at;
    }

    boolean isCurrent() {
      return timer.current == this;
    }

    void fireIfCurrent() {
      if (isCurrent()) {
        timer.current = null;
        timer.action.run();
      }
    }

    @Override
    public int compareTo(Due other) {
      return Long.compare(at - other.at, 0);
    }
  }
}
