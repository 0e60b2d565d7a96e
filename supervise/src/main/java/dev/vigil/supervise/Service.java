package dev.vigil.supervise;

import dev.vigil.common.Command;
import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.Extension;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.Status;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Clock;
import dev.vigil.common.os.FileStat;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import dev.vigil.common.os.SpawnSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One supervised directory, run on a {@link Host}: its descriptors, its child, its machine's
 * state, and the machine's effects carried out. The directory is opened once and held as a
 * descriptor; every file is reached relative to it and the child starts in it by fchdir, so a
 * renamed directory or a path longer than PATH_MAX changes nothing (daemontools chdirs once).
 *
 * <p>Anything that goes wrong for the service once it runs is a warning naming it, and a retry
 * where the machine has one; the host goes on. Taking the directory in charge can fail with a
 * {@link SetupFailure}, which its owner makes a fatal (supervise) or a retry (svscan); whatever
 * was opened by then is closed again.
 */
public final class Service implements Effect.Handler {
  private static final int FIFO_MODE = 0600;
  private static final int DIRECTORY_MODE = 0700;
  /** A record that could not be written (a full disk) is tried again this often until it is. */
  static final long REWRITE_NANOS = 1_000_000_000L;
  /** At most this much is read from the control FIFO per round: no flood can starve the loop. */
  private static final int CONTROL_READ = 512;
  /** notify-socket: the largest datagram read whole (what is longer is cut), and how many a round. */
  private static final int DATAGRAM_READ = 4096;
  private static final int DATAGRAMS_PER_ROUND = 16;
  /** sockaddr_un's sun_path: a socket path has at most this many bytes, its NUL included. */
  private static final int SUN_PATH = 108;
  /**
   * pidfile: how long after ./run exited the file may take to name the daemon (memcached -d
   * writes it after its parent exited; systemd waits for PIDFile= likewise), and how often it
   * is read meanwhile.
   */
  static final long PIDFILE_WAIT_NANOS = 5_000_000_000L;
  static final long PIDFILE_POLL_NANOS = 10_000_000L;

  /** Why a directory could not be taken in charge: daemontools' words, without the program's name. */
  public static final class SetupFailure extends Exception {
    private static final long serialVersionUID = 1L;

    SetupFailure(String text) {
      super(text, null, false, false);
    }
  }

  private final Host host;
  private final Os os;
  private final Clock clock;
  private final String name;
  private final Consumer<String> warn;
  private final List<Integer> held = new ArrayList<>();
  private final byte[] controlBuffer = new byte[CONTROL_READ];
  private int dir = -1;
  /** Where the state files are, and the descriptor they are reached through ({@link #dir} for daemontools'). */
  private final StateFiles where;
  private final ServiceDir.Layout layout;
  private int stateDir = -1;
  private int control = -1;
  private Machine machine;
  private State state;
  private AtomicFile status;
  private AtomicFile pidFile;
  /** Writes what is behind again: nothing else might happen to the service for a long time. */
  private Timer rewrite;
  private Os.Spawner spawner;
  private SortedMap<Integer, Integer> stdio;
  private ConfigFiles configFiles;
  private Timer timer;
  private Child child;
  /**
   * {@link #child} is the last supervisor's, adopted: not our child, so its exit status cannot
   * be had (waitpid is for parents), and its pid may be reused once it exits (no zombie of ours
   * holds it), so it is signalled through its pidfd.
   */
  private boolean adopted;
  /** A spawn's answer, taken after the rest of the step's effects. */
  private Event answer;
  /** Effects are being carried out: an answer that comes now waits for them to finish. */
  private boolean executing;
  /** The spawner of a spawn asked for whose answer has not come yet; null if none. */
  private Os.Spawner pendingSpawner;
  /** Withdraws that spawn while it waits for its turn in the host's queue. */
  private Runnable withdrawPending;
  private boolean gone;
  private Runnable onGone = () -> { };
  /** notify-socket's socket ({@code supervise/notify}), bound at the first start that asks for it; -1: none. */
  private int notifySocket = -1;
  /** ./run's spawner with NOTIFY_SOCKET in its environment, made with the socket. */
  private Os.Spawner notifySpawner;
  /** The NOTIFY_SOCKET that spawner passes. */
  private String notifyPath;
  private byte[] datagram;
  /** This child's notification-fd pipe: the end we read, and the end it gets; -1: none. */
  private int notification = -1;
  private int notificationWrite = -1;
  /** Runs ./check for this child of ./run; null if none. */
  private Checker checker;
  /** Finds what a daemonizing ./run leaves to carry the service on. */
  private Heirs heirs;
  /**
   * The service's process, exited (0) while its heir is looked for; null if none is. The
   * machine is not told of the exit until the look is over.
   */
  private Child orphanedBy;
  private int orphanedStatus;
  /** Monotonic time when the look for {@link #orphanedBy}'s heir gives up. */
  private long heirWaitEnds;
  private Timer heirTimer;
  /** Takes down what {@link #orphanedBy} left when none of it is followed; null if nothing is. */
  private Sweep sweep;

