package dev.vigil.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.Command;
import dev.vigil.common.Errno;
import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Drives the machine through every (state, event) pair and compares the result, rendered as
 * text, with {@code transitions.txt}: any change of behaviour shows up as a readable diff. The
 * states are reached from {@link Machine#begin} by real event sequences, not built by hand.
 * Regenerate after a deliberate change with {@code -Dvigil.regenerate=true} and review the diff.
 */
class TransitionTableTest {
  private static final long T0 = 1_000_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long CHILD = 1000;
  private static final Path GOLDEN = Path.of("src/test/resources/transitions.txt");

  private final Machine machine = new Machine("svc", 77, 5);

  /** A state together with the time at which the events of its rows arrive. */
  private record Row(State state, long now) {}

  private static Tai64n wall(long now) {
    long ns = now - T0;
    return Tai64n.ofUnix(1_795_219_200L + ns / 1_000_000_000L, (int) (ns % 1_000_000_000L));
  }

  private State on(State s, Event e, long now) {
    return machine.on(s, e, now, wall(now)).next();
  }

  /** A service with ./finish, the stop schedule TERM/2/QUIT/1/KILL and s6's notification-fd 3. */
  private static final Config RICH = new Config(true, 5000 * MS, StopPlan.parse("TERM/2/QUIT/1/KILL",
      dev.vigil.common.os.Signal.TERM, new StringBuilder()), 60_000 * MS, 10_000 * MS, new ReadyWhen.Notification(3));

  private Map<String, Row> states() {
    Map<String, Row> rows = new LinkedHashMap<>();
    State normallyDown = machine.begin(false, Config.DEFAULT, T0, wall(T0)).next();
    State starting = machine.begin(true, Config.DEFAULT, T0, wall(T0)).next();
    State up = on(starting, new Event.Spawned(CHILD, 5000), T0);
    long early = T0 + 300 * MS;
    long late = T0 + 5000 * MS;
    rows.put("down, normally down (down file)", new Row(normallyDown, early));
    rows.put("starting (spawn outstanding; where a service without down file begins)", new Row(starting, T0));
    rows.put("up, started 0.3 s ago", new Row(up, early));
    rows.put("up, started 5 s ago", new Row(up, late));
    rows.put("up, paused", new Row(on(up, new Event.Control(Command.PAUSE), early), late));
    rows.put("up, once", new Row(on(up, new Event.Control(Command.ONCE), early), late));
    rows.put("up, want down, TERM sent, child ignores it (daemontools' d: no stop plan)",
        new Row(on(up, new Event.Control(Command.DOWN), early), late));
    rows.put("up, exit requested", new Row(on(up, new Event.Control(Command.EXIT), early), late));
    State throttled = on(up, new Event.ChildExited(0), early);
    rows.put("down, want up, restart held by the throttle until 1 s", new Row(throttled, T0 + 500 * MS));
    rows.put("down, want up, throttle over", new Row(throttled, T0 + 1000 * MS));
    State onceDone = on(on(up, new Event.Control(Command.ONCE), early), new Event.ChildExited(0), late);
    rows.put("down, once finished", new Row(onceDone, late + 1000 * MS));
    State failed = on(starting, new Event.SpawnFailed(Errno.ENOEXEC.number), T0);
    rows.put("down, want up, exec failed, retry held", new Row(failed, T0 + 500 * MS));
    State stopping = on(up, new Event.Terminate(), late);
    rows.put("stopping (supervise got TERM), child alive, KILL due at +7 s", new Row(stopping, late + 1000 * MS));
    rows.put("stopping, grace over", new Row(stopping, late + 2000 * MS));
    State draining = on(up, new Event.Drain(), late);
    rows.put("up, draining (its supervisor is stopping)", new Row(draining, late + 1000 * MS));

    // crash-loop backoff: each quick death in a row doubles the wait from the start before it
    State crashing = up;
    long t = T0;
    for (int i = 0; i < 3; i++) {
      crashing = on(crashing, new Event.ChildExited(256), t + 100 * MS);
      t = crashing.deadline().orElse(t + 100 * MS);
      crashing = on(on(crashing, new Event.Tick(), t), new Event.Spawned(CHILD + 1 + i, 5001 + i), t);
    }
    State backingOff = on(crashing, new Event.ChildExited(256), t + 100 * MS);
    rows.put("down, want up, 4th quick death in a row: the backoff holds the start 8 s after the last",
        new Row(backingOff, t + 1000 * MS));

    // a service with ./finish and a stop schedule
    State rich = on(up, new Event.Configured(RICH), early);
    rows.put("up, with ./finish and stop-schedule TERM/2/QUIT/1/KILL", new Row(rich, late));
    State scheduled = on(rich, new Event.Control(Command.DOWN), late);
    rows.put("stopping (svc -d by the schedule), TERM sent, QUIT due at +7 s", new Row(scheduled, late + 1000 * MS));
    State quitSent = on(scheduled, new Event.Tick(), late + 2000 * MS);
    rows.put("stopping (svc -d by the schedule), QUIT sent, KILL due at +8 s", new Row(quitSent, late + 2500 * MS));
    State finishStarting = on(rich, new Event.ChildExited(256), late);
    rows.put("starting ./finish (./run exited 1)", new Row(finishStarting, late));
    State finishing = on(finishStarting, new Event.Spawned(CHILD + 10, 6000), late);
    rows.put("finishing (./finish runs), KILL due at +10 s", new Row(finishing, late + 1000 * MS));
    rows.put("finishing, timeout-finish over", new Row(finishing, late + 5000 * MS));
    Config patient = new Config(true, 0, RICH.stop(), RICH.backoffMaxNanos(), RICH.backoffResetNanos(),
        ReadyWhen.UP);
    State finishingForEver = on(on(on(up, new Event.Configured(patient), early), new Event.ChildExited(256), late),
        new Event.Spawned(CHILD + 11, 6001), late);
    rows.put("finishing with timeout-finish 0 (s6: for ever), an hour on", new Row(finishingForEver, late + 3_600_000 * MS));

    // readiness: a service with notification-fd is up, and not ready until it says so
    State unready = on(machine.begin(true, RICH, T0, wall(T0)).next(), new Event.Spawned(CHILD, 5000), T0);
    rows.put("up with notification-fd 3, not yet ready", new Row(unready, early));
    State ready = on(unready, new Event.Notified(true, java.util.Optional.of("serving"), false), early);
    rows.put("up with notification-fd 3, ready since +0.3 s", new Row(ready, late));
    return rows;
  }

  private static List<Map.Entry<String, Event>> events() {
    List<Map.Entry<String, Event>> events = new ArrayList<>();
    for (Command c : Command.values()) {
      events.add(Map.entry("control " + c.letter, new Event.Control(c)));
    }
    events.add(Map.entry("child exited 0", new Event.ChildExited(0)));
    events.add(Map.entry("child killed by signal 9", new Event.ChildExited(9)));
    events.add(Map.entry("spawned pid 2000", new Event.Spawned(2000, 6000)));
    events.add(Map.entry("followed pid 3000 (pidfile)", new Event.Followed(3000, 7000, false)));
    events.add(Map.entry("followed pid 3000 (guessed)", new Event.Followed(3000, 7000, true)));
    events.add(Map.entry("spawn failed ENOENT", new Event.SpawnFailed(Errno.ENOENT.number)));
    events.add(Map.entry("tick", new Event.Tick()));
    events.add(Map.entry("terminate", new Event.Terminate()));
    events.add(Map.entry("drain", new Event.Drain()));
    events.add(Map.entry("configured (finish, schedule, fd 3)", new Event.Configured(RICH)));
    events.add(Map.entry("notified ready", new Event.Notified(true, java.util.Optional.empty(), false)));
    return events;
  }

  @Test
  void everyStateAndEventMatchesTheGoldenTable() throws IOException {
    StringBuilder table = new StringBuilder();
    table.append("# supervise's state machine: every (state, event) pair. Times are relative to the\n")
        .append("# first start (T0); 'start@' is when an owed start is due, 'next@' the next step of a stop\n")
        .append("# plan, 'kill@' the SIGKILL of a finish that outstays timeout-finish.\n")
        .append("# Generated by TransitionTableTest; regenerate with -Dvigil.regenerate=true.\n");
    for (Map.Entry<String, Row> row : states().entrySet()) {
      Row r = row.getValue();
      table.append("\n== ").append(row.getKey()).append(" @").append(time(r.now())).append('\n');
      table.append("   ").append(render(r.state())).append('\n');
      for (Map.Entry<String, Event> e : events()) {
        Machine.Step step = machine.on(r.state(), e.getValue(), r.now(), wall(r.now()));
        table.append(String.format("   %-26s -> ", e.getKey()));
        if (step.next().equals(r.state()) && step.effects().isEmpty()) {
          table.append("(nothing)\n");
          continue;
        }
        table.append(render(step.next()));
        StringJoiner effects = new StringJoiner(", ", " | ", "");
        for (Effect f : step.effects()) {
          effects.add(render(f));
        }
        table.append(step.effects().isEmpty() ? "" : effects.toString()).append('\n');
      }
    }
    String rendered = table.toString();
    if (Boolean.getBoolean("vigil.regenerate")) {
      Files.writeString(GOLDEN, rendered, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), rendered,
        "the machine's behaviour changed; review, then regenerate " + GOLDEN);
  }

  /**
   * A client that has read a status must find the pid file that goes with it (runit's order): in
   * every step, and in the first, no status is written before the step's pid file.
   */
  @Test
  void thePidFileIsAlwaysWrittenBeforeTheStatusItGoesWith() {
    List<Machine.Step> steps = new ArrayList<>(List.of(
        machine.begin(false, Config.DEFAULT, T0, wall(T0)), machine.begin(true, Config.DEFAULT, T0, wall(T0))));
    for (Row r : states().values()) {
      for (Map.Entry<String, Event> e : events()) {
        steps.add(machine.on(r.state(), e.getValue(), r.now(), wall(r.now())));
      }
    }
    int checked = 0;
    for (Machine.Step step : steps) {
      List<Effect> effects = step.effects();
      int pid = -1;
      int status = -1;
      for (int i = 0; i < effects.size(); i++) {
        if (effects.get(i) instanceof Effect.WritePid && pid < 0) {
          pid = i;
        }
        if (effects.get(i) instanceof Effect.WriteStatus && status < 0) {
          status = i;
        }
      }
      if (pid >= 0) {
        checked++;
        assertTrue(status > pid, "pid file after the status in " + effects);
      }
    }
    assertTrue(checked >= 15, "only " + checked + " steps wrote a pid file");
  }

  private static String time(long t) {
    return String.format("+%.3fs", (t - T0) / 1e9);
  }

  private static String render(State s) {
    StringJoiner j = new StringJoiner(" ", "[", "]");
    j.add(s.life().kind().word());
    if (s.life() instanceof Lifecycle.Starting st && st.program() == Lifecycle.Program.FINISH) {
      j.add("finish");
    }
    if (s.hasChild()) {
      Running r = s.life().child();
      j.add("pid=" + r.pid());
      if (r.paused()) {
        j.add("paused");
      }
      if (r.termSent()) {
        j.add("termSent");
      }
      if (r.signalled()) {
        j.add("signalled");
      }
      if (r.readiness().since().isPresent()) {
        j.add("ready");
      }
    }
    if (s.life() instanceof Lifecycle.Down d) {
      d.startAt().ifPresent(at -> j.add("start@" + time(at)));
    }
    if (s.life() instanceof Lifecycle.Stopping st) {
      j.add("step=" + st.next());
      st.deadline().ifPresent(k -> j.add("next@" + time(k)));
    }
    if (s.life() instanceof Lifecycle.Finishing f) {
      f.killAt().ifPresent(k -> j.add("kill@" + time(k)));
    }
    j.add("want=" + (s.want().code == 0 ? "0" : String.valueOf((char) s.want().code)));
    if (s.leave() != State.Leave.STAY) {
      j.add(s.leave() == State.Leave.WHEN_DOWN ? "exit" : "shutdown");
    }
    j.add("starts=" + s.counters().starts());
    s.counters().lastExit().ifPresent(x -> j.add("last=" + x));
    if (s.counters().fastDeaths() > 0) {
      j.add("fast=" + s.counters().fastDeaths());
    }
    if (!s.config().equals(Config.DEFAULT)) {
      j.add("config=" + (s.config().finish() ? "finish," : "") + (s.config().stop().isPresent() ? "schedule" : "")
          + (s.config().ready() instanceof ReadyWhen.Notification n ? ",notification-fd=" + n.fd() : ""));
    }
    return j.toString();
  }

  private static String render(Effect f) {
    if (f instanceof Effect.WriteStatus w) {
      Status s = w.status();
      long ns = (s.stamp().label() - Tai64n.EPOCH - 1_795_219_200L) * 1_000_000_000L + s.stamp().nanos() - 500;
      return "status(" + s.extension().flatMap(x -> x.progress()).map(p -> p.stage().word() + " ").orElse("")
          + "pid=" + s.pid() + (s.paused() ? " paused" : "") + " want="
          + (s.want().code == 0 ? "0" : String.valueOf((char) s.want().code))
          + (s.termSent() ? " term" : "")
          + (s.extension().flatMap(x -> x.readiness()).flatMap(r -> r.since()).isPresent() ? " ready" : "")
          + " since " + String.format("+%.3fs", ns / 1e9) + ")";
    }
    if (f instanceof Effect.Kill k) {
      return "kill " + k.signal() + " " + k.pid();
    }
    if (f instanceof Effect.KillGroup k) {
      return "kill group " + k.signal() + " " + k.pgid();
    }
    if (f instanceof Effect.WritePid p) {
      return "pidfile(" + (p.pid() == 0 ? "" : p.pid()) + ")";
    }
    if (f instanceof Effect.Warn w) {
      return "warn \"" + w.text() + "\"";
    }
    if (f instanceof Effect.Spawn sp) {
      return sp.program() == Lifecycle.Program.RUN ? "spawn" : "spawn finish " + String.join(" ", sp.args());
    }
    if (f instanceof Effect.WithdrawSpawn) {
      return "withdraw spawn";
    }
    return "exit";
  }
}
