package dev.vigil.svok;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code svok dir}: exits 0 if a supervisor runs on the directory, 100 if none does (or it has
 * no {@code supervise/ok}), 111 if that cannot be told. Further arguments are ignored.
 */
public final class Main {
  static final String PROGRAM = "svok";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return check(args);
    } catch (RuntimeException e) {
      return Die.report(PROGRAM, err, e);
    }
  }

  private static int check(String[] args) {
    if (args.length < 1) {
      throw Die.usage("svok dir");
    }
    ServiceDir dir = ServiceDir.of(args[0]);
    try {
      dir.enter();
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to chdir to " + dir.name(), e);
    }
    try {
      return dir.isSupervised() ? Exit.OK : Exit.USAGE;
    } catch (ServiceIOException e) {
      if (e.errno == Errno.ENOENT) {
        return Exit.USAGE;
      }
      throw Die.fatal(Exit.TEMPORARY, "unable to open " + dir.show(dir.layout().liveness()) + ": " + e.reason);
    }
  }
}
