package dev.vigil.supervise;

import dev.vigil.common.Command;
import dev.vigil.common.Errno;
import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.common.os.Signal;
import dev.vigil.supervise.State.Leave;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;

/**
 * The supervisor of one service as a pure function: {@code on(state, event, now)} gives the next
 * state and the effects to carry out, in order. No I/O, no clock, no sleep; the event loop does
 * those. Each event is one method of {@link Transition}, which switches over the phase; the
 * golden table (transitions.txt in the tests) shows every cell.
 *
 * <p>Where it follows daemontools (spec §4.3, §4.4) and where it deliberately does better:
 * <ul>
 *   <li>The one-start-per-second throttle is a deadline ({@code notBefore}), not a blocking
 *       sleep: commands are obeyed at once while a start waits, so {@code svc -dx} during a
 *       crash loop takes effect in milliseconds.
 *   <li>A failed exec leaves the service down (no fake pid) and is retried at the deadline.
 *   <li>{@link Event.Terminate} (SIGTERM, SIGINT, SIGHUP to the supervisor) takes the child's
 *       whole process group down, escalating to SIGKILL after {@link #SHUTDOWN_GRACE_NANOS},
 *       and then the service goes. It cannot be undone: u and o are ignored from then on, so
 *       the last status says want down.
 * </ul>
 */
public final class Machine {
  /** At most one start per second, as in daemontools. */
  static final long THROTTLE_NANOS = 1_000_000_000L;

  /**
   * How long a child has, after SIGTERM and SIGCONT, before SIGKILL when the supervisor itself is
   * told to stop. Shorter than sysvinit's TERM-to-KILL interval (3 s or more), so the supervisor
   * finishes before init would kill it and orphan the child; far shorter than systemd's 90 s.
   */
  static final long SHUTDOWN_GRACE_NANOS = 2_000_000_000L;

  private final String runName;
  private final long supervisorPid;
  private final int lockFd;

  /**
   * @param serviceName the service directory as messages name it
   * @param supervisorPid recorded in every status record
   * @param lockFd the descriptor holding the flock on supervise/lock, recorded likewise
   */
  public Machine(String serviceName, long supervisorPid, int lockFd) {
    this.runName = serviceName + "/run";
    this.supervisorPid = supervisorPid;
    this.lockFd = lockFd;
  }

  /** A next state and what to do to get there. */
  public record Step(State next, List<Effect> effects) {
    /** The next Tick the machine wants, as monotonic nanoseconds. */
    public OptionalLong deadline() {
      return next.deadline();
    }
  }

  /**
   * The first state. With a down file: down, want down, the first status written. Without:
   * starting at once, and the first status is the child's (or the failed start's): writing a
   * "down" status first, as daemontools does, would cost two more file creations per service,
   * which add up when svscan starts thousands.
   */
  public Step begin(boolean normallyUp, long now, Tai64n wall) {
    State s = State.initial(normallyUp ? Want.UP : Want.DOWN, now, wall);
    if (normallyUp) {
      return new Step(s.with(Lifecycle.Starting.INSTANCE), List.of(new Effect.Spawn()));
    }
    return new Step(s, List.of(new Effect.WriteStatus(status(s)), new Effect.WritePid(0)));
  }

  public Step on(State s, Event event, long now, Tai64n wall) {
    return event.accept(new Transition(s, now, wall));
  }

  /** One event's transition out of {@code s}: the methods are named after the events. */
  private final class Transition implements Event.Handler<Step> {
    private final State s;
    private final long now;
    private final Tai64n wall;
    private final List<Effect> effects = new ArrayList<>();

    Transition(State s, long now, Tai64n wall) {
      this.s = s;
      this.now = now;
      this.wall = wall;
    }

    @Override
    public Step control(Command command) {
      // a switch expression over the enum with no default: a new letter fails to compile here
      return switch (command) {
        case UP -> s.leave() == Leave.SHUTDOWN ? unchanged() : want(Want.UP);
        case ONCE -> s.leave() == Leave.SHUTDOWN ? unchanged() : want(Want.NONE);
        case DOWN -> down();
        case EXIT -> exit();
        case PAUSE -> pause(true);
        case CONTINUE -> pause(false);
        case TERM -> term();
        case HUP -> signal(Signal.HUP);
        case ALARM -> signal(Signal.ALRM);
        case INTERRUPT -> signal(Signal.INT);
        case KILL -> signal(Signal.KILL);
        case QUIT -> signal(Signal.QUIT);
        case USR1 -> signal(Signal.USR1);
        case USR2 -> signal(Signal.USR2);
        case WINCH -> signal(Signal.WINCH);
      };
    }

