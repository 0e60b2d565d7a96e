package dev.vigil.common;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/** Numeric fields of {@code /proc/PID/stat}, numbered as proc(5) numbers them. */
public final class ProcStat {
  /** The parent's pid. */
  public static final int PARENT = 4;
  /** The process group's id. */
  public static final int PROCESS_GROUP = 5;
  /** When the process started, in clock ticks since boot. */
  public static final int START_TIME = 22;

  private ProcStat() {}

  /**
   * Whether a process with this pid runs: it has a {@code /proc} entry and is not a zombie (state
   * {@code Z}, or {@code X} while it is torn down). A zombie has exited; only its reaping is owed,
   * and a reaper that is slow about it (pid 1 of a container) must not make it look alive.
   */
  public static boolean runs(long pid) {
    if (pid <= 0) {
      return false;
    }
    String stat;
    try (InputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
      stat = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return false;
    }
    int at = stat.lastIndexOf(')') + 2; // field 3, the state, follows the parenthesised name
    char state = at > 1 && at < stat.length() ? stat.charAt(at) : '?';
    return state != 'Z' && state != 'X';
  }

  /** Field {@code field} (3 or later) of the process's stat line; empty if it is gone. */
  public static OptionalLong field(long pid, int field) {
    String stat;
    try (InputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
      stat = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    // field 2, the command name, is in parentheses and may hold spaces: count after it
    int at = stat.lastIndexOf(')') + 2;
    for (int f = 3; f < field && at > 0; f++) {
      at = stat.indexOf(' ', at) + 1;
    }
    int end = stat.indexOf(' ', at);
    try {
      return OptionalLong.of(Long.parseLong(stat.substring(at, end < 0 ? stat.length() : end).trim()));
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }
}
