package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.vigil.common.Command;
import dev.vigil.common.Errno;
import dev.vigil.common.Stage;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.common.os.Signal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Any stream of control bytes, interleaved with child exits, time passing, signals to the
 * supervisor and changed settings, leaves the machine consistent and never throws. The driver
 * plays the event loop: it answers every Spawn at once (success or failure) and delivers a Tick
 * whenever a deadline has passed.
 */
class MachinePropertiesTest {
  private static final long T0 = 1_000_000_000_000L;
  private static final long MS = 1_000_000L;

  @Test
  void anyEventStreamKeepsTheMachineConsistent() {
    qt().withExamples(400)
        .forAll(
            integers().between(0, 7),
            lists().of(integers().between(0, 99_999)).ofSizeBetween(0, 300))
        .checkAssert((setup, actions) -> run(setup, actions));
  }

  /** Settings from bits of {@code setup}: a finish, a stop schedule, daemontools' backoff. */
  private static Config config(int setup) {
    Optional<StopPlan> stop = (setup & 2) != 0
        ? StopPlan.parse("TERM/1/QUIT/1/KILL", Signal.TERM, new StringBuilder())
        : Optional.empty();
    long backoffMax = (setup & 4) != 0 ? 1000 * MS : 60_000 * MS;
    return new Config((setup & 1) != 0, 500 * MS, stop, backoffMax, 10_000 * MS, ReadyWhen.UP);
  }

  private static void run(int setup, List<Integer> actions) {
    Machine machine = new Machine("svc", 77, 5);
    Driver d = new Driver(machine);
    d.step(machine.begin(setup % 2 == 0, config(setup), d.now, Tai64n.ofUnix(0, 0)));
    d.deliver(new Event.Tick());
    for (int v : actions) {
      if (d.exited) {
        return;
      }
      int kind = v % 11;
      int arg = v / 11;
      if (kind < 5) {
        // half of all actions are control bytes, any byte at all
        Command c = Command.of(arg % 256);
        if (c != null) {
          d.deliver(new Event.Control(c));
        }
      } else if (kind < 7) {
        if (d.state.hasChild()) {
          d.deliver(new Event.ChildExited(arg % 65536));
        }
      } else if (kind < 9) {
        d.now += (arg % 3000) * MS;
        d.tickIfDue();
      } else if (kind < 10) {
        d.deliver(arg % 2 == 0 ? new Event.Terminate() : new Event.Drain());
      } else {
        d.deliver(new Event.Configured(config(arg)));
      }
      d.failNextSpawn = arg % 7 == 0;
    }
  }

  /** The event loop's part, with the invariants checked after every step. */
  private static final class Driver {
    final Machine machine;
    long now = T0;
    State state;
    boolean exited;
    boolean failNextSpawn;
    long nextPid = 100;

    Driver(Machine machine) {
      this.machine = machine;
    }

    void deliver(Event e) {
      State before = state;
      Machine.Step step = machine.on(state, e, now, Tai64n.ofUnix(now / 1_000_000_000L, 0));
      check(before, e, step);
      step(step);
    }

    void step(Machine.Step step) {
      state = step.next();
      List<Effect> effects = step.effects();
      for (int i = 0; i < effects.size(); i++) {
        Effect f = effects.get(i);
        if (f instanceof Effect.Exit) {
          exited = true;
        }
        if (f instanceof Effect.Spawn) {
          assertEquals(effects.size() - 1, i, "Spawn is the last effect of a step");
          assertEquals(Stage.STARTING, state.life().kind(), "a Spawn leaves the machine starting");
          Event answer = failNextSpawn
              ? new Event.SpawnFailed(Errno.ENOEXEC.number)
              : new Event.Spawned(nextPid++, 1);
          deliver(answer);
        }
      }
      invariants(state);
    }

    void tickIfDue() {
      if (state.deadline().isPresent() && now - state.deadline().getAsLong() >= 0) {
        deliver(new Event.Tick());
      }
    }

    private void check(State before, Event e, Machine.Step step) {
      for (Effect f : step.effects()) {
        if (f instanceof Effect.Kill k) {
          assertTrue(before.runs() || e instanceof Event.Spawned, "svc's signals go only to ./run");
          if (!(e instanceof Event.Spawned)) {
            assertEquals(before.pid(), k.pid(), "signals go to the current child");
          }
        }
        if (f instanceof Effect.KillGroup k) {
          assertTrue(step.next().hasChild(), "a group is signalled only while its leader is there");
          assertEquals(step.next().pid(), k.pgid(), "the child leads its group");
          Stage stage = step.next().life().kind();
          assertTrue(stage == Stage.STOPPING || stage == Stage.FINISHING,
              "groups are signalled by a stop plan, or to end a finish: " + stage);
        }
        if (f instanceof Effect.Exit) {
          assertFalse(step.next().hasChild(), "the supervisor never leaves a child behind");
          assertTrue(step.next().leave() != State.Leave.STAY, "exit only when asked to");
        }
        if (f instanceof Effect.Spawn sp && sp.program() == Lifecycle.Program.RUN) {
          assertFalse(before.runs() && !(e instanceof Event.ChildExited), "never a second child");
          assertEquals(State.Leave.STAY, before.leave(), "no start once exit was asked for");
          assertTrue(now - before.notBefore() >= 0 || e instanceof Event.Control,
              "no start before the throttle or backoff allows");
          assertTrue(before.counters().lastStart().isEmpty()
              || now - before.counters().lastStart().getAsLong() >= Machine.THROTTLE_NANOS,
              "at most one start per second");
        }
        if (f instanceof Effect.Spawn sp && sp.program() == Lifecycle.Program.FINISH) {
          assertTrue(before.config().finish(), "finish only where there is one");
          assertTrue(e instanceof Event.ChildExited && before.runs(), "finish follows ./run's exit");
        }
      }
    }

    private void invariants(State s) {
      assertTrue(s.life().kind() != Stage.STARTING, "a spawn is always answered within the step");
      if (s.life() instanceof Lifecycle.Down d && d.startAt().isPresent()) {
        assertEquals(State.Leave.STAY, s.leave(), "no start owed once exit was asked for");
        assertTrue(s.want() != Want.DOWN, "no start owed while want down");
        assertEquals(s.deadline(), d.startAt(), "an owed start has a deadline");
      }
      if (s.leave() == State.Leave.SHUTDOWN) {
        assertEquals(Want.DOWN, s.want(), "a shutdown wants the service down");
      }
      assertTrue(s.counters().fastDeaths() >= 0);
      assertTrue(Machine.backoff(s.counters().fastDeaths(), s.config()) <= Math.max(Machine.THROTTLE_NANOS,
          s.config().backoffMaxNanos()), "the backoff never exceeds its cap");
    }
  }
}
