package dev.vigil.supervise;

import dev.vigil.common.Stage;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One service's state: everything the machine knows, nothing it has to ask the OS. Times are
 * monotonic nanoseconds except {@code stamp} and {@code since}, wall-clock labels.
 *
 * @param life the phase, with the process if there is one
 * @param want what the service should do: up, down, or once
 * @param leave whether and how the supervisor of this service is to go away
 * @param notBefore the earliest time the next start may happen: the throttle or the backoff
 * @param stamp when the pid last changed (daemontools' label)
 * @param since when the current phase began
 * @param counters what happened so far
 * @param config what the service directory says
 */
public record State(Lifecycle life, Want want, Leave leave, long notBefore, Tai64n stamp, Tai64n since,
    Counters counters, Config config) {

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
   * @param starts how many times ./run has been started
   * @param lastExit the wait status of the last ./run that exited
   * @param fastDeaths how many times in a row ./run died sooner than {@code backoff-reset} after
   *     its start, unasked: what the backoff doubles on
   * @param lastStart when ./run was last started (monotonic), if ever
   * @param lastPid the pid of the service's process that last exited, 0 if none did: what it
   *     left in its process group can be counted
   */
  public record Counters(long starts, OptionalInt lastExit, int fastDeaths, OptionalLong lastStart, long lastPid) {
    static final Counters NONE = new Counters(0, OptionalInt.empty(), 0, OptionalLong.empty(), 0);

    Counters started(long now) {
      return new Counters(starts + 1, lastExit, fastDeaths, OptionalLong.of(now), lastPid);
    }

    Counters exited(long pid, int waitStatus, int fast) {
      return new Counters(starts, OptionalInt.of(waitStatus), fast, lastStart, pid);
    }

    Counters forgiven() {
      return new Counters(starts, lastExit, 0, lastStart, lastPid);
    }
  }

  /** A service that has never run: down, wanting {@code want}. */
  static State initial(Want want, long now, Tai64n wall, Config config) {
    return new State(Lifecycle.Down.RESTING, want, Leave.STAY, now, wall, wall, Counters.NONE, config);
  }

  /** ./run (or ./finish), if the phase has a process. */
  boolean hasChild() {
    return switch (life.kind()) {
      case UP, STOPPING, FINISHING -> true;
      case DOWN, STARTING -> false;
    };
  }

  /** ./run, if it runs (finish is not the service's child as far as svc's letters go). */
  boolean runs() {
    return life.kind() == Stage.UP || life.kind() == Stage.STOPPING;
  }

  /** The process's pid, or 0. */
  public long pid() {
    return hasChild() ? life.child().pid() : 0;
  }

  /** The next time the machine wants a Tick, if any. */
  public OptionalLong deadline() {
    return switch (life.kind()) {
      case DOWN -> ((Lifecycle.Down) life).startAt();
      case STOPPING -> ((Lifecycle.Stopping) life).deadline();
      case FINISHING -> ((Lifecycle.Finishing) life).killAt();
      case STARTING, UP -> OptionalLong.empty();
    };
  }

  /** This state in phase {@code next}; {@code since} moves only when the kind of phase changes. */
  State with(Lifecycle next, Tai64n wall) {
    Tai64n s = next.kind() == life.kind() ? since : wall;
    return new State(next, want, leave, notBefore, stamp, s, counters, config);
  }

  State with(Want next) {
    return new State(life, next, leave, notBefore, stamp, since, counters, config);
  }

  State with(Leave next) {
    return new State(life, want, next, notBefore, stamp, since, counters, config);
  }

  State notBefore(long next) {
    return new State(life, want, leave, next, stamp, since, counters, config);
  }

  State stamped(Tai64n next) {
    return new State(life, want, leave, notBefore, next, since, counters, config);
  }

  State with(Counters next) {
    return new State(life, want, leave, notBefore, stamp, since, next, config);
  }

  State with(Config next) {
    return new State(life, want, leave, notBefore, stamp, since, counters, next);
  }
}
