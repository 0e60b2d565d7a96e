package dev.vigil.common.os;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every side effect the supervisor has on the operating system, behind one narrow port: the real
 * one binds libc (the native module's door), a fake one drives the event loop in unit tests. One
 * contract suite holds both to the kernel. Failures are {@link dev.vigil.common.ErrnoException}s
 * carrying the errno as a number, never as text. Every descriptor returned is close-on-exec.
 *
 * <p>Files are reached relative to a directory descriptor ({@code at}), as the {@code *at}
 * system calls reach them: a service directory is opened once, and a rename of it or a path
 * longer than PATH_MAX changes nothing (daemontools gets the same by chdir).
 */
public interface Os {
  /** The current directory, as an {@code at} argument (AT_FDCWD). */
  int CWD = -100;

  // ------------------------------------------------------------------ files

  /** open(path, O_RDONLY|O_DIRECTORY): a directory descriptor to reach files through. */
  int openDirectory(int at, String path) throws IOException;

  /** stat(2), following symbolic links: what is at {@code path}. */
  FileStat stat(int at, String path) throws IOException;

  /** fstat(2): what {@code fd} is open on. */
  FileStat stat(int fd) throws IOException;

  /** readlink(2): the link's target; empty if {@code path} is not a symbolic link. */
  Optional<String> readlink(int at, String path) throws IOException;

  /** mkdir(2) with {@code mode} (masked by the umask). Throws EEXIST if something is there. */
  void mkdir(int at, String path, int mode) throws IOException;

  /** mkfifo(3) with {@code mode} (masked by the umask). Throws EEXIST if something is there. */
  void mkfifo(int at, String path, int mode) throws IOException;

  /**
   * Opens {@code path} for writing, creating it with mode 0600, and takes an exclusive flock on
   * it without blocking: the supervisor lock daemontools and runit take. Throws EAGAIN ("temporary
   * failure") if another process holds it.
   */
  int lock(int at, String path) throws IOException;

  /** Opens a FIFO without blocking, for reading or for writing; ENXIO when writing with no reader. */
  int openFifo(int at, String path, boolean forWriting) throws IOException;

  /**
   * Opens a FIFO for reading and writing at once (O_RDWR, which Linux allows on a FIFO): a reader
   * that is its own writer, so it never sees end of file when the clients' writers come and go.
   * daemontools holds two descriptors for that; this is one.
   */
  int openControl(int at, String path) throws IOException;

  /**
   * The contents of a small file, at most {@code limit} bytes of it (a service directory's
   * settings: a number, a signal name, a schedule). ENOENT if there is none.
   */
  byte[] readFile(int at, String path, int limit) throws IOException;

  /** Creates or truncates {@code path} for writing, with {@code mode} (masked by the umask). */
  int create(int at, String path, int mode) throws IOException;

  /**
   * Opens {@code path} for appending (O_APPEND; blocking, as the children it is passed to
   * expect), creating it with {@code mode} (masked by the umask): a log a child's output goes
   * to, kept across restarts.
   */
  int append(int at, String path, int mode) throws IOException;

  /** Writes all {@code length} bytes, retrying partial writes. */
  void write(int fd, byte[] bytes, int length) throws IOException;

  /** rename(2) within one directory: atomic replacement of {@code to}. */
  void rename(int at, String from, String to) throws IOException;

  /** The names in a directory, without . and .. (readdir), reached through its descriptor. */
  List<String> list(int dir) throws IOException;

  /**
   * inotify on a directory, for entries that appear in it or leave it (created, moved in,
   * deleted, moved out). Returns a descriptor that is readable when events are queued; {@link
   * #read} gives them as the kernel's {@code struct inotify_event}s, in this machine's byte order.
   */
  int watchDirectory(int dir) throws IOException;

  /**
   * pipe2(O_CLOEXEC): the read end and the write end, both blocking, as the children they are
   * passed to expect (a log pair's main writes, its logger reads); the supervisor only holds them.
   */
  int[] pipe() throws IOException;

  /**
   * Another process's pipe, opened again through {@code /proc/PID/fd/FD} for reading and writing
   * (blocking, close-on-exec; such an open never waits for the other end): how svscan, started
   * after one was killed, finds the pipe between an adopted pair again. ESRCH or ENOENT if the
   * process or descriptor is gone.
   */
  int reopenPipe(long pid, int fd) throws IOException;

  /**
   * A datagram socket (AF_UNIX, non-blocking, close-on-exec) bound at {@code path}, which is
   * created with {@code mode}; a socket already there (a previous supervisor's) is replaced, any
   * other file is not (EADDRINUSE). Each {@link #read} takes one datagram.
   */
  int bindDatagram(int at, String path, int mode) throws IOException;

  /** Reads what is available without blocking; returns 0 when nothing is (or at end of file). */
  int read(int fd, byte[] buffer) throws IOException;

  void close(int fd);

  // ------------------------------------------------------------------ processes

  /**
   * Prepares to start {@code spec} as often as wanted: whatever can be built once is built here,
   * so that the restart path only calls. Close the spawner when its service goes.
   */
  Spawner spawner(SpawnSpec spec) throws IOException;

  /** Starts processes of one {@link SpawnSpec}. */
  interface Spawner {
    /**
     * Starts one process. Throws the exec failure (ENOENT, EACCES, ENOEXEC...) when there is no
     * child, or the failure to watch it (EMFILE), in which case no child is left behind.
     */
    Child spawn() throws IOException;

    /** Frees what the spawner holds; it is not used again. */
    void close();
  }

  /** kill(2) of one process. Throws ESRCH if the process is gone. */
  void signal(long pid, Signal signal) throws IOException;

  /** kill(2) of a whole process group. Throws ESRCH if no process is left in it. */
  void signalGroup(long pgid, Signal signal) throws IOException;

  /**
   * pidfd_open(2) of any process, ours or not: a descriptor that names that one process (a pid
   * reused later is another process) and is readable once it has exited.
   */
  int pidfdOpen(long pid) throws IOException;

  /**
   * The start time of process {@code pid} as the kernel reports it (field 22 of
   * /proc/PID/stat, clock ticks since boot): with the pid, it names one process. ESRCH if there
   * is no such process.
   */
  long startTicks(long pid) throws IOException;

  /** What /proc says of process {@code pid}: its parent, group, session and start time. ESRCH if gone. */
  ProcessIds process(long pid) throws IOException;

  /**
   * The processes of process group {@code pgid}, in no order; empty at once (one kill(2) with
   * signal 0) when the group has no member left, else found by a look through /proc.
   */
  List<Long> groupMembers(long pgid) throws IOException;

  /** pidfd_send_signal(2): never reaches a process that took over the pid. ESRCH if it has exited. */
  void signalPidfd(int pidfd, Signal signal) throws IOException;

  /**
   * prctl(PR_SET_CHILD_SUBREAPER): what our children leave behind when they exit (a daemon's
   * double fork, a {@code cmd &} that outlives the script that started it) becomes our child
   * when orphaned, instead of init's, so it is seen and reaped.
   */
  void becomeSubreaper() throws IOException;

  /** This process's children, running or not yet reaped ({@code /proc/self/task/N/children}). */
  List<Long> children() throws IOException;

  /** waitpid(pid, WNOHANG): the wait status if the child has exited, empty if it still runs. */
  OptionalInt reap(long pid) throws IOException;

  // ------------------------------------------------------------------ waiting

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

  // ------------------------------------------------------------------ limits

  /** Raises the soft limit on open descriptors to the hard limit; returns the limit now in force. */
  long raiseDescriptorLimit() throws IOException;
}
