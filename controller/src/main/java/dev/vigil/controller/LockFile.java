package dev.vigil.controller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * daemon_controller's LockFile: shared and exclusive locks on a file, which serialise controllers
 * of the same daemon in one JVM and across JVMs.
 *
 * <p>Across JVMs the lock is Java's {@link FileLock}, an fcntl(2) lock on Linux. That lock belongs
 * to the process, so two threads of one JVM do not exclude each other with it, and closing any
 * descriptor of the file drops every lock the process holds on it. Hence, per file (by its real
 * path): one channel, opened once and kept, the only descriptor this JVM opens on it; and a
 * read-write lock in front of it, so threads queue in the JVM and the JVM holds at most one file
 * lock at a time: exclusive for a writer, one shared lock for all its readers together.
 *
 * <p>daemon_controller takes flock(2), which is independent of fcntl locks on Linux: a Ruby
 * daemon_controller and this class do not exclude each other on the same lock file.
 */
final class LockFile {
  /** Code run under the lock. */
  interface Locked<T, E extends Exception> {
    T run() throws E;
  }

  private static final ConcurrentHashMap<Path, Shared> BY_PATH = new ConcurrentHashMap<>();

  /** One lock file as this JVM holds it. */
  private static final class Shared {
    final Path path;
    /** Fair: a writer (a start) is not starved by a stream of readers (connects that succeed). */
    final ReentrantReadWriteLock threads = new ReentrantReadWriteLock(true);
    // guarded by this; channel is replaced only while no lock of this JVM is held on the file
    private FileChannel channel;
    private int readers;
    private FileLock shared;

    Shared(Path path) {
      this.path = path;
    }

    /** The channel, opened (again, if an interrupt closed it) when no lock is held on it. */
    synchronized FileChannel channel() throws IOException {
      if (channel == null || !channel.isOpen()) {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      return channel;
    }

    /** The first reader takes the shared file lock for all; the caller holds the read lock. */
    synchronized void enterShared() throws IOException {
      if (readers == 0) {
        // blocking here holds this monitor: the other readers would wait for the same lock anyway
        shared = channel().lock(0, Long.MAX_VALUE, true);
      }
      readers++;
    }

    synchronized void leaveShared() {
      if (--readers == 0) {
        FileLock l = shared;
        shared = null;
        release(l);
      }
    }
  }

  private final Path file;
  private volatile Shared shared;

  LockFile(Path file) {
    this.file = file.toAbsolutePath();
  }

  Path path() {
    return file;
  }

  /** Runs {@code body} while no other controller of this lock file, here or elsewhere, runs anything. */
  <T, E extends Exception> T exclusive(Locked<T, E> body) throws E {
    Shared s = shared();
    if (s.threads.isWriteLockedByCurrentThread()) {
      return body.run(); // a hook or ping that calls the controller while it starts: held already
    }
    if (s.threads.getReadHoldCount() > 0) {
      // a read lock cannot be upgraded: waiting here would wait for ever, for this very thread
      throw new IllegalStateException("the exclusive lock on " + file + " was asked for under its shared lock"
          + " (a start or stop from within connect's first attempt)");
    }
    s.threads.writeLock().lock();
    try {
      FileLock l;
      try {
        l = s.channel().lock();
      } catch (IOException e) {
        throw failure(e);
      }
      try {
        return body.run();
      } finally {
        release(l);
      }
    } finally {
      s.threads.writeLock().unlock();
    }
  }

  /** Runs {@code body} while no controller of this lock file runs anything exclusively. */
  <T, E extends Exception> T shared(Locked<T, E> body) throws E {
    Shared s = shared();
    if (s.threads.isWriteLockedByCurrentThread()) {
      return body.run(); // exclusive already: a shared file lock beside it would overlap
    }
    s.threads.readLock().lock();
    try {
      try {
        s.enterShared();
      } catch (IOException e) {
        throw failure(e);
      }
      try {
        return body.run();
      } finally {
        s.leaveShared();
      }
    } finally {
      s.threads.readLock().unlock();
    }
  }

  /**
   * This file's entry, found by its real path (the file need not exist: then its directory's real
   * path and its name), without opening it: an open and close here would drop the JVM's locks.
   */
  private Shared shared() {
    Shared s = shared;
    if (s == null) {
      Path key;
      try {
        key = Files.exists(file) ? file.toRealPath() : file.getParent().toRealPath().resolve(file.getFileName());
      } catch (IOException e) {
        throw failure(e);
      }
      s = BY_PATH.computeIfAbsent(key, Shared::new);
      shared = s;
    }
    return s;
  }

  private static void release(FileLock l) {
    try {
      l.release();
    } catch (ClosedChannelException e) {
      // an interrupt closed the channel, which released the lock with it
    } catch (IOException e) {
      throw new UncheckedIOException("unable to unlock: " + e.getMessage(), e);
    }
  }

  private UncheckedIOException failure(IOException e) {
    return new UncheckedIOException("unable to lock " + file + ": " + e.getMessage(), e);
  }
}
