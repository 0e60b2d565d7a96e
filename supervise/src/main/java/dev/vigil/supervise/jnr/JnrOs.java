package dev.vigil.supervise.jnr;

import dev.vigil.common.ErrnoException;
import dev.vigil.common.ProcStat;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/** {@link Os} on Linux through {@link Libc}: the only class that calls native code. */
public final class JnrOs implements Os {
  // Linux, all architectures vigil runs on (x86_64, aarch64)
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 01;
  private static final int O_CREAT = 0100;
  private static final int O_APPEND = 02000;
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;
  private static final int LOCK_EX = 2;
  private static final int LOCK_NB = 4;
  private static final int WNOHANG = 1;
  private static final int KILL = 9;
  private static final int EPOLL_CLOEXEC = O_CLOEXEC;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLLIN = 1;
  private static final int EFD_CLOEXEC = O_CLOEXEC;
  private static final int EFD_NONBLOCK = O_NONBLOCK;
  private static final long SYS_PIDFD_OPEN = 434;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  // glibc posix_spawn flags
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;
  // glibc x86_64 sizes are 336, 80 and 128; allocating more is harmless
  private static final int SPAWNATTR_SIZE = 512;
  private static final int FILE_ACTIONS_SIZE = 256;
  private static final int SIGSET_SIZE = 128;
  private static final int MAX_EVENTS = 64;

  private final Libc libc;
  private final Runtime runtime;
  /** epoll_event is packed on x86_64 (12 bytes, data at 4) and padded elsewhere (16, data at 8). */
  private final int eventSize;
  private final int eventDataOffset;
  private final int epoll;
  private final int wakeFd;
  private final Pointer events;
  private final Pointer oneEvent;
  private final Pointer emptySigset;
  private final Pointer allSignals;
  private final Pointer environ;
  private final byte[] wakeBuffer = new byte[8];
  /** Each service's spawn arguments, built on its first start: the restart path only calls. */
  private final Map<Path, SpawnPlan> plans = new HashMap<>();
  private final IntByReference spawnedPid = new IntByReference();
  private final Pointer waitStatus;

