package dev.vigil.common.os;

import java.io.IOException;

/**
 * flock(2) locks that a process waits for: hadaemon's main locks, which a standby blocks on
 * (LOCK_EX without LOCK_NB) so that it is promoted the moment a main lets go, instead of
 * retrying every second as HADaemon::Control does. The supervisor lock of {@link Os#lock} is
 * the non-blocking kind; these are kept apart so that a process that only waits for a lock loads
 * nothing more. Every descriptor returned is close-on-exec, and the lock goes with it.
 */
public interface Locks {
  /**
   * Opens {@code path} (created with mode 0644 if missing) and takes an exclusive flock on it
   * without waiting. Returns the descriptor that holds it, or -1 if another holds the lock.
   */
  int tryLock(int at, String path) throws IOException;

  /**
   * The same, but waits as long as it takes for the lock (interrupted system calls are
   * retried). Returns the descriptor that holds it.
   */
  int awaitLock(int at, String path) throws IOException;

  /** Releases a lock by closing its descriptor. */
  void release(int fd);
}
