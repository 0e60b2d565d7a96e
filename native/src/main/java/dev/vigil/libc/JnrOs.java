package dev.vigil.libc;

import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.ProcStat;
import dev.vigil.common.os.ProcessIds;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.FileStat;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import dev.vigil.common.os.SpawnSpec;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/** {@link Os} on Linux through {@link Libc}: the only class that calls native code. */
public final class JnrOs implements Os {
  /** The libc functions vigil can do without, each with a fallback. */
  public static final String ADDFCHDIR = "posix_spawn_file_actions_addfchdir_np";
  public static final String ADDCLOSEFROM = "posix_spawn_file_actions_addclosefrom_np";
  static final Set<String> OPTIONAL = Set.of(ADDFCHDIR, ADDCLOSEFROM);
  private static final String JFFI_BOOT_PATH = "jffi.boot.library.path";

  // Linux, all architectures vigil runs on (x86_64, aarch64)
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 01;
  private static final int O_RDWR = 02;
  private static final int O_CREAT = 0100;
  private static final int O_TRUNC = 01000;
  private static final int O_APPEND = 02000;
  private static final int O_NONBLOCK = 04000;
  private static final int O_DIRECTORY = 0200000;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_PATH = 010000000;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_TYPE = 0x1;
  private static final int STATX_INO = 0x100;
  private static final int STATX_SIZE = 256;
  private static final int STATX_MODE_OFFSET = 28;
  private static final int STATX_INO_OFFSET = 32;
  private static final int STATX_DEV_MAJOR_OFFSET = 136;
  private static final int STATX_DEV_MINOR_OFFSET = 140;
  private static final int LOCK_EX = 2;
  private static final int LOCK_NB = 4;
  private static final int WNOHANG = 1;
  private static final int SIGKILL = 9;
  private static final int EPOLL_CLOEXEC = O_CLOEXEC;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLLIN = 1;
  private static final int EFD_CLOEXEC = O_CLOEXEC;
  private static final int EFD_NONBLOCK = O_NONBLOCK;
  private static final long SYS_PIDFD_OPEN = 434;
  private static final long SYS_PIDFD_SEND_SIGNAL = 424;
  private static final int IN_CLOEXEC = O_CLOEXEC;
  private static final int IN_NONBLOCK = O_NONBLOCK;
  private static final int IN_MOVED_FROM = 0x40;
  private static final int IN_MOVED_TO = 0x80;
  private static final int IN_CREATE = 0x100;
  private static final int IN_DELETE = 0x200;
  private static final int IN_ONLYDIR = 0x01000000;
  private static final int RLIMIT_NOFILE = 7;
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_NONBLOCK = O_NONBLOCK;
  private static final int SOCK_CLOEXEC = O_CLOEXEC;
  /** sizeof(sun_path): a socket's path, its terminating NUL included. */
  private static final int SUN_PATH = 108;
  private static final int ENOENT = 2;
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int ENAMETOOLONG = 36;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  private static final int EINVAL = 22;
  private static final int PATH_MAX = 4096;
  // glibc posix_spawn flags
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;
  // glibc x86_64 sizes are 336, 80 and 128; allocating more is harmless
  private static final int SPAWNATTR_SIZE = 512;
  private static final int FILE_ACTIONS_SIZE = 256;
  private static final int SIGSET_SIZE = 128;
  private static final int MAX_EVENTS = 64;
  /**
   * Without the closefrom file action, how many numbers above the highest descriptor open at the
   * listing are closed too (see {@code Plan.addActions}): far more than the JVM's own threads
   * hold open at once.
   */
  private static final int UNLISTED_MARGIN = 64;

  private final Libc libc;
  private final Runtime runtime;
  private final boolean fchdirAction;
  private final boolean closefromAction;
  /** epoll_event is packed on x86_64 (12 bytes, data at 4) and padded elsewhere (16, data at 8). */
  private final int eventSize;
  private final int eventDataOffset;
  private final int epoll;
  private final int wakeFd;
  private final Pointer events;
  private final Pointer oneEvent;
  private final Pointer statx;
  private final Pointer emptySigset;
  private final Pointer allSignals;
  private final Pointer environ;
  private final byte[] wakeBuffer = new byte[8];
  private final byte[] linkBuffer = new byte[PATH_MAX];
  private final Pointer waitStatus;
  /** The shared posix_spawn attributes: [0] same session, [1] new session. */
  private final Pointer[] attrs = new Pointer[2];
  /** /dev/null, opened when a spawn first needs it. */
  private int devNull = -1;
  /** Where to come back to after a spawn without the fchdir file action. */
  private int cwd = -1;

