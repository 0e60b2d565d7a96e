package dev.vigil.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The lock file excludes threads of one JVM (Java's FileLock alone does not) and other processes
 * (an fcntl lock that python3 takes), and lets shared holders in together.
 */
class LockFileTest extends ServiceTest {
  @Test
  void exclusiveHoldersAreAloneAmongThreadsOfOneJvm() throws Exception {
    Path file = root.resolve("d.lock");
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      // a LockFile each, and a path spelled differently: one lock all the same
      LockFile lock = new LockFile(t % 2 == 0 ? file : root.resolve(".").resolve("d.lock"));
      Thread thread = new Thread(() -> {
        try {
          for (int i = 0; i < 200; i++) {
            boolean exclusive = i % 3 != 0;
            LockFile.Locked<Void, RuntimeException> body = () -> {
              int n = inside.incrementAndGet();
              most.accumulateAndGet(exclusive ? n : 0, Math::max);
              Thread.yield();
              inside.decrementAndGet();
              return null;
            };
            if (exclusive) {
              lock.exclusive(body);
            } else {
              lock.shared(body);
            }
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse(thread.isAlive(), "a thread is stuck");
    }
    assertEquals(null, failure.get());
    assertEquals(1, most.get(), "an exclusive holder was never in with another");
  }

  @Test
  void sharedHoldersAreInTogether() throws Exception {
    LockFile lock = new LockFile(root.resolve("s.lock"));
    CountDownLatch both = new CountDownLatch(2);
    AtomicBoolean met = new AtomicBoolean();
    Thread other = new Thread(() -> {
      try {
        lock.shared(() -> {
          both.countDown();
          return both.await(30, TimeUnit.SECONDS);
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    other.start();
    lock.shared(() -> {
      both.countDown();
      met.set(both.await(30, TimeUnit.SECONDS));
      return null;
    });
    other.join();
    assertTrue(met.get(), "both held the shared lock at once");
  }

  /** A hook or ping that asks the controller something while it starts (holding the lock). */
  @Test
  void theHolderOfTheExclusiveLockMayTakeEitherAgain() {
    LockFile lock = new LockFile(root.resolve("r.lock"));
    assertEquals("in", lock.exclusive(() -> lock.shared(() -> lock.exclusive(() -> "in"))));
    assertEquals("again", lock.shared(() -> "again"), "and it was released");
  }

  @Test
  void anExclusiveLockUnderASharedOneFailsInsteadOfWaitingForEver() {
    LockFile lock = new LockFile(root.resolve("u.lock"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> lock.shared(() -> lock.exclusive(() -> null)));
    assertTrue(e.getMessage().contains("was asked for under its shared lock"), e.getMessage());
    assertEquals("free", lock.exclusive(() -> "free"), "the shared lock was released");
  }

  @Test
  void anotherProcessesFcntlLockIsWaitedFor() throws Exception {
    Path file = root.resolve("p.lock");
    Path out = root.resolve("python.out");
    // python3's lockf is fcntl(F_SETLKW), the lock Java's FileLock takes: held until it is killed
    Process holder = processes.start(root, out, out, List.of(Daemons.python(), "-c",
        "import fcntl, os, sys, time\n"
            + "f = open(sys.argv[1], 'a')\n"
            + "fcntl.lockf(f, fcntl.LOCK_EX)\n"
            + "print('locked', flush=True)\n"
            + "time.sleep(1000)\n",
        file.toString()));
    Await.until("python to hold the lock", () -> {
      try {
        return Files.readString(out).contains("locked");
      } catch (java.io.IOException e) {
        return false;
      }
    });
    AtomicBoolean entered = new AtomicBoolean();
    Thread waiter = new Thread(() -> new LockFile(file).exclusive(() -> {
      entered.set(true);
      return null;
    }));
    waiter.start();
    Await.holds("not in while python holds the lock", () -> !entered.get(), Duration.ofMillis(500));
    holder.destroyForcibly();
    Await.until("the lock once python is gone", entered::get);
    waiter.join();
  }
}
