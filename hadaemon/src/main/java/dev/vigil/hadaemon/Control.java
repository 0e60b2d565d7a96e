package dev.vigil.hadaemon;

import dev.vigil.common.Die;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.os.Os;
import dev.vigil.common.os.Signal;
import dev.vigil.common.os.SpawnSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * HADaemon::Control's actions on one daemon (its do_ methods), each returning its LSB exit code.
 * Processes are counted by their pid files, as in the original; waits for them are woken by the
 * pid files' renames (inotify) and by pidfds, with a 100 ms cap on each wait as a safety net.
 */
final class Control {
  /** LSB: generic or unspecified error. */
  static final int FAILED = 1;
  /** LSB status: program is not running. */
  static final int NOT_RUNNING = 3;
  /** LSB actions other than status: program is not running. */
  static final int ACTION_NOT_RUNNING = 7;

  /** LSB: user had insufficient privilege. */
  static final int INSUFFICIENT_PRIVILEGE = 4;

  private static final int EPERM = 1;

  /** How long a keeper may take to take its place, each of three tries: the original's 3 × interval. */
  private static final long START_TIMEOUT_MILLIS = 3000;

  private final Config config;
  private final Supplier<Os> door;
  private Os os;
  private final PrintStream out;
  private final List<String> keeperCommand;
  private final boolean colors;

  /** {@code door} is opened only by the actions that start or signal processes. */
  Control(Config config, Supplier<Os> door, PrintStream out, List<String> keeperCommand, boolean colors) {
    this.config = config;
    this.door = door;
    this.out = out;
    this.keeperCommand = keeperCommand;
    this.colors = colors;
  }

  // ------------------------------------------------------------------ actions

  int start() throws IOException {
    if (mainsRunning() == config.maxProcs && standbysRunning() == config.standbyMaxProcs) {
      pretty("starting main + standby processes", "Already Running", true);
      return 0;
    }
    createDirectories();
    Files.deleteIfExists(config.standbyStopFile);
    if (forkMains() && forkStandbys()) {
      pretty("starting main + standby processes", "OK", true);
      return 0;
    }
    pretty("starting main + standby processes", "Failed", false);
    status();
    return FAILED;
  }

  int stop() throws IOException {
    if (mainsRunning() == 0 && standbysRunning() == 0) {
      pretty("stopping main + standby processes", "Not Running", false);
      return 0;
    }
    createDirectories();
    touch(config.standbyStopFile);
    awaitPidFiles(() -> standbysRunning() == 0, START_TIMEOUT_MILLIS);
    Map<String, Long> mains = runningMains();
    List<Long> left = kill(new ArrayList<>(mains.values()));
    for (Map.Entry<String, Long> m : mains.entrySet()) {
      if (!left.contains(m.getValue())) {
        PidFiles.removeIfOurs(config.pidFile(m.getKey()), m.getValue());
      }
    }
    if (mainsRunning() == 0 && standbysRunning() == 0) {
      pretty("stopping main + standby processes", "OK", true);
      return 0;
    }
    pretty("stopping main + standby processes", "Failed", false);
    status();
    return FAILED;
  }

  /**
   * The rolling restart: the standbys are replaced by new ones (a changed program or
   * configuration takes effect), then the mains are stopped one at a time, each time waiting for
   * a standby to take the lock and for a new standby, so that the next main has one too.
   */
  int restart() throws IOException {
    if (mainsRunning() == 0 && standbysRunning() == 0) {
      return start();
    }
    if (config.standbyMaxProcs == 0) {
      return hardRestart();
    }
    createDirectories();
    touch(config.standbyStopFile);
    if (!awaitPidFiles(() -> standbysRunning() == 0, START_TIMEOUT_MILLIS)) {
      pretty("stopping standby processes", "Failed", false);
      return FAILED;
    }
    pretty("stopping standby processes", "OK", true);
    Files.deleteIfExists(config.standbyStopFile);
    if (!forkStandbys()) {
      pretty("starting standby processes", "Failed", false);
      return FAILED;
    }
    pretty("starting standby processes", "OK", true);
    boolean ok = true;
    for (Map.Entry<String, Long> m : runningMains().entrySet()) {
      if (!kill(List.of(m.getValue())).isEmpty()) {
        pretty(m.getKey(), "Failed to restart", false);
        ok = false;
        continue;
      }
      // a standby has the lock within milliseconds; then the next main gets a standby again
      awaitPidFiles(() -> mainsRunning() == config.maxProcs, START_TIMEOUT_MILLIS);
      ok &= forkMains() && forkStandbys();
    }
    if (!ok || !forkMains() || !forkStandbys()) {
      pretty("restarting main + standby processes", "Failed", false);
      status();
      return FAILED;
    }
    pretty("restarting main processes", "OK", true);
    return 0;
  }