  private JnrOs(Libc libc, boolean fchdirAction, boolean closefromAction) throws IOException {
    this.libc = libc;
    this.runtime = Runtime.getRuntime(libc);
    this.fchdirAction = fchdirAction;
    this.closefromAction = closefromAction;
    boolean packed = Platform.getNativePlatform().getCPU() == Platform.CPU.X86_64;
    this.eventSize = packed ? 12 : 16;
    this.eventDataOffset = packed ? 4 : 8;
    this.events = Memory.allocateDirect(runtime, eventSize * MAX_EVENTS, true);
    this.waitStatus = Memory.allocateDirect(runtime, 4, true);
    this.oneEvent = Memory.allocateDirect(runtime, eventSize, true);
    this.statx = Memory.allocateDirect(runtime, STATX_SIZE, true);
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
   * Loads libc through jnr-ffi and checks that every function vigil calls is there.
   *
   * @throws IOException if the native library cannot be loaded, or lacks a function vigil needs;
   *     the message says which
   */
  public static JnrOs load() throws IOException {
    return load(Set.of());
  }

  /**
   * {@link #load()}, with some of the {@link #OPTIONAL} functions treated as missing even where
   * libc has them: how the tests run the fallbacks on a glibc new enough not to need them.
   */
  public static JnrOs load(Set<String> treatAsMissing) throws IOException {
    useShippedStub();
    Libc libc;
    com.kenai.jffi.Library process;
    try {
      libc = LibraryLoader.create(Libc.class).load("c");
      process = com.kenai.jffi.Library.getDefault();
    } catch (LinkageError | RuntimeException e) {
      throw new IOException("unable to load libc through jnr-ffi: " + e, e);
    }
    Set<String> missing = new TreeSet<>();
    for (Method m : Libc.class.getMethods()) {
      if (process.getSymbolAddress(m.getName()) == 0) {
        missing.add(m.getName());
      }
    }
    Set<String> required = new TreeSet<>(missing);
    required.removeAll(OPTIONAL);
    if (!required.isEmpty()) {
      throw new IOException("libc lacks " + String.join(", ", required));
    }
    missing.addAll(treatAsMissing);
    return new JnrOs(libc, !missing.contains(ADDFCHDIR), !missing.contains(ADDCLOSEFROM));
  }

  /**
   * Points jffi at the native stub the installed tree ships ({@code lib/jni/ARCH-Linux/}, beside
   * this jar), unless told otherwise: without it jffi copies the stub into the temp directory at
   * every start, which fails on a noexec /tmp and, when descriptors run short, stalls for seconds
   * seeding SecureRandom for the temporary file's name. From a build tree there is none, and
   * jffi extracts as usual.
   */
  private static void useShippedStub() {
    if (System.getProperty(JFFI_BOOT_PATH) != null) {
      return;
    }
    String arch = System.getProperty("os.arch");
    arch = arch.equals("amd64") ? "x86_64" : arch;
    try {
      Path jar = Path.of(JnrOs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path stub = jar.resolveSibling("jni").resolve(arch + "-Linux");
      if (Files.isRegularFile(stub.resolve("libjffi-1.2.so"))) {
        System.setProperty(JFFI_BOOT_PATH, stub.toString());
      }
    } catch (java.net.URISyntaxException | RuntimeException e) {
      // no shipped stub to be found: jffi extracts its own
    }
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

  // ------------------------------------------------------------------ files

  @Override
  public int openDirectory(int at, String path) throws IOException {
    return check(libc.openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0), path);
  }

  @Override
  public FileStat stat(int at, String path) throws IOException {
    check(libc.statx(at, path, 0, STATX_TYPE | STATX_INO, statx), path);
    return statResult();
  }

  @Override
  public FileStat stat(int fd) throws IOException {
    check(libc.statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_INO, statx), "fd " + fd);
    return statResult();
  }

  private FileStat statResult() {
    int mode = statx.getShort(STATX_MODE_OFFSET) & 0xffff;
    long major = statx.getInt(STATX_DEV_MAJOR_OFFSET) & 0xffffffffL;
    long minor = statx.getInt(STATX_DEV_MINOR_OFFSET) & 0xffffffffL;
    return new FileStat(FileStat.Kind.ofMode(mode), FileStat.device(major, minor),
        statx.getLong(STATX_INO_OFFSET));
  }

  @Override
  public Optional<String> readlink(int at, String path) throws IOException {
    long n = libc.readlinkat(at, path, linkBuffer, linkBuffer.length);
    if (n < 0) {
      int e = errno();
      if (e == EINVAL) {
        return Optional.empty();
      }
      throw new ErrnoException(path, e);
    }
    return Optional.of(new String(linkBuffer, 0, (int) n, StandardCharsets.UTF_8));
  }

  @Override
  public void mkdir(int at, String path, int mode) throws IOException {
    check(libc.mkdirat(at, path, mode), path);
  }

  @Override
  public void mkfifo(int at, String path, int mode) throws IOException {
    check(libc.mkfifoat(at, path, mode), path);
  }

  @Override
  public int bindDatagram(int at, String path, int mode) throws IOException {
    // bind(2) has no *at form: the directory is reached through its descriptor's /proc link,
    // which also keeps the address short however long the directory's own path is
    String address = at == CWD || path.startsWith("/") ? path : "/proc/self/fd/" + at + "/" + path;
    byte[] name = address.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (name.length >= SUN_PATH) {
      throw new ErrnoException(path, ENAMETOOLONG);
    }
    try {
      if (stat(at, path).kind() == FileStat.Kind.SOCKET) {
        check(libc.unlinkat(at, path, 0), path); // a socket a supervisor before us left
      }
    } catch (ErrnoException e) {
      if (e.errno != ENOENT) {
        throw e;
      }
    }
    int fd = check(libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket");
    byte[] sockaddr = new byte[2 + name.length + 1];
    sockaddr[0] = (byte) AF_UNIX; // sa_family_t, little-endian on every architecture vigil runs on
    System.arraycopy(name, 0, sockaddr, 2, name.length);
    if (libc.bind(fd, sockaddr, sockaddr.length) < 0 || libc.fchmodat(at, path, mode, 0) < 0) {
      int e = errno();
      libc.close(fd);
      throw new ErrnoException(path, e);
    }
    return fd;
  }

  @Override
  public int lock(int at, String path) throws IOException {
    int fd = check(libc.openat(at, path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0600), path);
    if (libc.flock(fd, LOCK_EX | LOCK_NB) < 0) {
      int e = errno();
      libc.close(fd);
      throw new ErrnoException(path, e);
    }
    return fd;
  }

  @Override
  public int openFifo(int at, String path, boolean forWriting) throws IOException {
    int flags = (forWriting ? O_WRONLY : O_RDONLY) | O_NONBLOCK | O_CLOEXEC;
    return check(libc.openat(at, path, flags, 0), path);
  }

  @Override
  public void becomeSubreaper() throws IOException {
    check(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl");
  }

  @Override
  public List<Long> children() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        String list;
        try {
          list = Files.readString(task.resolve("children"), StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException gone) {
          continue; // a thread that ended while we listed
        }
        for (String pid : list.trim().split(" +")) {
          if (!pid.isEmpty()) {
            pids.add(Long.parseLong(pid));
          }
        }
      }
    }
    return pids;
  }

  @Override
  public int reopenPipe(long pid, int fd) throws IOException {
    String path = "/proc/" + pid + "/fd/" + fd;
    int reopened = check(libc.openat(CWD, path, O_RDWR | O_CLOEXEC, 0), path);
    FileStat kind = stat(reopened);
    if (kind.kind() != FileStat.Kind.FIFO) {
      close(reopened);
      throw Errno.EINVAL.exception(path);
    }
    return reopened;
  }

  @Override
  public int openControl(int at, String path) throws IOException {
    return check(libc.openat(at, path, O_RDWR | O_NONBLOCK | O_CLOEXEC, 0), path);
  }

  @Override
  public byte[] readFile(int at, String path, int limit) throws IOException {
    int fd = check(libc.openat(at, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0), path);
    try {
      byte[] buffer = new byte[limit];
      int n = 0;
      while (n < limit) {
        byte[] rest = n == 0 ? buffer : new byte[limit - n];
        long got = libc.read(fd, rest, rest.length);
        if (got < 0) {
          int e = errno();
          if (e == EINTR) {
            continue;
          }
          throw new ErrnoException(path, e);
        }
        if (got == 0) {
          break;
        }
        if (rest != buffer) {
          System.arraycopy(rest, 0, buffer, n, (int) got);
        }
        n += (int) got;
      }
      return java.util.Arrays.copyOf(buffer, n);
    } finally {
      libc.close(fd);
    }
  }

  @Override
  public int create(int at, String path, int mode) throws IOException {
    return check(libc.openat(at, path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, mode), path);
  }

  @Override
  public int append(int at, String path, int mode) throws IOException {
    return check(libc.openat(at, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode), path);
  }

  @Override
  public void write(int fd, byte[] bytes, int length) throws IOException {
    byte[] rest = bytes;
    int left = length;
    while (left > 0) {
      long n = libc.write(fd, rest, left);
      if (n < 0) {
        int e = errno();
        if (e == EINTR) {
          continue;
        }
        throw new ErrnoException("fd " + fd, e);
      }
      left -= (int) n;
      if (left > 0) {
        rest = java.util.Arrays.copyOfRange(rest, (int) n, (int) n + left);
      }
    }
  }

  @Override
  public void rename(int at, String from, String to) throws IOException {
    check(libc.renameat(at, from, at, to), from);
  }

  @Override
  public List<String> list(int dir) throws IOException {
    // the kernel's own name for the open directory, however it was renamed since
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd/" + dir))) {
      for (Path p : entries) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      Errno errno = Errno.of(e);
      throw new ErrnoException("fd " + dir, errno == null ? whyNotOpened(dir) : errno.number);
    }
    return names;
  }

