package dev.vigil.svstat;

import dev.vigil.common.Errno;
import dev.vigil.common.Extension;
import dev.vigil.common.ProcStat;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.common.Stage;
import dev.vigil.common.Status;
import dev.vigil.common.Tai64n;
import dev.vigil.common.Want;
import dev.vigil.common.os.Signal;
import java.io.IOException;
import java.util.Optional;

/**
 * The one status of one service in svstat's other forms: a line of words ({@code -l}), chosen
 * fields ({@code -o}, s6-svstat's names where s6 has them) and JSON ({@code -j}); svstat
 * {@code --prometheus} and svcheck read it too. What the supervisor's record does not hold
 * (daemontools' and runit's have no exit status, no stage) is left out of JSON and printed
 * {@code -} as a field, never made up. The one inference: a record without readiness (all but
 * vigil's layout 3) counts a service as ready while it is up, as s6-svstat does for a service
 * without readiness notification.
 */
public final class Report {
  /** The fields -o takes, in the order -o lists them in its usage (s6-svstat's order for s6's). */
  static final String[] FIELDS = {
    "up", "wantedup", "normallyup", "ready", "paused", "pid", "pgid", "exitcode", "signal", "signum",
    "updownsince", "readysince", "updownfor", "readyfor", "stage", "starts", "fastdeaths", "nextstart",
    "stopsignals", "left", "supervisor", "statustext",
  };

  private final Status s;
  private final boolean normallyUp;
  private final long nowUnix;
  private final Extension x;
  private final Extension.Progress p;
  /** Layout 3's readiness; null in an older record (then ready means up). */
  private final Extension.Readiness r;

  Report(Status s, boolean normallyUp, long nowUnix) {
    this.s = s;
    this.normallyUp = normallyUp;
    this.nowUnix = nowUnix;
    this.x = s.extension().orElse(null);
    this.p = x == null ? null : x.progress().orElse(null);
    this.r = x == null ? null : x.readiness().orElse(null);
  }

  /**
   * Why a directory cannot be reported on, in daemontools svstat's words (what svstat prints
   * after {@code DIR: }), and whether that is because no supervisor runs on it.
   */
  public static final class Unreportable extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * No supervisor runs on the directory, or it has none ({@code supervise/ok} missing): svok
     * would exit 100. Otherwise the directory or its record could not be read.
     */
    public final boolean notSupervised;

