package dev.vigil.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.common.os.Os;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flock door against the kernel: a lock another process holds (util-linux's flock(1), a
 * separate program, so a separate open file description) is refused without waiting, waited
 * for with waiting, and obtained the moment the holder goes; locks taken here are flock locks
 * that flock(1) sees, and they go with their descriptor.
 */
class JnrLocksTest {
  private static final Path FLOCK = Path.of("/usr/bin/flock");

  @TempDir Path dir;

  @Test
  void aFreeLockIsTakenAtOnceAndSeenByAnotherProcessUntilReleased() throws IOException {
    assumeFlock();
    JnrLocks locks = JnrLocks.load();
    String lock = dir.resolve("1.lock").toString();
    int fd = locks.tryLock(Os.CWD, lock);
    assertTrue(fd >= 0);
    assertEquals(1, Processes.run(dir, List.of(FLOCK.toString(), "-n", lock, "true")).exit(), "held: flock -n fails");
    assertEquals(-1, locks.tryLock(Os.CWD, lock), "another description of this process is refused too");
    locks.release(fd);
    assertEquals(0, Processes.run(dir, List.of(FLOCK.toString(), "-n", lock, "true")).exit(), "released");
  }

  @Test
  void aWaiterGetsTheLockTheMomentItsHolderIsKilled() throws Exception {
    assumeFlock();
    JnrLocks locks = JnrLocks.load();
    String lock = dir.resolve("1.lock").toString();
    Path ready = dir.resolve("ready");
    try (Processes ps = new Processes()) {
      Process holder = ps.start(dir, dir.resolve("out"), dir.resolve("err"), List.of(FLOCK.toString(), lock, "sh", "-c", "touch " + ready + "; exec sleep 600"));
      Await.until("flock(1) holds the lock", () -> Files.exists(ready));
      assertEquals(-1, locks.tryLock(Os.CWD, lock));
      CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
        try {
          return locks.awaitLock(Os.CWD, lock);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      Await.holds("the waiter blocks while the holder lives", () -> !waiter.isDone(), Duration.ofMillis(300));
      holder.descendants().forEach(ProcessHandle::destroyForcibly);
      holder.destroyForcibly();
      int fd = waiter.get(10, TimeUnit.SECONDS);
      assertTrue(fd >= 0);
      assertFalse(Processes.run(dir, List.of(FLOCK.toString(), "-n", lock, "true")).exit() == 0, "now ours");
      locks.release(fd);
    }
  }

  private static void assumeFlock() {
    Assumptions.assumeTrue(Files.isExecutable(FLOCK), "peer missing: /usr/bin/flock (Debian package util-linux)");
  }
}