  private Service(Host host, String name, StateFiles where, Consumer<String> warn) {
    this.host = host;
    this.where = where;
    this.layout = where.layout();
    this.os = host.os();
    this.clock = host.clock();
    this.name = name;
    this.warn = warn;
  }

  /**
   * Takes charge of a service directory, in daemontools' order (spec §4.1): open the directory,
   * look for its down file, create supervise/, take the lock, open the control FIFO for reading
   * and writing, write the first status, open ok. The first start comes with {@link #start()}.
   * The state files are daemontools' ({@link StateFiles#IN_SERVICE}).
   *
   * @param name the directory as messages name it
   * @param at the directory descriptor {@code path} is relative to ({@link Os#CWD} for supervise)
   * @param stdio the child's descriptors 0, 1 and 2: which of the supervisor's goes where
   * @param warn prints one warning line
   */
  public static Service open(Host host, String name, int at, String path, SortedMap<Integer, Integer> stdio,
      Consumer<String> warn) throws SetupFailure {
    return open(host, name, at, path, StateFiles.IN_SERVICE, stdio, warn);
  }

  /** The same, with the state files {@code where} says (the seed article's layout, for one). */
  static Service open(Host host, String name, int at, String path, StateFiles where,
      SortedMap<Integer, Integer> stdio, Consumer<String> warn) throws SetupFailure {
    Service s = new Service(host, name, where, warn);
    try {
      s.setUp(at, path, stdio);
    } catch (SetupFailure | RuntimeException e) {
      s.abandon();
      throw e;
    }
    return s;
  }

  /** A call that may fail with an errno. */
  private interface Call<T> {
    T call() throws IOException;
  }

  private static <T> T or(String what, Call<T> call) throws SetupFailure {
    try {
      return call.call();
    } catch (IOException e) {
      throw new SetupFailure(what + ": " + Errno.text(e));
    }
  }

  private int hold(int fd) {
    held.add(fd);
    return fd;
  }

  private String show(String relative) {
    return name + "/" + relative;
  }

  /** A state file (a name of {@link #layout}) as messages print it. */
  private String showState(String file) {
    return where.show(name, file);
  }

  private void setUp(int at, String path, SortedMap<Integer, Integer> stdio) throws SetupFailure {
    dir = hold(or("unable to chdir to " + name, () -> os.openDirectory(at, path)));
    this.stdio = stdio;
    boolean normallyUp = isNormallyUp();
    configFiles = new ConfigFiles(os, dir, name, warn);
    Config config = configFiles.read();
    stateDir = openStateDirectory();
    int lock = hold(or("unable to acquire " + showState(layout.lock), () -> os.lock(stateDir, layout.lock)));
    machine = new Machine(name, ProcessHandle.current().pid(), lock);
    // before anything is written: the record the last supervisor left may name its orphan
    Optional<Status> orphaned = layout.canAdopt() ? orphanedRecord() : Optional.empty();
    control = openControl();
    status = new AtomicFile(os, stateDir, layout.status, layout.statusNew, showState(layout.statusNew), warn);
    if (layout.pid != null) {
      pidFile = new AtomicFile(os, stateDir, layout.pid, layout.pidNew, showState(layout.pidNew), warn);
    }
    timer = host.timer(() -> apply(new Event.Tick()));
    heirTimer = host.timer(this::lookForHeir);
    heirs = new Heirs(host, dir);
    rewrite = host.timer(this::catchUp);
    SpawnSpec run = new SpawnSpec(dir, "./" + ServiceDir.RUN, List.of("./" + ServiceDir.RUN), List.of(), stdio, true);
    spawner = or("unable to start " + show(ServiceDir.RUN), () -> os.spawner(run));
    // ok must be a FIFO before anything starts; it is opened (a supervisor is seen) once the
    // first status is there: down, or (no down file) the first child's, written when it is spawned
    if (layout.ok != null) {
      makeFifo(layout.ok);
      FileStat ok = or("unable to read " + showState(layout.ok), () -> os.stat(stateDir, layout.ok));
      if (ok.kind() != FileStat.Kind.FIFO) {
        throw new SetupFailure("unable to read " + showState(layout.ok) + ": not a named pipe");
      }
    }
    if (orphaned.isPresent() && config.ready() instanceof ReadyWhen.NotifySocket) {
      // the orphan's NOTIFY_SOCKET names supervise/notify: have a socket there again
      notifySpawner();
    }
    Machine.Step first = orphaned.isPresent()
        ? machine.adopt(orphaned.get(), child.startTicks(), config, clock.nanos(), clock.wall())
        : machine.begin(normallyUp, config, clock.nanos(), clock.wall());
    state = first.next();
    execute(first.effects());
    if (layout.ok != null) {
      openFifo(layout.ok, "read");
    }
    or("unable to read " + showState(layout.control), () -> {
      host.watch(control, this::readControl);
      return null;
    });
  }

