package dev.vigil.svwait;

import dev.vigil.common.Die;
import dev.vigil.common.Exit;
import dev.vigil.common.Getopt;
import dev.vigil.common.ServiceDir;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code svwait [-U|-u|-D|-d|-R|-r] [-a|-o] [-t timeout] dir ...}: s6-svwait for every
 * supervisor. Waits until every service (-a, the default) or one of them (-o) is up (-u, the
 * default), up and ready (-U), down (-d), down with ./finish done (-D), or restarted (-r, -R);
 * exits 0 then, 99 when the timeout (milliseconds, 0 for none) is up, 102 when a supervisor that
 * mattered is gone, 100 on a usage error, 111 on a system error.
 */
public final class Main {
  static final String PROGRAM = "svwait";
  static final String SYNOPSIS = "svwait [-U|-u|-D|-d|-R|-r] [-a|-o] [-t timeout] dir ...";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return svwait(args);
    } catch (RuntimeException e) {
      return Die.report(PROGRAM, err, e);
    }
  }

  private static int svwait(String[] args) {
    Getopt options = new Getopt(args, Goal.letters() + "aot:");
    Goal goal = Goal.UP;
    boolean any = false;
    long timeout = 0;
    try {
      for (int c = options.next(); c >= 0; c = options.next()) {
        if (c == 'a' || c == 'o') {
          any = c == 'o';
        } else if (c == 't') {
          timeout = millis(options.value());
          if (timeout < 0) {
            throw Die.usage(SYNOPSIS);
          }
        } else {
          goal = Goal.of(c); // the last one given wins, as in s6-svwait
        }
      }
    } catch (Getopt.IllegalOption e) {
      throw Die.usage(SYNOPSIS);
    }
    List<ServiceDir> dirs = new ArrayList<>();
    for (int i = options.operands(); i < args.length; i++) {
      dirs.add(ServiceDir.of(args[i]));
    }
    if (dirs.isEmpty()) {
      return Exit.OK; // nothing to wait for: s6-svwait since 2.12 (2.11 calls it a usage error)
    }
    try (Waiter waiter = Waiter.watch(dirs, goal, any)) {
      waiter.await(timeout);
    }
    return Exit.OK;
  }

  /**
   * A timeout as svwait and svc take it: milliseconds in decimal digits, 0 for none; -1 if
   * {@code value} is not that.
   */
  public static long millis(String value) {
    if (value.isEmpty() || value.length() > 18) {
      return -1; // 18 digits always fit a long
    }
    long ms = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      ms = ms * 10 + (c - '0');
    }
    return ms;
  }
}
