package dev.vigil.supervise;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Captured;
import dev.vigil.fixtures.Proc;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A supervisor running as a real process on one service directory: our supervise (a JVM on the
 * test class path) or a Debian peer ({@code /usr/bin/supervise}, {@code /usr/bin/runsv}). It is
 * started through {@link Processes}, so it is killed by pid at the end whatever happens; {@link
 * #stop()} first asks it to go down and exit, as an operator would.
 *
 * <p>The program is started by {@code /bin/sh -c 'umask U; exec "$@"'}, so the umask is known
 * (022 unless the test says otherwise) whatever the build's, and the pid is the supervisor's.
 */
final class SuperviseProcess {
  static final String MAIN = "dev.vigil.supervise.Main";

  /** Our supervise: this JVM's java, class path and the launcher's flags (jvm-notes §7). */
  static List<String> ours() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xshare:auto");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN);
    return command;
  }

  /** How to start one; {@link #start} or {@link #runToExit}. */
  static final class Launch {
    private final Processes processes;
    private final Path logs;
    private final Consumer<SuperviseProcess> onStart;
    private Path cwd;
    private final Map<String, String> env = new LinkedHashMap<>();
    private String umask = "022";
    private final List<String> ignored = new ArrayList<>();
    private final List<String> shell = new ArrayList<>();
    private List<String> program = ours();
    private boolean vigil = true;
    private Path pidLog;

    Launch(Processes processes, Path logs, Consumer<SuperviseProcess> onStart) {
      this.processes = processes;
      this.logs = logs;
      this.cwd = logs;
      this.onStart = onStart;
    }

    /** The working directory supervise starts in (default: the test's root). */
    Launch cwd(Path dir) {
      this.cwd = dir;
      return this;
    }

    /** A variable added to supervise's environment. */
    Launch env(String name, String value) {
      env.put(name, value);
      return this;
    }

    Launch umask(String octal) {
      this.umask = octal;
      return this;
    }

    /** supervise starts with this signal ignored (SIG_IGN survives exec). */
    Launch ignoring(String signal) {
      ignored.add(signal);
      return this;
    }

    /**
     * The log the run scripts append their pid to ({@code echo $$ >> LOG}): a child then counts as
     * running only once it has logged itself. The status names a child as soon as it is spawned,
     * before its script has run a line; a test that signals it at once would kill it unlogged.
     */
    Launch pidLog(Path log) {
      this.pidLog = log;
      return this;
    }

    /**
     * A shell command run just before supervise is exec'd, in the same shell: {@code ulimit -n
     * 16}, or {@code exec 0<&- 1>&- 2>&-} to start it with descriptors closed.
     */
    Launch before(String command) {
      shell.add(command);
      return this;
    }

    /** A C supervisor instead of ours, e.g. {@code /usr/bin/supervise}. */
    Launch peer(String binary) {
      this.program = List.of(binary);
      this.vigil = false;
      return this;
    }

    /** Starts it on {@code dir}, as typed. Does not wait for anything. */
    SuperviseProcess start(String dir) throws IOException {
      return start(List.of(dir), dir, ServiceDir.of(cwd.resolve(dir)));
    }

    /**
     * Starts ours as {@code supervise --article NAME}: its state is {@link #dir()}, the
     * article's {@code status/NAME} under the working directory. Does not wait for anything.
     */
    SuperviseProcess startArticle(String name) throws IOException {
      Path state = cwd.resolve(ServiceDir.Layout.ARTICLE_STATE).resolve(name);
      return start(List.of("--article", name), name, ServiceDir.of(state, ServiceDir.Layout.ARTICLE));
    }

    private SuperviseProcess start(List<String> args, String typed, ServiceDir dir) throws IOException {
      int n = COUNTER.incrementAndGet();
      Path out = logs.resolve("supervise-" + n + ".out");
      Path err = logs.resolve("supervise-" + n + ".err");
      Files.createFile(out);
      Files.createFile(err);
      Process p = processes.start(cwd, out, err, command(args), env);
      SuperviseProcess s = new SuperviseProcess(p, typed, dir, out, err, vigil, pidLog);
      onStart.accept(s);
      return s;
    }

    /** Runs it with {@code args} (any number) and waits for it to exit on its own. */
    Captured runToExit(String... args) throws IOException {
      int n = COUNTER.incrementAndGet();
      Path out = logs.resolve("supervise-" + n + ".out");
      Path err = logs.resolve("supervise-" + n + ".err");
      Process p = processes.start(cwd, out, err, command(List.of(args)), env);
      int exit = Processes.awaitExit(p, Await.DEFAULT);
      return new Captured(exit, Files.readString(out), Files.readString(err));
    }

    private List<String> command(List<String> args) {
      StringBuilder script = new StringBuilder("umask " + umask + " && ");
      for (String signal : ignored) {
        script.append("trap '' ").append(signal).append(" && ");
      }
      for (String command : shell) {
        script.append(command).append(" && ");
      }
      script.append("exec \"$@\"");
      List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script.toString(), "supervise"));
      command.addAll(program);
      command.addAll(args);
      return command;
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger COUNTER = new java.util.concurrent.atomic.AtomicInteger();

  private final Process process;
  private final String typed;
  private final ServiceDir dir;
  private final Path out;
  private final Path err;
  private final boolean vigil;
  private final Path pidLog;

  private SuperviseProcess(Process process, String typed, ServiceDir dir, Path out, Path err, boolean vigil,
      Path pidLog) {
    this.process = process;
    this.typed = typed;
    this.dir = dir;
    this.out = out;
    this.err = err;
    this.vigil = vigil;
    this.pidLog = pidLog;
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  /** The service directory, resolved against supervise's working directory. */
  ServiceDir dir() {
    return dir;
  }

  /** The directory argument as typed. */
  String typed() {
    return typed;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Everything supervise (and its children) wrote to stderr so far. */
  String err() {
    return read(err);
  }

  String out() {
    return read(out);
  }

  /** stderr lines that start with {@code prefix}. */
  List<String> errLines(String prefix) {
    return TextFiles.linesStartingWith(err(), prefix);
  }

  Status status() {
    try {
      return dir.readStatus();
    } catch (ServiceIOException e) {
      throw new AssertionError("cannot read " + dir.status() + ": " + e.getMessage(), e);
    }
  }

  /** The status file as it is on disk, all of it. */
  byte[] statusBytes() {
    try {
      return Files.readAllBytes(dir.status());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status file's inode: every write replaces the file, so a new inode means a new write. */
  long statusInode() {
    try {
      return (Long) Files.getAttribute(dir.status(), "unix:ino");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code supervise/pid}; null if absent. */
  String pidFile() {
    try {
      return Files.readString(dir.pid(), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until {@code supervise/pid} holds {@code content}. supervise writes it just after the
   * status file, so a test that has seen a status must wait for the pid file separately.
   */
  void awaitPidFile(String content) {
    Await.value("supervise/pid of " + typed + " to be \"" + content.replace("\n", "\\n") + "\"",
        this::pidFile, content::equals);
  }

  boolean isSupervised() {
    try {
      return dir.isSupervised();
    } catch (ServiceIOException e) {
      return false;
    }
  }

  /** Writes control bytes, exactly these, in one write; fails if no supervisor runs. */
  void send(String bytes) {
    try {
      if (!dir.send(bytes.getBytes(StandardCharsets.ISO_8859_1))) {
        throw new AssertionError("no supervisor runs on " + dir.name() + "; stderr: " + err());
      }
    } catch (ServiceIOException e) {
      throw new AssertionError("cannot send to " + dir.name() + ": " + e.getMessage(), e);
    }
  }

  /** Waits until the lock is held and {@code ok} has a reader; fails early if it exited. */
  SuperviseProcess awaitSupervised() {
    Await.until(typed + " to be supervised", () -> {
      if (!process.isAlive()) {
        throw new AssertionError("supervise " + typed + " exited " + process.exitValue() + ": " + err());
      }
      return isSupervised() && Files.exists(dir.status());
    });
    return this;
  }

  /**
   * Waits until a child runs: the status names a live pid (and, for ours, supervise/pid names the
   * same one). Returns the pid.
   */
  long awaitChild() {
    return awaitChildOtherThan(0);
  }

  /** Waits until a child other than {@code old} runs; returns its pid. */
  long awaitChildOtherThan(long old) {
    return Await.value("a child other than " + old + " under " + typed, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("supervise " + typed + " exited " + process.exitValue() + ": " + err());
      }
      return currentChild();
    }, pid -> pid != 0 && pid != old && hasLogged(pid));
  }

  /** Whether the child's run script has logged its pid, if run scripts log theirs here. */
  private boolean hasLogged(long pid) {
    if (pidLog == null) {
      return true;
    }
    try {
      return Files.readAllLines(pidLog).contains(Long.toString(pid));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The child the status names if it is alive and, for ours, supervise/pid agrees (the article's
   * layout has none); else 0.
   */
  long currentChild() {
    if (!Files.exists(dir.status())) {
      return 0;
    }
    long pid = status().pid();
    if (pid == 0 || !Processes.alive(pid)) {
      return 0;
    }
    if (vigil && dir.layout().pid != null && !(pid + "\n").equals(pidFile())) {
      return 0;
    }
    return pid;
  }

  /** Waits until the status satisfies {@code condition}; returns that status. */
  Status awaitStatus(String what, Predicate<Status> condition) {
    return Await.value(what, () -> Files.exists(dir.status()) ? status() : null,
        s -> s != null && condition.test(s));
  }

  /** Waits for supervise to exit on its own; returns its exit code. */
  int awaitExit() {
    return awaitExit(Await.DEFAULT);
  }

  int awaitExit(Duration timeout) {
    return Processes.awaitExit(process, timeout);
  }

  /**
   * Stops it as an operator would: {@code svc -dx} (a child that ignores TERM is then killed),
   * and waits for it to exit. {@link Processes#close()} is the fallback.
   */
  void stop() {
    if (!process.isAlive()) {
      return;
    }
    if (isSupervised()) {
      long child = Files.exists(dir.status()) ? status().pid() : 0;
      send("dx");
      if (child != 0) {
        try {
          Await.until("the child of " + typed + " to go on svc -d", () -> !Processes.alive(child),
              Duration.ofSeconds(3));
        } catch (AssertionError stubborn) {
          send("k");
        }
      }
    } else {
      process.destroy();
    }
    try {
      Processes.awaitExit(process, Await.DEFAULT);
    } catch (AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** For failure messages. */
  @Override
  public String toString() {
    return "supervise " + typed + " (pid " + pid() + ")";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the process is gone for good: reaped, not even a zombie. */
  static boolean gone(long pid) {
    return !Proc.exists(pid);
  }
}