  /**
   * The record of a supervisor that died while its ./run ran on, with that process adopted as
   * {@link #child} ({@link Orphan}); empty if there is none.
   */
  private Optional<Status> orphanedRecord() throws SetupFailure {
    Optional<Orphan> orphan = Orphan.find(os, stateDir, layout.status);
    if (orphan.isEmpty()) {
      return Optional.empty();
    }
    child = orphan.get().process();
    adopted = true;
    // a process we cannot watch must not be left to run beside a second copy
    or("unable to watch pid " + child.pid(), () -> {
      host.watch(child.pidfd(), this::reap);
      return null;
    });
    return Optional.of(orphan.get().record());
  }

  /** No {@code down} file (a dangling symlink counts as none, as stat(2) follows it). */
  private boolean isNormallyUp() throws SetupFailure {
    try {
      os.stat(dir, ServiceDir.DOWN);
      return false;
    } catch (ErrnoException e) {
      if (e.errno == Errno.ENOENT.number) {
        return true;
      }
      throw new SetupFailure("unable to stat " + show(ServiceDir.DOWN) + ": " + Errno.text(e));
    } catch (IOException e) {
      throw new SetupFailure("unable to stat " + show(ServiceDir.DOWN) + ": " + Errno.text(e));
    }
  }

  /**
   * The directory the state files are in, created as needed: the service directory, with its
   * supervise/ made; or the article's status/NAME, each of the two made (0700 less the umask)
   * if missing and opened once, as the service directory is.
   */
  private int openStateDirectory() throws SetupFailure {
    if (!where.isApart()) {
      makeSuperviseDirectory();
      return dir;
    }
    String parent = where.path().substring(0, where.path().lastIndexOf('/'));
    for (String d : new String[] {parent, where.path()}) {
      try {
        os.mkdir(Os.CWD, d, DIRECTORY_MODE);
      } catch (IOException exists) {
        // it exists, or opening it fails with the reason
      }
    }
    return hold(or("unable to open " + where.shown(), () -> os.openDirectory(Os.CWD, where.path())));
  }

  /**
   * mkdir supervise (0700 less the umask), ignoring errors as daemontools does; with Debian's
   * patch, a dangling {@code supervise} symlink gets its target created (a relative target is
   * relative to the service directory, where the link is).
   */
  private void makeSuperviseDirectory() {
    try {
      os.mkdir(dir, ServiceDir.SUPERVISE, DIRECTORY_MODE);
    } catch (IOException exists) {
      try {
        Optional<String> target = os.readlink(dir, ServiceDir.SUPERVISE);
        if (target.isPresent()) {
          os.mkdir(dir, target.get(), DIRECTORY_MODE);
        }
      } catch (IOException e) {
        // it exists, or the lock will fail with the reason
      }
    }
  }

  /**
   * mkfifo control (an existing one is reused) and open it for reading and writing at once, so
   * that reads never see end of file as clients come and go; only a FIFO will do.
   */
  private int openControl() throws SetupFailure {
    makeFifo(layout.control);
    int fd = hold(or("unable to read " + showState(layout.control), () -> os.openControl(stateDir, layout.control)));
    requireFifo(fd, layout.control, "read");
    return fd;
  }

