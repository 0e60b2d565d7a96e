package dev.vigil.hadaemon;

import dev.vigil.common.Die;
import dev.vigil.common.os.Signal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One daemon's settings, read from a file of {@code key = value} lines whose keys are
 * HADaemon::Control's constructor options (doc/hadaemon.md). {@code #} starts a comment line.
 * {@code program_args} and {@code stop_signals} are lists of words, quoted as in sh ('...',
 * "...", backslash); every other value is the rest of its line. {@code init_code} may be given on
 * several lines, which are kept in order. A key the original does not have, a key given twice,
 * or a value that does not parse is one line and LSB's "not configured" (6).
 */
public final class Config {
  /** Every key a configuration file may hold: HADaemon::Control's option names (doc/hadaemon.md). */
  public static List<String> keys() {
    return KEYS;
  }

  /** LSB: "program is not configured". */
  static final int NOT_CONFIGURED = 6;

  static final List<String> KEYS = List.of(
      "name", "program", "program_args", "pid_dir", "log_file", "stdout_file", "stderr_file",
      "user", "group", "uid", "gid", "umask", "directory", "kill_timeout", "signal_kill_timeout",
      "stop_file_kill_timeout", "stop_signals", "main_stop_file", "standby_stop_file",
      "close_fds_on_start", "max_procs", "standby_max_procs", "path", "init_config", "init_code",
      "lsb_start", "lsb_stop", "lsb_sdesc", "lsb_desc", "reset_close_on_exec_main_lock_fd", "quiet");

  final Path file;
  final String name;
  final Path program;
  final List<String> programArgs;
  final Path pidDir;
  final Path logFile;
  final Path stdoutFile;
  final Path stderrFile;
  final Path directory;
  final long stopFileMillis;
  final long signalMillis;
  final List<Signal> stopSignals;
  /** With {@code %p} for the pid of the main it stops; null if none. */
  final String mainStopFile;
  final Path standbyStopFile;
  final int maxProcs;
  final int standbyMaxProcs;
  final String path;
  final String initConfig;
  final String initCode;
  final String lsbStart;
  final String lsbStop;
  final String lsbSdesc;
  final String lsbDesc;
  /** Whether the program gets the main lock's descriptor (HADC_lock_fd): the original's option. */
  final boolean passLock;
  final boolean quiet;
  /** user, group, uid, gid and umask: who the program runs as. */
  final RunAs runAs;

  private Config(Path file, Map<String, String> v) {
    this.file = file;
    this.name = required(v, "name");
    this.program = executable(required(v, "program"), v.get("path_env"));
    this.programArgs = words(v, "program_args", List.of());
    this.pidDir = absolute(required(v, "pid_dir"), "pid_dir");
    this.logFile = absolute(required(v, "log_file"), "log_file");
    this.stdoutFile = v.containsKey("stdout_file") ? absolute(v.get("stdout_file"), "stdout_file") : logFile;
    this.stderrFile = v.containsKey("stderr_file") ? absolute(v.get("stderr_file"), "stderr_file") : logFile;
    this.directory = v.containsKey("directory") ? absolute(v.get("directory"), "directory") : null;
    long kill = millis(v, "kill_timeout", 1000);
    this.stopFileMillis = millis(v, "stop_file_kill_timeout", kill);
    this.signalMillis = millis(v, "signal_kill_timeout", kill);
    List<Signal> signals = new ArrayList<>();
    for (String w : words(v, "stop_signals", List.of("TERM", "TERM", "INT", "KILL"))) {
      Signal s = Signal.named(w);
      if (s == null) {
        throw bad("stop_signals", "no such signal: " + w);
      }
      signals.add(s);
    }
    this.stopSignals = List.copyOf(signals);
    this.mainStopFile = v.get("main_stop_file");
    this.standbyStopFile = v.containsKey("standby_stop_file")
        ? absolute(v.get("standby_stop_file"), "standby_stop_file") : pidDir.resolve("standby-stop-file");
    this.maxProcs = count(v, "max_procs", 1, 1);
    this.standbyMaxProcs = count(v, "standby_max_procs", 1, 0);
    this.path = v.get("path");
    this.initConfig = v.get("init_config");
    this.initCode = v.getOrDefault("init_code", "");
    this.lsbStart = v.getOrDefault("lsb_start", "");
    this.lsbStop = v.getOrDefault("lsb_stop", "");
    this.lsbSdesc = v.getOrDefault("lsb_sdesc", "");
    this.lsbDesc = v.getOrDefault("lsb_desc", "");
    this.passLock = flag(v, "reset_close_on_exec_main_lock_fd", false);
    this.quiet = flag(v, "quiet", false);
    this.runAs = RunAs.of(v);
    if (!flag(v, "close_fds_on_start", true)) {
      throw bad("close_fds_on_start", "0 is not supported: the program never inherits hadaemon's descriptors");
    }
  }

