package dev.vigil.supervise;

import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One service's state: everything the machine knows, nothing it has to ask the OS. Times are
 * monotonic nanoseconds except {@code stamp}, the wall-clock label of the last pid change.
 *
 * @param want what the service should do: up, down, or once
 * @param pid the child, 0 when there is none
 * @param paused the child was sent SIGSTOP (svc -p) and not yet SIGCONT
 * @param termSent a SIGTERM was sent to this child (runit's "got TERM")
 * @param exitRequested svc -x or a signal: exit once no child is left
 * @param stopping a signal asked supervise to exit: the child gets SIGKILL at {@code killAt}
 * @param starting a Spawn effect is out and its answer not yet in
 * @param startPending a start is owed but the throttle holds it until {@code notBefore}
 * @param notBefore the earliest time the next start may happen: one second after the last
 * @param killAt when a child that ignores SIGTERM during shutdown gets SIGKILL
 * @param stamp when the pid last changed
 * @param starts how many children have been started
 * @param lastExit the wait status of the last child that exited
 * @param childStartTicks the current child's kernel start time, 0 when there is none
 */
public record State(
    Want want,
    long pid,
    boolean paused,
    boolean termSent,
    boolean exitRequested,
    boolean stopping,
    boolean starting,
    boolean startPending,
    long notBefore,
    OptionalLong killAt,
    Tai64n stamp,
    long starts,
    OptionalInt lastExit,
    long childStartTicks) {

  /** A service that has never run: down, wanting {@code want}. */
  static State initial(Want want, long now, Tai64n wall) {
    return new State(want, 0, false, false, false, false, false, false, now, OptionalLong.empty(),
        wall, 0, OptionalInt.empty(), 0);
  }

  boolean isUp() {
    return pid != 0;
  }

  /** The next time the machine wants a Tick, if any. */
  OptionalLong deadline() {
    if (startPending && killAt.isPresent()) {
      return OptionalLong.of(Math.min(notBefore, killAt.getAsLong()));
    }
    return startPending ? OptionalLong.of(notBefore) : killAt;
  }

  /** A mutable copy: a transition assigns the fields it changes, then calls {@link Edit#done()}. */
  Edit edit() {
    return new Edit(this);
  }

  /** The fields of a {@link State}, assignable; see {@link State#edit()}. */
  static final class Edit {
    Want want;
    long pid;
    boolean paused;
    boolean termSent;
    boolean exitRequested;
    boolean stopping;
    boolean starting;
    boolean startPending;
    long notBefore;
    OptionalLong killAt;
    Tai64n stamp;
    long starts;
    OptionalInt lastExit;
    long childStartTicks;

    private Edit(State s) {
      want = s.want;
      pid = s.pid;
      paused = s.paused;
      termSent = s.termSent;
      exitRequested = s.exitRequested;
      stopping = s.stopping;
      starting = s.starting;
      startPending = s.startPending;
      notBefore = s.notBefore;
      killAt = s.killAt;
      stamp = s.stamp;
      starts = s.starts;
      lastExit = s.lastExit;
      childStartTicks = s.childStartTicks;
    }

    State done() {
      return new State(want, pid, paused, termSent, exitRequested, stopping, starting, startPending,
          notBefore, killAt, stamp, starts, lastExit, childStartTicks);
    }
  }
}
