package dev.vigil.libc;

import dev.vigil.common.ErrnoException;
import dev.vigil.common.os.Locks;
import java.io.IOException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * {@link Locks} through libc's flock(2): a binding of its own, three functions, so that a
 * process that only waits for locks (a hadaemon standby) does not set up the whole door, and so
 * that its calls can block in any thread (each is one system call on its own arguments).
 */
public final class JnrLocks implements Locks {
  /** The three functions, bound with jnr-ffi. */
  public interface Calls {
    int openat(int dirfd, String path, int flags, int mode);

    int flock(int fd, int operation);

    int close(int fd);
  }

  private static final int O_RDWR = 02;
  private static final int O_CREAT = 0100;
  private static final int O_CLOEXEC = 02000000;
  private static final int LOCK_EX = 2;
  private static final int LOCK_NB = 4;
  private static final int EINTR = 4;
  private static final int EWOULDBLOCK = 11;

  private final Calls libc;
  private final Runtime runtime;

  private JnrLocks(Calls libc) {
    this.libc = libc;
    this.runtime = Runtime.getRuntime(libc);
  }

  /** Binds libc's flock, openat and close. */
  public static JnrLocks load() throws IOException {
    try {
      return new JnrLocks(LibraryLoader.create(Calls.class).load("c"));
    } catch (LinkageError | RuntimeException e) {
      throw new IOException("unable to load libc through jnr-ffi: " + e, e);
    }
  }

  @Override
  public int tryLock(int at, String path) throws IOException {
    int fd = open(at, path);
    while (libc.flock(fd, LOCK_EX | LOCK_NB) < 0) {
      int e = runtime.getLastError();
      if (e == EINTR) {
        continue;
      }
      libc.close(fd);
      if (e == EWOULDBLOCK) {
        return -1;
      }
      throw new ErrnoException(path, e);
    }
    return fd;
  }

  @Override
  public int awaitLock(int at, String path) throws IOException {
    int fd = open(at, path);
    while (libc.flock(fd, LOCK_EX) < 0) {
      int e = runtime.getLastError();
      if (e != EINTR) {
        libc.close(fd);
        throw new ErrnoException(path, e);
      }
    }
    return fd;
  }

  @Override
  public void release(int fd) {
    libc.close(fd);
  }

  private int open(int at, String path) throws IOException {
    int fd = libc.openat(at, path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      throw new ErrnoException(path, runtime.getLastError());
    }
    return fd;
  }
}
