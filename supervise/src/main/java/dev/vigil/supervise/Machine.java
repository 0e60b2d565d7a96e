package dev.vigil.supervise;

import dev.vigil.common.Command;
import dev.vigil.common.Errno;
import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.common.os.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The supervisor of one service as a pure function: {@code on(state, event, now)} gives the next
 * state and the effects to carry out, in order. No I/O, no clock, no sleep; the event loop does
 * those. Transitions are named state first ({@code upOnDown}: in state up, command d), after s6.
 *
 * <p>Where it follows daemontools (spec §4.3, §4.4) and where it deliberately does better:
 * <ul>
 *   <li>The one-start-per-second throttle is a deadline ({@code notBefore}), not a blocking
 *       sleep: commands are obeyed at once while a start waits, so {@code svc -dx} during a
 *       crash loop takes effect in milliseconds.
 *   <li>A failed exec leaves the service down (no fake pid) and is retried at the deadline.
 *   <li>{@link Event.Terminate} (SIGTERM, SIGINT, SIGHUP to supervise) takes the child down,
 *       escalating to SIGKILL after {@link #SHUTDOWN_GRACE_NANOS}, and then exits. It cannot be
 *       undone: u and o are ignored from then on, so the last status says want down.
 * </ul>
 */
public final class Machine {
  /** At most one start per second, as in daemontools. */
  static final long THROTTLE_NANOS = 1_000_000_000L;

  /**
   * How long a child has, after SIGTERM and SIGCONT, before SIGKILL when supervise itself is told
   * to stop. Shorter than sysvinit's TERM-to-KILL interval (3 s or more), so supervise finishes
   * before init would kill it and orphan the child; far shorter than systemd's 90 s.
   */
  static final long SHUTDOWN_GRACE_NANOS = 2_000_000_000L;

  private final String runName;
  private final long supervisorPid;

  /**
   * @param serviceName the service directory as typed, for messages
   * @param supervisorPid recorded in every status record
   */
  public Machine(String serviceName, long supervisorPid) {
    this.runName = serviceName + "/run";
    this.supervisorPid = supervisorPid;
  }

  /** A next state and what to do to get there. */
  public record Step(State next, List<Effect> effects) {
    /** The next Tick the machine wants, as monotonic nanoseconds. */
    public OptionalLong deadline() {
      return next.deadline();
    }
  }

  /**
   * The first state: down, with want up unless the service has a {@code down} file, and the
   * first status written. A wanted start is due at once, on the first Tick.
   */
  public Step begin(boolean normallyUp, long now, Tai64n wall) {
    State.Edit e = State.initial(normallyUp ? Want.UP : Want.DOWN, now, wall).edit();
    e.startPending = normallyUp;
    List<Effect> effects = new ArrayList<>();
    announce(e, effects);
    effects.add(new Effect.WritePid(0));
    return new Step(e.done(), effects);
  }

  public Step on(State s, Event event, long now, Tai64n wall) {
    if (event instanceof Event.Control c) {
      return onCommand(s, c.command(), now);
    }
    if (event instanceof Event.ChildExited x) {
      return s.isUp() ? upOnChildExited(s, x.waitStatus(), now, wall) : unchanged(s);
    }
    if (event instanceof Event.Spawned sp) {
      return startingOnSpawned(s, sp.pid(), sp.startTicks(), now, wall);
    }
    if (event instanceof Event.SpawnFailed f) {
      return startingOnSpawnFailed(s, f.errno(), now);
    }
    if (event instanceof Event.Tick) {
      return onTick(s, now);
    }
    if (event instanceof Event.Terminate) {
      return s.stopping() ? unchanged(s) : onTerminate(s, now);
    }
    throw new IllegalArgumentException("unknown event " + event);
  }

  private Step onCommand(State s, Command command, long now) {
    // a switch expression over the enum with no default: a new letter fails to compile here
    return switch (command) {
      case UP -> s.stopping() ? unchanged(s) : onUp(s, now);
      case DOWN -> onDown(s);
      case ONCE -> s.stopping() ? unchanged(s) : onOnce(s, now);
      case EXIT -> onExit(s);
      case PAUSE -> onPause(s);
      case CONTINUE -> onContinue(s);
      case TERM -> upOnTerm(s);
      case HUP -> signalled(s, Signal.HUP);
      case ALARM -> signalled(s, Signal.ALRM);
      case INTERRUPT -> signalled(s, Signal.INT);
      case KILL -> signalled(s, Signal.KILL);
      case QUIT -> signalled(s, Signal.QUIT);
      case USR1 -> signalled(s, Signal.USR1);
      case USR2 -> signalled(s, Signal.USR2);
      case WINCH -> signalled(s, Signal.WINCH);
    };
  }

  /** u: want up; start now (or at the throttle deadline) if there is no child. */
  private Step onUp(State s, long now) {
    State.Edit e = s.edit();
    e.want = Want.UP;
    List<Effect> effects = new ArrayList<>();
    announce(e, effects);
    if (!s.isUp()) {
      requestStart(e, now, effects);
    }
    return new Step(e.done(), effects);
  }

  /** o: run once; start if there is no child, never restart. */
  private Step onOnce(State s, long now) {
    State.Edit e = s.edit();
    e.want = Want.NONE;
    List<Effect> effects = new ArrayList<>();
    announce(e, effects);
    if (!s.isUp()) {
      requestStart(e, now, effects);
    }
    return new Step(e.done(), effects);
  }

  /** d: want down; a child gets SIGTERM then SIGCONT (so a paused child can act on it). */
  private Step onDown(State s) {
    State.Edit e = s.edit();
    e.want = Want.DOWN;
    e.startPending = false;
    List<Effect> effects = new ArrayList<>();
    if (s.isUp()) {
      e.paused = false;
      e.termSent = true;
      effects.add(new Effect.Kill(s.pid(), Signal.TERM));
      effects.add(new Effect.Kill(s.pid(), Signal.CONT));
    }
    announce(e, effects);
    return new Step(e.done(), effects);
  }

  /** x: exit once there is no child; at once if there is none (even while a start waits). */
  private Step onExit(State s) {
    State.Edit e = s.edit();
    e.exitRequested = true;
    e.startPending = false;
    List<Effect> effects = new ArrayList<>();
    announce(e, effects);
    if (!s.isUp()) {
      effects.add(new Effect.Exit());
    }
    return new Step(e.done(), effects);
  }

  /** p: status first, then SIGSTOP, as daemontools orders them. */
  private Step onPause(State s) {
    State.Edit e = s.edit();
    e.paused = s.isUp();
    List<Effect> effects = new ArrayList<>();
    announce(e, effects);
    if (s.isUp()) {
      effects.add(new Effect.Kill(s.pid(), Signal.STOP));
    }
    return new Step(e.done(), effects);
  }

  /** c: status first, then SIGCONT. */
  private Step onContinue(State s) {
    State.Edit e = s.edit();
    e.paused = false;
    List<Effect> effects = new ArrayList<>();
    announce(e, effects);
    if (s.isUp()) {
      effects.add(new Effect.Kill(s.pid(), Signal.CONT));
    }
    return new Step(e.done(), effects);
  }

  /** t: SIGTERM; the status changes too, because runit's byte 18 records it. */
  private Step upOnTerm(State s) {
    if (!s.isUp()) {
      return unchanged(s);
    }
    State.Edit e = s.edit();
    e.termSent = true;
    List<Effect> effects = new ArrayList<>();
    effects.add(new Effect.Kill(s.pid(), Signal.TERM));
    announce(e, effects);
    return new Step(e.done(), effects);
  }

  /** h a i k q 1 2 w: a signal to the child, if there is one; nothing else changes. */
  private Step signalled(State s, Signal signal) {
    return s.isUp() ? new Step(s, List.of(new Effect.Kill(s.pid(), signal))) : unchanged(s);
  }

  /**
   * The child is gone. Exit if asked to; restart if want up, at once when the child ran at least
   * a second, else at the throttle deadline. An immediate restart writes no intermediate "down"
   * status: the next child's status follows the spawn, which keeps the restart path short.
   */
  private Step upOnChildExited(State s, int waitStatus, long now, Tai64n wall) {
    State.Edit e = s.edit();
    e.pid = 0;
    e.paused = false;
    e.termSent = false;
    e.childStartTicks = 0;
    e.lastExit = java.util.OptionalInt.of(waitStatus);
    e.stamp = wall;
    e.killAt = OptionalLong.empty();
    List<Effect> effects = new ArrayList<>();
    if (!s.exitRequested() && s.want() == Want.UP) {
      requestStart(e, now, effects);
      if (e.starting) {
        return new Step(e.done(), effects);
      }
    }
    announce(e, effects);
    effects.add(new Effect.WritePid(0));
    if (s.exitRequested()) {
      effects.add(new Effect.Exit());
    }
    return new Step(e.done(), effects);
  }

  private Step startingOnSpawned(State s, long pid, long startTicks, long now, Tai64n wall) {
    State.Edit e = s.edit();
    e.starting = false;
    e.pid = pid;
    e.childStartTicks = startTicks;
    e.stamp = wall;
    e.starts = s.starts() + 1;
    e.paused = false;
    e.termSent = false;
    e.notBefore = now + THROTTLE_NANOS;
    List<Effect> effects = new ArrayList<>();
    announce(e, effects);
    effects.add(new Effect.WritePid(pid));
    return new Step(e.done(), effects);
  }

  /**
   * exec failed: say why, stay down, and if want up try again when the throttle allows. The
   * status is written here because an immediate restart skipped it when the last child exited.
   */
  private Step startingOnSpawnFailed(State s, int errno, long now) {
    State.Edit e = s.edit();
    e.starting = false;
    e.notBefore = now + THROTTLE_NANOS;
    e.startPending = s.want() == Want.UP && !s.exitRequested();
    List<Effect> effects = new ArrayList<>();
    effects.add(new Effect.Warn("unable to start " + runName + ": " + Errno.text(errno)));
    announce(e, effects);
    effects.add(new Effect.WritePid(0));
    return new Step(e.done(), effects);
  }

  /** A deadline came: a start the throttle held back, or SIGKILL for a child that outstayed shutdown. */
  private Step onTick(State s, long now) {
    State.Edit e = s.edit();
    List<Effect> effects = new ArrayList<>();
    if (s.startPending() && now - s.notBefore() >= 0) {
      e.startPending = false;
      e.starting = true;
      effects.add(new Effect.Spawn());
    }
    if (s.killAt().isPresent() && now - s.killAt().getAsLong() >= 0) {
      e.killAt = OptionalLong.empty();
      if (s.isUp()) {
        effects.add(new Effect.Kill(s.pid(), Signal.KILL));
      }
    }
    return new Step(e.done(), effects);
  }

  /** SIGTERM, SIGINT or SIGHUP to supervise: down and exit, with SIGKILL after the grace period. */
  private Step onTerminate(State s, long now) {
    State.Edit e = s.edit();
    e.want = Want.DOWN;
    e.exitRequested = true;
    e.stopping = true;
    e.startPending = false;
    List<Effect> effects = new ArrayList<>();
    if (s.isUp()) {
      e.paused = false;
      e.termSent = true;
      e.killAt = OptionalLong.of(now + SHUTDOWN_GRACE_NANOS);
      effects.add(new Effect.Kill(s.pid(), Signal.TERM));
      effects.add(new Effect.Kill(s.pid(), Signal.CONT));
      announce(e, effects);
    } else {
      announce(e, effects);
      effects.add(new Effect.Exit());
    }
    return new Step(e.done(), effects);
  }

  /** Start now if the throttle allows, else owe a start at {@code notBefore}. */
  private static void requestStart(State.Edit e, long now, List<Effect> effects) {
    if (e.starting) {
      return;
    }
    if (now - e.notBefore >= 0) {
      e.starting = true;
      e.startPending = false;
      effects.add(new Effect.Spawn());
    } else {
      e.startPending = true;
    }
  }

  private void announce(State.Edit e, List<Effect> effects) {
    effects.add(new Effect.WriteStatus(status(e.done())));
  }

  private static Step unchanged(State s) {
    return new Step(s, List.of());
  }

  /** The record supervise/status holds for a state. */
  public Status status(State s) {
    return new Status(s.stamp(), s.pid(), s.paused(), s.want(), s.termSent(),
        s.isUp() ? Phase.RUN : Phase.DOWN,
        Optional.of(new Extension(supervisorPid, s.starts(), s.lastExit(), s.childStartTicks())));
  }
}
