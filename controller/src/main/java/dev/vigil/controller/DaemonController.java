package dev.vigil.controller;

import dev.vigil.common.ServiceDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Starts a daemon, waits until it answers, stops it, and connects to it, starting it first if
 * need be: Phusion's daemon_controller in Java (doc/daemon-controller.md). Either by start command,
 * pid file and log file ({@link #builder()}), or through a vigil (or daemontools, or runit)
 * service directory ({@link #service(Path)}): the same operations and failures for both.
 *
 * <p>Every operation holds a lock on the lock file (by default the pid file's name plus {@code
 * .lock}): {@link #start()} and {@link #stop()} exclusively, {@link #running()}, {@link #pid()}
 * and a connect that succeeds at once shared. So concurrent controllers of one daemon, in one JVM
 * or in several, take turns, and {@link #connect} starts a daemon at most once however many call
 * it at the same moment. Instances are safe to share between threads.
 */
public final class DaemonController {
  private final String identifier;
  private final LockFile lock;
  private final Daemon daemon;

  private DaemonController(String identifier, LockFile lock, Daemon daemon) {
    this.identifier = identifier;
    this.lock = lock;
    this.daemon = daemon;
  }

  /** A controller of a daemon with a start command, a pid file and a log file. */
  public static Builder builder() {
    return new Builder(null);
  }

  /**
   * A controller of the service in {@code dir}, which a supervisor runs: start sends {@code u}
   * and waits until the service is ready (up, where the supervisor knows no readiness), stop sends
   * {@code d} and waits until it is down. No start command or pid file; a log file and a ping may
   * be given; the lock file is {@code dir/supervise/controller.lock} unless told otherwise.
   */
  public static Builder service(Path dir) {
    return new Builder(dir);
  }

  /**
   * Starts the daemon and returns once it answers its ping.
   *
   * @throws AlreadyStarted it runs already
   * @throws StartError the start command failed, or the daemon exited before it answered
   * @throws StartTimeout no answer within the start timeout, or the log file fell silent for the
   *     log-file activity timeout before one; the daemon has been stopped
   */
  public void start() {
    lock.exclusive(() -> {
      startLocked();
      return null;
    });
  }

  private void startLocked() {
    if (daemon.running()) {
      throw new AlreadyStarted("Daemon '" + identifier + "' is already started");
    }
    daemon.start();
  }

  /**
   * Stops the daemon and returns once it has exited; nothing to do if it is not running.
   *
   * @throws StopError the stop command failed
   * @throws StopTimeout it had not exited at the stop timeout; it has been killed (SIGKILL) since
   */
  public void stop() {
    lock.exclusive(() -> {
      daemon.stop();
      return null;
    });
  }

  /**
   * Connects by running {@code connector}, starting the daemon first if that fails and it is not
   * running (daemon_controller's {@code connect}). The connector may run twice: once under the
   * shared lock; if that gives no connection, again under the exclusive lock after the start.
   *
   * @return the connection the connector returned
   * @throws E what the connector threw that does not mean "not yet" ({@link Connector})
   * @throws StartError a start was needed and failed
   * @throws StartTimeout a start was needed and timed out
   * @throws ConnectError the daemon runs (or was just started) and still no connection
   */
  public <T, E extends Exception> T connect(Connector<T, E> connector) throws E {
    T connection = lock.shared(() -> NotYet.attempt(connector, false));
    if (connection != null) {
      return connection;
    }
    return lock.exclusive(() -> {
      if (!daemon.running()) {
        startLocked();
      }
      T again;
      try {
        again = connector.connect();
      } catch (Exception e) {
        if (NotYet.means(e)) {
          throw new ConnectError("Cannot connect to daemon '" + identifier + "': " + e, e);
        }
        throw e;
      }
      if (again == null || Boolean.FALSE.equals(again)) {
        throw new ConnectError("Cannot connect to daemon '" + identifier + "'", null);
      }
      return again;
    });
  }

  /** Whether the daemon runs: its pid file (or status record) names a process that runs. */
  public boolean running() {
    return lock.shared(daemon::running);
  }

  /** The pid its pid file (or status record) names, running or not; empty if none. */
  public OptionalLong pid() {
    return lock.shared(daemon::pid);
  }

  public String identifier() {
    return identifier;
  }

  public Path lockFile() {
    return lock.path();
  }

  /**
   * daemon_controller's options. Mandatory for {@link DaemonController#builder()}: identifier,
   * start command, ping, pid file, log file; for {@link DaemonController#service}: none (the
   * identifier defaults to the directory's name). Timeouts as daemon_controller documents them.
   */
  public static final class Builder {
    /** daemon_controller's documented defaults (its 3.x raised the first three to 30, 30 and 10 s). */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration LOG_FILE_ACTIVITY_TIMEOUT = Duration.ofSeconds(7);
    public static final Duration PING_INTERVAL = Duration.ofMillis(100);
    /** daemon_controller 3.x's start_abort_timeout: TERM, then this long, then KILL. */
    public static final Duration START_ABORT_TIMEOUT = Duration.ofSeconds(10);

    private final Path serviceDir;
    private String identifier;
    private String startCommand;
    private String stopCommand;
    private Pinger ping;
    private Path pidFile;
    private Path logFile;
    private Path lockFile;
    private Runnable beforeStart = () -> {};
    private Duration startTimeout = START_TIMEOUT;
    private Duration startAbortTimeout = START_ABORT_TIMEOUT;
    private Duration stopTimeout = STOP_TIMEOUT;
    private Duration logFileActivityTimeout = LOG_FILE_ACTIVITY_TIMEOUT;
    private Duration pingInterval = PING_INTERVAL;

    private Builder(Path serviceDir) {
      this.serviceDir = serviceDir;
    }

    /** A human-readable, unique name, used in messages: "Sphinx search server". */
    public Builder identifier(String identifier) {
      this.identifier = identifier;
      return this;
    }

    /** Run by {@code /bin/sh -c}; must return once the daemon has gone into the background. */
    public Builder startCommand(String command) {
      this.startCommand = command;
      return this;
    }

    /** Run by {@code /bin/sh -c} to stop it; without one, stop sends SIGTERM to the pid file's pid. */
    public Builder stopCommand(String command) {
      this.stopCommand = command;
      return this;
    }

    /** A shell command that exits 0 once the daemon answers. */
    public Builder ping(String command) {
      this.ping = Pinger.command(command);
      return this;
    }

    /** Code that connects: see {@link Connector} for what means "not yet"; see also {@link Ping}. */
    public Builder ping(Connector<?, ?> connector) {
      this.ping = Pinger.connector(connector);
      return this;
    }

    /** The file the daemon writes its pid to. */
    public Builder pidFile(Path file) {
      this.pidFile = file;
      return this;
    }

    /** The file the daemon logs to; what it adds during a start that fails goes into the error. */
    public Builder logFile(Path file) {
      this.logFile = file;
      return this;
    }

    /** The lock file; default: the pid file's name plus {@code .lock}. */
    public Builder lockFile(Path file) {
      this.lockFile = file;
      return this;
    }

    /** Run just before the start command, under the lock; not subject to the start timeout. */
    public Builder beforeStart(Runnable hook) {
      this.beforeStart = hook;
      return this;
    }

    /** How long start may take, its waits for the pid file and the ping included (15 s). */
    public Builder startTimeout(Duration d) {
      this.startTimeout = d;
      return this;
    }

    /** After a start that timed out: how long from SIGTERM to SIGKILL (10 s). */
    public Builder startAbortTimeout(Duration d) {
      this.startAbortTimeout = d;
      return this;
    }

    /** How long stop may take before SIGKILL and {@link StopTimeout} (15 s). */
    public Builder stopTimeout(Duration d) {
      this.stopTimeout = d;
      return this;
    }

    /** A start whose log file stays unchanged this long before the daemon answers has failed (7 s). */
    public Builder logFileActivityTimeout(Duration d) {
      this.logFileActivityTimeout = d;
      return this;
    }

    /** The pause between pings during a start (0.1 s). */
    public Builder pingInterval(Duration d) {
      this.pingInterval = d;
      return this;
    }

    /**
     * @throws IllegalArgumentException a mandatory option is missing, or a start command or pid
     *     file was given for a service directory, or a duration is negative
     */
    public DaemonController build() {
      for (Duration d : new Duration[] {startTimeout, startAbortTimeout, stopTimeout, logFileActivityTimeout, pingInterval}) {
        if (d == null || d.isNegative()) {
          throw new IllegalArgumentException("a timeout or interval is null or negative: " + d);
        }
      }
      if (serviceDir != null) {
        refuse(startCommand, "startCommand");
        refuse(stopCommand, "stopCommand");
        refuse(pidFile, "pidFile");
        String id = identifier != null ? identifier : serviceDir.toString();
        Path lock = lockFile != null ? lockFile : serviceDir.resolve(ServiceDir.SUPERVISE).resolve("controller.lock");
        return new DaemonController(id, new LockFile(lock), new ServiceDaemon(ServiceDir.of(serviceDir), settings(id)));
      }
      require(identifier, "identifier");
      require(startCommand, "startCommand");
      require(ping, "ping");
      require(pidFile, "pidFile");
      require(logFile, "logFile");
      Path lock = lockFile != null ? lockFile : pidFile.resolveSibling(pidFile.getFileName() + ".lock");
      return new DaemonController(identifier, new LockFile(lock), new PidFileDaemon(settings(identifier)));
    }

    private Settings settings(String id) {
      return new Settings(id, startCommand, stopCommand, ping, pidFile, logFile, beforeStart,
          startTimeout, startAbortTimeout, stopTimeout, logFileActivityTimeout, pingInterval);
    }

    private static void require(Object value, String option) {
      if (value == null) {
        throw new IllegalArgumentException("the '" + option + "' option is mandatory");
      }
    }

    private void refuse(Object value, String option) {
      if (value != null) {
        throw new IllegalArgumentException("the '" + option + "' option is for a daemon without a supervisor, not for the service " + serviceDir);
      }
    }
  }
}
