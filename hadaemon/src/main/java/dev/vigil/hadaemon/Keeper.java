package dev.vigil.hadaemon;

import dev.vigil.common.ErrnoException;
import dev.vigil.common.os.Child;
import dev.vigil.common.os.Locks;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import dev.vigil.common.os.SpawnSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One of a daemon's processes, main or standby: what HADaemon::Control's double-forked child
 * does, with IPC::ConcurrencyLimit::WithStandby's locks.
 *
 * <p>It takes a free main lock ({@code PID_DIR/lock/N.lock}, tried from N down to 1, as the
 * original does) and runs the program; failing that, a standby lock ({@code lock-standby/N.lock})
 * and then it <em>waits</em> on every main lock at once, one thread blocked in flock(2) per lock,
 * instead of trying them again every second: the first lock it gets promotes it, and the stop file
 * (watched with inotify) ends it. Its pid file follows it: {@code unknown-PID}, {@code standby-N},
 * {@code main-N}.
 *
 * <p>The main lock stays with the keeper, which waits for the program; the program does not get
 * it, so nothing the program starts can keep the lock after the program is gone (the original's
 * KNOWN ISSUES). Only {@code reset_close_on_exec_main_lock_fd = 1} hands it over, as descriptor 3
 * named by {@code HADC_lock_fd}, to a program that wants to hold the lock itself. When the program
 * exits, the keeper removes {@code main-N.pid}, and only then lets the lock go.
 *
 * <p>With {@code user}, {@code group} or {@code umask}, only the program changes ({@link RunAs}):
 * the keeper stays root, so that it can take the locks and write the pid files.
 */
final class Keeper {
  private static final String WARM_UP = "/bin/true";

  /** The descriptor the program finds the lock on, when it asks for it. */
  static final int LOCK_FD_IN_PROGRAM = 3;

  private final Config config;
  private final Os os;
  private final Locks locks;
  private final Log log;
  private final long pid = ProcessHandle.current().pid();
  /** The program once it runs, for the signals the keeper passes on. */
  private final AtomicReference<Child> child = new AtomicReference<>();
  /** Set once this keeper holds a main lock. */
  private final AtomicBoolean promoted = new AtomicBoolean();
  private int stdout = -1;
  private int stderr = -1;
  private int directory = -1;
  private Os.Spawner spawner;
  /** A signal to pass on to the program, not yet sent. */
  private final AtomicReference<Signal> pending = new AtomicReference<>();

  Keeper(Config config, Os os, Locks locks, Log log) {
    this.config = config;
    this.os = os;
    this.locks = locks;
    this.log = log;
  }

  /** Runs until the program has exited (a main) or the stop file appears (a standby). */
  int run() throws IOException, InterruptedException {
    if (stopFileExists()) {
      return 0;
    }
    Path pidFile = config.pidFile("unknown-" + pid);
    PidFiles.write(pidFile, pid);
    prepare();
    passSignalsOn();
    for (int n = config.maxProcs; n >= 1; n--) {
      int fd = locks.tryLock(Os.CWD, config.mainLock(n).toString());
      if (fd >= 0) {
        return runMain(n, fd, pidFile, -1);
      }
    }
    int slot = 0;
    int standbyFd = -1;
    for (int n = config.standbyMaxProcs; n >= 1 && standbyFd < 0; n--) {
      standbyFd = locks.tryLock(Os.CWD, config.standbyLock(n).toString());
      slot = n;
    }
    if (standbyFd < 0) {
      Files.deleteIfExists(pidFile);
      log.info("failed to acquire both locks, exiting...");
      return 1;
    }
    Path standbyFile = config.pidFile("standby-" + slot);
    Files.move(pidFile, standbyFile, StandardCopyOption.ATOMIC_MOVE);
    log.info("acquired standby lock " + slot);
    awaitPromotion(standbyFile, standbyFd);
    // the stop file: a standby that was never promoted
    PidFiles.removeIfOurs(standbyFile, pid);
    locks.release(standbyFd);
    return 0;
  }

