package dev.vigil.supervise;

import dev.vigil.common.ProcFiles;
import dev.vigil.common.os.SpawnSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Descriptors 0, 1 and 2 as the supervisor's caller left them. A caller that closed one (init
 * setups and nohup-style wrappers do: {@code supervise DIR <&- >&- 2>&-}) leaves a hole the JVM
 * fills with its own files while it starts: the runtime's {@code lib/modules}, a jar, /dev/random.
 * Those must never reach the child, nor take the supervisor's own warnings: the child gets
 * /dev/null in their place (daemontools passes a closed descriptor on closed; a child that
 * writes to /dev/null fails less surprisingly than one whose write fails with EBADF).
 */
public final class StandardDescriptors {
  private static final int O_ACCMODE = 3;
  private static final int O_RDONLY = 0;

  private StandardDescriptors() {}

  /** The child's 0, 1 and 2: the caller's, or /dev/null where the caller's was closed. */
  public static SortedMap<Integer, Integer> forChild() {
    SortedMap<Integer, Integer> map = new TreeMap<>();
    for (int fd = 0; fd <= 2; fd++) {
      map.put(fd, isCallers(fd) ? fd : SpawnSpec.DEV_NULL);
    }
    return map;
  }

  /** {@code err}, or a stream that discards everything if the caller closed descriptor 2. */
  public static PrintStream errors(PrintStream err) {
    return isCallers(2) ? err : new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** Whether {@code fd} is what the caller handed over, not a file the JVM opened for itself. */
  static boolean isCallers(int fd) {
    Path target;
    try {
      target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
    } catch (IOException e) {
      return false;
    }
    if (fd > 0 && accessMode(fd) == O_RDONLY) {
      return false;
    }
    String t = target.toString();
    if (t.startsWith(Path.of(System.getProperty("java.home")).toAbsolutePath() + "/")
        || t.equals("/dev/random") || t.equals("/dev/urandom")) {
      return false;
    }
    for (String entry : System.getProperty("java.class.path", "").split(":")) {
      if (!entry.isEmpty() && sameFile(target, Path.of(entry))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /** O_ACCMODE of the descriptor's flags, from /proc/self/fdinfo; -1 if unknown. */
  private static int accessMode(int fd) {
    try {
      String flags = ProcFiles.field(ProcFiles.read("/proc/self/fdinfo/" + fd), "flags:");
      return flags == null ? -1 : Integer.parseInt(flags, 8) & O_ACCMODE;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
