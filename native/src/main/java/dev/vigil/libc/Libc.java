package dev.vigil.libc;

import jnr.ffi.Pointer;
import jnr.ffi.Variable;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The glibc functions vigil calls, bound with jnr-ffi. Not jnr-posix: its spawn cannot reset the
 * child's signals, it has no epoll, eventfd or pidfd, and loading it costs ~100 ms and ~15 MB
 * more than this binding (jvm-notes §2, §7).
 *
 * <p>jnr-ffi binds a method when it is first called; {@link JnrOs#load} checks every symbol
 * here at once instead, so that a missing one is a one-line fatal at start and never an
 * UnsatisfiedLinkError later. {@link JnrOs#OPTIONAL} lists the ones with a fallback.
 */
public interface Libc {
  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  int posix_spawn_file_actions_init(Pointer actions);

  int posix_spawn_file_actions_destroy(Pointer actions);

  int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);

  int posix_spawn_file_actions_addclose(Pointer actions, int fd);

  /** glibc 2.29 and later. */
  int posix_spawn_file_actions_addfchdir_np(Pointer actions, int fd);

  /** glibc 2.34 and later. */
  int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  /** Returns the error number of a failed exec directly (0 on success). */
  int posix_spawn(@Out IntByReference pid, Pointer path, Pointer actions, Pointer attr,
      Pointer argv, Pointer envp);

  /** The address environ holds; a {@code Variable<Pointer>} makes jnr-ffi's ASM backend emit bad bytecode. */
  Variable<Long> environ();

  long syscall(long number, long a, long b);

  long syscall(long number, long a, long b, long c, long d);

  int waitpid(int pid, Pointer status, int options);

  int kill(int pid, int signal);

  int openat(int dirfd, String path, int flags, int mode);

  /** glibc 2.28 and later; the same layout on every architecture, unlike struct stat. */
  int statx(int dirfd, String path, int flags, int mask, Pointer statx);

  long readlinkat(int dirfd, String path, @Out byte[] buffer, long size);

  int mkdirat(int dirfd, String path, int mode);

  int mkfifoat(int dirfd, String path, int mode);

  int unlinkat(int dirfd, String path, int flags);

  int fchmodat(int dirfd, String path, int mode, int flags);

  int socket(int domain, int type, int protocol);

  int bind(int fd, @In byte[] address, int length);

  int renameat(int olddirfd, String oldpath, int newdirfd, String newpath);

  int fchdir(int fd);

  int flock(int fd, int operation);

  long read(int fd, @Out byte[] buffer, long count);

  long write(int fd, @In byte[] buffer, long count);

  int close(int fd);

  int epoll_create1(int flags);

  int epoll_ctl(int epfd, int op, int fd, Pointer event);

  int epoll_wait(int epfd, Pointer events, int maxEvents, int timeout);

  int eventfd(int initval, int flags);

  int sched_yield();

  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  int pipe2(@Out int[] fds, int flags);

  int inotify_init1(int flags);

  int inotify_add_watch(int fd, String path, int mask);

  int getrlimit(int resource, Pointer rlimit);

  int setrlimit(int resource, Pointer rlimit);
}
