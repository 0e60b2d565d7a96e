package dev.vigil.sipid;

import dev.vigil.common.os.Os;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Learns of a process's exit from its pidfd, which the kernel makes readable when the process
 * exits: one epoll wait, woken at the exit itself. sipid polls kill(pid, 0) every 10 ms instead,
 * which also takes a zombie for a running process and a successor on a reused pid for the one it
 * waits for.
 */
final class Exits {
  private final Os os;
  private final Set<Integer> watched = new HashSet<>();
  private final int[] ready = new int[4];

  Exits(Os os) {
    this.os = os;
  }

  /** Whether the process behind {@code pidfd} exits within {@code millis} (0: has it exited?). */
  boolean exitedWithin(int pidfd, long millis) throws IOException {
    if (watched.add(pidfd)) {
      os.watch(pidfd);
    }
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      long left = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
      int n = os.await(left, ready);
      for (int i = 0; i < n; i++) {
        if (ready[i] == pidfd) {
          return true;
        }
      }
      if (left == 0) {
        return false;
      }
    }
  }

  /** Stops watching {@code pidfd}; call before closing it. */
  void forget(int pidfd) {
    if (watched.remove(pidfd)) {
      os.unwatch(pidfd);
    }
  }
}
