package dev.vigil.controller;

import dev.vigil.common.ProcStat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A daemon that puts itself in the background, as daemon_controller drives one: a start command
 * that returns once the daemon has forked, a pid file the daemon writes, a log file it writes to,
 * a ping that says when it answers. Running means: the pid file names a process that runs.
 */
final class PidFileDaemon implements Daemon {
  private final Settings s;

  PidFileDaemon(Settings settings) {
    this.s = settings;
  }

  /** daemon_controller's start_without_locking. */
  @Override
  public void start() {
    LogWatch log = LogWatch.begin(s.logFile());
    deletePidFile();
    s.beforeStart().run(); // not subject to the start timeout, as daemon_controller documents
    Deadline deadline = Deadline.in(s.startTimeout());
    Shell.Result spawned = Shell.run(s.startCommand(), !Shell.isOwnOutput(s.logFile()), deadline);
    if (spawned.outcome() == Shell.Outcome.FAILED) {
      throw new StartError(s.identifier(), attempt(spawned, log, spawned.reason()));
    }
    if (spawned.outcome() == Shell.Outcome.TIMED_OUT) {
      abortCommand(spawned.process());
      throw new StartTimeout(s.identifier(), attempt(spawned, log, spawned.reason()));
    }
    Waits waits = new Waits(deadline, log, s.logFileActivityTimeout());
    boolean[] answered = {false};
    try {
      waits.until(Waits.PID_FILE_INTERVAL, this::pidFileAvailable);
      waits.until(s.pingInterval(), () -> (answered[0] = s.ping().answers(deadline)) || !running());
      if (!answered[0] && !s.ping().answers(deadline)) {
        // it wrote its pid file and is gone: its log says why
        throw new StartError(s.identifier(), attempt(spawned, log, "exited before it answered"));
      }
    } catch (Waits.TimedOut e) {
      abortDaemon();
      throw new StartTimeout(s.identifier(), attempt(spawned, log, e.getMessage()));
    } catch (StartError e) {
      throw e;
    } catch (Exception e) {
      abortDaemon(); // a ping that fails for good: nothing of this start is left running
      throw new StartError(s.identifier(), attempt(spawned, log, "the ping failed: " + e), e);
    }
  }

  private static Attempt attempt(Shell.Result spawned, LogWatch log, String reason) {
    return new Attempt(spawned.output(), log.linesSinceStart(), reason);
  }

  /** daemon_controller's kill_daemon and wait, then SIGKILL at the stop timeout. */
  @Override
  public void stop() {
    Deadline deadline = Deadline.in(s.stopTimeout());
    if (s.stopCommand() != null) {
      Shell.Result r = Shell.run(s.stopCommand(), true, deadline);
      if (r.outcome() != Shell.Outcome.OK) {
        if (r.outcome() == Shell.Outcome.TIMED_OUT) {
          r.process().destroyForcibly();
        }
        throw new StopError(new Attempt(r.output(), java.util.List.of(), r.reason())
            .describe("Daemon '" + s.identifier() + "': the stop command failed"));
      }
    } else {
      pid().ifPresent(pid -> signal(pid, false));
    }
    if (!Waits.within(Duration.ofNanos(deadline.remainingNanos()), () -> !running())) {
      pid().ifPresent(pid -> signal(pid, true));
      Waits.within(s.startAbortTimeout(), () -> !running());
      throw new StopTimeout("Daemon '" + s.identifier() + "' did not exit in time (force killed)");
    }
  }

  /** The pid file names a process that runs; a pid file naming none is deleted, as daemon_controller does. */
  @Override
  public boolean running() {
    OptionalLong pid = pid();
    if (pid.isEmpty()) {
      return false;
    }
    if (ProcStat.runs(pid.getAsLong())) {
      return true;
    }
    deletePidFile();
    return false;
  }

  /** The pid file's number, if it holds one (digits, blanks around them allowed). */
  @Override
  public OptionalLong pid() {
    String text;
    try {
      text = Files.readString(s.pidFile(), StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("unable to read " + s.pidFile() + ": " + e.getMessage(), e);
    }
    if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(text));
  }

  private boolean pidFileAvailable() {
    try {
      return Files.size(s.pidFile()) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private void deletePidFile() {
    try {
      Files.deleteIfExists(s.pidFile());
    } catch (IOException e) {
      // daemon_controller ignores EPERM, EACCES, ENOENT here: the next read says what is there
    }
  }

  /**
   * The start timed out after the daemon forked: SIGTERM to the pid its pid file names, SIGKILL
   * after the start-abort timeout (daemon_controller's start-timeout stop flow).
   */
  private void abortDaemon() {
    OptionalLong pid = pid();
    if (pid.isEmpty()) {
      return;
    }
    signal(pid.getAsLong(), false);
    if (!Waits.within(s.startAbortTimeout(), () -> !running())) {
      signal(pid.getAsLong(), true);
      Waits.within(s.startAbortTimeout(), () -> !running());
    }
  }

  /**
   * The start command itself did not return in time: stop it (TERM, then KILL after the
   * start-abort timeout) and delete the pid file if it names the command, as daemon_controller
   * does; a pid file naming another process is a daemon that did fork, and is left alone.
   */
  private void abortCommand(Process command) {
    command.destroy();
    try {
      if (!command.waitFor(s.startAbortTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        command.destroyForcibly();
        command.waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    OptionalLong pid = pid();
    if (pid.isPresent() && pid.getAsLong() == command.pid()) {
      deletePidFile();
    }
  }

  /** SIGTERM, or SIGKILL if {@code kill}; nothing if it is gone (or is this JVM: a bad pid file). */
  private static void signal(long pid, boolean kill) {
    ProcessHandle.of(pid).ifPresent(h -> {
      try {
        if (kill) {
          h.destroyForcibly();
        } else {
          h.destroy();
        }
      } catch (IllegalStateException e) {
        // the pid file names this JVM: never signal ourselves
      }
    });
  }
}