  /** mkfifo (an existing entry is reused) and open it for reading without blocking; only a FIFO will do. */
  private int openFifo(String fifo, String verb) throws SetupFailure {
    makeFifo(fifo);
    int fd = hold(or("unable to " + verb + " " + showState(fifo), () -> os.openFifo(stateDir, fifo, false)));
    requireFifo(fd, fifo, verb);
    return fd;
  }

  private void makeFifo(String fifo) {
    try {
      os.mkfifo(stateDir, fifo, FIFO_MODE);
    } catch (IOException e) {
      // EEXIST: reuse it, as daemontools does, once we know it is a FIFO
    }
  }

  private void requireFifo(int fd, String fifo, String verb) throws SetupFailure {
    FileStat kind = or("unable to " + verb + " " + showState(fifo), () -> os.stat(fd));
    if (kind.kind() != FileStat.Kind.FIFO) {
      // daemontools would read a regular file as commands and then spin on end-of-file
      throw new SetupFailure("unable to " + verb + " " + showState(fifo) + ": not a named pipe");
    }
  }

  /** Calls {@code action} once the service's supervision is over and all it held is released. */
  public void onGone(Runnable action) {
    this.onGone = action;
  }

  /**
   * Lets the service's deadlines run. (The first start, when there is no down file, happened
   * while it was taken in charge, before {@code supervise/ok} existed: the status names the
   * child by the time a client can see a supervisor.)
   */
  public void start() {
    apply(new Event.Tick());
  }

  /** A command, as if its byte had come through the control FIFO. */
  public void command(Command command) {
    apply(new Event.Control(command));
  }

  /** The supervisor is stopping and this service's input closing: go when the child has finished. */
  public void drain() {
    apply(new Event.Drain());
  }

  /** The supervisor was told to stop: take the child down, then go. */
  public void terminate() {
    apply(new Event.Terminate());
  }

  public boolean isGone() {
    return gone;
  }

  public String name() {
    return name;
  }

  /** One bounded read of the control FIFO per round; bytes that name no command are ignored. */
  private void readControl() {
    int n;
    try {
      n = os.read(control, controlBuffer);
    } catch (IOException e) {
      // cannot happen on a FIFO we hold both ends of; do not spin on it
      warn.accept("unable to read " + showState(layout.control) + ": " + Errno.text(e));
      host.unwatch(control);
      return;
    }
    for (int i = 0; i < n && !gone; i++) {
      Command c = Command.of(controlBuffer[i] & 0xff);
      if (c != null) {
        apply(new Event.Control(c));
      }
    }
  }

  private void reap() {
    if (child == null) {
      return;
    }
    OptionalInt exit;
    try {
      // an adopted process is not ours to wait for: its pidfd said it has exited, and how is unknown
      exit = adopted ? OptionalInt.of(Extension.EXIT_UNKNOWN) : host.reap(child.pid());
    } catch (IOException e) {
      // ECHILD: a followed daemon reaped as a stray before it was claimed; nobody else may reap
      // our child. Do not spin on the pidfd
      exit = OptionalInt.of(Extension.EXIT_UNKNOWN);
    }
    if (exit.isPresent()) {
      // its exit is told once what it left is settled: followed, taken down, or nothing
      orphanedBy = detachChild();
      orphanedStatus = exit.getAsInt();
      if (mayHaveDaemonized(orphanedStatus)) {
        heirWaitEnds = clock.nanos() + (state.config().pidfile().isPresent() ? PIDFILE_WAIT_NANOS : 0);
        lookForHeir();
        return;
      }
      // a plan takes the whole group down (svc -d with a stop plan, a shutdown): what outlived
      // the main goes too, before the exit is told (and supervise goes), so nothing runs on
      // and no zombie of the group is left to supervise's own parent
      List<Long> rest = state.life() instanceof Lifecycle.Stopping ? heirs.stillInGroup(orphanedBy.pid()) : List.of();
      if (rest.isEmpty()) {
        tellExit();
      } else {
        sweepThenTellExit(rest);
      }
    }
  }

  /**
   * Takes {@code left} down by the service's shutdown plan ({@link Sweep}), then tells the
   * machine that {@link #orphanedBy} exited. Meanwhile what is sent to the exited pid reaches no one.
   */
  private void sweepThenTellExit(List<Long> left) {
    sweep = Sweep.start(host, left, Machine.shutdownPlan(state.config()), () -> {
      sweep = null;
      tellExit();
    });
    if (sweep.isOver()) {
      sweep = null;
    }
  }