  /** Reads and checks {@code file}; a {@link Die} with LSB's code 6 if it does not do. */
  static Config read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw Die.fatal(NOT_CONFIGURED, "unable to read " + file + ": file does not exist");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw Die.fatal(NOT_CONFIGURED, "unable to read " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    int number = 0;
    for (String line : text.split("\n", -1)) {
      number++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      int eq = t.indexOf('=');
      if (eq <= 0) {
        throw Die.fatal(NOT_CONFIGURED, file + " line " + number + ": not key = value");
      }
      String key = t.substring(0, eq).strip();
      String value = t.substring(eq + 1).strip();
      if (!KEYS.contains(key)) {
        throw Die.fatal(NOT_CONFIGURED, file + " line " + number + ": unknown option " + key);
      }
      if (key.equals("init_code") && values.containsKey(key)) {
        values.put(key, values.get(key) + "\n" + value);
      } else if (values.putIfAbsent(key, value) != null) {
        throw Die.fatal(NOT_CONFIGURED, file + " line " + number + ": " + key + " given twice");
      }
    }
    values.put("path_env", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    return new Config(file, values);
  }

  /** The program's command: its argv, after the steps that change its user and umask (RunAs). */
  List<String> command() {
    List<String> argv = new ArrayList<>();
    argv.add(program.toString());
    argv.addAll(programArgs);
    return runAs.command(argv);
  }

  /** Main process {@code n}'s lock file: HADaemon::Control's {@code PID_DIR/lock/N.lock}. */
  Path mainLock(int n) {
    return pidDir.resolve("lock").resolve(n + ".lock");
  }

  /** Standby slot {@code n}'s lock file: {@code PID_DIR/lock-standby/N.lock}. */
  Path standbyLock(int n) {
    return pidDir.resolve("lock-standby").resolve(n + ".lock");
  }

  /** A process's pid file by its role: {@code main-1}, {@code standby-2}, {@code unknown-PID}. */
  Path pidFile(String role) {
    return pidDir.resolve(role + ".pid");
  }

  /** The stop file for the main whose pid is {@code pid}; null without main_stop_file. */
  Path mainStopFile(long pid) {
    return mainStopFile == null ? null : Path.of(mainStopFile.replace("%p", Long.toString(pid)));
  }

  private static String required(Map<String, String> v, String key) {
    String value = v.get(key);
    if (value == null || value.isEmpty()) {
      throw Die.fatal(NOT_CONFIGURED, key + " must be defined");
    }
    return value;
  }

  private static Path absolute(String value, String key) {
    Path p = Path.of(value);
    if (!p.isAbsolute()) {
      throw bad(key, "not an absolute path: " + value);
    }
    return p;
  }

  /**
   * The program to run: a path, or a name looked up in PATH when it has no slash (as execvp
   * does; HADaemon::Control runs a code reference, hadaemon runs a command).
   */
  private static Path executable(String value, String pathEnv) {
    if (value.contains("/")) {
      return Path.of(value).toAbsolutePath();
    }
    for (String dir : pathEnv.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, value);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    throw bad("program", "not found in PATH: " + value);
  }

  private static long millis(Map<String, String> v, String key, long otherwise) {
    String value = v.get(key);
    if (value == null) {
      return otherwise;
    }
    try {
      double seconds = Double.parseDouble(value);
      if (seconds >= 0 && seconds < 1e9 && !value.contains("e") && !value.contains("E")) {
        return Math.round(seconds * 1000);
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw bad(key, "not a number of seconds: " + value);
  }

  private static int count(Map<String, String> v, String key, int otherwise, int least) {
    String value = v.get(key);
    if (value == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= least && n <= 1000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw bad(key, "not a whole number from " + least + " to 1000: " + value);
  }

  private static boolean flag(Map<String, String> v, String key, boolean otherwise) {
    String value = v.get(key);
    if (value == null) {
      return otherwise;
    }
    if (value.equals("0") || value.equals("1")) {
      return value.equals("1");
    }
    throw bad(key, "not 0 or 1: " + value);
  }

  private static List<String> words(Map<String, String> v, String key, List<String> otherwise) {
    String value = v.get(key);
    if (value == null) {
      return otherwise;
    }
    List<String> out = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\\' && quote != '\'') {
        if (++i == value.length()) {
          throw bad(key, "a backslash at the end");
        }
        word = word == null ? new StringBuilder() : word;
        word.append(value.charAt(i));
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          out.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw bad(key, "an unclosed quote");
    }
    if (word != null) {
      out.add(word.toString());
    }
    return List.copyOf(out);
  }

  private static Die bad(String key, String why) {
    return Die.fatal(NOT_CONFIGURED, key + ": " + why);
  }
}
