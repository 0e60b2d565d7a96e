package dev.vigil.supervise;

import dev.vigil.common.Stage;
import java.util.OptionalLong;

/**
 * Where a service is in its life, each phase holding exactly what it has: only {@link Up},
 * {@link Stopping} and {@link Finishing} have a process, only {@link Down} can owe a start,
 * only {@link Stopping} follows a plan. {@link #kind()} (a {@link Stage}) is what the machine switches on: a
 * switch over it with no default fails to compile when a phase is added and not handled. (Java
 * 17 has no pattern switch; the kind is fixed by each record, so the cast after the switch
 * cannot fail.)
 */
public sealed interface Lifecycle {
  /** What a spawn starts. */
  enum Program { RUN, FINISH }

  /** The phase's name; the status record's {@link Stage}. */
  Stage kind();

  /** The process, for the phases that have one (./run, or ./finish while finishing). */
  default Running child() {
    throw new IllegalStateException(kind() + " has no process");
  }

  /**
   * No process. {@code startAt}: a start is owed at that time (the throttle, the backoff, a
   * failed exec).
   */
  record Down(OptionalLong startAt) implements Lifecycle {
    static final Down RESTING = new Down(OptionalLong.empty());

    static Down startingAt(long at) {
      return new Down(OptionalLong.of(at));
    }

    @Override
    public Stage kind() {
      return Stage.DOWN;
    }
  }

  /** A Spawn effect is out (of ./run or ./finish) and its answer not yet in. */
  record Starting(Program program) implements Lifecycle {
    static final Starting RUN = new Starting(Program.RUN);
    static final Starting FINISH = new Starting(Program.FINISH);

    @Override
    public Stage kind() {
      return Stage.STARTING;
    }
  }

  /** ./run runs. */
  record Up(Running child) implements Lifecycle {
    @Override
    public Stage kind() {
      return Stage.UP;
    }
  }

  /**
   * ./finish runs (runit), after ./run exited; SIGKILL to it at {@code killAt} if it has not
   * finished by then ({@code timeout-finish}; empty once sent). ./run starts again only after.
   */
  record Finishing(Running child, OptionalLong killAt) implements Lifecycle {
    @Override
    public Stage kind() {
      return Stage.FINISHING;
    }
  }

  /**
   * ./run is being taken down by a plan, to its process group: {@code svc -d} with a stop
   * schedule, or the supervisor's own shutdown. The items before {@code next} are done; the
   * next one runs at {@code deadline} (empty: the plan is over, the child is waited for).
   */
  record Stopping(Running child, StopPlan plan, int next, OptionalLong deadline) implements Lifecycle {
    @Override
    public Stage kind() {
      return Stage.STOPPING;
    }
  }
}
