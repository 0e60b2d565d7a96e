package dev.vigil.svwait;

import dev.vigil.common.Die;
import dev.vigil.common.Errno;
import dev.vigil.common.Exit;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.common.Status;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Waits until services reach a {@link Goal}, woken by their supervisors' status writes: every
 * supervisor (daemontools', runit's, vigil's) renames a new {@code supervise/status} into place at
 * each change, which inotify (the JDK's WatchService on Linux) reports on {@code supervise/}.
 * Each report makes the record be read again; there is no polling for the goal.
 *
 * <p>A supervisor that dies writes nothing, so whether each still holds its lock is checked when
 * its directory reports and, for all of them, once a second: the only periodic wake-up. A
 * service whose supervisor is gone keeps its last state; when the goal can then never be met,
 * the wait ends ({@link Exit#SUPERVISOR_GONE}).
 *
 * <p>The watch begins, and the state it starts from is read, in {@link #watch}: a caller that
 * sends commands does so after it and before {@link #await}, so no change they cause is missed
 * and "restarted" compares with the state before them.
 */
public final class Waiter implements AutoCloseable {
  /** How often every supervisor is checked for life when nothing else wakes the wait. */
  static final long LIVENESS_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** The name of the record in {@code supervise/}, as the watch reports it (the article's layout's too). */
  private static final Path STATUS_FILE = Path.of(ServiceDir.STATUS).getFileName();

  private final Goal goal;
  private final boolean any;
  private final WatchService watcher;
  private final List<Watched> services;
  private final Map<WatchKey, List<Watched>> byKey;

  /** One service directory and what has been seen of it since the wait began. */
  private static final class Watched {
    final ServiceDir dir;
    Optional<Status> record;
    Moment now;
    /** Down at some moment since the wait began, that one included. */
    boolean wentDown;
    /** No longer seen holding its lock: its state is its last. */
    boolean gone;

    Watched(ServiceDir dir, Status record) {
      this.dir = dir;
      this.record = Optional.of(record);
      this.now = Moment.of(record);
      this.wentDown = !now.up();
    }
  }

  private Waiter(Goal goal, boolean any, WatchService watcher, List<Watched> services,
      Map<WatchKey, List<Watched>> byKey) {
    this.goal = goal;
    this.any = any;
    this.watcher = watcher;
    this.services = services;
    this.byKey = byKey;
  }

  /**
   * Starts watching {@code dirs}, then reads each one's status record and checks its supervisor.
   *
   * @param any whether one service reaching the goal is enough (svwait -o); otherwise all must
   *     (-a), at the same moment
   * @throws Die 111 for a directory that cannot be entered or watched, or whose record cannot be
   *     read (it has none: it has never been supervised)
   */
  public static Waiter watch(List<ServiceDir> dirs, Goal goal, boolean any) {
    WatchService watcher;
    try {
      watcher = FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to watch for changes", e);
    }
    List<Watched> services = new ArrayList<>();
    Map<WatchKey, List<Watched>> byKey = new HashMap<>();
    Waiter waiter = new Waiter(goal, any, watcher, services, byKey);
    try {
      for (ServiceDir dir : dirs) {
        try {
          dir.enter();
        } catch (IOException e) {
          throw Die.fatal(Exit.TEMPORARY, "unable to chdir to " + dir.name(), e);
        }
        WatchKey key;
        Path supervise = dir.supervise();
        try {
          // ENTRY_CREATE is the rename of status.new; ENTRY_MODIFY a supervisor writing in place
          key = supervise.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
          // the article's layout watches the state directory itself, as given
          String watched = dir.layout() == ServiceDir.Layout.DAEMONTOOLS ? dir.show(ServiceDir.SUPERVISE) : dir.name();
          throw Die.fatal(Exit.TEMPORARY, "unable to watch " + watched, e);
        }
        // read after the watch began: a change from here on is reported
        Optional<Status> record = read(dir);
        if (record.isEmpty()) {
          // never supervised, or its supervisor just began: s6-svwait fails alike
          throw Die.fatal(Exit.TEMPORARY, "unable to open " + dir.show(dir.layout().status) + ": " + Errno.ENOENT.text);
        }
        Watched w = new Watched(dir, record.get());
        services.add(w);
        // no lambdas here: an invokedynamic bootstrap costs a client milliseconds at start-up
        List<Watched> same = byKey.get(key); // the same supervise/ given twice: one key
        if (same == null) {
          same = new ArrayList<>(1);
          byKey.put(key, same);
        }
        same.add(w);
      }
      for (Watched w : services) {
        waiter.checkSupervisor(w);
      }
    } catch (RuntimeException e) {
      waiter.close();
      throw e;
    }
    return waiter;
  }

  /**
   * Waits until the goal is met, returning at once if it is already.
   *
   * @param timeoutMillis at most this long; 0 waits for ever
   * @throws Die {@link Exit#TIMED_OUT} when the time is up, {@link Exit#SUPERVISOR_GONE} when a
   *     supervisor that mattered is gone, 111 when a record or a lock cannot be read
   */
  public void await(long timeoutMillis) {
    long start = System.nanoTime();
    long lastRound = start;
    if (met()) {
      return;
    }
    failIfHopeless();
    while (true) {
      long wait = LIVENESS_PERIOD_NANOS;
      if (timeoutMillis > 0) {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis) - (System.nanoTime() - start);
        if (left <= 0) {
          throw Die.fatal(Exit.TIMED_OUT, "timed out");
        }
        wait = Math.min(wait, left);
      }
      Set<Watched> changed = new LinkedHashSet<>();
      WatchKey key = poll(wait);
      while (key != null) {
        collect(key, changed);
        key = watcher.poll(); // and whatever else has come: one round for all
      }
      for (Watched w : changed) {
        if (!w.gone && see(w)) {
          return;
        }
      }
      boolean round = System.nanoTime() - lastRound >= LIVENESS_PERIOD_NANOS;
      if (round) {
        lastRound = System.nanoTime();
      }
      for (Watched w : services) {
        if (!w.gone && (round || changed.contains(w)) && checkSupervisor(w) && met()) {
          return; // its last record, read as it was found gone, met the goal
        }
      }
      failIfHopeless();
    }
  }

  private WatchKey poll(long nanos) {
    try {
      return watcher.poll(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      throw Die.fatal(Exit.TEMPORARY, "interrupted while waiting");
    }
  }

  /** Adds the services whose status {@code key}'s events say changed; every one on overflow. */
  private void collect(WatchKey key, Set<Watched> changed) {
    List<Watched> watched = byKey.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        changed.addAll(services); // events were lost: anything may have changed
      } else if (watched != null && STATUS_FILE.equals(event.context())) {
        changed.addAll(watched);
      }
    }
    key.reset(); // false if supervise/ is gone; its supervisor's lock says the rest
  }

  /**
   * Reads {@code w}'s record again and goes through the moments since the last one, checking
   * the goal at each, as s6-svwait does at each event; true as soon as it is met.
   */
  private boolean see(Watched w) {
    Optional<Status> record = read(w.dir);
    if (record.isEmpty()) {
      return false; // gone with its supervisor: the lock will say so
    }
    // no equals to skip a record seen already: a record's equals is an invokedynamic whose
    // bootstrap costs the first event ~90 ms in a client JVM; the same record again is harmless
    w.record = record;
    for (Moment m : Moment.path(w.now, Moment.of(record.get()))) {
      w.now = m;
      w.wentDown |= !m.up();
      if (met()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks that {@code w}'s supervisor still holds its lock; if not, takes its last record into
   * account (a supervisor writes one as it exits) and marks it gone.
   *
   * @return true if it is gone
   */
  private boolean checkSupervisor(Watched w) {
    boolean locked;
    try {
      locked = w.dir.isLocked(w.record);
    } catch (IOException e) {
      throw Die.fatal(Exit.TEMPORARY, "unable to check the lock on " + w.dir.show(w.dir.layout().lock), e);
    }
    if (locked) {
      return false;
    }
    see(w);
    w.gone = true;
    return true;
  }

  private boolean met() {
    if (services.isEmpty()) {
      return true; // nothing to wait for, whether all or one was asked (s6-svwait exits 0)
    }
    for (Watched w : services) {
      if (goal.metBy(w.now, w.wentDown) == any) {
        return any;
      }
    }
    return !any;
  }

  /**
   * Ends the wait if supervisors that are gone make the goal unreachable: for -a, one gone short
   * of it; for -o, all of them gone (none met it, or the wait would be over).
   */
  private void failIfHopeless() {
    Watched stuck = null;
    for (Watched w : services) {
      if (!w.gone) {
        if (any) {
          return;
        }
      } else if (stuck == null && !goal.metBy(w.now, w.wentDown)) {
        stuck = w;
      }
    }
    if (stuck != null) {
      throw Die.fatal(Exit.SUPERVISOR_GONE, "unable to wait for " + stuck.dir.name() + ": supervise not running");
    }
  }

  /**
   * The record, or empty if there is none; any other failure is fatal, worded as svstat words
   * it.
   */
  private static Optional<Status> read(ServiceDir dir) {
    try {
      return Optional.of(dir.readStatus());
    } catch (ServiceIOException e) {
      if (e.step == ServiceIOException.Step.OPEN && e.errno == Errno.ENOENT) {
        return Optional.empty();
      }
      String verb = e.step == ServiceIOException.Step.OPEN ? "unable to open " : "unable to read ";
      throw Die.fatal(Exit.TEMPORARY, verb + dir.show(dir.layout().status) + ": " + e.reason);
    }
  }

  @Override
  public void close() {
    try {
      watcher.close();
    } catch (IOException e) {
      // nothing is left to watch; the descriptor goes with the process anyway
    }
  }
}