  int hardRestart() throws IOException {
    stop();
    return start();
  }

  int reload() throws IOException {
    int code = 0;
    for (int n = 1; n <= config.maxProcs; n++) {
      String role = "main-" + n;
      long pid = PidFiles.running(config.pidFile(role));
      if (pid == 0) {
        pretty(role + " status", "Not Running", false);
        code = ACTION_NOT_RUNNING;
        continue;
      }
      signal(pid, Signal.HUP);
      pretty(role, "Reloaded", true);
    }
    return code;
  }

  /**
   * One line per expected process. LSB: 0 when all run; 3 when none does and no pid file is left;
   * 1 otherwise: a pid file whose process is dead ("dead and pid file exists"), or only some of
   * the processes running (the original's 1 for anything missing).
   */
  int status() {
    int running = 0;
    boolean stale = false;
    List<String> roles = roles();
    for (String role : roles) {
      Path file = config.pidFile(role);
      if (PidFiles.running(file) > 0) {
        running++;
        pretty(role + " status", "Running", true);
      } else {
        stale |= Files.exists(file);
        pretty(role + " status", "Not Running", false);
      }
    }
    if (running == roles.size()) {
      return 0;
    }
    return running == 0 && !stale ? NOT_RUNNING : FAILED;
  }

  /** start for cron: no "already running" check, nothing printed; 1 if the stop file is there. */
  int fork() throws IOException {
    if (Files.exists(config.standbyStopFile)) {
      return FAILED;
    }
    createDirectories();
    forkMains();
    forkStandbys();
    return 0;
  }

  // ------------------------------------------------------------------ processes

  private Os os() {
    if (os == null) {
      os = door.get();
    }
    return os;
  }

  private List<String> roles() {
    List<String> roles = new ArrayList<>();
    for (int n = 1; n <= config.maxProcs; n++) {
      roles.add("main-" + n);
    }
    for (int n = 1; n <= config.standbyMaxProcs; n++) {
      roles.add("standby-" + n);
    }
    return roles;
  }

  private int mainsRunning() {
    return runningMains().size();
  }

  private Map<String, Long> runningMains() {
    Map<String, Long> mains = new LinkedHashMap<>();
    for (int n = 1; n <= config.maxProcs; n++) {
      long pid = PidFiles.running(config.pidFile("main-" + n));
      if (pid > 0) {
        mains.put("main-" + n, pid);
      }
    }
    return mains;
  }

  private int standbysRunning() {
    int count = 0;
    for (int n = 1; n <= config.standbyMaxProcs; n++) {
      count += PidFiles.running(config.pidFile("standby-" + n)) > 0 ? 1 : 0;
    }
    return count;
  }

  /** The original's _fork_mains: start keepers until every main runs, three tries. */
  private boolean forkMains() throws IOException {
    return forkUntil(() -> config.maxProcs - mainsRunning());
  }

  private boolean forkStandbys() throws IOException {
    return forkUntil(() -> config.standbyMaxProcs - standbysRunning());
  }

  private interface Missing {
    int count();
  }

