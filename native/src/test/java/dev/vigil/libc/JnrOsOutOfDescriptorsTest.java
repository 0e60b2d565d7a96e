package dev.vigil.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.os.Os;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out of descriptors, every call says so by its errno: the JDK reports a failed directory open
 * only in words, and {@link JnrOs#list} used to call that EIO ("input/output error" in svscan's
 * warning, where "process cannot open more files" was the truth).
 */
class JnrOsOutOfDescriptorsTest {
  /** getrlimit and setrlimit, to lower this JVM's descriptor limit for a moment. */
  public interface Limits {
    int getrlimit(int resource, Pointer rlimit);

    int setrlimit(int resource, Pointer rlimit);
  }

  private static final int RLIMIT_NOFILE = 7;

  @TempDir
  Path dir;

  @Test
  void listingADirectoryWithNoDescriptorLeftIsEmfile() throws IOException {
    Os os = JnrOs.load();
    int at = os.openDirectory(Os.CWD, dir.toString());
    Limits limits = LibraryLoader.create(Limits.class).load("c");
    Pointer rlimit = Memory.allocateDirect(Runtime.getRuntime(limits), 16, true);
    assertEquals(0, limits.getrlimit(RLIMIT_NOFILE, rlimit));
    long soft = rlimit.getLong(0);
    List<int[]> pipes = new ArrayList<>();
    try {
      // a limit just above what is open now, then pipes until none more can be opened
      rlimit.putLong(0, new File("/proc/self/fd").list().length + 8);
      assertEquals(0, limits.setrlimit(RLIMIT_NOFILE, rlimit));
      ErrnoException full = assertThrows(ErrnoException.class, () -> {
        for (;;) {
          pipes.add(os.pipe());
        }
      });
      assertEquals(Errno.EMFILE.number, full.errno);
      // a pipe takes two: the last one left, if any, goes too
      List<Integer> singles = new ArrayList<>();
      try {
        singles.add(os.openDirectory(at, "."));
      } catch (ErrnoException none) {
        assertEquals(Errno.EMFILE.number, none.errno);
      }
      singles.forEach(fd -> pipes.add(new int[] {fd, fd}));
      ErrnoException e = assertThrows(ErrnoException.class, () -> os.list(at));
      assertEquals(Errno.EMFILE.number, e.errno, "errno " + e.errno);
    } finally {
      rlimit.putLong(0, soft);
      limits.setrlimit(RLIMIT_NOFILE, rlimit);
      for (int[] p : pipes) {
        os.close(p[0]);
        if (p[1] != p[0]) {
          os.close(p[1]);
        }
      }
      os.close(at);
    }
  }
}
