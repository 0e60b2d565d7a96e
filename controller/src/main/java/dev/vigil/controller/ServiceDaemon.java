package dev.vigil.controller;

import dev.vigil.common.Die;
import dev.vigil.common.Exit;
import dev.vigil.common.Phase;
import dev.vigil.common.ProcStat;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.common.Status;
import dev.vigil.svwait.Goal;
import dev.vigil.svwait.Waiter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;

/**
 * A daemon that a supervisor runs from a service directory (vigil's supervise or svscan,
 * daemontools' supervise, runit's runsv): start is {@code u} on {@code supervise/control}, then
 * svwait's wait until ready (up, where the record says nothing of readiness); stop is {@code d},
 * then the wait until down. Running means: the status record names a process that runs.
 */
final class ServiceDaemon implements Daemon {
  private static final byte[] UP = "u".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DOWN = "d".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KILL = "k".getBytes(StandardCharsets.US_ASCII);

  private final ServiceDir dir;
  private final Settings s;

  ServiceDaemon(ServiceDir dir, Settings settings) {
    this.dir = dir;
    this.s = settings;
  }

  @Override
  public void start() {
    LogWatch log = LogWatch.begin(s.logFile());
    s.beforeStart().run(); // not subject to the start timeout, as for a start command
    Deadline deadline = Deadline.in(s.startTimeout());
    try {
      command(UP, Goal.READY, deadline);
    } catch (Die e) {
      if (e.exit == Exit.TIMED_OUT) {
        abort();
        throw new StartTimeout(s.identifier(), attempt(log, "not ready in time"));
      }
      throw new StartError(s.identifier(), attempt(log, reason(e)));
    }
    if (s.ping() == null) {
      return;
    }
    // ready by the supervisor's word; a ping, if given, has the last one
    try {
      new Waits(deadline, log, null).until(s.pingInterval(), () -> s.ping().answers(deadline) || !running());
      if (!running()) {
        throw new StartError(s.identifier(), attempt(log, "exited before it answered"));
      }
    } catch (Waits.TimedOut e) {
      abort();
      throw new StartTimeout(s.identifier(), attempt(log, e.getMessage()));
    } catch (StartError e) {
      abort(); // the supervisor would restart it: the start failed, so it is wanted down
      throw e;
    } catch (Exception e) {
      abort();
      throw new StartError(s.identifier(), attempt(log, "the ping failed: " + e), e);
    }
  }

  @Override
  public void stop() {
    try {
      command(DOWN, Goal.DOWN, Deadline.in(s.stopTimeout()));
    } catch (Die e) {
      if (e.exit != Exit.TIMED_OUT) {
        throw new StopError("Daemon '" + s.identifier() + "': " + reason(e));
      }
      forceDown();
      throw new StopTimeout("Daemon '" + s.identifier() + "' did not exit in time (force killed)");
    }
  }

  /** The record names a process that runs ./run (not ./finish). */
  @Override
  public boolean running() {
    Status st = status();
    // svwait's Moment calls this "up": a pid, and not runit's (and vigil's) finish phase
    return st != null && st.pid() != 0 && st.phase() != Phase.FINISH && ProcStat.runs(st.pid());
  }

  @Override
  public OptionalLong pid() {
    Status st = status();
    return st == null || st.pid() == 0 || st.phase() == Phase.FINISH ? OptionalLong.empty() : OptionalLong.of(st.pid());
  }

  /**
   * Sends {@code letter} and waits for {@code goal}, the watch begun before the command goes (as
   * {@code svc -W} does), so no change it causes is missed.
   *
   * @throws Die as svwait fails: {@link Exit#TIMED_OUT}, {@link Exit#SUPERVISOR_GONE}, or 111
   */
  private void command(byte[] letter, Goal goal, Deadline deadline) {
    try (Waiter waiter = Waiter.watch(List.of(dir), goal, false)) {
      send(letter);
      waiter.await(deadline.remainingMillis());
    }
  }

  private void send(byte[] letter) {
    try {
      if (!dir.send(letter)) {
        throw Die.fatal(Exit.TEMPORARY, "unable to control " + dir.name() + ": supervise not running");
      }
    } catch (ServiceIOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to control " + dir.name() + ": " + e.reason);
    }
  }

  /** A start that failed or timed out: wanted down again, so the supervisor does not go on with it. */
  private void abort() {
    try {
      command(DOWN, Goal.DOWN, Deadline.in(s.startAbortTimeout()));
    } catch (Die e) {
      forceDown();
    }
  }

  /** SIGKILL to the child (want stays down), and a short wait for the supervisor to see it go. */
  private void forceDown() {
    try {
      command(KILL, Goal.DOWN, Deadline.in(s.startAbortTimeout()));
    } catch (Die e) {
      // the supervisor is gone or the child cannot be killed: the caller's exception says the rest
    }
  }

  private Status status() {
    try {
      return dir.readStatus();
    } catch (ServiceIOException e) {
      return null; // never supervised, or unreadable: nothing known to run
    }
  }

  /** svwait's words without its "fatal: ". */
  private static String reason(Die e) {
    String m = e.getMessage();
    return m.startsWith("fatal: ") ? m.substring("fatal: ".length()) : m;
  }

  private static Attempt attempt(LogWatch log, String reason) {
    return new Attempt("", log.linesSinceStart(), reason);
  }
}
