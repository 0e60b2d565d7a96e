package dev.vigil.svcheck;

import dev.vigil.common.ServiceDir;
import dev.vigil.svstat.Report;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code svcheck [-w SECONDS] [-c SECONDS] dir ...}: a Nagios (monitoring-plugins) check of
 * supervised services. One line on stdout, {@code SVCHECK STATE - TEXT | PERFDATA}, and the
 * state as the exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Per directory: CRITICAL if no
 * supervisor runs on it, or it is down while wanted up, or up but not ready for more than -c
 * seconds; WARNING if up but not ready for less, paused, or up for less than -w seconds (it
 * restarted lately); UNKNOWN if it cannot be read; OK otherwise (down counts as OK when the
 * supervisor does not want it up). The worst state of all the directories wins. Everything,
 * usage errors too, goes to stdout, the only stream Nagios reads (doc/svcheck.md).
 */
public final class Main {
  static final String USAGE = "svcheck [-w SECONDS] [-c SECONDS] dir ...";
  /** Up for less is a recent restart: WARNING. */
  static final long DEFAULT_WARNING = 60;
  /** Not ready after this long is a start that hangs: CRITICAL (systemd's default start timeout). */
  static final long DEFAULT_CRITICAL = 90;

  // Nagios' plugin return codes, which are svcheck's exit codes
  static final int OK = 0;
  static final int WARNING = 1;
  static final int CRITICAL = 2;
  static final int UNKNOWN = 3;
  private static final String[] WORDS = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
  /** How bad each state is, to find the worst: CRITICAL, then WARNING, then UNKNOWN, then OK. */
  private static final int[] SEVERITY = {0, 2, 3, 1};

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Bad arguments: UNKNOWN, as the plugin guidelines want. */
  private static final class Usage extends Exception {
    private static final long serialVersionUID = 1L;

    Usage() {
      super(null, null, false, false);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Verdict v;
    try {
      v = check(args);
    } catch (Usage e) {
      v = new Verdict(UNKNOWN, "usage: " + USAGE, "");
    } catch (RuntimeException e) {
      v = new Verdict(UNKNOWN, "internal error: " + e, "");
    }
    out.print("SVCHECK " + WORDS[v.state] + " - " + plain(v.text) + (v.perfdata.isEmpty() ? "" : " | " + v.perfdata)
        + "\n");
    out.flush();
    return v.state;
  }

  /** The state, the text before {@code |}, the performance data after it. */
  private static final class Verdict {
    final int state;
    final String text;
    final String perfdata;

    Verdict(int state, String text, String perfdata) {
      this.state = state;
      this.text = text;
      this.perfdata = perfdata;
    }
  }

  private static Verdict check(String[] args) throws Usage {
    long warning = DEFAULT_WARNING;
    long critical = DEFAULT_CRITICAL;
    int i = 0;
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        i++;
        break;
      }
      if (a.length() < 2 || a.charAt(0) != '-') {
        break;
      }
      if (a.charAt(1) != 'w' && a.charAt(1) != 'c') {
        throw new Usage();
      }
      String value = a.length() > 2 ? a.substring(2) : ++i < args.length ? args[i] : "";
      if (a.charAt(1) == 'w') {
        warning = seconds(value);
      } else {
        critical = seconds(value);
      }
    }
    if (i == args.length) {
      throw new Usage();
    }
    // a directory given twice is checked once: Nagios would see its perfdata labels twice
    LinkedHashSet<String> dirs = new LinkedHashSet<>(List.of(args).subList(i, args.length));
    long now = System.currentTimeMillis() / 1000;
    int worst = OK;
    int up = 0;
    int down = 0;
    StringBuilder perfdata = new StringBuilder();
    // what is wrong with each service that is not OK, by severity: the text tells the worst first
    List<List<String>> bySeverity = new ArrayList<>();
    for (int s = 0; s < SEVERITY.length; s++) {
      bySeverity.add(new ArrayList<>());
    }
    for (String name : dirs) {
      Report r;
      try {
        r = Report.read(ServiceDir.of(name), now);
      } catch (Report.Unreportable e) {
        int state = e.notSupervised ? CRITICAL : UNKNOWN;
        bySeverity.get(SEVERITY[state]).add(name + ": " + e.getMessage());
        worst = worse(worst, state);
        continue;
      }
      StringBuilder why = new StringBuilder();
      int state = judge(r, warning, critical, why);
      worst = worse(worst, state);
      if (state != OK) {
        bySeverity.get(SEVERITY[state]).add(name + ": " + r.line() + why);
      } else if (r.isUp()) {
        up++;
      } else {
        down++;
      }
      perf(perfdata, name, "uptime", (r.isUp() ? r.updownSeconds() : 0) + "s;" + warning + ":;;0");
      String starts = r.value("starts");
      if (starts != null) {
        perf(perfdata, name, "starts", starts + "c");
      }
    }
    StringBuilder text = new StringBuilder();
    for (int s = bySeverity.size() - 1; s > 0; s--) {
      for (String problem : bySeverity.get(s)) {
        text.append(text.length() == 0 ? "" : "; ").append(problem);
      }
    }
    String fine = summary(up, down);
    if (!fine.isEmpty()) {
      text.append(text.length() == 0 ? fine : "; " + (up + down) + " ok");
    }
    return new Verdict(worst, text.toString(), perfdata.toString());
  }

  /**
   * The service's state, and on {@code why} what svcheck adds to svstat's line (which already says
   * {@code want up} and {@code paused}) to tell why it is not OK.
   */
  private static int judge(Report r, long warning, long critical, StringBuilder why) {
    if (!r.isUp()) {
      String deaths = r.value("fastdeaths");
      if (deaths != null && !deaths.equals("0")) {
        why.append(", ").append(deaths).append(" quick deaths in a row");
      }
      return r.wantsUp() ? CRITICAL : OK;
    }
    if (!r.isReady()) {
      why.append(", not ready");
      return r.updownSeconds() > critical ? CRITICAL : WARNING;
    }
    if (r.isPaused()) {
      return WARNING;
    }
    if (r.updownSeconds() < warning) {
      why.append(", less than ").append(warning);
      return WARNING;
    }
    return OK;
  }

  private static String summary(int up, int down) {
    if (up > 0) {
      return up + (up == 1 ? " service" : " services") + " up" + (down > 0 ? ", " + down + " down as wanted" : "");
    }
    return down > 0 ? down + (down == 1 ? " service" : " services") + " down as wanted" : "";
  }

  private static int worse(int a, int b) {
    return SEVERITY[a] >= SEVERITY[b] ? a : b;
  }

  /** A threshold: whole seconds, 0 or more. */
  private static long seconds(String value) throws Usage {
    if (value.isEmpty() || value.length() > 9) {
      throw new Usage();
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        throw new Usage();
      }
    }
    return Long.parseLong(value);
  }

  /**
   * One performance datum, {@code 'DIR_what'=VALUE...}: the label always in single quotes, a
   * quote in it doubled (the guidelines' escape), so that a directory with spaces or {@code =}
   * keeps one label.
   */
  private static void perf(StringBuilder b, String dir, String what, String value) {
    b.append(b.length() == 0 ? "" : " ").append('\'').append(plain(dir).replace("'", "''"))
        .append('_').append(what).append("'=").append(value);
  }

  /** Text for the one line: no control characters, and no {@code |}, which starts the perfdata. */
  private static String plain(String text) {
    return Report.printable(text).replace('|', '?');
  }
}
