package dev.vigil.common;

import dev.vigil.common.os.ProcessIds;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Numeric fields of {@code /proc/PID/stat}, numbered as proc(5) numbers them. */
public final class ProcStat {
  /** The parent's pid. */
  public static final int PARENT = 4;
  /** The process group's id. */
  public static final int PROCESS_GROUP = 5;
  /** The session's id. */
  public static final int SESSION = 6;
  /** When the process started, in clock ticks since boot. */
  public static final int START_TIME = 22;

  private ProcStat() {}

  /**
   * Whether a process with this pid runs: it has a {@code /proc} entry and is not a zombie (state
   * {@code Z}, or {@code X} while it is torn down). A zombie has exited; only its reaping is owed,
   * and a reaper that is slow about it (pid 1 of a container) must not make it look alive.
   */
  public static boolean runs(long pid) {
    String stat = pid > 0 ? line(pid) : null;
    return stat != null && running(stat);
  }

  /** Whether the stat line's state (field 3) is not a zombie's. */
  private static boolean running(String stat) {
    int at = stat.lastIndexOf(')') + 2; // field 3, the state, follows the parenthesised name
    char state = at > 1 && at < stat.length() ? stat.charAt(at) : '?';
    return state != 'Z' && state != 'X';
  }

  /** Field {@code field} (3 or later) of the process's stat line; empty if it is gone. */
  public static OptionalLong field(long pid, int field) {
    long[] f = fields(pid, field);
    return f == null ? OptionalLong.empty() : OptionalLong.of(f[field]);
  }

  /** The processes of process group {@code pgid} now, found by a look through every /proc/PID/stat. */
  public static List<Long> groupMembers(long pgid) {
    List<Long> members = new ArrayList<>();
    String[] names = new java.io.File("/proc").list();
    for (String name : names == null ? new String[0] : names) {
      if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
        long pid = Long.parseLong(name);
        if (field(pid, PROCESS_GROUP).orElse(0) == pgid) {
          members.add(pid);
        }
      }
    }
    return members;
  }

  /** Its parent, group, session and start time, read at once; empty if it is gone. */
  public static Optional<ProcessIds> ids(long pid) {
    String stat = line(pid);
    long[] f = stat == null ? null : fields(stat, START_TIME);
    return f == null ? Optional.empty()
        : Optional.of(new ProcessIds(pid, f[PARENT], f[PROCESS_GROUP], f[SESSION], f[START_TIME], !running(stat)));
  }

  /** The numeric fields 3 to {@code last}, indexed by their numbers (field 3, the state, is 0); null if gone. */
  private static long[] fields(long pid, int last) {
    String stat = line(pid);
    return stat == null ? null : fields(stat, last);
  }

  private static long[] fields(String stat, int last) {
    long[] f = new long[last + 1];
    // field 2, the command name, is in parentheses and may hold spaces: count after it
    int at = stat.lastIndexOf(')') + 2;
    for (int n = 3; n <= last; n++) {
      int end = stat.indexOf(' ', at);
      if (at <= 1 || at >= stat.length()) {
        return null;
      }
      String text = stat.substring(at, end < 0 ? stat.length() : end).trim();
      if (n > 3) {
        try {
          f[n] = Long.parseLong(text);
        } catch (NumberFormatException e) {
          return null;
        }
      }
      at = end + 1;
      if (end < 0 && n < last) {
        return null;
      }
    }
    return f;
  }

  /** The process's stat line; null if it is gone. */
  private static String line(long pid) {
    try (InputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return null;
    }
  }
}
