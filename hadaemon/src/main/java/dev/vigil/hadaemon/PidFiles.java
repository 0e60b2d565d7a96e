package dev.vigil.hadaemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * HADaemon::Control's pid files, {@code PID_DIR/ROLE.pid}, holding a pid and no newline. A pid
 * file counts only while its process lives (the original's {@code kill 0}); here "lives" means
 * exists and is not a zombie.
 */
final class PidFiles {
  private PidFiles() {}

  /** The pid the file names, or 0 if there is no file or it holds no pid. */
  static long read(Path file) {
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /** The pid the file names if that process is alive, else 0. */
  static long running(Path file) {
    long pid = read(file);
    return pid > 0 && alive(pid) ? pid : 0;
  }

  /** Whether {@code pid} exists and has not exited (a zombie has). */
  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Writes {@code pid} to {@code file} whole: a reader sees the old file or the new, never half. */
  static void write(Path file, long pid) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid());
    Files.writeString(temp, Long.toString(pid), StandardCharsets.US_ASCII);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes {@code file} if it still names {@code pid}: a later owner's file is left alone. */
  static void removeIfOurs(Path file, long pid) {
    if (read(file) == pid) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // nothing to do: a stale file counts as not running anyway
      }
    }
  }
}
