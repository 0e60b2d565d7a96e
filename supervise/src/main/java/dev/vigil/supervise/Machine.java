package dev.vigil.supervise;

import dev.vigil.common.Command;
import dev.vigil.common.Errno;
import dev.vigil.common.Extension;
import dev.vigil.common.Phase;
import dev.vigil.common.Stage;
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
 * <p>Where it follows daemontools (spec §4.3, §4.4), runit and s6, and where it does better:
 * <ul>
 *   <li>The one-start-per-second throttle is a deadline ({@code notBefore}), not a blocking
 *       sleep: commands are obeyed at once while a start waits, so {@code svc -dx} during a
 *       crash loop takes effect in milliseconds. A child that keeps dying soon after its start
 *       waits twice as long each time, up to {@code backoff-max} (crash-loop backoff).
 *   <li>A failed exec leaves the service down (no fake pid) and is retried at the deadline.
 *   <li>{@code ./finish} runs after {@code ./run} exits, as runit runs it.
 *   <li>{@code svc -d} follows the service's stop plan, to the child's process group, when it
 *       has one (stop-schedule, down-signal, timeout-kill); without one it does what
 *       daemontools does.
 *   <li>{@link Event.Terminate} (SIGTERM, SIGINT, SIGHUP to the supervisor) takes the child's
 *       whole process group down by the stop plan, which always ends in SIGKILL, and then the
 *       service goes. It cannot be undone: u and o are ignored from then on.
 * </ul>
 */
public final class Machine {
  /** At most one start per second, as in daemontools: the floor of every wait between starts. */
  static final long THROTTLE_NANOS = 1_000_000_000L;

  /**
   * How long a child has, after SIGTERM and SIGCONT, before SIGKILL when the supervisor itself is
   * told to stop and the service has no stop plan of its own. Shorter than sysvinit's
   * TERM-to-KILL interval (3 s or more), so the supervisor finishes before init would kill it
   * and orphan the child; far shorter than systemd's 90 s.
   */
  static final long SHUTDOWN_GRACE_NANOS = 2_000_000_000L;

  private final String runName;
  private final String finishName;
  private final long supervisorPid;
  private final int lockFd;

