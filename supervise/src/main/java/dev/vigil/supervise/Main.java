package dev.vigil.supervise;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.os.Clock;
import dev.vigil.common.os.Descriptors;
import dev.vigil.common.os.Os;
import dev.vigil.libc.JnrOs;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code supervise dir}: starts {@code dir/run} and keeps it running, obeying the commands svc
 * writes to {@code dir/supervise/control}. Exits 0 after {@code svc -x} (once the child is gone)
 * or after SIGTERM, SIGINT or SIGHUP (once it has taken the child down); 100 for bad usage; 111
 * when the directory cannot be supervised.
 */
public final class Main {
  static final String PROGRAM = "supervise";

  private Main() {}

  public static void main(String[] args) {
    PrintStream err = System.err;
    int exit;
    try {
      err = StandardDescriptors.errors(err);
      exit = supervise(args, err);
    } catch (RuntimeException | Error e) {
      // an Error too: short of descriptors, the JDK's own classes fail to initialise
      boolean explained = e instanceof Die || !Descriptors.exhausted();
      exit = Die.report(PROGRAM, err, explained ? e : outOfDescriptors());
    }
    // halt, not exit: supervise registers no shutdown hooks, and the libraries' own (jnr's
    // logging) print stack traces when the JVM is short of descriptors
    err.flush();
    Runtime.getRuntime().halt(exit);
  }

  private static Die outOfDescriptors() {
    return Die.fatal(Exit.TEMPORARY, "unable to start: " + Errno.EMFILE.text);
  }

  private static int supervise(String[] args, PrintStream err) {
    if (args.length != 1) {
      throw Die.usage("supervise dir");
    }
    Supervisor supervisor = new Supervisor(loadOs(), Clock.SYSTEM, err, StandardDescriptors.forChild());
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      // the handler runs on a JVM thread of its own; the event loop does the work
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> supervisor.terminate());
    }
    supervisor.add(ServiceDir.of(args[0]));
    return supervisor.run();
  }

  /** The native door, or a fatal that says why in daemontools' words. */
  static Os loadOs() {
    if (Descriptors.exhausted()) {
      // checked first: jffi, short of descriptors, falls back to extracting its stub into a
      // temporary file, and stalls for seconds seeding SecureRandom for the file's name
      throw Die.fatal(Exit.TEMPORARY, "unable to load native code: " + Errno.EMFILE.text);
    }
    try {
      return JnrOs.load();
    } catch (IOException | LinkageError | RuntimeException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to load native code: " + whyNotLoaded(e));
    }
  }

  /**
   * jnr-ffi and jffi report running out of descriptors as whatever broke first (a
   * NullPointerException from a directory listing, an UnsatisfiedLinkError): ask the process
   * itself before believing the exception.
   */
  static String whyNotLoaded(Throwable e) {
    if (Descriptors.exhausted()) {
      return Errno.EMFILE.text;
    }
    if (e instanceof IOException && e.getCause() == null && e.getMessage() != null) {
      return e.getMessage();
    }
    return Errno.UNKNOWN + " (" + e.getClass().getSimpleName() + ")";
  }
}
