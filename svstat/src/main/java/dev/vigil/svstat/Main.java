package dev.vigil.svstat;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.common.Status;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code svstat dir ...}: one line per directory on stdout, {@code DIR: } followed by the status
 * or by what went wrong, worded as daemontools svstat words it. Every argument is a directory;
 * the exit code is always 0.
 */
public final class Main {
  static final String PROGRAM = "svstat";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return svstat(args, out);
    } catch (RuntimeException e) {
      return Die.report(PROGRAM, err, e);
    }
  }

  private static int svstat(String[] args, PrintStream out) {
    StringBuilder lines = new StringBuilder();
    long now = System.currentTimeMillis() / 1000;
    for (String name : args) {
      lines.append(name).append(": ").append(describe(ServiceDir.of(name), now)).append('\n');
    }
    out.print(lines);
    out.flush();
    return Exit.OK;
  }

  private static String describe(ServiceDir dir, long now) {
    try {
      dir.enter();
    } catch (IOException e) {
      return "unable to chdir: " + Errno.text(e);
    }
    boolean normallyUp;
    try {
      normallyUp = dir.isNormallyUp();
    } catch (IOException e) {
      return "unable to stat down: " + Errno.text(e);
    }
    try {
      if (!dir.isSupervised()) {
        return "supervise not running";
      }
    } catch (ServiceIOException e) {
      return "unable to open supervise/ok: " + e.reason;
    }
    Status status;
    try {
      status = dir.readStatus();
    } catch (ServiceIOException e) {
      String verb = e.step == ServiceIOException.Step.OPEN ? "open" : "read";
      return "unable to " + verb + " supervise/status: " + e.reason;
    }
    return StatusLine.format(status, now, normallyUp);
  }
}
