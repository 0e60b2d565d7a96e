package dev.vigil.sipid;

import dev.vigil.common.Die;
import dev.vigil.common.os.Os;
import dev.vigil.libc.JnrOs;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code sipid claim|kill|wait-until-healthy}: BOSH's pidfile tool (github.com/cloudfoundry/sipid)
 * with its commands, flags, defaults and exit codes (0 done, 1 failed or usage, 2 a flag Go's
 * parser refuses); each failure is one line. claim and kill reach flock(2) and pidfds through the
 * native door, loaded only for them. doc/sipid.md.
 */
public final class Main {
  static final String PROGRAM = "sipid";
  /** sipid's exit code for a failed command and for usage (main.go: os.Exit(1)). */
  static final int FAILED = 1;
  /** The whole synopsis, as doc/sipid.md's first line gives it (DocsTest). */
  public static final String SYNOPSIS = "sipid claim --pid PID --pid-file PID_FILE"
      + " | kill --pid-file PID_FILE [--show-stacks]"
      + " | wait-until-healthy --url HEALTHCHECK_URL [--timeout DURATION] [--polling-frequency DURATION]";

  private Main() {}

  public static void main(String[] args) {
    int exit = run(args, System.out, System.err, Main::loadOs);
    System.err.flush();
    // halt, not exit: no shutdown hooks of ours, and jnr's own print stack traces when short of descriptors
    Runtime.getRuntime().halt(exit);
  }

  /** The program, with the native door supplied by the caller (tests share one). */
  public static int run(String[] args, PrintStream out, PrintStream err, Supplier<Os> door) {
    try {
      if (args.length < 1) {
        throw Die.usage(FAILED, SYNOPSIS);
      }
      List<String> rest = Arrays.asList(args).subList(1, args.length);
      switch (args[0]) {
        case "claim":
          return Claim.run(rest, err, door);
        case "kill":
          return Kill.run(rest, err, door);
        case "wait-until-healthy":
          return Health.run(rest, err, System.getenv());
        default:
          throw Die.usage(FAILED, SYNOPSIS);
      }
    } catch (RuntimeException | Error e) {
      return Die.report(PROGRAM, err, e);
    }
  }

  private static Os loadOs() {
    try {
      return JnrOs.load();
    } catch (IOException | LinkageError | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
      throw Die.fatal(FAILED, "unable to load native code: " + why);
    }
  }
}