    Unreportable(String problem, boolean notSupervised) {
      super(problem, null, false, false);
      this.notSupervised = notSupervised;
    }
  }

  /** The report on {@code dir} at {@code nowUnix} (wall-clock seconds), or why there is none. */
  public static Report read(ServiceDir dir, long nowUnix) throws Unreportable {
    try {
      dir.enter();
    } catch (IOException e) {
      throw new Unreportable("unable to chdir: " + Errno.text(e), false);
    }
    boolean normallyUp;
    try {
      normallyUp = dir.isNormallyUp();
    } catch (IOException e) {
      throw new Unreportable("unable to stat down: " + Errno.text(e), false);
    }
    try {
      if (!dir.isSupervised()) {
        throw new Unreportable("supervise not running", true);
      }
    } catch (ServiceIOException e) {
      throw new Unreportable("unable to open " + dir.layout().liveness() + ": " + e.reason, e.errno == Errno.ENOENT);
    }
    try {
      return new Report(dir.readStatus(), normallyUp, nowUnix);
    } catch (ServiceIOException e) {
      String verb = e.step == ServiceIOException.Step.OPEN ? "open" : "read";
      throw new Unreportable("unable to " + verb + " " + dir.layout().status + ": " + e.reason, false);
    }
  }

  /** svstat's {@code up}: there is a child. */
  public boolean isUp() {
    return s.isUp();
  }

  /** svstat's {@code wantedup}. */
  public boolean wantsUp() {
    return s.want() == Want.UP;
  }

  /** svstat's {@code paused}. */
  public boolean isPaused() {
    return s.isUp() && s.paused();
  }

  /** svstat's {@code ready}: ready by the record's readiness, or up where it has none. */
  public boolean isReady() {
    return readySince().isPresent();
  }

  /** When the service became ready; empty while it is not. */
  private Optional<Tai64n> readySince() {
    if (!s.isUp()) {
      return Optional.empty();
    }
    return r == null ? Optional.of(s.stamp()) : r.since();
  }

  /** svstat's {@code updownfor}: whole seconds since the pid last changed. */
  public long updownSeconds() {
    return secondsSince(s.stamp());
  }

  /** svstat's {@code updownsince} as unix time, in seconds with the record's microseconds. */
  public String updownUnixTime() {
    long micros = s.stamp().nanos() / 1000;
    StringBuilder b = new StringBuilder().append(s.stamp().unixSeconds()).append('.');
    pad(b, Long.toString(micros), 6);
    return b.toString();
  }

  static boolean isField(String name) {
    for (String f : FIELDS) {
      if (f.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A field's value as {@code -o} prints it, s6-svstat's way where s6 has the field ({@code
   * true}/{@code false}, -1 for no pid or no exit code, {@code NA} for no signal), or null when
   * this supervisor's record cannot tell or, for {@code readysince} and {@code readyfor}, while
   * the service is not ready. {@code statustext} is the service's words, verbatim (see {@link
   * #printable}), and empty when it sent none.
   */
  public String value(String field) {
    switch (field) {
      case "up":
        return Boolean.toString(s.isUp());
      case "wantedup":
        return Boolean.toString(s.want() == Want.UP);
      case "normallyup":
        return Boolean.toString(normallyUp);
      case "ready":
        return Boolean.toString(isReady());
      case "paused":
        return Boolean.toString(s.isUp() && s.paused());
      case "pid":
        return s.isUp() ? Long.toString(s.pid()) : "-1";
      case "pgid":
        return pgid();
      case "exitcode":
        return x == null || exitUnknown() ? null : exitCode();
      case "signal":
        return x == null || exitUnknown() ? null : signalName();
      case "signum":
        return x == null || exitUnknown() ? null : signalNumber();
      case "updownsince":
        return label(s.stamp());
      case "readysince":
        return readySince().isPresent() ? label(readySince().get()) : null;
      case "updownfor":
        return Long.toString(secondsSince(s.stamp()));
      case "readyfor":
        return readySince().isPresent() ? Long.toString(secondsSince(readySince().get())) : null;
      case "stage":
        return p == null ? null : p.stage().word();
      case "starts":
        return x == null ? null : Long.toString(x.starts());
      case "fastdeaths":
        return p == null ? null : Integer.toString(p.fastDeaths());
      case "nextstart":
        return p == null ? null : p.nextStart().isPresent() ? Long.toString(secondsUntil(p.nextStart().get())) : "-1";
      case "stopsignals":
        return p == null ? null : Integer.toString(p.stopSignals());
      case "left":
        return x == null || x.lastPid().isEmpty() ? null : Integer.toString(left());
      case "supervisor":
        return x == null ? null : Long.toString(x.supervisorPid());
      case "statustext":
        return r == null ? null : r.text();
      default:
        throw new IllegalArgumentException(field);
    }
  }

  /** The child leads its group under vigil; under another supervisor, as /proc says. */
  private String pgid() {
    if (!s.isUp()) {
      return "-1";
    }
    if (x != null) {
      return Long.toString(s.pid());
    }
    java.util.OptionalLong group = ProcStat.field(s.pid(), ProcStat.PROCESS_GROUP);
    return group.isPresent() ? Long.toString(group.getAsLong()) : null;
  }

  /**
   * How many processes remain in the process group of the service's process that last exited
   * (it led the group): what it left behind, counted now through /proc. None if no process
   * exited, or if its pid is a process again (then the group, once empty, may be another's).
   */
  private int left() {
    long last = x.lastPid().orElse(0);
    if (last == 0 || ProcStat.field(last, ProcStat.PROCESS_GROUP).isPresent()) {
      return 0;
    }
    int n = 0;
    for (long pid : ProcStat.groupMembers(last)) {
      n += pid == s.pid() ? 0 : 1;
    }
    return n;
  }

  /** The last child was adopted: it exited, and how cannot be known (doc/supervise.md). */
  private boolean exitUnknown() {
    return x.lastExit().isPresent() && x.lastExit().getAsInt() == Extension.EXIT_UNKNOWN;
  }

  private String exitCode() {
    if (x.lastExit().isEmpty()) {
      return "-1";
    }
    int w = x.lastExit().getAsInt();
    return (w & 0x7f) == 0 ? Integer.toString(w >> 8 & 0xff) : "-1";
  }

  private String signalNumber() {
    if (x.lastExit().isEmpty() || (x.lastExit().getAsInt() & 0x7f) == 0) {
      return "-1";
    }
    return Integer.toString(x.lastExit().getAsInt() & 0x7f);
  }

  private String signalName() {
    String n = signalNumber();
    if (n.equals("-1")) {
      return "NA";
    }
    Signal sig = Signal.named(n);
    return sig == null ? "SIG" + n : "SIG" + sig.name();
  }

  /** The TAI64N external form, as s6 prints updownsince: {@code @} and 24 hex digits. */
  private static String label(Tai64n t) {
    StringBuilder b = new StringBuilder("@");
    pad(b, Long.toHexString(t.label()), 16);
    pad(b, Integer.toHexString(t.nanos()), 8);
    return b.toString();
  }

  private static void pad(StringBuilder b, String hex, int width) {
    for (int i = hex.length(); i < width; i++) {
      b.append('0');
    }
    b.append(hex);
  }

  private long secondsSince(Tai64n t) {
    long ago = nowUnix - t.unixSeconds();
    return ago < 0 ? 0 : ago;
  }

  private long secondsUntil(Tai64n t) {
    long ahead = t.unixSeconds() - nowUnix;
    return ahead < 0 ? 0 : ahead;
  }

  /** daemontools' line. */
  public String line() {
    return StatusLine.format(s, nowUnix, normallyUp);
  }

  /** svstat -l's second line: what the record holds beyond daemontools' line, in words. */
  String words() {
    StringBuilder b = new StringBuilder();
    if (p != null) {
      b.append(p.stage().word()).append(" for ").append(secondsSince(p.since())).append(" seconds");
      if (p.stage() == Stage.STOPPING) {
        b.append(", ").append(p.stopSignals()).append(p.stopSignals() == 1 ? " stop signal sent" : " stop signals sent");
      }
    } else {
      b.append(s.isUp() ? "up" : "down").append(" for ").append(secondsSince(s.stamp())).append(" seconds");
    }
    if (r != null) {
      // only a record with readiness says so: elsewhere ready is up, which the line above tells
      if (isReady()) {
        b.append(", ready for ").append(secondsSince(readySince().get())).append(" seconds");
      } else if (p.stage() == Stage.UP || p.stage() == Stage.STARTING) {
        b.append(", not ready");
      }
      if (r.stopping()) {
        b.append(", announced stopping");
      }
    }
    if (x != null) {
      b.append(", ").append(x.starts()).append(x.starts() == 1 ? " start" : " starts");
      if (exitUnknown()) {
        b.append(", last exit: unknown (adopted)");
      } else if (x.lastExit().isPresent()) {
        String code = exitCode();
        b.append(", last exit: ").append(code.equals("-1") ? "killed by " + signalName() : "code " + code);
      }
    }
    if (p != null) {
      if (p.fastDeaths() > 0) {
        b.append(", ").append(p.fastDeaths()).append(" quick deaths in a row");
      }
      if (p.nextStart().isPresent()) {
        b.append(", next start in ").append(secondsUntil(p.nextStart().get())).append(" seconds");
      }
    }
    if (x != null) {
      int left = left();
      if (left > 0) {
        b.append(", ").append(left).append(left == 1 ? " process" : " processes").append(" left by pid ")
            .append(x.lastPid().getAsLong());
      }
      b.append(", supervisor pid ").append(x.supervisorPid());
    }
    if (r != null && !r.text().isEmpty()) {
      b.append(", status: ").append(printable(r.text())); // last: the service's words may hold commas
    }
    return b.toString();
  }

  /**
   * {@code text} fit for one line of output: each control character (a newline would split the
   * line) shown as {@code ?}, as ls shows them on a terminal. JSON escapes them instead.
   */
  public static String printable(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(text.length()).append(text, 0, i);
        }
        b.append('?');
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? text : b.toString();
  }

  /** svstat -j: one JSON object with every field this record holds. */
  String json(String dir) {
    StringBuilder b = new StringBuilder("{\"dir\":");
    quote(b, dir);
    for (String f : FIELDS) {
      String v = value(f);
      if (v == null) {
        continue;
      }
      b.append(",\"").append(f).append("\":");
      if (f.equals("updownsince") || f.equals("readysince") || f.equals("stage") || f.equals("signal")
          || f.equals("statustext")) {
        quote(b, v);
      } else {
        b.append(v);
      }
    }
    return b.append('}').toString();
  }

  /** An error as -j prints it. */
  static String jsonError(String dir, String error) {
    StringBuilder b = new StringBuilder("{\"dir\":");
    quote(b, dir);
    b.append(",\"error\":");
    quote(b, error);
    return b.append('}').toString();
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        String hex = Integer.toHexString(c);
        b.append("\\u00").append(hex.length() == 1 ? "0" : "").append(hex);
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }
}