  /**
   * @param serviceName the service directory as messages name it
   * @param supervisorPid recorded in every status record
   * @param lockFd the descriptor holding the flock on supervise/lock, recorded likewise
   */
  public Machine(String serviceName, long supervisorPid, int lockFd) {
    this.runName = serviceName + "/run";
    this.finishName = serviceName + "/finish";
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
  public Step begin(boolean normallyUp, Config config, long now, Tai64n wall) {
    State s = State.initial(normallyUp ? Want.UP : Want.DOWN, now, wall, config);
    if (normallyUp) {
      return new Step(s.with(Lifecycle.Starting.RUN, wall), List.of(Effect.Spawn.RUN));
    }
    return new Step(s, List.of(new Effect.WritePid(0), new Effect.WriteStatus(status(s, now, wall))));
  }

  /**
   * The first state when the last supervisor of the service died and its ./run did not: the
   * process the old record names still runs with the start time recorded (pid and start time
   * name one process), and is the service's process again. It is up since the time the record
   * says, with the record's want, counts and readiness; if it was wanted down, it is taken down
   * again. Nothing but the record is trusted: an older record without a stage or a start time
   * is never adopted from (see the caller).
   *
   * @param old the record the last supervisor wrote
   * @param startTicks the process's start time, as checked
   */
  public Step adopt(Status old, long startTicks, Config config, long now, Tai64n wall) {
    Extension x = old.extension().orElseThrow();
    long age = Math.max(0, (wall.unixSeconds() - old.stamp().unixSeconds()) * 1_000_000_000L
        + wall.nanos() - old.stamp().nanos());
    long startedAt = now - age;
    Extension.Readiness readiness = x.readiness().orElse(config.ready() instanceof ReadyWhen.Up
        ? new Extension.Readiness(Optional.of(old.stamp()), false, "") : Extension.Readiness.NONE);
    Running child = new Running(old.pid(), startTicks, startedAt, old.paused(), old.termSent(), false, readiness);
    Tai64n since = x.progress().map(Extension.Progress::since).orElse(old.stamp());
    State s = new State(new Lifecycle.Up(child), old.want(), Leave.STAY, startedAt + THROTTLE_NANOS, old.stamp(),
        since, new State.Counters(x.starts(), x.lastExit(), x.progress().map(Extension.Progress::fastDeaths).orElse(0),
        OptionalLong.of(startedAt), x.lastPid().orElse(0)), config);
    if (old.want() == Want.DOWN) {
      // the old supervisor was taking it down: begin again, by today's stop plan
      Step again = on(s, new Event.Control(Command.DOWN), now, wall);
      List<Effect> effects = new ArrayList<>(again.effects());
      effects.add(0, new Effect.WritePid(old.pid()));
      return new Step(again.next(), effects);
    }
    return new Step(s, List.of(new Effect.WritePid(old.pid()), new Effect.WriteStatus(status(s, now, wall))));
  }

  public Step on(State s, Event event, long now, Tai64n wall) {
    return event.accept(new Transition(s, now, wall));
  }

  /** The shutdown plan: the service's own if it has one (made to end in a kill), else TERM, 2 s, KILL. */
  static StopPlan shutdownPlan(Config config) {
    return config.stop().map(p -> p.endingInKill(SHUTDOWN_GRACE_NANOS)).orElse(StopPlan.shutdown(SHUTDOWN_GRACE_NANOS));
  }

  /** How long to wait from a start to the next after {@code fastDeaths} quick deaths in a row. */
  static long backoff(int fastDeaths, Config config) {
    if (fastDeaths <= 1) {
      return THROTTLE_NANOS;
    }
    long delay = THROTTLE_NANOS << Math.min(fastDeaths - 1, 30);
    return Math.max(THROTTLE_NANOS, Math.min(delay, config.backoffMaxNanos()));
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

    /**
     * u, o: the new wish, announced; the crash-loop backoff forgiven (the next start waits only
     * for the one-second floor); a start now (or at that floor) if down.
     */
    private Step want(Want want) {
      State next = s.with(want).with(s.counters().forgiven());
      if (s.life().kind() == Stage.DOWN || s.life().kind() == Stage.FINISHING) {
        long floor = s.counters().lastStart().isPresent() ? s.counters().lastStart().getAsLong() + THROTTLE_NANOS : now;
        next = next.notBefore(floor);
      }
      announce(next);
      if (s.life().kind() == Stage.DOWN) {
        next = requestStart(next.with(Lifecycle.Down.RESTING, wall));
      }
      return step(next);
    }

    /**
     * d: want down. A running child is taken down by the service's stop plan, to its process
     * group; without one, as daemontools does: SIGTERM then SIGCONT to the child alone.
     */
    private Step down() {
      State next = s.with(Want.DOWN);
      switch (s.life().kind()) {
        case DOWN -> next = next.with(Lifecycle.Down.RESTING, wall);
        case STARTING -> {
          if (startOfRunWaits()) {
            effects.add(Effect.WithdrawSpawn.INSTANCE);
            next = next.with(Lifecycle.Down.RESTING, wall);
          }
        }
        case STOPPING, FINISHING -> { }
        case UP -> {
          if (s.config().stop().isPresent()) {
            return announced(stop(next, s.config().stop().get()));
          }
          next = next.with(new Lifecycle.Up(s.life().child().terminated().signalledByOperator()), wall);
          terminate(s.pid(), Effect.Kill::new);
        }
      }
      return announced(next);
    }

    /** x: go once there is no child; at once if there is none (even while a start waits). */
    private Step exit() {
      State next = s.leave() == Leave.SHUTDOWN ? s : s.with(Leave.WHEN_DOWN);
      if (s.life().kind() == Stage.DOWN) {
        return downAndGone(next);
      }
      return announced(next);
    }

    /** p, c: status first, then SIGSTOP or SIGCONT, as daemontools orders them. */
    private Step pause(boolean paused) {
      if (!s.runs()) {
        return announced(s);
      }
      State next = s.with(withChild(s.life().child().pausedAs(paused)), wall);
      announce(next);
      effects.add(new Effect.Kill(s.pid(), paused ? Signal.STOP : Signal.CONT));
      return step(next);
    }

    /** t: SIGTERM; the status changes too, because runit's byte 18 records it. */
    private Step term() {
      if (!s.runs()) {
        return unchanged();
      }
      effects.add(new Effect.Kill(s.pid(), Signal.TERM));
      return announced(s.with(withChild(s.life().child().afterTerm().signalledByOperator()), wall));
    }

    /**
     * h a i k q 1 2 w: a signal to ./run, if it runs; nothing else changes but that its death is
     * now no crash. (During ./finish, as runit, they are not sent.)
     */
    private Step signal(Signal signal) {
      if (!s.runs()) {
        return unchanged();
      }
      effects.add(new Effect.Kill(s.pid(), signal));
      return step(s.with(withChild(s.life().child().signalledByOperator()), wall));
    }

    @Override
    public Step childExited(int waitStatus) {
      return switch (s.life().kind()) {
        case UP, STOPPING -> runExited(waitStatus);
        case FINISHING -> downAfter(s.stamped(wall));
        case DOWN, STARTING -> unchanged();
      };
    }

    /**
     * ./run is gone. A death soon after the start that nobody asked for counts towards the
     * backoff. Then ./finish if there is one, else down: restarted if wanted, at once when the
     * backoff allows, without an intermediate "down" status (the next child's status follows
     * the spawn, which keeps the restart short).
     */
    private Step runExited(int waitStatus) {
      Running child = s.life().child();
      boolean crash = !child.signalled() && now - child.startedAt() < s.config().backoffResetNanos();
      int fastDeaths = crash ? s.counters().fastDeaths() + 1 : 0;
      State next = s.with(s.counters().exited(child.pid(), waitStatus, fastDeaths))
          .notBefore(child.startedAt() + backoff(fastDeaths, s.config()));
      if (s.config().finish()) {
        // runit's arguments: ./run's exit code, or -1 if a signal ended it, and the low byte;
        // -1 -1 when neither is known (an adopted ./run)
        boolean unknown = waitStatus == Extension.EXIT_UNKNOWN;
        effects.add(new Effect.Spawn(Lifecycle.Program.FINISH, List.of(
            !unknown && (waitStatus & 0x7f) == 0 ? Integer.toString(waitStatus >> 8 & 0xff) : "-1",
            unknown ? "-1" : Integer.toString(waitStatus & 0xff))));
        return step(next.with(Lifecycle.Starting.FINISH, wall));
      }
      return downAfter(next.stamped(wall));
    }

    /**
     * ./run daemonized: it exited and another process carries the service on. That process is
     * the service's from now on (up, its pid in the record, commands and stop plans go to it); a
     * restart comes only when it exits. It is no new start (the count stays), no exit (the last
     * exit stays), and the stop or
     * shutdown under way, or a want of down that came while ./run went, goes on with it.
     */
    @Override
    public Step followed(long pid, long startTicks, boolean guessed) {
      if (!s.runs()) {
        return unchanged();
      }
      Running old = s.life().child();
      Running heir = new Running(pid, startTicks, old.startedAt(), false, false, false, old.readiness());
      // the parent's exit 0 is how a daemon starts, not how the service ended: last exit keeps
      // the wait status of the last process that did end the service
      State next = s.stamped(wall).with(new Lifecycle.Up(heir), wall);
      if (s.leave() != Leave.SHUTDOWN && s.life() instanceof Lifecycle.Stopping stopping) {
        next = stop(next, stopping.plan());
      } else {
        next = takenDownIfUnwanted(next, heir);
      }
      announceUp(next, pid);
      if (guessed) {
        effects.add(0, new Effect.Warn(runName + " exited and left one process behind, pid " + pid
            + ": following it as the service (a pidfile file names it without guessing)"));
      }
      return step(next);
    }

    /**
     * {@code next} has {@code child} up, new: a shutdown, or a want of down that came while it
     * started, takes it down at once (by the stop plan, or daemontools' TERM and CONT).
     */
    private State takenDownIfUnwanted(State next, Running child) {
      if (s.leave() == Leave.SHUTDOWN) {
        return stop(next, shutdownPlan());
      }
      if (s.want() != Want.DOWN) {
        return next;
      }
      if (s.config().stop().isPresent()) {
        return stop(next, s.config().stop().get());
      }
      terminate(child.pid(), Effect.Kill::new);
      return next.with(new Lifecycle.Up(child.terminated().signalledByOperator()), wall);
    }

    /** A new process is up: its pid file and record go first, before any signal to it. */
    private void announceUp(State next, long pid) {
      effects.add(0, new Effect.WritePid(pid));
      effects.add(1, new Effect.WriteStatus(status(next, now, wall)));
    }

    /** No process any more (./run without a finish, or ./finish): restart if wanted, else down. */
    private Step downAfter(State after) {
      State next = after.with(Lifecycle.Down.RESTING, wall);
      if (s.leave() == Leave.STAY && s.want() == Want.UP) {
        next = requestStart(next);
        if (next.life().kind() == Stage.STARTING) {
          return step(next);
        }
      }
      return downWithoutChild(next);
    }

    @Override
    public Step spawned(long pid, long startTicks) {
      if (s.life().kind() != Stage.STARTING) {
        return unchanged();
      }
      Running child = Running.started(pid, startTicks, now);
      if (((Lifecycle.Starting) s.life()).program() == Lifecycle.Program.FINISH) {
        // s6: a timeout-finish of 0 lets finish run for ever
        long timeout = s.config().finishTimeoutNanos();
        State next = s.with(new Lifecycle.Finishing(child,
            timeout == 0 ? OptionalLong.empty() : OptionalLong.of(now + timeout)), wall);
        effects.add(new Effect.WritePid(pid));
        announce(next);
        return step(next);
      }
      if (s.config().ready() instanceof ReadyWhen.Up) {
        child = child.told(true, Optional.empty(), false, wall);
      }
      State next = s.with(s.counters().started(now)).stamped(wall)
          .notBefore(now + THROTTLE_NANOS).with(new Lifecycle.Up(child), wall);
      // the supervisor may have been told to stop, or d sent, while the spawn was out
      next = takenDownIfUnwanted(next, child);
      announceUp(next, pid);
      return step(next);
    }

    /**
     * exec failed: say why. For ./run: stay down, and if want up try again when the throttle
     * allows (the status is written here because an immediate restart skipped it when the last
     * child exited). For ./finish: as if it had run.
     */
    @Override
    public Step spawnFailed(int errno) {
      if (s.life().kind() != Stage.STARTING) {
        return unchanged();
      }
      boolean finish = ((Lifecycle.Starting) s.life()).program() == Lifecycle.Program.FINISH;
      effects.add(new Effect.Warn("unable to start " + (finish ? finishName : runName) + ": " + Errno.text(errno)));
      if (finish) {
        return downAfter(s.stamped(wall));
      }
      long retry = now + THROTTLE_NANOS;
      boolean again = s.leave() == Leave.STAY && s.want() == Want.UP;
      State next = s.notBefore(retry).with(again ? Lifecycle.Down.startingAt(retry) : Lifecycle.Down.RESTING, wall);
      return downWithoutChild(next);
    }

    /**
     * A deadline came: a start the throttle or backoff held back, the next step of a stop plan,
     * or SIGKILL for a finish that outstayed timeout-finish.
     */
    @Override
    public Step tick() {
      switch (s.life().kind()) {
        case DOWN -> {
          OptionalLong at = ((Lifecycle.Down) s.life()).startAt();
          if (at.isPresent() && now - at.getAsLong() >= 0) {
            effects.add(Effect.Spawn.RUN);
            return step(s.with(Lifecycle.Starting.RUN, wall));
          }
        }
        case STOPPING -> {
          Lifecycle.Stopping stopping = (Lifecycle.Stopping) s.life();
          if (stopping.deadline().isPresent() && now - stopping.deadline().getAsLong() >= 0) {
            // a signal sent is in the record (runit's byte 18 for TERM, the stop signals count)
            State next = runPlan(s, stopping.child(), stopping.plan(), stopping.next());
            return effects.isEmpty() ? step(next) : announced(next);
          }
        }
        case FINISHING -> {
          Lifecycle.Finishing finishing = (Lifecycle.Finishing) s.life();
          if (finishing.killAt().isPresent() && now - finishing.killAt().getAsLong() >= 0) {
            effects.add(new Effect.KillGroup(s.pid(), Signal.KILL));
            return step(s.with(new Lifecycle.Finishing(finishing.child(), OptionalLong.empty()), wall));
          }
        }
        case STARTING, UP -> { }
      }
      return unchanged();
    }

    /**
     * TERM, INT or HUP to the supervisor: the child's group down by the shutdown plan, then go.
     * Also what ends a {@link #drain()} that took too long. A running ./finish is left to end
     * (timeout-finish bounds it).
     */
    @Override
    public Step terminate() {
      State next = s.with(Want.DOWN).with(Leave.SHUTDOWN);
      if (startOfRunWaits()) {
        effects.add(Effect.WithdrawSpawn.INSTANCE);
        return downAndGone(next);
      }
      switch (s.life().kind()) {
        case DOWN -> {
          return downAndGone(next);
        }
        case STARTING, FINISHING -> {
          if (s.leave() == Leave.SHUTDOWN) {
            return unchanged();
          }
        }
        case UP -> next = stop(next, shutdownPlan());
        case STOPPING -> {
          if (s.leave() == Leave.SHUTDOWN) {
            return unchanged();
          }
          // a stop by svc -d was under way: it goes on, and must now end in a kill
          Lifecycle.Stopping stopping = (Lifecycle.Stopping) s.life();
          next = next.with(new Lifecycle.Stopping(stopping.child(), stopping.plan().endingInKill(SHUTDOWN_GRACE_NANOS),
              stopping.next(), stopping.deadline().isPresent() ? stopping.deadline()
                  : OptionalLong.of(now + SHUTDOWN_GRACE_NANOS)), wall);
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
      if (startOfRunWaits()) {
        effects.add(Effect.WithdrawSpawn.INSTANCE);
        return downAndGone(next);
      }
      if (s.life().kind() == Stage.DOWN) {
        return downAndGone(next);
      }
      return announced(next);
    }

    /**
     * A start of ./run was asked for and has not been made: in the loop, spawns wait for their
     * turn (a few per round), so one can still be taken back. A ./finish is never taken back.
     */
    private boolean startOfRunWaits() {
      return s.life() instanceof Lifecycle.Starting st && st.program() == Lifecycle.Program.RUN;
    }

    /**
     * Readiness news counts only while ./run runs (up, or being stopped); the status changes only
     * if the news is new.
     */
    @Override
    public Step notified(boolean ready, Optional<String> text, boolean stopping) {
      if (s.life().kind() != Stage.UP && s.life().kind() != Stage.STOPPING) {
        return unchanged();
      }
      Running child = s.life().child();
      Running told = child.told(ready, text, stopping, wall);
      // fields, not Running.equals: a record's first equals bootstraps its method handles,
      // interpreted, ~70 ms (bench/readiness.sh), on the first readiness after start-up
      Extension.Readiness was = child.readiness();
      Extension.Readiness is = told.readiness();
      if (is.since().equals(was.since()) && is.stopping() == was.stopping() && is.text().equals(was.text())) {
        return unchanged();
      }
      return announced(s.with(withChild(told), wall));
    }

    @Override
    public Step configured(Config config) {
      // taken as it is, not compared: a record's first equals bootstraps its method handles,
      // interpreted, ~70 ms on the loop (bench/readiness.sh) just after a restart
      return step(s.with(config));
    }

    private StopPlan shutdownPlan() {
      return Machine.shutdownPlan(s.config());
    }

    /** Begins {@code plan} on the running child of {@code next}: a death asked for, so no crash. */
    private State stop(State next, StopPlan plan) {
      return runPlan(next, next.life().child().signalledByOperator(), plan, 0);
    }

    /**
     * Carries out the plan's items from {@code from} up to the next wait (or its end): each
     * signal to the child's process group, followed by SIGCONT unless it was KILL, CONT or STOP.
     */
    private State runPlan(State next, Running child, StopPlan plan, int from) {
      Running c = child;
      List<StopPlan.Item> items = plan.items();
      int i = from;
      OptionalLong deadline = OptionalLong.empty();
      for (int steps = 0; steps <= 2 * items.size(); steps++) {
        if (i >= items.size()) {
          if (plan.repeatFrom() < 0) {
            break;
          }
          i = plan.repeatFrom();
        }
        StopPlan.Item item = items.get(i++);
        if (item instanceof StopPlan.Wait w) {
          deadline = OptionalLong.of(now + w.nanos());
          break;
        }
        Signal signal = ((StopPlan.Send) item).signal();
        effects.add(new Effect.KillGroup(c.pid(), signal));
        if (signal != Signal.KILL && signal != Signal.CONT && signal != Signal.STOP) {
          effects.add(new Effect.KillGroup(c.pid(), Signal.CONT));
          c = signal == Signal.TERM ? c.terminated() : c.pausedAs(false);
        }
      }
      return next.with(new Lifecycle.Stopping(c, plan, i, deadline), wall);
    }

    /** SIGTERM then SIGCONT, to the child or its group. */
    private void terminate(long pid, BiFunction<Long, Signal, Effect> kill) {
      effects.add(kill.apply(pid, Signal.TERM));
      effects.add(kill.apply(pid, Signal.CONT));
    }

    /** Start now if the throttle or backoff allows, else owe a start at {@code notBefore}. */
    private State requestStart(State next) {
      if (now - next.notBefore() >= 0) {
        effects.add(Effect.Spawn.RUN);
        return next.with(Lifecycle.Starting.RUN, wall);
      }
      return next.with(Lifecycle.Down.startingAt(next.notBefore()), wall);
    }

    /** The same phase, with the process changed (paused, signalled...). */
    private Lifecycle withChild(Running child) {
      return switch (s.life().kind()) {
        case STOPPING -> {
          Lifecycle.Stopping st = (Lifecycle.Stopping) s.life();
          yield new Lifecycle.Stopping(child, st.plan(), st.next(), st.deadline());
        }
        case FINISHING -> new Lifecycle.Finishing(child, ((Lifecycle.Finishing) s.life()).killAt());
        case UP -> new Lifecycle.Up(child);
        case DOWN, STARTING -> throw new IllegalStateException("no process in " + s.life());
      };
    }

    /** No child (any more): the status and an empty pid file say so; and go if asked to. */
    private Step downWithoutChild(State next) {
      effects.add(new Effect.WritePid(0));
      announce(next);
      if (next.leave() != Leave.STAY) {
        effects.add(new Effect.Exit());
      }
      return step(next);
    }

    private Step downAndGone(State next) {
      State down = next.with(Lifecycle.Down.RESTING, wall);
      announce(down);
      effects.add(new Effect.Exit());
      return step(down);
    }

    private void announce(State next) {
      effects.add(new Effect.WriteStatus(status(next, now, wall)));
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

  /** The record supervise/status holds for a state, at {@code now}. */
  public Status status(State s, long now, Tai64n wall) {
    boolean child = s.hasChild();
    Running r = child ? s.life().child() : null;
    Phase phase = s.life().kind() == Stage.FINISHING ? Phase.FINISH : child ? Phase.RUN : Phase.DOWN;
    int stopSignals = 0;
    if (s.life() instanceof Lifecycle.Stopping st) {
      for (int i = 0; i < st.next() && i < st.plan().items().size(); i++) {
        stopSignals += st.plan().items().get(i) instanceof StopPlan.Send ? 1 : 0;
      }
      stopSignals = Math.max(1, stopSignals);
    }
    Optional<Tai64n> nextStart = Optional.empty();
    OptionalLong startAt = s.life() instanceof Lifecycle.Down d ? d.startAt() : OptionalLong.empty();
    if (startAt.isPresent()) {
      nextStart = Optional.of(wall.plusNanos(Math.max(0, startAt.getAsLong() - now)));
    }
    Extension.Progress progress = new Extension.Progress(s.life().kind(), stopSignals, s.counters().fastDeaths(),
        s.since(), nextStart);
    boolean runs = s.life().kind() == Stage.UP || s.life().kind() == Stage.STOPPING;
    Extension.Readiness readiness = runs ? r.readiness() : Extension.Readiness.NONE;
    return new Status(s.stamp(), s.pid(), child && r.paused(), s.want(), child && r.termSent(), phase,
        Optional.of(new Extension(supervisorPid, s.counters().starts(), s.counters().lastExit(),
            child ? r.startTicks() : 0, lockFd, Optional.of(progress), Optional.of(readiness),
            OptionalLong.of(s.counters().lastPid()))));
  }
}
