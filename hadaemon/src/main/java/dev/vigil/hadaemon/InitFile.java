package dev.vigil.hadaemon;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * get_init_file: an LSB init script for /etc/init.d/ that runs {@code hadaemon CONFIG ACTION},
 * HADaemon::Control's template with its placeholders filled in the same way. Values are quoted
 * for sh, so that a path with a space still gives a script {@code sh -n} accepts.
 */
final class InitFile {
  private InitFile() {}

  static String of(Config c, String launcher, String version) {
    String header = "Generated at " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT))
        + " with hadaemon " + version;
    String script = c.path != null ? c.path : launcher;
    String command = quote(script) + (c.path != null ? "" : " " + quote(c.file.toAbsolutePath().toString()));
    StringBuilder b = new StringBuilder();
    b.append("#!/bin/sh\n\n# ").append(oneLine(header)).append("\n\n");
    b.append("### BEGIN INIT INFO\n");
    b.append("# Provides:          ").append(oneLine(c.name.replace(' ', '_'))).append('\n');
    b.append("# Required-Start:    ").append(oneLine(c.lsbStart)).append('\n');
    b.append("# Required-Stop:     ").append(oneLine(c.lsbStop)).append('\n');
    b.append("# Default-Start:     2 3 4 5\n");
    b.append("# Default-Stop:      0 1 6\n");
    b.append("# Short-Description: ").append(oneLine(c.lsbSdesc)).append('\n');
    b.append("# Description:       ").append(oneLine(c.lsbDesc)).append('\n');
    b.append("### END INIT INFO\n\n");
    if (c.initConfig != null) {
      b.append("[ -r ").append(quote(c.initConfig)).append(" ] && . ").append(quote(c.initConfig)).append("\n\n");
    }
    if (!c.initCode.isEmpty()) {
      b.append(c.initCode).append("\n\n");
    }
    b.append("if [ -x ").append(quote(script)).append(" ];\nthen\n");
    b.append("    ").append(command).append(" \"$1\"\n");
    b.append("else\n");
    b.append("    echo ").append(quote("Required program " + script + " not found!")).append("\n");
    b.append("    exit 1;\nfi\n");
    return b.toString();
  }

  /** A header field is one line: a newline in it would end the comment. */
  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  /** {@code 'text'} for sh, with each ' written as '\''. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
