package dev.vigil.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.common.os.Child;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.SpawnSpec;
import dev.vigil.fixtures.Proc;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The whole contract, and the same clean child, with the fallbacks a glibc older than 2.34 (no
 * closefrom file action) or 2.29 (no fchdir file action) needs, forced on this one.
 */
class JnrOsFallbackContractTest extends JnrOsContractTest {
  /** Fewer than JnrOs's margin above the highest listed descriptor. */
  private static final int AT_ONCE = 8;
  /** Before the margin, a child kept some in each of 46 runs, by the 27th at the latest. */
  private static final int SPAWNS = 40;

  @Override
  protected Os newOs() throws IOException {
    return JnrOs.load(Set.of(JnrOs.ADDFCHDIR, JnrOs.ADDCLOSEFROM));
  }

  @Test
  void theSupervisorsWorkingDirectoryIsBackWhereItWasAfterASpawn() throws IOException {
    Path before = Path.of("/proc/self/cwd").toRealPath();
    spawn(sleeper());
    assertEquals(before, Path.of("/proc/self/cwd").toRealPath());
  }

  /**
   * The fallback lists /proc/self/fd and then spawns: a descriptor another thread opens in
   * between is not on the list. HotSpot's compiler threads do that at any moment (they read
   * cgroup files with a plain fopen, without close-on-exec), which once left a child of
   * {@link #theDescriptorMapPutsDevNullAndSwapsOutputAndErrorWhereAsked} holding one. Here a
   * thread does the same on purpose, up to {@value #AT_ONCE} descriptors at once, FileInputStream
   * opening them without close-on-exec too.
   */
  @Test
  void aDescriptorAnotherThreadOpensWhileTheChildIsSpawnedDoesNotReachIt() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    Thread opener = new Thread(() -> {
      List<FileInputStream> open = new ArrayList<>();
      try {
        while (!done.get()) {
          open.add(new FileInputStream("/dev/null"));
          if (open.size() == AT_ONCE) {
            for (FileInputStream in : open) {
              in.close();
            }
            open.clear();
          }
        }
        for (FileInputStream in : open) {
          in.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "opener");
    opener.start();
    try {
      SpawnSpec spec = spec(sleeper(), Map.of(0, SpawnSpec.DEV_NULL, 1, 2, 2, 1));
      for (int i = 0; i < SPAWNS; i++) {
        Child c = spawn(spec);
        Proc.awaitAsleepIn(c.pid(), "sleep");
        assertEquals(List.of(0, 1, 2), Proc.fds(c.pid()), "descriptors of child " + i);
      }
    } finally {
      done.set(true);
      opener.join();
    }
  }
}
