package dev.vigil.sipid;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.Messages;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code sipid kill --pid-file PID_FILE [--show-stacks]}: sipid's schedule, TERM, 20 seconds,
 * (QUIT, 100 ms,) KILL, then the pidfile removed; done on a pidfd opened before the first signal,
 * so that no signal reaches a process that took the pid over, and every wait ends at the exit
 * itself instead of at sipid's next 10 ms kill(pid, 0) poll.
 */
final class Kill {
  static final String SYNOPSIS = "sipid kill --pid-file PID_FILE [--show-stacks]";
  /** sipid's grace period after TERM (main.go: context.WithTimeout(..., 20*time.Second)). */
  static final long GRACE_MILLIS = 20_000;
  /** sipid's pause between QUIT and KILL, for the stacks to be written. */
  static final long STACKS_MILLIS = 100;
  /** How long a KILLed process may take to be gone before kill says it is not (sipid does not wait). */
  static final long KILLED_MILLIS = 5_000;

  private Kill() {}

  static int run(List<String> args, PrintStream err, Supplier<Os> door) {
    Flags flags = new Flags(SYNOPSIS)
        .define("pid-file", Flags.Kind.STRING, "")
        .define("show-stacks", Flags.Kind.BOOL, false)
        .parse(args);
    String file = flags.string("pid-file");
    if (file.isEmpty()) {
      throw Die.usage(Main.FAILED, SYNOPSIS);
    }
    PidFile pidFile = new PidFile(Path.of(file));
    long pid;
    try {
      pid = pidFile.pid();
    } catch (IOException e) {
      throw Die.fatal(Main.FAILED, "kill failed: unable to read " + file, e);
    } catch (GoSyntax.Invalid e) {
      throw invalid(file);
    }
    if (pid < 1) {
      // sipid would signal a process group: kill(0) is its own, kill(-N) group N
      throw invalid(file);
    }
    Os os = door.get();
    Exits exits = new Exits(os);
    PidFile.Occupant occupant;
    try {
      occupant = pidFile.occupant(os, exits, pid);
    } catch (IOException e) {
      throw Die.fatal(Main.FAILED, "kill failed: unable to check pid " + pid, e);
    }
    switch (occupant.verdict()) {
      case NONE:
        return 0; // sipid: nothing to do; the pidfile stays, as sipid leaves it
      case STRANGER:
        Messages.warning(err, Main.PROGRAM, "pid " + pid + " in " + file
            + " is another process now (started after the pidfile was written): not signalled");
        remove(pidFile.path);
        return 0;
      default:
        break;
    }
    int pidfd = occupant.pidfd();
    try {
      stop(os, exits, pidfd, pid, flags.bool("show-stacks"));
    } finally {
      remove(pidFile.path); // sipid removes it once it has signalled, whatever happens next
      exits.forget(pidfd);
      os.close(pidfd);
    }
    return 0;
  }

  private static void stop(Os os, Exits exits, int pidfd, long pid, boolean showStacks) {
    try {
      if (!send(os, pidfd, pid, Signal.TERM) || exits.exitedWithin(pidfd, GRACE_MILLIS)) {
        return;
      }
      if (showStacks) {
        if (!send(os, pidfd, pid, Signal.QUIT) || exits.exitedWithin(pidfd, STACKS_MILLIS)) {
          return;
        }
      }
      if (!send(os, pidfd, pid, Signal.KILL) || exits.exitedWithin(pidfd, KILLED_MILLIS)) {
        return;
      }
    } catch (IOException e) {
      throw Die.fatal(Main.FAILED, "kill failed: unable to wait for pid " + pid, e);
    }
    throw Die.fatal(Main.FAILED, "kill failed: pid " + pid + " still running " + KILLED_MILLIS / 1000 + " s after SIGKILL");
  }

  /** Sends {@code signal} through the pidfd; false if the process has already exited. */
  private static boolean send(Os os, int pidfd, long pid, Signal signal) {
    try {
      os.signalPidfd(pidfd, signal);
      return true;
    } catch (ErrnoException e) {
      if (e.errno == Errno.ESRCH.number) {
        return false;
      }
      throw Die.fatal(Main.FAILED, "kill failed: unable to send SIG" + signal.name() + " to pid " + pid, e);
    } catch (IOException e) {
      throw Die.fatal(Main.FAILED, "kill failed: unable to send SIG" + signal.name() + " to pid " + pid, e);
    }
  }

  private static void remove(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // sipid ignores a failed removal too (defer os.Remove)
    }
  }

  private static Die invalid(String file) {
    return Die.fatal(Main.FAILED, "kill failed: pidfile (" + file + ") does not contain a valid pid");
  }
}
