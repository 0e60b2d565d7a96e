package dev.vigil.supervise;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.os.Descriptors;
import dev.vigil.common.os.Os;
import dev.vigil.libc.JnrOs;
import java.io.IOException;
import java.io.PrintStream;

/**
 * What the programs that run a {@link Host} (supervise, svscan) do around their body: messages
 * that never go into a file the JVM opened for itself, one line and an exit code for whatever
 * goes wrong (even an Error: short of descriptors, the JDK's own classes fail to initialise), the
 * native door opened with a reason when it cannot be, and an exit that runs no shutdown hooks.
 */
public final class Program {
  /** A program's body: its exit code, or a {@link Die}. */
  public interface Body {
    int run(String[] args, PrintStream err);
  }

  private Program() {}

  /** Runs {@code body} and ends the JVM with its exit code. */
  public static void main(String program, String[] args, Body body) {
    PrintStream err = System.err;
    int exit;
    try {
      err = StandardDescriptors.errors(err);
      exit = body.run(args, err);
    } catch (RuntimeException | Error e) {
      boolean explained = e instanceof Die || !Descriptors.exhausted();
      exit = Die.report(program, err, explained ? e : Die.fatal(Exit.TEMPORARY, "unable to start: " + Errno.EMFILE.text));
    }
    // halt, not exit: these programs register no shutdown hooks, and the libraries' own (jnr's
    // logging) print stack traces when the JVM is short of descriptors
    err.flush();
    Runtime.getRuntime().halt(exit);
  }

  /** The native door, or a fatal that says why in daemontools' words. */
  public static Os loadOs() {
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
  private static String whyNotLoaded(Throwable e) {
    if (Descriptors.exhausted()) {
      return Errno.EMFILE.text;
    }
    if (e instanceof IOException && e.getCause() == null && e.getMessage() != null) {
      return e.getMessage();
    }
    return Errno.UNKNOWN + " (" + e.getClass().getSimpleName() + ")";
  }
}
