package dev.vigil.supervise;

import java.util.OptionalLong;

/**
 * Where a service is in its life, each phase holding exactly what it has: only {@link Up} and
 * {@link Stopping} have a child, only {@link Down} can owe a start, only {@link Stopping} a
 * SIGKILL deadline. {@link #kind()} is what the machine switches on: a switch over it with no
 * default fails to compile when a phase is added and not handled. (Java 17 has no pattern
 * switch; the kind is fixed by each record, so the cast after the switch cannot fail.)
 */
public sealed interface Lifecycle {
  /** The phases, for exhaustive switches. */
  enum Kind { DOWN, STARTING, UP, STOPPING }

  Kind kind();

  /** The child, for the phases that have one. */
  default Running child() {
    throw new IllegalStateException(kind() + " has no child");
  }

  /** No child. {@code startAt}: a start is owed at that time (the throttle, a failed exec). */
  record Down(OptionalLong startAt) implements Lifecycle {
    static final Down RESTING = new Down(OptionalLong.empty());

    static Down startingAt(long at) {
      return new Down(OptionalLong.of(at));
    }

    @Override
    public Kind kind() {
      return Kind.DOWN;
    }
  }

  /** A Spawn effect is out and its answer (Spawned or SpawnFailed) not yet in. */
  record Starting() implements Lifecycle {
    static final Starting INSTANCE = new Starting();

    @Override
    public Kind kind() {
      return Kind.STARTING;
    }
  }

  /** The child runs. */
  record Up(Running child) implements Lifecycle {
    @Override
    public Kind kind() {
      return Kind.UP;
    }
  }

  /**
   * The supervisor is shutting down (it got TERM, INT or HUP): the child's process group was
   * sent TERM and CONT, and gets KILL at {@code killAt} unless it is gone by then (empty once
   * KILL was sent).
   */
  record Stopping(Running child, OptionalLong killAt) implements Lifecycle {
    @Override
    public Kind kind() {
      return Kind.STOPPING;
    }
  }
}
