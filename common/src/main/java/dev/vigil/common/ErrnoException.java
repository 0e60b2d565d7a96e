package dev.vigil.common;

import java.nio.file.FileSystemException;

/**
 * A file-system failure whose errno we know exactly: raised by native calls, and by pure-Java
 * checks that stand in for a system call (for example "not a directory" where daemontools would
 * have failed a chdir).
 */
public final class ErrnoException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  /** The raw Linux errno; it need not have an {@link Errno} constant. */
  public final int errno;

  public ErrnoException(String file, int errno) {
    super(file, null, Errno.text(errno));
    this.errno = errno;
  }
}