  /**
   * Returns when the standby stop file appears. Meanwhile one thread per main lock blocks in
   * flock(2); the first to get its lock runs the program at once, in that thread (no hand-over
   * to another thread on the way to the spawn), and ends the keeper when the program exits. A
   * waiter that gets a lock after another won lets it go at once, for the next standby.
   */
  private void awaitPromotion(Path standbyFile, int standbyFd) throws IOException, InterruptedException {
    BlockingQueue<Boolean> stopped = new ArrayBlockingQueue<>(1);
    AtomicBoolean decided = new AtomicBoolean();
    WatchService watcher = config.standbyStopFile.getFileSystem().newWatchService();
    config.standbyStopFile.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY);
    daemon("stop-file", () -> {
      try {
        while (!Files.exists(config.standbyStopFile)) {
          WatchKey key = watcher.take();
          key.pollEvents();
          key.reset();
        }
        if (decided.compareAndSet(false, true)) {
          log.info("standby stop file detected");
          stopped.offer(true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    for (int n = 1; n <= config.maxProcs; n++) {
      int number = n;
      String lock = config.mainLock(n).toString();
      daemon("lock-" + n, () -> {
        try {
          int fd = locks.awaitLock(Os.CWD, lock);
          if (decided.compareAndSet(false, true)) {
            int code = runMain(number, fd, standbyFile, standbyFd);
            System.err.flush();
            Runtime.getRuntime().halt(code);
          } else {
            locks.release(fd);
          }
        } catch (IOException | RuntimeException e) {
          log.warn("unable to wait for " + lock + " or to run the program: " + e);
          Runtime.getRuntime().halt(1);
        }
      });
    }
    stopped.take();
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, "hadaemon-" + name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Everything the spawn needs that can be had before a lock is: the program's descriptors and
   * its posix_spawn plan, so that a promoted standby only calls posix_spawn (and the JVM, which
   * runs interpreted, has loaded the classes of that path already).
   */
  private void prepare() throws IOException {
    stdout = os.append(Os.CWD, config.stdoutFile.toString(), 0644);
    stderr = config.stderrFile.equals(config.stdoutFile) ? stdout : os.append(Os.CWD, config.stderrFile.toString(), 0644);
    directory = os.openDirectory(Os.CWD, config.directory == null ? "." : config.directory.toString());
    if (!config.passLock) {
      spawner = os.spawner(spec(-1));
    }
    warmUp();
  }

  /**
   * Starts {@code /bin/true} once and waits for it the way the program will be waited for: jnr-ffi
   * binds each libc function at its first call and the JVM runs interpreted, so the first spawn
   * of a cold keeper took ~70 ms more (strace: class loading and binding between flock's return
   * and the clone). Paid while standing by, not on promotion.
   */
  private void warmUp() {
    SortedMap<Integer, Integer> fds = new TreeMap<>();
    fds.put(0, SpawnSpec.DEV_NULL);
    fds.put(1, SpawnSpec.DEV_NULL);
    fds.put(2, SpawnSpec.DEV_NULL);
    Os.Spawner probe = null;
    try {
      probe = os.spawner(new SpawnSpec(directory, WARM_UP, List.of(WARM_UP), List.of(), fds, false));
      Child c = probe.spawn();
      awaitExit(c);
      os.unwatch(c.pidfd());
      os.close(c.pidfd());
      PidFiles.removeIfOurs(config.pidFile("warm-up-" + pid), pid);
    } catch (IOException e) {
      // no /bin/true: the first promotion is slower, nothing else
    } finally {
      if (probe != null) {
        probe.close();
      }
    }
  }

  private SpawnSpec spec(int lockFd) {
    SortedMap<Integer, Integer> fds = new TreeMap<>();
    fds.put(0, SpawnSpec.DEV_NULL);
    fds.put(1, stdout);
    fds.put(2, stderr);
    List<String> environment = new ArrayList<>(config.runAs.environment());
    if (lockFd >= 0) {
      fds.put(LOCK_FD_IN_PROGRAM, lockFd);
      environment.add("HADC_lock_fd=" + LOCK_FD_IN_PROGRAM);
    }
    List<String> command = config.command();
    // the program shares the keeper's session, as it shared the original's one process
    return new SpawnSpec(directory, command.get(0), command, environment, fds, false);
  }

  /** Holds main lock {@code n} ({@code lockFd}): runs the program and waits for it. */
  private int runMain(int n, int lockFd, Path ownPidFile, int standbyFd) throws IOException {
    promoted.set(true);
    if (stopFileExists()) {
      PidFiles.removeIfOurs(ownPidFile, pid);
      locks.release(lockFd);
      return 0;
    }
    Child program;
    try {
      if (config.passLock) {
        spawner = os.spawner(spec(lockFd));
      }
      program = spawner.spawn();
    } catch (ErrnoException e) {
      log.warn("acquired main lock id: " + n + ", but unable to start " + config.program + ": " + e.getReason());
      PidFiles.removeIfOurs(ownPidFile, pid);
      locks.release(lockFd);
      return 111;
    } finally {
      if (spawner != null) {
        spawner.close();
      }
      os.close(directory);
      os.close(stdout);
      if (stderr != stdout) {
        os.close(stderr);
      }
    }
    child.set(program);
    sendPending(program);
    // the pid file names the program, which stop and reload signal, as the original's named the
    // one process that ran it
    Path mainFile = config.pidFile("main-" + n);
    PidFiles.write(mainFile, program.pid());
    PidFiles.removeIfOurs(ownPidFile, pid);
    if (standbyFd >= 0) {
      locks.release(standbyFd);
    }
    log.info("acquired main lock id: " + n + "; started " + config.program + " (pid " + program.pid() + ")");
    int status = awaitExit(program);
    // the pid file first, then the lock: once the lock is free, main-N.pid is the next main's
    PidFiles.removeIfOurs(mainFile, program.pid());
    locks.release(lockFd);
    log.info("main " + n + ": " + config.program + " (pid " + program.pid() + ") " + describe(status));
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
  }

  /**
   * TERM, INT and HUP end a keeper that holds no main lock, as they would without a handler;
   * once it holds one they go to the program (QUIT, USR1 and USR2 belong to the JVM), and one
   * that comes before the program runs is sent to it once it does, so the keeper is never
   * stopped with its program left running without the lock.
   */
  private void passSignalsOn() {
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      Signal signal = Signal.valueOf(name);
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
        if (!promoted.get()) {
          // a standby, or a keeper still looking for a lock: it dies of it, as it would have
          Runtime.getRuntime().halt(128 + signal.number);
        }
        pending.set(signal);
        Child c = child.get();
        if (c != null) {
          sendPending(c);
        }
      });
    }
  }

  private void sendPending(Child c) {
    Signal signal = pending.getAndSet(null);
    if (signal != null) {
      try {
        os.signalPidfd(c.pidfd(), signal);
      } catch (IOException e) {
        // gone already: its exit is on its way
      }
    }
  }

  /** Waits for the program to exit; its wait status. */
  private int awaitExit(Child child) throws IOException {
    os.watch(child.pidfd());
    int[] ready = new int[4];
    while (true) {
      var status = os.reap(child.pid());
      if (status.isPresent()) {
        return status.getAsInt();
      }
      os.await(-1, ready);
    }
  }

  private static String describe(int status) {
    int signal = status & 0x7f;
    return signal == 0 ? "exited " + ((status >> 8) & 0xff) : "killed by signal " + signal;
  }

  private boolean stopFileExists() {
    if (Files.exists(config.standbyStopFile)) {
      log.info("standby stop file detected");
      return true;
    }
    return false;
  }
}
