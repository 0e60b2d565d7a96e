package dev.vigil.svscan;

import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.Messages;
import dev.vigil.common.ServiceDir;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Descriptors;
import dev.vigil.common.os.DirectoryEvent;
import dev.vigil.common.os.FileStat;
import dev.vigil.common.os.Os;
import dev.vigil.supervise.Host;
import dev.vigil.supervise.Orphan;
import dev.vigil.supervise.Service;
import dev.vigil.supervise.Timer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The scanned directory, on a {@link Host}: every entry that is a directory and does not start
 * with a dot is a service ({@link Pair}), as daemontools' svscan has it (spec §8), each with its
 * own {@code supervise/} as if a supervise ran on it.
 *
 * <p>An entry that appears is noticed at once (inotify) and started. The 5-second rescan of
 * daemontools runs whenever something waits for it: an entry that could not be started or
 * stat'ed (a dangling symlink, a lock another supervisor holds, no descriptors left), or
 * inotify being unavailable or having lost events; with nothing waiting, svscan makes no
 * wake-ups of its own. A service that exits (svc -x) while its entry is there is started again
 * at once, as daemontools does at its next scan; one whose entry is gone is dropped, with its
 * pipe, once its logger has exited too.
 *
 * <p>Shutdown (TERM, INT, HUP): every main service is taken down; as each one goes, svscan
 * closes its end of the pair's pipe and tells the logger to exit when its child does, which it
 * does at end of input, once it has drained the pipe; a logger that does not is terminated
 * after {@link #DRAIN_NANOS}. svscan exits once everything is down.
 */
final class Scanner {
  static final String PROGRAM = "svscan";
  static final long RESCAN_NANOS = 5_000_000_000L;
  /** How long a logger has to finish its input at shutdown before it is terminated. */
  static final long DRAIN_NANOS = 2_000_000_000L;
  /**
   * Descriptors a service holds: its directory, lock, control and ok FIFOs, its child's pidfd,
   * and one more while it replaces its status file. A log pair adds a second service and a pipe.
   */
  private static final int DESCRIPTORS_PER_SERVICE = 6;
  private static final int DESCRIPTORS_PER_PIPE = 2;
  /**
   * Descriptors kept free for the services already running (status files, restarts, the /proc
   * reads of a spawn): an entry that would eat into them is not started, and waits for a rescan.
   */
  private static final int RESERVE = 64;
  /** daemontools looks for NAME/log only when NAME is this short. */
  private static final int LONGEST_LOGGED_NAME = 255;

  private final Host host;
  private final Os os;
  private final int dir;
  private final SortedMap<Integer, Integer> stdio;
  private final PrintStream err;
  private final Map<Pair.Identity, Pair> pairs = new LinkedHashMap<>();
  private final Timer rescan;
  private final byte[] events = new byte[16 * 1024];
  private int inotify = -1;
  private boolean shuttingDown;
  /** Descriptors that new services may still take, counted at each full scan, spent as they start. */
  private long budget = Long.MAX_VALUE;

  /**
   * @param dir the scanned directory, as a descriptor
   * @param stdio svscan's own 0, 1 and 2 as its children get them
   */
  Scanner(Host host, int dir, SortedMap<Integer, Integer> stdio, PrintStream err) {
    this.host = host;
    this.os = host.os();
    this.dir = dir;
    this.stdio = stdio;
    this.err = err;
    this.rescan = host.timer(this::scan);
  }

  /** Watches the directory and takes every entry in it in charge. */
  void start() {
    try {
      inotify = os.watchDirectory(dir);
      host.watch(inotify, this::readEvents);
    } catch (IOException e) {
      warn("unable to watch directory, rescanning every 5 seconds: " + Errno.text(e));
      stopWatching();
    }
    // the first scan runs in the loop, where the services' first starts run side by side
    rescan.at(host.clock().nanos());
  }

  /** The services, for tests: every pair's name and whether each side runs. */
  List<Pair> pairs() {
    return new ArrayList<>(pairs.values());
  }

  // ------------------------------------------------------------------ scanning

  /** A full scan: every entry is looked at; pairs whose entry is gone and who are down are dropped. */
  private void scan() {
    if (shuttingDown) {
      return;
    }
    rescan.cancel();
    List<String> names;
    try {
      names = os.list(dir);
    } catch (IOException e) {
      warn("unable to read directory: " + Errno.text(e));
      later();
      return;
    }
    boolean again = inotify < 0;
    try {
      budget = Descriptors.free() - RESERVE;
    } catch (IOException e) {
      // /proc cannot tell: let the opens say when there are none left
      budget = Long.MAX_VALUE;
    }
    Set<Pair> seen = new HashSet<>();
    for (String name : names) {
      if (!name.startsWith(".")) {
        again |= consider(name, seen);
      }
    }
    for (Pair p : new ArrayList<>(pairs.values())) {
      if (!seen.contains(p) && p.isGone()) {
        drop(p);
      }
    }
    if (again) {
      later();
    }
  }

  /** Looks at one entry: starts it, or what of it is not running. True if it needs another look later. */
  private boolean consider(String name, Set<Pair> seen) {
    FileStat st;
    try {
      st = os.stat(dir, name);
    } catch (IOException e) {
      warn("unable to stat " + name + ": " + Errno.text(e));
      return true;
    }
    if (st.kind() != FileStat.Kind.DIRECTORY) {
      return false;
    }
    Pair.Identity id = new Pair.Identity(st.device(), st.inode());
    Pair p = pairs.get(id);
    if (p == null) {
      Boolean logged = hasLog(name);
      if (logged == null) {
        return true;
      }
      p = new Pair(name, id, logged);
      pairs.put(id, p);
    }
    seen.add(p);
    return !startWhatIsDown(p);
  }

  /** Whether NAME/log exists (of any type, as daemontools has it); null, warned, if that cannot be told. */
  private Boolean hasLog(String name) {
    if (name.length() > LONGEST_LOGGED_NAME) {
      return false;
    }
    try {
      os.stat(dir, name + "/" + ServiceDir.LOG);
      return true;
    } catch (ErrnoException e) {
      if (e.errno == Errno.ENOENT.number) {
        return false;
      }
      warn("unable to stat " + name + "/" + ServiceDir.LOG + ": " + Errno.text(e));
      return null;
    } catch (IOException e) {
      warn("unable to stat " + name + "/" + ServiceDir.LOG + ": " + Errno.text(e));
      return null;
    }
  }

  /** Starts whichever side of the pair is not running; true if both now run. */
  private boolean startWhatIsDown(Pair p) {
    int needed = (p.main == null ? DESCRIPTORS_PER_SERVICE : 0)
        + (p.logged && p.log == null ? DESCRIPTORS_PER_SERVICE : 0)
        + (p.logged && p.pipe == null ? DESCRIPTORS_PER_PIPE : 0);
    if (needed > budget) {
      if (!p.starved) {
        // once per entry until it starts: at the limit, thousands of entries would say it every 5 s
        warn("unable to start " + p.name + ": " + Errno.EMFILE.text);
        p.starved = true;
      }
      return false;
    }
    p.starved = false;
    budget -= needed;
    if (p.logged && p.pipe == null) {
      p.pipe = adoptedPipe(p);
    }
    if (p.logged && p.pipe == null) {
      try {
        p.pipe = os.pipe();
      } catch (IOException e) {
        warn("unable to create pipe for " + p.name + ": " + Errno.text(e));
        return false;
      }
    }
    if (p.main == null) {
      SortedMap<Integer, Integer> fds = new TreeMap<>(stdio);
      if (p.logged) {
        fds.put(1, p.pipe[1]);
      }
      p.main = open(p.name, p.name, fds, () -> gone(p, true));
    }
    if (p.logged && p.log == null) {
      SortedMap<Integer, Integer> fds = new TreeMap<>(stdio);
      fds.put(0, p.pipe[0]);
      p.log = open(p.name + "/" + ServiceDir.LOG, p.name + "/" + ServiceDir.LOG, fds, () -> gone(p, false));
    }
    return p.main != null && (!p.logged || p.log != null);
  }

  /**
   * The pipe of a pair whose processes outlived the svscan that joined them (it was killed):
   * the orphaned logger still reads it on its descriptor 0, or the orphaned main still writes it
   * on 1; opened again through /proc, so that the adopted logger goes on reading what a
   * restarted main writes. Null if neither is there (a new pipe, then).
   */
  private int[] adoptedPipe(Pair p) {
    int[] pipe = reopenedPipe(p.name + "/" + ServiceDir.LOG + "/" + ServiceDir.STATUS, 0);
    return pipe != null ? pipe : reopenedPipe(p.name + "/" + ServiceDir.STATUS, 1);
  }

  /** The pipe at descriptor {@code fd} of the orphan the record at {@code status} names, twice opened; or null. */
  private int[] reopenedPipe(String status, int fd) {
    Optional<Orphan> orphan = Orphan.find(os, dir, status);
    if (orphan.isEmpty()) {
      return null;
    }
    Child c = orphan.get().process();
    try {
      int read = os.reopenPipe(c.pid(), fd);
      try {
        return new int[] {read, os.reopenPipe(c.pid(), fd)};
      } catch (IOException e) {
        os.close(read);
        return null;
      }
    } catch (IOException e) {
      return null; // not a pipe (any more): a new one
    } finally {
      os.close(c.pidfd());
    }
  }

  private Service open(String name, String path, SortedMap<Integer, Integer> fds, Runnable onGone) {
    Service s;
    try {
      s = Service.open(host, name, dir, path, fds, this::warn);
    } catch (Service.SetupFailure e) {
      warn(e.getMessage());
      return null;
    }
    s.onGone(onGone);
    s.start();
    return s.isGone() ? null : s;
  }

  /** One side of a pair has gone (svc -x, or shutdown). */
  private void gone(Pair p, boolean main) {
    if (main) {
      p.main = null;
    } else {
      p.log = null;
      if (p.drain != null) {
        p.drain.cancel();
      }
    }
    if (shuttingDown) {
      if (main) {
        mainDown(p);
      }
      finishIfAllDown();
      return;
    }
    // is the entry still there (started again) or gone (dropped once both sides are)?
    rescan.atOrBefore(host.clock().nanos());
  }

  private void drop(Pair p) {
    closePipe(p);
    pairs.remove(p.identity);
  }

  private void closePipe(Pair p) {
    if (p.pipe != null) {
      os.close(p.pipe[0]);
      os.close(p.pipe[1]);
      p.pipe = null;
    }
  }

  /** A scan in 5 seconds, unless one comes sooner. */
  private void later() {
    rescan.atOrBefore(host.clock().nanos() + RESCAN_NANOS);
  }

  /** One bounded read of inotify's events per round: entries that appeared are started at once. */
  private void readEvents() {
    int n;
    try {
      n = os.read(inotify, events);
    } catch (IOException e) {
      warn("unable to read directory events, rescanning every 5 seconds: " + Errno.text(e));
      stopWatching();
      later();
      return;
    }
    boolean again = false;
    boolean full = false;
    for (DirectoryEvent e : DirectoryEvent.parse(events, n)) {
      if (e.overflowed() || (e.mask() & DirectoryEvent.IGNORED) != 0) {
        full = true;
      } else if (e.appeared() && !e.name().startsWith(".")) {
        again |= consider(e.name(), new HashSet<>());
      }
      // an entry that left matters only once its services are down: gone() scans then
    }
    if (full) {
      rescan.atOrBefore(host.clock().nanos());
    } else if (again) {
      later();
    }
  }

  private void stopWatching() {
    if (inotify >= 0) {
      host.unwatch(inotify);
      os.close(inotify);
      inotify = -1;
    }
  }

  // ------------------------------------------------------------------ shutdown

  /** TERM, INT or HUP: every main down, then its logger once it has drained its input; then exit. */
  void terminate() {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    rescan.cancel();
    stopWatching();
    for (Pair p : new ArrayList<>(pairs.values())) {
      if (p.main != null) {
        p.main.terminate();
      } else {
        mainDown(p);
      }
    }
    finishIfAllDown();
  }

  /**
   * The main side is down for good: the pipe's last writer is gone once svscan closes its end,
   * so the logger reads to the end and then sees end of input; it is told to exit when its child
   * does, and terminated if it has not after {@link #DRAIN_NANOS}.
   */
  private void mainDown(Pair p) {
    closePipe(p);
    if (p.log != null) {
      Service log = p.log;
      p.drain = host.timer(() -> {
        if (!log.isGone()) {
          log.terminate();
        }
      });
      p.drain.at(host.clock().nanos() + DRAIN_NANOS);
      log.drain();
    }
  }

  private void finishIfAllDown() {
    for (Pair p : pairs.values()) {
      if (!p.isGone()) {
        return;
      }
    }
    host.finish();
  }

  private void warn(String text) {
    Messages.warning(err, PROGRAM, text);
  }
}
