package dev.vigil.common.os;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Every side effect supervise has on the operating system beyond plain file writes, behind one
 * narrow port: the real one binds libc (supervise's native door), a fake one drives the event
 * loop in unit tests. Failures are {@link dev.vigil.common.ErrnoException}s carrying the errno.
 * Every descriptor returned is close-on-exec.
 */
public interface Os {
  /** mkfifo(2) with {@code mode} (masked by the umask). Throws EEXIST if something is there. */
  void mkfifo(Path path, int mode) throws IOException;

  /**
   * Opens {@code path} for writing, creating it with mode 0600, and takes an exclusive flock on
   * it without blocking: the supervisor lock daemontools and runit take. Throws EAGAIN ("temporary
   * failure") if another process holds it.
   */
  int lock(Path path) throws IOException;

  /** Opens a FIFO without blocking, for reading or for writing. */
  int openFifo(Path path, boolean forWriting) throws IOException;

  /** Reads what is available without blocking; returns 0 when nothing is. */
  int read(int fd, byte[] buffer) throws IOException;

  void close(int fd);

  /**
   * Starts {@code dir/run} as {@code ./run} in {@code dir}, in a new session, with an empty signal
   * mask, every signal at its default, and only descriptors 0, 1 and 2. Throws the exec failure
   * (ENOENT, EACCES, ENOEXEC...) when there is no child.
   */
  Child spawn(Path dir) throws IOException;

  /** kill(2). Throws ESRCH if the process is gone. */
  void signal(long pid, Signal signal) throws IOException;

  /** waitpid(pid, WNOHANG): the wait status if the child has exited, empty if it still runs. */
  OptionalInt reap(long pid) throws IOException;

  /** Adds {@code fd} to the set {@link #await} watches for readability. */
  void watch(int fd) throws IOException;

  /** Removes {@code fd} from the watched set; call before closing it. */
  void unwatch(int fd);

  /**
   * Blocks until a watched fd is readable, {@link #wake()} is called, or {@code timeoutMillis}
   * passes (-1: no timeout). Writes the readable fds into {@code ready} and returns how many.
   */
  int await(long timeoutMillis, int[] ready) throws IOException;

  /** Makes a blocked {@link #await} return; safe from any thread, including signal handlers. */
  void wake();
}
