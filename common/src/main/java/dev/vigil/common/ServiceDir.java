package dev.vigil.common;

import java.io.IOException;
import java.io.FileInputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A service directory: the names of its files and what a client does with them. This is vigil's
 * public Java API (read a service's status, ask whether it is supervised, send it commands);
 * svc, svstat and svok are thin mains over it. It works the same against daemontools supervise,
 * runit runsv and vigil's supervise, and it never loads native code.
 *
 * <p>daemontools' clients chdir into the directory; the JVM cannot, so every path is resolved
 * against the directory as given, and {@link #enter()} performs the checks chdir would.
 */
public final class ServiceDir {
  // The names of a service directory's files, relative to it: the one place they are spelled.
  // doc/service-dir.md documents each (DocsTest checks that it lists every one).
  public static final String RUN = "run";
  public static final String DOWN = "down";
  /** Run after ./run exits, with runit's two arguments. */
  public static final String FINISH = "finish";
  /** The logger of a pair under svscan: a service directory of its own. */
  public static final String LOG = "log";
  // Settings, one value per file (supervise's ConfigFiles reads them).
  public static final String TIMEOUT_FINISH = "timeout-finish";
  public static final String DOWN_SIGNAL = "down-signal";
  public static final String TIMEOUT_KILL = "timeout-kill";
  public static final String STOP_SCHEDULE = "stop-schedule";
  public static final String BACKOFF_MAX = "backoff-max";
  public static final String BACKOFF_RESET = "backoff-reset";
  // Readiness: one of these says when ./run is ready (doc/service-dir.md, "Readiness").
  public static final String NOTIFICATION_FD = "notification-fd";
  /** A flag file: present means NOTIFY_SOCKET, systemd's protocol, on {@link #NOTIFY}. */
  public static final String NOTIFY_SOCKET = "notify-socket";
  /** Run after ./run starts, again every check-interval, until it exits 0 (runit's ./check). */
  public static final String CHECK = "check";
  public static final String CHECK_INTERVAL = "check-interval";
  /**
   * Where a ./run that daemonizes has its daemon write its pid (systemd's PIDFile=): supervise
   * follows that process once ./run has exited.
   */
  public static final String PIDFILE = "pidfile";
  public static final String SUPERVISE = "supervise";
  public static final String LOCK = "supervise/lock";
  public static final String CONTROL = "supervise/control";
  public static final String OK = "supervise/ok";
  public static final String STATUS = "supervise/status";
  /** Where a new status is written before it is renamed over {@link #STATUS}. */
  public static final String STATUS_NEW = "supervise/status.new";
  /** The child's pid and a newline, empty while down (as runit writes it). */
  public static final String PID = "supervise/pid";
  public static final String PID_NEW = "supervise/pid.new";
  /** The datagram socket of notify-socket: what NOTIFY_SOCKET names. */
  public static final String NOTIFY = "supervise/notify";

  /**
   * Where a supervisor keeps its state, and in which record: each name is relative to the
   * directory the state lives in (the service directory for daemontools', {@code status/NAME}
   * for the article's).
   */
  public enum Layout {
    /** daemontools': {@code supervise/} in the service directory, vigil's record. */
    DAEMONTOOLS(LOCK, CONTROL, OK, STATUS, STATUS_NEW, PID, PID_NEW, NOTIFY),
    /**
     * The seed article's (supervise --article NAME; doc/supervise.md, "The article's layout"):
     * {@link #ARTICLE_STATE}/NAME/ under supervise's working directory, apart from the service
     * directory NAME, holding lock, svcontrol and status, the article's 20-byte record; no ok
     * FIFO (a reader of the control FIFO tells a supervisor runs) and no pid file.
     */
    ARTICLE("lock", "svcontrol", null, "status", "status.new", null, null, "notify");

    /** The article's: where the state directories are, one per service, under the working directory. */
    public static final String ARTICLE_STATE = "status";

    public final String lock;
    public final String control;
    /** supervise/ok; null where the layout has none. */
    public final String ok;
    public final String status;
    public final String statusNew;
    /** supervise/pid and where it is written first; null where the layout has none. */
    public final String pid;
    public final String pidNew;
    public final String notify;

    Layout(String lock, String control, String ok, String status, String statusNew, String pid, String pidNew,
        String notify) {
      this.lock = lock;
      this.control = control;
      this.ok = ok;
      this.status = status;
      this.statusNew = statusNew;
      this.pid = pid;
      this.pidNew = pidNew;
      this.notify = notify;
    }

    /** The FIFO a client opens to ask whether a supervisor runs: ok, or else the control FIFO. */
    public String liveness() {
      return ok != null ? ok : control;
    }

    public byte[] encode(Status s) {
      return this == ARTICLE ? StatusCodec.encodeArticle(s) : StatusCodec.encode(s);
    }

    public Status decode(byte[] b, int length) throws StatusFormatException {
      return this == ARTICLE ? StatusCodec.decodeArticle(b, length) : StatusCodec.decode(b, length);
    }

    /**
     * Whether its record holds the child's kernel start time, without which a supervisor that
     * died leaves a child no successor can tell from a process that reused its pid.
     */
    public boolean canAdopt() {
      return this == DAEMONTOOLS;
    }
  }

  private final String name;
  private final Path dir;
  private final Layout layout;

  private ServiceDir(String name, Path dir, Layout layout) {
    this.name = name;
    this.dir = dir;
    this.layout = layout;
  }

  /**
   * The service directory {@code name}, relative to the current directory unless absolute; or,
   * when it holds {@code svcontrol} and {@code lock}, the article's state directory
   * ({@code status/NAME}) of a supervisor in the article's layout.
   */
  public static ServiceDir of(String name) {
    return of(name, Path.of(name));
  }

  public static ServiceDir of(Path dir) {
    return of(dir.toString(), dir);
  }

  /** {@code dir} in the layout given, whatever it holds now (a supervisor may not have made it yet). */
  public static ServiceDir of(Path dir, Layout layout) {
    return new ServiceDir(dir.toString(), dir, layout);
  }

  private static ServiceDir of(String name, Path dir) {
    // java.io: a client's start-up has loaded it already
    java.io.File f = dir.toFile();
    boolean article = !name.isEmpty() && new java.io.File(f, Layout.ARTICLE.control).exists()
        && new java.io.File(f, Layout.ARTICLE.lock).exists();
    return new ServiceDir(name, dir, article ? Layout.ARTICLE : Layout.DAEMONTOOLS);
  }

  /** Where this directory's supervisor keeps its state, and in which record. */
  public Layout layout() {
    return layout;
  }

  /** The directory exactly as given: messages print it verbatim. */
  public String name() {
    return name;
  }

  public Path path() {
    return dir;
  }

  public Path run() {
    return service().resolve(RUN);
  }

  public Path down() {
    return service().resolve(DOWN);
  }

  /**
   * The service directory: this one, or for the article's state directory {@code X/status/NAME}
   * the service directory {@code X/NAME} supervise was given beside {@code status/}.
   */
  private Path service() {
    if (layout == Layout.DAEMONTOOLS) {
      return dir;
    }
    Path base = dir.toAbsolutePath().normalize().getFileName();
    return base == null ? dir : dir.resolve("..").resolve("..").resolve(base);
  }

  /** The directory of the supervisor's state: {@code supervise/}, or the article's state directory itself. */
  public Path supervise() {
    return layout == Layout.DAEMONTOOLS ? dir.resolve(SUPERVISE) : dir;
  }

  public Path lock() {
    return dir.resolve(layout.lock);
  }

  public Path control() {
    return dir.resolve(layout.control);
  }

  /** supervise/ok; in the article's layout, which has none, the control FIFO, which serves as well. */
  public Path ok() {
    return dir.resolve(layout.liveness());
  }

  public Path status() {
    return dir.resolve(layout.status);
  }

  /** Where a new status is written before it is renamed over {@link #status()}. */
  public Path statusNew() {
    return dir.resolve(layout.statusNew);
  }

  /** The child's pid and a newline, empty while down (as runit writes it). */
  public Path pid() {
    return dir.resolve(PID);
  }

  public Path pidNew() {
    return dir.resolve(PID_NEW);
  }

  /** A path inside the directory as messages print it: {@code DIR/relative}. */
  public String show(String relative) {
    return name + "/" + relative;
  }

  /**
   * Fails as {@code chdir(DIR)} would: missing, not a directory, or not searchable. The empty
   * name is not the current directory here, as chdir("") fails.
   */
  public void enter() throws IOException {
    if (name.isEmpty()) {
      throw Errno.ENOENT.exception(name);
    }
    BasicFileAttributes a = stat(dir);
    if (!a.isDirectory()) {
      throw Errno.ENOTDIR.exception(name);
    }
    if (!Files.isExecutable(dir)) {
      throw Errno.EACCES.exception(name);
    }
  }

  /** No {@code down} file (a dangling symlink counts as none, as stat(2) follows it). */
  public boolean isNormallyUp() throws IOException {
    try {
      stat(down());
      return false;
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  /**
   * Whether a supervisor runs on this directory. Fails (step OPEN) where daemontools' test,
   * opening {@code supervise/ok} for writing, would fail for another reason than "no reader".
   */
  public boolean isSupervised() throws ServiceIOException {
    return openableForWriting(ok());
  }

  /**
   * Whether a supervisor holds its flock on {@code supervise/lock}, for a client that has just
   * read {@code record} (empty if there was none) and watches the directory: the holder the
   * record names is asked first, without reading the record again. No {@code supervise/ok}
   * checks, unlike {@link #isSupervised()}: only the lock tells a supervisor that is gone.
   */
  public boolean isLocked(Optional<Status> record) throws IOException {
    // no flatMap: a lambda costs clients an invokedynamic bootstrap at start-up
    return Liveness.isLocked(lock(), record.isPresent() ? likelyHolder(record.get()) : Optional.empty());
  }

  /**
   * Reads {@code supervise/status}, whichever supervisor wrote it.
   *
   * @throws ServiceIOException OPEN or READ, with daemontools' wording; a file shorter than 18
   *     bytes fails READ with "bad format"
   */
  public Status readStatus() throws ServiceIOException {
    Path file = status();
    BasicFileAttributes a;
    try {
      a = stat(file);
    } catch (IOException e) {
      throw new ServiceIOException(ServiceIOException.Step.OPEN, e);
    }
    if (a.isDirectory()) {
      throw new ServiceIOException(ServiceIOException.Step.READ, Errno.EISDIR.exception(file.toString()));
    }
    if (!a.isRegularFile()) {
      // a FIFO or device would block a plain open; daemontools' non-blocking read gets nothing
      throw new ServiceIOException(ServiceIOException.Step.READ, new StatusFormatException());
    }
    if (!Files.isReadable(file)) {
      // asked before the open: java.io would say why only in words (Diagnosis)
      throw new ServiceIOException(ServiceIOException.Step.OPEN, Errno.EACCES.exception(file.toString()));
    }
    // java.io, not NIO channels: the JVM has loaded it already, which saves clients ~25 classes
    FileInputStream in;
    try {
      in = new FileInputStream(file.toFile());
    } catch (IOException e) {
      throw new ServiceIOException(ServiceIOException.Step.OPEN, Diagnosis.explain(e, file));
    }
    try (in) {
      byte[] b = new byte[StatusCodec.MAX_SIZE];
      return layout.decode(b, in.readNBytes(b, 0, b.length));
    } catch (IOException e) {
      // a read error is no property of the path: its errno is lost with the JDK's words
      throw new ServiceIOException(ServiceIOException.Step.READ, e);
    }
  }

  /**
   * Writes {@code commands} to {@code supervise/control} in one write, if a supervisor runs.
   * Opening read-write never blocks on a FIFO, and the liveness check comes first, so nothing
   * is ever written to a FIFO nobody reads.
   *
   * @return false, writing nothing, when no supervisor runs on the directory
   * @throws ServiceIOException OPEN where daemontools' svc could not open the FIFO, WRITE where
   *     the write failed
   */
  public boolean send(byte[] commands) throws ServiceIOException {
    Path control = control();
    if (!openableForWriting(control)) {
      return false;
    }
    if (commands.length == 0) {
      return true;
    }
    // "rw" opens O_RDWR, which never blocks on a FIFO; RandomAccessFile writes it all in one
    // write(2) for a string this short (at most PIPE_BUF bytes arrive in one piece). O_RDWR also
    // needs read permission, asked first as openableForWriting asks for write permission.
    if (!Files.isReadable(control)) {
      throw new ServiceIOException(ServiceIOException.Step.OPEN, Errno.EACCES.exception(control.toString()));
    }
    RandomAccessFile out;
    try {
      out = new RandomAccessFile(control.toFile(), "rw");
    } catch (IOException e) {
      throw new ServiceIOException(ServiceIOException.Step.OPEN, Diagnosis.explain(e, control));
    }
    try (out) {
      out.write(commands);
    } catch (IOException e) {
      throw new ServiceIOException(ServiceIOException.Step.WRITE, e);
    }
    return true;
  }

  /**
   * stat(2), following symlinks; a failure comes as an exception whose errno is known without
   * the JDK's words ({@link Diagnosis#explain}): a NoSuchFileException is ENOENT indeed (newer
   * JDKs report ENOTDIR with it too), anything else an {@link ErrnoException} where the path
   * tells why.
   */
  static BasicFileAttributes stat(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      Path parent = path.getParent();
      if (parent == null || Files.isDirectory(parent)) {
        // ENOENT indeed, and the common case (no down file): decided here, as Diagnosis would,
        // so that a client's usual run does not load it and the classes it names
        throw e;
      }
      throw Diagnosis.explain(e, path);
    } catch (IOException e) {
      throw Diagnosis.explain(e, path);
    }
  }

  /** The likely holder of the lock that the record on disk names, if it can be read. */
  private Optional<Liveness.Holder> likelyHolder() {
    try {
      return likelyHolder(readStatus());
    } catch (ServiceIOException e) {
      return Optional.empty();
    }
  }

  /**
   * Who the status record says probably holds the lock: vigil's names its supervisor and the
   * descriptor; daemontools' and runit's name the child, whose parent is the supervisor.
   */
  private static Optional<Liveness.Holder> likelyHolder(Status s) {
    if (s.extension().isPresent()) {
      Extension x = s.extension().get();
      return Optional.of(new Liveness.Holder(x.supervisorPid(), OptionalInt.of(x.lockFd())));
    }
    if (s.isUp()) {
      OptionalLong parent = ProcStat.field(s.pid(), ProcStat.PARENT);
      if (parent.isPresent()) {
        return Optional.of(new Liveness.Holder(parent.getAsLong(), OptionalInt.empty()));
      }
    }
    return Optional.empty();
  }

  /**
   * daemontools' {@code open(fifo, O_WRONLY|O_NONBLOCK)} test without the system call: the errors
   * it would give, then "is there a reader" answered by the supervisor's lock.
   */
  private boolean openableForWriting(Path fifo) throws ServiceIOException {
    try {
      BasicFileAttributes a = stat(fifo);
      if (a.isDirectory()) {
        throw Errno.EISDIR.exception(fifo.toString());
      }
      if (!Files.isWritable(fifo)) {
        throw Errno.EACCES.exception(fifo.toString());
      }
      return Liveness.isLocked(lock(), likelyHolder());
    } catch (IOException e) {
      throw new ServiceIOException(ServiceIOException.Step.OPEN, Diagnosis.explain(e, fifo));
    }
  }
}
