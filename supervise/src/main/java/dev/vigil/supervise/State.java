package dev.vigil.supervise;

import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One service's state: everything the machine knows, nothing it has to ask the OS. Times are
 * monotonic nanoseconds except {@code stamp}, the wall-clock label of the last pid change.
 *
 * @param life the phase, with the child if there is one
 * @param want what the service should do: up, down, or once
 * @param leave whether and how the supervisor of this service is to go away
 * @param notBefore the earliest time the next start may happen: one second after the last
 * @param stamp when the pid last changed
 * @param counters what happened so far
 */
public record State(Lifecycle life, Want want, Leave leave, long notBefore, Tai64n stamp, Counters counters) {

  /** Whether and how the service's supervision ends. */
  public enum Leave {
    /** Supervise on. */
    STAY,
    /** svc -x: go once there is no child (at once if there is none). */
    WHEN_DOWN,
    /** TERM, INT or HUP to the supervisor: take the child down, then go; cannot be undone. */
    SHUTDOWN
  }

  /**
   * @param starts how many children have been started
   * @param lastExit the wait status of the last child that exited
   */
  public record Counters(long starts, OptionalInt lastExit) {
    static final Counters NONE = new Counters(0, OptionalInt.empty());

    Counters started() {
      return new Counters(starts + 1, lastExit);
    }

    Counters exited(int waitStatus) {
      return new Counters(starts, OptionalInt.of(waitStatus));
    }
  }

  /** A service that has never run: down, wanting {@code want}. */
  static State initial(Want want, long now, Tai64n wall) {
    return new State(Lifecycle.Down.RESTING, want, Leave.STAY, now, wall, Counters.NONE);
  }

  /** The child, if the phase has one. */
  boolean hasChild() {
    return life.kind() == Lifecycle.Kind.UP || life.kind() == Lifecycle.Kind.STOPPING;
  }

  /** The child's pid, or 0. */
  public long pid() {
    return hasChild() ? life.child().pid() : 0;
  }

  /** The next time the machine wants a Tick, if any. */
  public OptionalLong deadline() {
    return switch (life.kind()) {
      case DOWN -> ((Lifecycle.Down) life).startAt();
      case STOPPING -> ((Lifecycle.Stopping) life).killAt();
      case STARTING, UP -> OptionalLong.empty();
    };
  }

  State with(Lifecycle next) {
    return new State(next, want, leave, notBefore, stamp, counters);
  }

  State with(Want next) {
    return new State(life, next, leave, notBefore, stamp, counters);
  }

  State with(Leave next) {
    return new State(life, want, next, notBefore, stamp, counters);
  }

  State notBefore(long next) {
    return new State(life, want, leave, next, stamp, counters);
  }

  State stamped(Tai64n next) {
    return new State(life, want, leave, notBefore, next, counters);
  }

  State with(Counters next) {
    return new State(life, want, leave, notBefore, stamp, next);
  }
}