  /**
   * {@link #orphanedBy} is gone and nothing carries the service on: the machine is told. (Its
   * pidfd is closed after the machine has acted (restarted), off the restart's path, and so the
   * new child's pidfd never takes the number of one this round may still report.)
   */
  private void tellExit() {
    Child old = orphanedBy;
    orphanedBy = null;
    endReadiness();
    apply(new Event.ChildExited(orphanedStatus));
    release(old);
  }

  /**
   * ./run (or the daemon followed) exited 0, or how is unknown, while it was to run on: it may
   * have daemonized, and what it left is looked for. A ./finish, a stop or a service wanted down
   * is not followed any further.
   */
  private boolean mayHaveDaemonized(int waitStatus) {
    return (waitStatus == 0 || waitStatus == Extension.EXIT_UNKNOWN) && state.life() instanceof Lifecycle.Up
        && state.want() != dev.vigil.common.Want.DOWN && state.leave() == State.Leave.STAY;
  }

  /**
   * Looks for what carries the service on ({@link Heirs}); with a pidfile that does not name it
   * yet (the daemon writes it after its parent exited, as memcached -d does), again every
   * {@link #PIDFILE_POLL_NANOS} until {@link #PIDFILE_WAIT_NANOS} after the exit. Meanwhile
   * the machine still sees the service up, and what it sends the exited pid goes through the
   * pidfd, which reaches no one.
   */
  private void lookForHeir() {
    Heirs.Found found = heirs.find(orphanedBy.pid(), state.config().pidfile());
    if (found.heir().isPresent()) {
      follow(found.heir().get());
      return;
    }
    long now = clock.nanos();
    if (now - heirWaitEnds < 0 && !gone) {
      heirTimer.at(Math.min(heirWaitEnds, now + PIDFILE_POLL_NANOS));
      return;
    }
    if (state.config().pidfile().isPresent()) {
      warn.accept(show(state.config().pidfile().get()) + " named no process of the service within "
          + PIDFILE_WAIT_NANOS / 1_000_000_000L + " seconds of pid " + orphanedBy.pid() + "'s exit");
    } else if (!found.left().isEmpty()) {
      warn.accept(show(ServiceDir.RUN) + " exited and left " + found.left().size() + " processes behind, pids "
          + found.left() + ": stopping them before it starts again (a pidfile file names the one to follow)");
      sweepThenTellExit(found.left());
      return;
    }
    tellExit();
  }

  /** The service is {@code heir} from now on, instead of {@link #orphanedBy}. */
  private void follow(Heirs.Heir heir) {
    child = heir.process();
    adopted = !heir.ours();
    try {
      host.watch(child.pidfd(), this::reap);
    } catch (IOException e) {
      // a process we cannot watch cannot be followed: the service restarts as if it had not daemonized
      warn.accept("unable to watch pid " + child.pid() + ": " + Errno.text(e));
      release(detachChild());
      tellExit();
      return;
    }
    Child old = orphanedBy;
    orphanedBy = null;
    apply(new Event.Followed(heir.process().pid(), heir.process().startTicks(), heir.guessed()));
    release(old);
  }

  private void apply(Event event) {
    if (gone) {
      return;
    }
    Machine.Step step = machine.on(state, event, clock.nanos(), clock.wall());
    state = step.next();
    execute(step.effects());
  }

  /**
   * Carries out effects in order. A spawn's answer (Spawned or SpawnFailed) goes back into the
   * machine after the rest of the list, so no effect of the old state can follow the new one's.
   */
  private void execute(List<Effect> effects) {
    executing = true;
    try {
      for (Effect effect : effects) {
        if (gone) {
          return;
        }
        effect.accept(this);
      }
    } finally {
      executing = false;
    }
    Event a = answer;
    answer = null;
    if (a != null) {
      apply(a);
    } else if (!gone) {
      state.deadline().ifPresentOrElse(timer::at, timer::cancel);
    }
  }

