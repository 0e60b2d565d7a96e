package dev.vigil.common.os;

import dev.vigil.common.ProcFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** How many descriptors this process has left, from /proc, in pure Java. */
public final class Descriptors {
  /** Fewer free descriptors than this, and loading the native door (jffi's library) can fail. */
  static final int NEEDED_TO_LOAD = 8;

  private Descriptors() {}

  /**
   * Whether the process is (about) out of descriptors: the one question to ask after something
   * failed without saying why (jnr-ffi reports EMFILE as a NullPointerException deep inside).
   * True as well when /proc itself cannot be opened for want of one.
   */
  public static boolean exhausted() {
    try {
      return softLimit() - open() < NEEDED_TO_LOAD;
    } catch (NoSuchFileException | FileNotFoundException e) {
      // java.io says "not found" for EMFILE too: with /proc there, that is what it was
      return java.nio.file.Files.isDirectory(Path.of("/proc/self"));
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /** How many more descriptors the process may open now: the soft limit less those open. */
  public static long free() throws IOException {
    return softLimit() - open();
  }

  private static long softLimit() throws IOException {
    String limits = ProcFiles.field(ProcFiles.read("/proc/self/limits"), "Max open files");
    if (limits == null) {
      return Long.MAX_VALUE;
    }
    String soft = limits.split(" ")[0];
    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
  }

  private static int open() throws IOException {
    int n = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path ignored : fds) {
        n++;
      }
    }
    return n;
  }
}
