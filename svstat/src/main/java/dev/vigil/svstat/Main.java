package dev.vigil.svstat;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.ServiceDir;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code svstat [-l] [-j] [-o FIELD,...] [--prometheus[=FILE]] dir ...}: one line per directory
 * on stdout, {@code DIR: } followed by the status or by what went wrong, worded as daemontools
 * svstat words it; with {@code -l} a second line with the rest of vigil's record, in words; with
 * {@code -o} the chosen fields; with {@code -j} one JSON object; with {@code --prometheus} every
 * directory in Prometheus' text format, on stdout or replacing FILE. Only those exact leading
 * arguments are options: anything else is a directory, as every argument is to daemontools'
 * svstat. The exit code is 0, 100 for a usage error, 111 when --prometheus cannot write.
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

  static final String USAGE = "svstat [-l | -j | -o FIELD,... | --prometheus[=FILE]] dir ...";
  private static final String PROMETHEUS = "--prometheus";

  /** How each directory is printed. */
  private enum Form { LINE, LONG, FIELDS, JSON, PROMETHEUS }

  private static int svstat(String[] args, PrintStream out) {
    Form form = Form.LINE;
    String[] fields = null;
    String file = null;
    int i = 0;
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-l")) {
        form = Form.LONG;
      } else if (a.equals("-j")) {
        form = Form.JSON;
      } else if (a.equals("-o") && i + 1 < args.length) {
        form = Form.FIELDS;
        fields = fields(args[++i]);
      } else if (a.equals(PROMETHEUS) || a.startsWith(PROMETHEUS + "=")) {
        form = Form.PROMETHEUS;
        file = a.length() == PROMETHEUS.length() ? null : a.substring(PROMETHEUS.length() + 1);
        if (file != null && file.isEmpty()) {
          throw Die.usage(USAGE);
        }
      } else {
        break;
      }
    }
    if (form == Form.PROMETHEUS) {
      return prometheus(args, i, file, out);
    }
    StringBuilder lines = new StringBuilder();
    long now = System.currentTimeMillis() / 1000;
    for (; i < args.length; i++) {
      String name = args[i];
      Report r = null;
      String problem = null;
      try {
        r = Report.read(ServiceDir.of(name), now);
      } catch (Report.Unreportable e) {
        problem = e.getMessage();
      }
      if (form == Form.JSON) {
        lines.append(r == null ? Report.jsonError(name, problem) : r.json(name));
      } else if (form == Form.FIELDS && r != null) {
        for (int f = 0; f < fields.length; f++) {
          String v = r.value(fields[f]);
          lines.append(f == 0 ? "" : " ").append(v == null || v.isEmpty() ? "-" : Report.printable(v));
        }
      } else {
        lines.append(name).append(": ").append(r == null ? problem : r.line());
        if (form == Form.LONG && r != null) {
          lines.append('\n').append("  ").append(r.words());
        }
      }
      lines.append('\n');
    }
    out.print(lines);
    out.flush();
    return Exit.OK;
  }

  /**
   * Every directory from {@code args[first]} on, as Prometheus' text, in UTF-8 as the format
   * requires whatever the locale: replacing {@code file}, or on {@code out}, where a failed write
   * is fatal too (a cron job that redirects it to a file must not publish half of it).
   */
  private static int prometheus(String[] args, int first, String file, PrintStream out) {
    List<Prometheus.Service> services = new ArrayList<>();
    long now = System.currentTimeMillis() / 1000;
    // a directory given twice is reported once: its series twice would void the whole file
    for (String name : new LinkedHashSet<>(List.of(args).subList(first, args.length))) {
      try {
        services.add(new Prometheus.Service(name, Report.read(ServiceDir.of(name), now), null));
      } catch (Report.Unreportable e) {
        services.add(new Prometheus.Service(name, null, e));
      }
    }
    byte[] text = Prometheus.exposition(services).getBytes(StandardCharsets.UTF_8);
    if (file != null) {
      Textfile.replace(Path.of(file), text);
      return Exit.OK;
    }
    out.write(text, 0, text.length);
    out.flush();
    if (out.checkError()) {
      // PrintStream keeps no errno
      throw Die.fatal(Exit.TEMPORARY, "unable to write to stdout: " + Errno.UNKNOWN);
    }
    return Exit.OK;
  }

  /** -o's list, each field checked: an unknown one is a usage error. */
  private static String[] fields(String list) {
    String[] names = list.split(",", -1);
    for (String n : names) {
      if (!Report.isField(n)) {
        throw Die.fatal(Exit.USAGE, "unknown field: " + n + " (fields: " + String.join(",", Report.FIELDS) + ")");
      }
    }
    return names;
  }
}