  @Override
  public void spawn(Lifecycle.Program program, List<String> args) {
    boolean finish = program == Lifecycle.Program.FINISH;
    // the readiness protocol of the settings this start is made with
    ReadyWhen ready = finish ? ReadyWhen.UP : state.config().ready();
    Os.Spawner used;
    try {
      used = finish ? finishSpawner(args) : runSpawner(ready);
    } catch (IOException e) {
      endReadiness();
      answered(new Event.SpawnFailed(e instanceof ErrnoException x ? x.errno : Errno.EIO.number));
      return;
    }
    pendingSpawner = used;
    Runnable withdraw = host.spawn(used, new Host.SpawnAnswer() {
      @Override
      public void spawned(Child c) {
        spawnAnswered();
        try {
          host.watch(c.pidfd(), Service.this::reap);
        } catch (IOException e) {
          // a child we cannot watch must not run (ENOSPC: the epoll watch limit)
          killAndReap(host, c);
          endReadiness();
          answered(new Event.SpawnFailed(e instanceof ErrnoException x ? x.errno : Errno.EIO.number));
          return;
        }
        child = c;
        boolean inline = executing;
        answered(new Event.Spawned(c.pid(), c.startTicks()));
        if (!finish && !gone) {
          beginReadiness(ready);
        }
        if (!finish && !inline && !gone) {
          // the settings hold from this start on; read now, off the restart's path
          apply(new Event.Configured(configFiles.read()));
        }
      }

      @Override
      public void failed(IOException why) {
        spawnAnswered();
        endReadiness();
        answered(new Event.SpawnFailed(why instanceof ErrnoException x ? x.errno : Errno.EIO.number));
      }
    });
    if (pendingSpawner != null) {
      withdrawPending = withdraw;
    }
  }

  private Os.Spawner finishSpawner(List<String> args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add("./" + ServiceDir.FINISH);
    argv.addAll(args);
    return os.spawner(new SpawnSpec(dir, argv.get(0), argv, List.of(), stdio, true));
  }

  /**
   * ./run's spawner for this start: the one made at set-up, or for notification-fd one that
   * passes this start's own pipe, or for notify-socket the one that passes NOTIFY_SOCKET.
   */
  private Os.Spawner runSpawner(ReadyWhen ready) throws IOException {
    if (ready instanceof ReadyWhen.Notification n) {
      int[] pipe = os.pipe();
      notification = pipe[0];
      notificationWrite = pipe[1];
      SortedMap<Integer, Integer> fds = new TreeMap<>(stdio);
      fds.put(n.fd(), notificationWrite);
      String run = "./" + ServiceDir.RUN;
      return os.spawner(new SpawnSpec(dir, run, List.of(run), List.of(), fds, true));
    }
    if (ready instanceof ReadyWhen.NotifySocket) {
      return notifySpawner();
    }
    return spawner;
  }

  /**
   * Binds supervise/notify (once) and makes the spawner that names it (again when the name
   * changes). A socket that cannot be bound is warned about at each start that asks for it,
   * and ./run starts without NOTIFY_SOCKET.
   */
  private Os.Spawner notifySpawner() {
    try {
      if (notifySocket < 0) {
        notifySocket = os.bindDatagram(stateDir, layout.notify, FIFO_MODE);
        host.watch(notifySocket, this::readNotifySocket);
        datagram = new byte[DATAGRAM_READ];
      }
      String path = notifyPath();
      if (notifySpawner == null || !path.equals(notifyPath)) {
        String run = "./" + ServiceDir.RUN;
        Os.Spawner made = os.spawner(new SpawnSpec(dir, run, List.of(run), List.of("NOTIFY_SOCKET=" + path), stdio, true));
        if (notifySpawner != null) {
          notifySpawner.close();
        }
        notifySpawner = made;
        notifyPath = path;
      }
      return notifySpawner;
    } catch (IOException e) {
      warn.accept("unable to bind " + showState(layout.notify) + ": " + Errno.text(e));
      closeNotifySocket();
      return spawner;
    }
  }

  /**
   * What NOTIFY_SOCKET says: the socket's absolute path as the directory is now called, which a
   * child still reaches after this supervisor died and the next one bound the socket again; or,
   * when that path does not fit sun_path's 108 bytes (or the directory cannot be named), the
   * path through this process's descriptor of the directory, which is short whatever the
   * directory's length and is unchanged by renames, but leads nowhere once this process is gone.
   */
  private String notifyPath() {
    try {
      Optional<String> at = os.readlink(Os.CWD, "/proc/self/fd/" + stateDir);
      if (at.isPresent() && at.get().startsWith("/") && !at.get().endsWith(" (deleted)")) {
        String path = at.get() + "/" + layout.notify;
        if (path.getBytes(StandardCharsets.UTF_8).length < SUN_PATH) {
          return path;
        }
      }
    } catch (IOException e) {
      // below
    }
    return "/proc/" + ProcessHandle.current().pid() + "/fd/" + stateDir + "/" + layout.notify;
  }