    /** u, o: the new wish, announced; a start now (or at the throttle deadline) if down. */
    private Step want(Want want) {
      State next = s.with(want);
      announce(next);
      if (s.life().kind() == Lifecycle.Kind.DOWN) {
        next = requestStart(next);
      }
      return step(next);
    }

    /** d: want down; a child gets SIGTERM then SIGCONT (so a paused child can act on it). */
    private Step down() {
      State next = s.with(Want.DOWN);
      switch (s.life().kind()) {
        case DOWN -> next = next.with(Lifecycle.Down.RESTING);
        case STARTING -> { }
        case UP -> {
          next = next.with(new Lifecycle.Up(s.life().child().terminated()));
          terminate(s.pid(), Effect.Kill::new);
        }
        case STOPPING -> {
          Lifecycle.Stopping stopping = (Lifecycle.Stopping) s.life();
          next = next.with(new Lifecycle.Stopping(stopping.child().terminated(), stopping.killAt()));
          terminate(s.pid(), Effect.Kill::new);
        }
      }
      return announced(next);
    }

    /** x: go once there is no child; at once if there is none (even while a start waits). */
    private Step exit() {
      State next = s.leave() == Leave.SHUTDOWN ? s : s.with(Leave.WHEN_DOWN);
      if (s.life().kind() == Lifecycle.Kind.DOWN) {
        next = next.with(Lifecycle.Down.RESTING);
        announce(next);
        effects.add(new Effect.Exit());
        return step(next);
      }
      return announced(next);
    }

    /** p, c: status first, then SIGSTOP or SIGCONT, as daemontools orders them. */
    private Step pause(boolean paused) {
      if (!s.hasChild()) {
        return announced(s);
      }
      State next = s.with(withChild(s.life().child().pausedAs(paused)));
      announce(next);
      effects.add(new Effect.Kill(s.pid(), paused ? Signal.STOP : Signal.CONT));
      return step(next);
    }

    /** t: SIGTERM; the status changes too, because runit's byte 18 records it. */
    private Step term() {
      if (!s.hasChild()) {
        return unchanged();
      }
      effects.add(new Effect.Kill(s.pid(), Signal.TERM));
      return announced(s.with(withChild(s.life().child().afterTerm())));
    }

    /** h a i k q 1 2 w: a signal to the child, if there is one; nothing else changes. */
    private Step signal(Signal signal) {
      if (!s.hasChild()) {
        return unchanged();
      }
      effects.add(new Effect.Kill(s.pid(), signal));
      return step(s);
    }

    /**
     * The child is gone. Go if asked to; restart if want up, at once when the child ran at least
     * a second, else at the throttle deadline. An immediate restart writes no intermediate
     * "down" status: the next child's status follows the spawn, which keeps the restart short.
     */
    @Override
    public Step childExited(int waitStatus) {
      if (!s.hasChild()) {
        return unchanged();
      }
      State next = s.with(s.counters().exited(waitStatus)).stamped(wall).with(Lifecycle.Down.RESTING);
      if (s.life().kind() == Lifecycle.Kind.UP && s.leave() == Leave.STAY && s.want() == Want.UP) {
        next = requestStart(next);
        if (next.life().kind() == Lifecycle.Kind.STARTING) {
          return step(next);
        }
      }
      return downWithoutChild(next);
    }

    @Override
    public Step spawned(long pid, long startTicks) {
      if (s.life().kind() != Lifecycle.Kind.STARTING) {
        return unchanged();
      }
      Running child = Running.started(pid, startTicks);
      State next = s.with(s.counters().started()).stamped(wall).notBefore(now + THROTTLE_NANOS);
      if (s.leave() == Leave.SHUTDOWN) {
        // the supervisor was told to stop while the spawn was out
        next = next.with(new Lifecycle.Stopping(child.terminated(), OptionalLong.of(now + SHUTDOWN_GRACE_NANOS)));
        terminate(pid, Effect.KillGroup::new);
      } else if (s.want() == Want.DOWN) {
        next = next.with(new Lifecycle.Up(child.terminated()));
        terminate(pid, Effect.Kill::new);
      } else {
        next = next.with(new Lifecycle.Up(child));
      }
      effects.add(0, new Effect.WriteStatus(status(next)));
      effects.add(1, new Effect.WritePid(pid));
      return step(next);
    }

    /**
     * exec failed: say why, stay down, and if want up try again when the throttle allows. The
     * status is written here because an immediate restart skipped it when the last child exited.
     */
    @Override
    public Step spawnFailed(int errno) {
      if (s.life().kind() != Lifecycle.Kind.STARTING) {
        return unchanged();
      }
      long retry = now + THROTTLE_NANOS;
      boolean again = s.leave() == Leave.STAY && s.want() == Want.UP;
      State next = s.notBefore(retry).with(again ? Lifecycle.Down.startingAt(retry) : Lifecycle.Down.RESTING);
      effects.add(new Effect.Warn("unable to start " + runName + ": " + Errno.text(errno)));
      return downWithoutChild(next);
    }