  /**
   * Why the JDK could not open directory {@code dir} (it says so only in words: "Too many open
   * files", in the C library's language): the errno of the same open made here, EIO if that
   * one succeeds.
   */
  private int whyNotOpened(int dir) {
    int fd = libc.openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0) {
      return errno();
    }
    libc.close(fd);
    return Errno.EIO.number;
  }

  @Override
  public int watchDirectory(int dir) throws IOException {
    int fd = check(libc.inotify_init1(IN_CLOEXEC | IN_NONBLOCK), "inotify");
    int mask = IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR;
    if (libc.inotify_add_watch(fd, "/proc/self/fd/" + dir, mask) < 0) {
      int e = errno();
      libc.close(fd);
      throw new ErrnoException("fd " + dir, e);
    }
    return fd;
  }

  @Override
  public int[] pipe() throws IOException {
    int[] fds = new int[2];
    check(libc.pipe2(fds, O_CLOEXEC), "pipe");
    return fds;
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

  // ------------------------------------------------------------------ processes

  @Override
  public Spawner spawner(SpawnSpec spec) throws IOException {
    if (spec.fds().containsValue(SpawnSpec.DEV_NULL) && devNull < 0) {
      devNull = check(libc.openat(CWD, "/dev/null", O_RDWR | O_CLOEXEC, 0), "/dev/null");
    }
    if (!fchdirAction && cwd < 0) {
      cwd = check(libc.openat(CWD, ".", O_PATH | O_DIRECTORY | O_CLOEXEC, 0), ".");
    }
    return new Plan(spec);
  }

  /**
   * posix_spawn's file actions, path, argv and environment for one spec, built once:
   * the calls that build them go through jnr-ffi's reflective invokers, and on every restart they
   * would cost more than the spawn itself. Without closefrom the file actions are rebuilt for
   * each spawn, from the descriptors open at that moment.
   */
  /**
   * posix_spawn attributes, one set per session policy: the same for every service (signals all
   * reset, none blocked), so built once rather than once per service (svscan runs thousands).
   */
  private Pointer attributes(boolean newSession) {
    int i = newSession ? 1 : 0;
    if (attrs[i] == null) {
      Pointer attr = Memory.allocateDirect(runtime, SPAWNATTR_SIZE, true);
      libc.posix_spawnattr_init(attr);
      short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
      if (newSession) {
        flags |= POSIX_SPAWN_SETSID;
      }
      libc.posix_spawnattr_setflags(attr, flags);
      libc.posix_spawnattr_setsigmask(attr, emptySigset);
      libc.posix_spawnattr_setsigdefault(attr, allSignals);
      attrs[i] = attr;
    }
    return attrs[i];
  }

  private final class Plan implements Spawner {
    final SpawnSpec spec;
    final Pointer attr;
    final Pointer actions = Memory.allocateDirect(runtime, FILE_ACTIONS_SIZE, true);
    final Pointer program;
    final Pointer argv;
    final Pointer envp;
    /** Keeps the strings argv and envp point into alive as long as the plan. */
    final List<Pointer> strings = new ArrayList<>();
    boolean closed;

    Plan(SpawnSpec spec) {
      this.spec = spec;
      this.attr = attributes(spec.newSession());
      program = string(spec.program());
      argv = array(spec.argv());
      envp = spec.environment().isEmpty() ? environ : array(environment(spec.environment()));
      libc.posix_spawn_file_actions_init(actions);
      if (closefromAction) {
        addActions(-1);
      }
    }

    private Pointer string(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      Pointer p = Memory.allocateDirect(runtime, bytes.length + 1, true);
      p.put(0, bytes, 0, bytes.length);
      p.putByte(bytes.length, (byte) 0);
      strings.add(p);
      return p;
    }

    private Pointer array(List<String> values) {
      Pointer p = Memory.allocateDirect(runtime, 8 * (values.size() + 1), true);
      for (int i = 0; i < values.size(); i++) {
        p.putAddress(8L * i, string(values.get(i)).address());
      }
      p.putAddress(8L * values.size(), 0L);
      return p;
    }

    /**
     * The file actions, in the order the child needs them: working directory first (the
     * directory descriptor is closed later), then the descriptor map by way of fresh numbers
     * above every number involved (so that no dup2 overwrites a source another one still
     * needs), then every other descriptor closed: without closefrom, every number up to
     * {@code lastOpen} (the highest one open a moment ago) and some more.
     */
    private void addActions(int lastOpen) {
      if (fchdirAction) {
        libc.posix_spawn_file_actions_addfchdir_np(actions, spec.directory());
      }
      SortedMap<Integer, Integer> fds = spec.fds();
      int top = fds.isEmpty() ? -1 : fds.lastKey();
      boolean identity = true;
      int highest = top;
      for (Map.Entry<Integer, Integer> e : fds.entrySet()) {
        int source = source(e.getValue());
        identity &= source == e.getKey();
        highest = Math.max(highest, source);
      }
      if (!identity) {
        int spare = highest + 1;
        for (int source : fds.values()) {
          libc.posix_spawn_file_actions_adddup2(actions, source(source), spare++);
        }
        spare = highest + 1;
        for (int target : fds.keySet()) {
          libc.posix_spawn_file_actions_adddup2(actions, spare++, target);
        }
      }
      for (int fd = 0; fd < top; fd++) {
        if (!fds.containsKey(fd)) {
          libc.posix_spawn_file_actions_addclose(actions, fd);
        }
      }
      if (closefromAction) {
        libc.posix_spawn_file_actions_addclosefrom_np(actions, top + 1);
      } else {
        // Every number, not only those listed: another thread may open a descriptor between
        // the listing and the spawn, and the JVM's own do so without close-on-exec (HotSpot's
        // compiler threads read cgroup files with a plain fopen; one reached a test's child).
        // A new descriptor takes the lowest free number, in a gap the listing left or just
        // above lastOpen: closed here unless more than UNLISTED_MARGIN are open at once.
        // The spare numbers are in the range too, and so are closed once used.
        int spares = identity ? 0 : fds.size();
        int last = Math.max(lastOpen, highest + spares) + UNLISTED_MARGIN;
        for (int fd = top + 1; fd <= last; fd++) {
          libc.posix_spawn_file_actions_addclose(actions, fd);
        }
      }
    }

    private int source(int fd) {
      return fd == SpawnSpec.DEV_NULL ? devNull : fd;
    }

    @Override
    public Child spawn() throws IOException {
      if (closed) {
        throw new IllegalStateException("spawner closed");
      }
      if (!closefromAction) {
        libc.posix_spawn_file_actions_destroy(actions);
        libc.posix_spawn_file_actions_init(actions);
        addActions(lastOpenDescriptor());
      }
      if (!fchdirAction) {
        // the event loop is the only thread that spawns or opens relative paths
        check(libc.fchdir(spec.directory()), "fd " + spec.directory());
      }
      // posix_spawn, not posix_spawnp: no PATH search and no /bin/sh fallback on ENOEXEC
      IntByReference spawnedPid = new IntByReference();
      int rc = libc.posix_spawn(spawnedPid, program, actions, attr, argv, envp);
      if (!fchdirAction) {
        libc.fchdir(cwd);
      }
      if (rc != 0) {
        throw new ErrnoException(spec.program(), rc);
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
        libc.kill(child, SIGKILL);
        libc.waitpid(child, Memory.allocateDirect(runtime, 4, true), 0);
        throw new ErrnoException(spec.program(), e);
      }
      return new Child(child, (int) pidfd, ProcStat.field(child, ProcStat.START_TIME).orElse(0));
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        libc.posix_spawn_file_actions_destroy(actions);
      }
    }
  }

  /** The supervisor's environment with {@code extra} added, an extra one replacing its namesake. */
  private static List<String> environment(List<String> extra) {
    Set<String> replaced = new TreeSet<>();
    for (String e : extra) {
      replaced.add(e.substring(0, Math.max(0, e.indexOf('='))));
    }
    List<String> all = new ArrayList<>(extra);
    for (Map.Entry<String, String> e : System.getenv().entrySet()) {
      if (!replaced.contains(e.getKey())) {
        all.add(e.getKey() + "=" + e.getValue());
      }
    }
    return all;
  }

  /** The highest descriptor open in this process now (the ones listing them are closed by then). */
  private static int lastOpenDescriptor() throws IOException {
    int last = -1;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path p : entries) {
        last = Math.max(last, Integer.parseInt(p.getFileName().toString()));
      }
    }
    return last;
  }

  @Override
  public void signal(long pid, Signal signal) throws IOException {
    check(libc.kill((int) pid, signal.number), "pid " + pid);
  }

  @Override
  public void signalGroup(long pgid, Signal signal) throws IOException {
    check(libc.kill((int) -pgid, signal.number), "process group " + pgid);
    if (signal == Signal.KILL) {
      // The killed wake on this CPU and would wait while we write the status: let them die
      // first. Measured (bench/lifecycle.sh, perf): the group's last member went 1.1-4.1 ms
      // after the KILL without this, 0.13-0.25 ms under s6-supervise.
      libc.sched_yield();
    }
  }

  @Override
  public ProcessIds process(long pid) throws IOException {
    return ProcStat.ids(pid).orElseThrow(() -> Errno.ESRCH.exception("pid " + pid));
  }

  @Override
  public List<Long> groupMembers(long pgid) throws IOException {
    // one syscall says whether the group has any member left, which it mostly has not
    if (libc.kill((int) -pgid, 0) < 0 && errno() == Errno.ESRCH.number) {
      return List.of();
    }
    return ProcStat.groupMembers(pgid);
  }


  @Override
  public long startTicks(long pid) throws IOException {
    java.util.OptionalLong ticks = ProcStat.field(pid, ProcStat.START_TIME);
    if (ticks.isEmpty()) {
      throw Errno.ESRCH.exception("pid " + pid);
    }
    return ticks.getAsLong();
  }

  @Override
  public int pidfdOpen(long pid) throws IOException {
    long fd = libc.syscall(SYS_PIDFD_OPEN, pid, 0);
    if (fd < 0) {
      throw new ErrnoException("pid " + pid, errno());
    }
    return (int) fd;
  }

  @Override
  public void signalPidfd(int pidfd, Signal signal) throws IOException {
    if (libc.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal.number, 0, 0) < 0) {
      throw new ErrnoException("pidfd " + pidfd, errno());
    }
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

  // ------------------------------------------------------------------ waiting

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

  // ------------------------------------------------------------------ limits

  @Override
  public long raiseDescriptorLimit() throws IOException {
    Pointer rlimit = Memory.allocateDirect(runtime, 16, true);
    check(libc.getrlimit(RLIMIT_NOFILE, rlimit), "getrlimit");
    long hard = rlimit.getLong(8);
    if (rlimit.getLong(0) != hard) {
      rlimit.putLong(0, hard);
      check(libc.setrlimit(RLIMIT_NOFILE, rlimit), "setrlimit");
    }
    return hard;
  }
}