  /** ./run runs: listen to what it says of its readiness, as the settings of its start ask. */
  private void beginReadiness(ReadyWhen ready) {
    if (notification >= 0) {
      try {
        host.watch(notification, this::readNotification);
      } catch (IOException e) {
        warn.accept("unable to read " + show(ServiceDir.NOTIFICATION_FD) + ": " + Errno.text(e));
        endReadiness();
      }
    }
    if (ready instanceof ReadyWhen.Check c) {
      try {
        checker = Checker.start(host, dir, stdio, c.intervalNanos(), name, warn,
            () -> apply(new Event.Notified(true, Optional.empty(), false)));
      } catch (IOException e) {
        warn.accept("unable to start " + show(ServiceDir.CHECK) + ": " + Errno.text(e));
      }
    }
  }

  /** s6: a newline on the pipe means ready, and the pipe is closed then (or when ./run closes it). */
  private void readNotification() {
    int n;
    try {
      n = os.read(notification, controlBuffer);
    } catch (IOException e) {
      n = 0;
    }
    boolean newline = false;
    for (int i = 0; i < n; i++) {
      newline |= controlBuffer[i] == '\n';
    }
    if (n == 0 || newline) {
      // readable and nothing to read: ./run closed its end
      closeNotification();
    }
    if (newline) {
      apply(new Event.Notified(true, Optional.empty(), false));
    }
  }

  /** systemd's protocol: newline-separated assignments, one datagram at a time; the rest is ignored. */
  private void readNotifySocket() {
    for (int round = 0; round < DATAGRAMS_PER_ROUND && notifySocket >= 0 && !gone; round++) {
      int n;
      try {
        n = os.read(notifySocket, datagram);
      } catch (IOException e) {
        return;
      }
      if (n == 0) {
        return;
      }
      boolean ready = false;
      boolean stopping = false;
      Optional<String> text = Optional.empty();
      for (String line : new String(datagram, 0, n, StandardCharsets.UTF_8).split("\n")) {
        ready |= line.equals("READY=1");
        stopping |= line.equals("STOPPING=1");
        if (line.startsWith("STATUS=")) {
          text = Optional.of(line.substring("STATUS=".length()));
        }
      }
      if (ready || stopping || text.isPresent()) {
        apply(new Event.Notified(ready, text, stopping));
      }
    }
  }

  /** No more readiness news for this child (it exited, or never started). */
  private void endReadiness() {
    closeNotification();
    if (checker != null) {
      checker.stop();
      checker = null;
    }
  }

  private void closeNotification() {
    if (notification >= 0) {
      host.unwatch(notification);
      os.close(notification);
      notification = -1;
    }
    closeNotificationWrite();
  }

  private void closeNotificationWrite() {
    if (notificationWrite >= 0) {
      os.close(notificationWrite);
      notificationWrite = -1;
    }
  }

  private void closeNotifySocket() {
    if (notifySocket >= 0) {
      host.unwatch(notifySocket);
      os.close(notifySocket);
      notifySocket = -1;
    }
  }

  /**
   * The answer came: a spawner made for this start alone is done with (the set-up's and
   * notify-socket's serve every start), and so is our copy of the notification pipe's write end.
   */
  private void spawnAnswered() {
    if (pendingSpawner != spawner && pendingSpawner != notifySpawner) {
      pendingSpawner.close();
    }
    closeNotificationWrite();
    pendingSpawner = null;
    withdrawPending = null;
  }

  @Override
  public void withdrawSpawn() {
    if (withdrawPending != null) {
      withdrawPending.run();
      spawnAnswered();
      endReadiness();
    }
  }

  /** A spawn's answer: after the step's other effects if it came while they are carried out. */
  private void answered(Event event) {
    if (executing) {
      answer = event;
    } else {
      apply(event);
    }
  }

