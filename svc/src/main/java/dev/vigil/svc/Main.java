package dev.vigil.svc;

import dev.vigil.common.Command;
import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.Getopt;
import dev.vigil.common.Messages;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code svc [-udoxpchaitkq12w] dir ...}: writes each distinct command letter once, in order of
 * first appearance, to every directory's {@code supervise/control} in a single write. Exits 0
 * once the options parse, whatever happened per directory (as daemontools does); 100 for a bad
 * option.
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

  private static int svc(String[] args, PrintStream err) {
    Getopt options = new Getopt(args, Command.letters());
    StringBuilder commands = new StringBuilder();
    try {
      for (int c = options.next(); c >= 0; c = options.next()) {
        if (commands.indexOf(String.valueOf((char) c)) < 0) {
          commands.append((char) c);
        }
      }
    } catch (Getopt.IllegalOption e) {
      err.print(PROGRAM + ": " + e.getMessage() + "\n" + PROGRAM + " options: " + Command.usage() + "\n");
      err.flush();
      return Exit.USAGE;
    }
    byte[] bytes = commands.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = options.operands(); i < args.length; i++) {
      control(ServiceDir.of(args[i]), bytes, err);
    }
    return Exit.OK;
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