  private JnrOs(Libc libc) throws IOException {
    this.libc = libc;
    this.runtime = Runtime.getRuntime(libc);
    boolean packed = Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64;
    this.eventSize = packed ? 12 : 16;
    this.eventDataOffset = packed ? 4 : 8;
    this.events = Memory.allocateDirect(runtime, eventSize * MAX_EVENTS, true);
    this.waitStatus = Memory.allocateDirect(runtime, 4, true);
    this.oneEvent = Memory.allocateDirect(runtime, eventSize, true);
    this.emptySigset = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
    this.allSignals = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
    // every bit, not sigfillset(): that leaves out 32 and 33, which glibc's spawn sets to SIG_IGN
    allSignals.putLong(0, -1L);
    this.environ = Pointer.wrap(runtime, libc.environ().get());
    this.epoll = check(libc.epoll_create1(EPOLL_CLOEXEC), "epoll");
    this.wakeFd = check(libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd");
    watch(wakeFd);
  }

  /**
   * Loads libc through jnr-ffi.
   *
   * @throws IOException if the native library cannot be loaded or set up
   */
  public static JnrOs load() throws IOException {
    Libc libc;
    try {
      libc = LibraryLoader.create(Libc.class).load("c");
    } catch (LinkageError | RuntimeException e) {
      throw new IOException("unable to load libc through jnr-ffi: " + e, e);
    }
    return new JnrOs(libc);
  }

  private int errno() {
    return runtime.getLastError();
  }

  private int check(int rc, String what) throws ErrnoException {
    if (rc < 0) {
      throw new ErrnoException(what, errno());
    }
    return rc;
  }

  @Override
  public void mkfifo(Path path, int mode) throws IOException {
    check(libc.mkfifo(path.toString(), mode), path.toString());
  }

  @Override
  public int lock(Path path) throws IOException {
    int fd = check(libc.open(path.toString(), O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600),
        path.toString());
    if (libc.flock(fd, LOCK_EX | LOCK_NB) < 0) {
      int e = errno();
      libc.close(fd);
      throw new ErrnoException(path.toString(), e);
    }
    return fd;
  }

  @Override
  public int openFifo(Path path, boolean forWriting) throws IOException {
    int flags = (forWriting ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC;
    return check(libc.open(path.toString(), flags, 0), path.toString());
  }

  @Override
  public int read(int fd, byte[] buffer) throws IOException {
    while (true) {
      long n = libc.read(fd, buffer, buffer.length);
      if (n >= 0) {
        return (int) n;
      }
      int e = errno();
      if (e == EAGAIN) {
        return 0;
      }
      if (e != EINTR) {
        throw new ErrnoException("fd " + fd, e);
      }
    }
  }

  @Override
  public void close(int fd) {
    libc.close(fd);
  }

  /**
   * posix_spawn's attributes, file actions, path and argv for one service, built once: the calls
   * that build them go through jnr-ffi's reflective invokers, and on every restart they cost more
   * than the spawn itself.
   */
  private final class SpawnPlan {
    final Pointer attr = Memory.allocateDirect(runtime, SPAWNATTR_SIZE, true);
    final Pointer actions = Memory.allocateDirect(runtime, FILE_ACTIONS_SIZE, true);
    final Pointer path = Memory.allocateDirect(runtime, 8, true);
    final Pointer argv = Memory.allocateDirect(runtime, 16, true);

    SpawnPlan(Path dir) {
      libc.posix_spawnattr_init(attr);
      libc.posix_spawn_file_actions_init(actions);
      libc.posix_spawnattr_setflags(attr,
          (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID));
      libc.posix_spawnattr_setsigmask(attr, emptySigset);
      libc.posix_spawnattr_setsigdefault(attr, allSignals);
      libc.posix_spawn_file_actions_addchdir_np(actions, dir.toString());
      libc.posix_spawn_file_actions_addclosefrom_np(actions, 3);
      path.putString(0, "./run", 8, StandardCharsets.US_ASCII);
      argv.putAddress(0, path.address());
      argv.putAddress(8, 0L);
    }
  }

  @Override
  public Child spawn(Path dir) throws IOException {
    SpawnPlan plan = plans.get(dir);
    if (plan == null) {
      plan = new SpawnPlan(dir);
      plans.put(dir, plan);
    }
    // posix_spawn, not posix_spawnp: no PATH search and no /bin/sh fallback on ENOEXEC
    int rc = libc.posix_spawn(spawnedPid, plan.path, plan.actions, plan.attr, plan.argv, environ);
    if (rc != 0) {
      throw new ErrnoException(dir.resolve("run").toString(), rc);
    }
    int child = spawnedPid.intValue();
    // The vfork'd child has just exec'd, on this CPU: let it run before our bookkeeping (pidfd,
    // /proc, status files) preempts it. Measured: 0.2 to 1.9 ms from fork to exec without this.
    libc.sched_yield();
    // a child that already exited is a zombie until we reap it, so pidfd_open cannot miss it
    long pidfd = libc.syscall(SYS_PIDFD_OPEN, child, 0);
    if (pidfd < 0) {
      // a child we cannot watch must not run: the caller is told there is none (e.g. EMFILE)
      int e = errno();
      libc.kill(child, KILL);
      libc.waitpid(child, waitStatus, 0);
      throw new ErrnoException(dir.resolve("run").toString(), e);
    }
    return new Child(child, (int) pidfd, ProcStat.field(child, ProcStat.START_TIME).orElse(0));
  }

  @Override
  public void signal(long pid, Signal signal) throws IOException {
    check(libc.kill((int) pid, signal.number), "pid " + pid);
  }

  @Override
  public OptionalInt reap(long pid) throws IOException {
    while (true) {
      int rc = libc.waitpid((int) pid, waitStatus, WNOHANG);
      if (rc > 0) {
        return OptionalInt.of(waitStatus.getInt(0));
      }
      if (rc == 0) {
        return OptionalInt.empty();
      }
      int e = errno();
      if (e != EINTR) {
        throw new ErrnoException("pid " + pid, e);
      }
    }
  }

  @Override
  public void watch(int fd) throws IOException {
    oneEvent.putInt(0, EPOLLIN);
    oneEvent.putLong(eventDataOffset, fd);
    check(libc.epoll_ctl(epoll, EPOLL_CTL_ADD, fd, oneEvent), "epoll_ctl");
  }

  @Override
  public void unwatch(int fd) {
    libc.epoll_ctl(epoll, EPOLL_CTL_DEL, fd, oneEvent);
  }

  @Override
  public int await(long timeoutMillis, int[] ready) throws IOException {
    int max = Math.min(ready.length, MAX_EVENTS);
    int timeout = (int) Math.min(timeoutMillis, Integer.MAX_VALUE);
    int n = libc.epoll_wait(epoll, events, max, timeout);
    if (n < 0) {
      int e = errno();
      if (e == EINTR) {
        return 0;
      }
      throw new ErrnoException("epoll_wait", e);
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
      int fd = (int) events.getLong((long) i * eventSize + eventDataOffset);
      if (fd == wakeFd) {
        libc.read(wakeFd, wakeBuffer, 8);
      } else {
        ready[count++] = fd;
      }
    }
    return count;
  }

  @Override
  public void wake() {
    byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
    libc.write(wakeFd, one, 8);
  }
}