  /**
   * Kills a child we will not watch, with its process group (it leads one), and reaps it:
   * SIGKILL cannot be caught, the zombie is there within moments. Its pidfd is closed.
   */
  static void killAndReap(Host host, Child c) {
    Os os = host.os();
    try {
      os.signalGroup(c.pid(), Signal.KILL);
    } catch (IOException e) {
      // no group left: the pid alone below
    }
    try {
      os.signal(c.pid(), Signal.KILL);
      while (host.reap(c.pid()).isEmpty()) {
        Thread.onSpinWait();
      }
    } catch (IOException e) {
      // gone already
    }
    os.close(c.pidfd());
  }

  @Override
  public void signal(long pid, Signal signal) {
    try {
      if (adopted && child != null && child.pid() == pid) {
        os.signalPidfd(child.pidfd(), signal);
      } else if (orphanedBy != null && orphanedBy.pid() == pid) {
        // reaped already: its pid may be another process's by now
        os.signalPidfd(orphanedBy.pidfd(), signal);
      } else {
        os.signal(pid, signal);
      }
    } catch (ErrnoException e) {
      signalFailed(e, "pid " + pid);
    } catch (IOException e) {
      warn.accept("unable to signal " + show(ServiceDir.RUN) + ": " + Errno.text(e));
    }
  }

  @Override
  public void signalGroup(long pgid, Signal signal) {
    try {
      os.signalGroup(pgid, signal);
    } catch (ErrnoException e) {
      signalFailed(e, "process group " + pgid);
    } catch (IOException e) {
      warn.accept("unable to signal " + show(ServiceDir.RUN) + ": " + Errno.text(e));
    }
  }

  private void signalFailed(ErrnoException e, String target) {
    // ESRCH: the child died and awaits reaping; its pidfd will tell us
    if (e.errno != Errno.ESRCH.number) {
      warn.accept("unable to signal " + show(ServiceDir.RUN) + " (" + target + "): " + Errno.text(e));
    }
  }

  @Override
  public void writeStatus(Status s) {
    status.offer(layout.encode(s));
    catchUp();
  }

  @Override
  public void writePid(long pid) {
    if (pidFile == null) {
      return; // the layout has no pid file
    }
    pidFile.offer((pid == 0 ? "" : pid + "\n").getBytes(StandardCharsets.US_ASCII));
    catchUp();
  }

  /**
   * Writes the pid file (where the layout has one), then the record, whichever does not hold its
   * newest content yet. What could not be written (a full disk) is tried again every
   * {@link #REWRITE_NANOS}, so the record is current again soon after space returns even if
   * nothing else happens to the service. The record waits for its pid file (runit's order: a
   * client that has read a record finds the pid file that goes with it).
   */
  private void catchUp() {
    if ((pidFile == null || pidFile.catchUp()) && status.catchUp()) {
      rewrite.cancel();
    } else {
      rewrite.atOrBefore(clock.nanos() + REWRITE_NANOS);
    }
  }

  @Override
  public void warn(String text) {
    warn.accept(text);
  }

  @Override
  public void exit() {
    release();
    onGone.run();
  }

  /** The service's child, no longer its own; null if it had none. */
  private Child detachChild() {
    Child c = child;
    if (c != null) {
      host.unwatch(c.pidfd());
      child = null;
      adopted = false;
    }
    return c;
  }

  private void release(Child c) {
    if (c != null) {
      os.close(c.pidfd());
    }
  }

  /**
   * Set-up failed after the first child started (it cannot open ok: no descriptor left): that
   * child must not run unsupervised. An adopted one is let go as it was found.
   */
  private void abandon() {
    if (child != null && adopted) {
      // it ran before us and runs on: the next supervisor adopts it
      release(detachChild());
    } else if (child != null) {
      Child c = detachChild();
      killAndReap(host, c);
    }
    release();
  }

  /** Lets go of everything: descriptors, the spawner, the timer. */
  private void release() {
    gone = true;
    if (timer != null) {
      timer.cancel();
    }
    if (heirTimer != null) {
      heirTimer.cancel();
    }
    if (rewrite != null) {
      rewrite.cancel();
    }
    release(detachChild());
    if (sweep != null) {
      sweep.abandon();
      sweep = null;
    }
    release(orphanedBy);
    orphanedBy = null;
    if (control >= 0) {
      host.unwatch(control);
    }
    for (int fd : held) {
      os.close(fd);
    }
    held.clear();
    // a spawn still waiting for its turn is never made: no child of a service that is gone
    withdrawSpawn();
    endReadiness();
    closeNotifySocket();
    if (notifySpawner != null) {
      notifySpawner.close();
    }
    if (spawner != null) {
      spawner.close();
    }
  }
}
