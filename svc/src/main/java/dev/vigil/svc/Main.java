package dev.vigil.svc;

import dev.vigil.common.Command;
import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.Getopt;
import dev.vigil.common.Messages;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.svwait.Goal;
import dev.vigil.svwait.Waiter;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code svc [-udoxpchaitkq12w] [-W u|U|d|D|r|R] [-T ms] dir ...}: writes each distinct command
 * letter once, in order of first appearance, to every directory's {@code supervise/control} in a
 * single write. Exits 0 once the options parse, whatever happened per directory (as daemontools
 * does); 100 for a bad option. With {@code -W}, it then waits as svwait does, for every
 * directory, and exits as svwait.
 */
public final class Main {
  static final String PROGRAM = "svc";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return svc(args, err);
    } catch (RuntimeException e) {
      return Die.report(PROGRAM, err, e);
    }
  }

  /** The list svc prints after a usage error: every command, then the wait's options. */
  public static String usage() {
    return Command.usage() + "; W STATE wait until STATE (" + Goal.usage() + "), T MS wait at most MS milliseconds";
  }

  private static int svc(String[] args, PrintStream err) {
    Getopt options = new Getopt(args, Command.letters() + "W:T:");
    StringBuilder commands = new StringBuilder();
    Goal wait = null;
    long timeout = 0;
    try {
      for (int c = options.next(); c >= 0; c = options.next()) {
        if (c == 'W') {
          String state = options.value();
          wait = state.length() == 1 ? Goal.of(state.charAt(0)) : null;
          if (wait == null) {
            return usageError("illegal -W state: " + state, err);
          }
        } else if (c == 'T') {
          timeout = dev.vigil.svwait.Main.millis(options.value());
          if (timeout < 0) {
            return usageError("illegal -T timeout: " + options.value(), err);
          }
        } else if (commands.indexOf(String.valueOf((char) c)) < 0) {
          commands.append((char) c);
        }
      }
    } catch (Getopt.IllegalOption e) {
      return usageError(e.getMessage(), err);
    }
    byte[] bytes = commands.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<ServiceDir> dirs = new ArrayList<>();
    for (int i = options.operands(); i < args.length; i++) {
      dirs.add(ServiceDir.of(args[i]));
    }
    if (wait == null) {
      for (ServiceDir dir : dirs) {
        control(dir, bytes, err);
      }
      return Exit.OK;
    }
    // the watch begins before the commands go, so none of their effects is missed and a
    // restart is told from the state before them
    Waiter waiter = Waiter.watch(dirs, wait, false);
    try {
      for (ServiceDir dir : dirs) {
        control(dir, bytes, err);
      }
      waiter.await(timeout);
    } finally {
      waiter.close();
    }
    return Exit.OK;
  }

  private static int usageError(String what, PrintStream err) {
    err.print(PROGRAM + ": " + what + "\n" + PROGRAM + " options: " + usage() + "\n");
    err.flush();
    return Exit.USAGE;
  }

  private static void control(ServiceDir dir, byte[] commands, PrintStream err) {
    try {
      dir.enter();
    } catch (IOException e) {
      Messages.warning(err, PROGRAM, "unable to chdir to " + dir.name() + ": " + Errno.text(e));
      return;
    }
    try {
      if (!dir.send(commands)) {
        Messages.warning(err, PROGRAM, "unable to control " + dir.name() + ": supervise not running");
      }
    } catch (ServiceIOException e) {
      String what = e.step == ServiceIOException.Step.WRITE
          ? "error writing commands to "
          : "unable to control ";
      Messages.warning(err, PROGRAM, what + dir.name() + ": " + e.reason);
    }
  }
}