  private boolean forkUntil(Missing missing) throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      for (int i = missing.count(); i > 0; i--) {
        startKeeper();
      }
      if (awaitPidFiles(() -> missing.count() <= 0, START_TIMEOUT_MILLIS)) {
        return true;
      }
    }
    return false;
  }

  /** One keeper, in a session of its own, its output into log_file. */
  private void startKeeper() throws IOException {
    int log = os().append(Os.CWD, config.logFile.toString(), 0644);
    int dir = os().openDirectory(Os.CWD, ".");
    Os.Spawner spawner = null;
    try {
      SortedMap<Integer, Integer> fds = new TreeMap<>(Map.of(0, SpawnSpec.DEV_NULL, 1, log, 2, log));
      List<String> argv = new ArrayList<>(keeperCommand);
      argv.add("--keeper");
      argv.add(config.file.toAbsolutePath().toString());
      spawner = os().spawner(new SpawnSpec(dir, argv.get(0), argv, List.of(), fds, true));
      spawner.spawn();
    } finally {
      if (spawner != null) {
        spawner.close();
      }
      os().close(dir);
      os().close(log);
    }
  }

  /**
   * The original's _kill_pids: main_stop_file for each (waiting stop_file_kill_timeout), then
   * each of stop_signals to those left, waiting signal_kill_timeout after each. Returns the pids
   * still alive at the end.
   */
  private List<Long> kill(List<Long> pids) throws IOException {
    Map<Long, Integer> alive = new LinkedHashMap<>();
    for (long pid : pids) {
      try {
        alive.put(pid, os().pidfdOpen(pid));
      } catch (IOException e) {
        // gone already
      }
    }
    try {
      if (config.mainStopFile != null && !alive.isEmpty()) {
        for (long pid : alive.keySet()) {
          Path file = config.mainStopFile(pid);
          Files.createDirectories(file.getParent());
          touch(file);
        }
        awaitDeaths(alive, config.stopFileMillis);
        for (long pid : pids) {
          Files.deleteIfExists(config.mainStopFile(pid));
        }
      }
      for (Signal signal : config.stopSignals) {
        if (alive.isEmpty()) {
          break;
        }
        for (long pid : alive.keySet()) {
          signal(pid, signal);
        }
        awaitDeaths(alive, config.signalMillis);
      }
      return new ArrayList<>(alive.keySet());
    } finally {
      for (int pidfd : alive.values()) {
        os().close(pidfd);
      }
    }
  }

  /** Waits until every process of {@code alive} has exited or {@code millis} pass; drops the dead. */
  private void awaitDeaths(Map<Long, Integer> alive, long millis) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (int pidfd : alive.values()) {
      os().watch(pidfd);
    }
    int[] ready = new int[alive.size() + 1];
    try {
      while (true) {
        alive.entrySet().removeIf(e -> {
          if (!PidFiles.alive(e.getKey())) {
            os().unwatch(e.getValue());
            os().close(e.getValue());
            return true;
          }
          return false;
        });
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (alive.isEmpty() || left <= 0) {
          return;
        }
        os().await(left, ready);
      }
    } finally {
      for (int pidfd : alive.values()) {
        os().unwatch(pidfd);
      }
    }
  }

  private void signal(long pid, Signal signal) {
    try {
      os().signal(pid, signal);
    } catch (IOException e) {
      // ESRCH: gone already, as the original's kill_or_die tolerates
      if (e instanceof ErrnoException && ((ErrnoException) e).errno == EPERM) {
        throw Die.fatal(INSUFFICIENT_PRIVILEGE, "unable to send " + signal + " to pid " + pid, e);
      }
    }
  }

  /** Waits until {@code done}, woken by changes in pid_dir; whether it came within {@code millis}. */
  private boolean awaitPidFiles(BooleanSupplier done, long millis) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try (WatchService watcher = config.pidDir.getFileSystem().newWatchService()) {
      config.pidDir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
      while (!done.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // processes that die without a word (kill -9) change no file: look again at least every 100 ms
        WatchKey key = watcher.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return done.getAsBoolean();
    }
  }

  // ------------------------------------------------------------------ files and output

  private void createDirectories() throws IOException {
    Files.createDirectories(config.pidDir);
    Files.createDirectories(config.pidDir.resolve("lock"));
    Files.createDirectories(config.pidDir.resolve("lock-standby"));
    Files.createDirectories(config.standbyStopFile.getParent());
  }

  private static void touch(Path file) throws IOException {
    Files.write(file, new byte[0]);
  }

  /**
   * The original's pretty_print: {@code NAME : WHAT [MESSAGE]} in columns of 40, "-" in WHAT shown
   * as " #" ({@code main #1 status}); MESSAGE green or red when writing to a terminal and
   * HADC_NO_COLORS is unset.
   */
  private void pretty(String what, String message, boolean green) {
    if (config.quiet) {
      return;
    }
    String shown = what.replaceFirst("-", " #");
    String tag = "[" + message + "]";
    if (colors) {
      tag = "\033[" + (green ? 32 : 31) + "m" + tag + "\033[0m";
    }
    out.print(String.format("%-40s: %-40s %40s%n", config.name, shown, tag));
    out.flush();
  }
}