    /** No child (any more): the status and an empty pid file say so; and go if asked to. */
    private Step downWithoutChild(State next) {
      announce(next);
      effects.add(new Effect.WritePid(0));
      if (next.leave() != Leave.STAY) {
        effects.add(new Effect.Exit());
      }
      return step(next);
    }

    /** A deadline came: a start the throttle held back, or SIGKILL for a child that outstayed shutdown. */
    @Override
    public Step tick() {
      switch (s.life().kind()) {
        case DOWN -> {
          OptionalLong at = ((Lifecycle.Down) s.life()).startAt();
          if (at.isPresent() && now - at.getAsLong() >= 0) {
            effects.add(new Effect.Spawn());
            return step(s.with(Lifecycle.Starting.INSTANCE));
          }
        }
        case STOPPING -> {
          Lifecycle.Stopping stopping = (Lifecycle.Stopping) s.life();
          if (stopping.killAt().isPresent() && now - stopping.killAt().getAsLong() >= 0) {
            effects.add(new Effect.KillGroup(s.pid(), Signal.KILL));
            return step(s.with(new Lifecycle.Stopping(stopping.child(), OptionalLong.empty())));
          }
        }
        case STARTING, UP -> { }
      }
      return unchanged();
    }

    /**
     * TERM, INT or HUP to the supervisor: the child's group down, then go, with SIGKILL after the
     * grace period. Also what ends a {@link #drain()} that took too long.
     */
    @Override
    public Step terminate() {
      State next = s.with(Want.DOWN).with(Leave.SHUTDOWN);
      switch (s.life().kind()) {
        case DOWN -> {
          return downAndGone(next);
        }
        case STARTING -> {
          if (s.leave() == Leave.SHUTDOWN) {
            return unchanged();
          }
        }
        case UP -> {
          next = next.with(new Lifecycle.Stopping(s.life().child().terminated(),
              OptionalLong.of(now + SHUTDOWN_GRACE_NANOS)));
          terminate(s.pid(), Effect.KillGroup::new);
        }
        case STOPPING -> {
          return unchanged();
        }
      }
      return announced(next);
    }

    /** The supervisor is shutting down: want down and go once the child exits, sending nothing. */
    @Override
    public Step drain() {
      if (s.leave() == Leave.SHUTDOWN) {
        return unchanged();
      }
      State next = s.with(Want.DOWN).with(Leave.SHUTDOWN);
      if (s.life().kind() == Lifecycle.Kind.DOWN) {
        return downAndGone(next);
      }
      return announced(next);
    }

    private Step downAndGone(State next) {
      State down = next.with(Lifecycle.Down.RESTING);
      announce(down);
      effects.add(new Effect.Exit());
      return step(down);
    }

    /** SIGTERM then SIGCONT, to the child or its group. */
    private void terminate(long pid, BiFunction<Long, Signal, Effect> kill) {
      effects.add(kill.apply(pid, Signal.TERM));
      effects.add(kill.apply(pid, Signal.CONT));
    }

    /** Start now if the throttle allows, else owe a start at {@code notBefore}. */
    private State requestStart(State next) {
      if (now - next.notBefore() >= 0) {
        effects.add(new Effect.Spawn());
        return next.with(Lifecycle.Starting.INSTANCE);
      }
      return next.with(Lifecycle.Down.startingAt(next.notBefore()));
    }

    private Lifecycle withChild(Running child) {
      return s.life().kind() == Lifecycle.Kind.STOPPING
          ? new Lifecycle.Stopping(child, ((Lifecycle.Stopping) s.life()).killAt())
          : new Lifecycle.Up(child);
    }

    private void announce(State next) {
      effects.add(new Effect.WriteStatus(status(next)));
    }

    private Step announced(State next) {
      announce(next);
      return step(next);
    }

    private Step step(State next) {
      return new Step(next, effects);
    }

    private Step unchanged() {
      return new Step(s, List.of());
    }
  }

  /** The record supervise/status holds for a state. */
  public Status status(State s) {
    boolean child = s.hasChild();
    Running r = child ? s.life().child() : null;
    return new Status(s.stamp(), s.pid(), child && r.paused(), s.want(), child && r.termSent(),
        child ? Phase.RUN : Phase.DOWN,
        Optional.of(new Extension(supervisorPid, s.counters().starts(), s.counters().lastExit(),
            child ? r.startTicks() : 0, lockFd)));
  }
}
