package dev.vigil.svscan;

import dev.vigil.common.ServiceDir;
import dev.vigil.common.ServiceIOException;
import dev.vigil.common.Status;
import dev.vigil.fixtures.Await;
import dev.vigil.fixtures.Processes;
import dev.vigil.fixtures.TextFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Our svscan as a real process on a scan directory, started and (in the end) killed by pid through {@link Processes}. */
final class SvscanProcess {
  static final String MAIN = "dev.vigil.svscan.Main";

  private final Process process;
  private final Path scanDir;
  private final Path err;
  private final Path pidLog;

  private SvscanProcess(Process process, Path scanDir, Path err, Path pidLog) {
    this.process = process;
    this.scanDir = scanDir;
    this.err = err;
    this.pidLog = pidLog;
  }

  /** Starts {@code svscan DIR} (as typed, relative to {@code cwd}), with this JVM's java and class path. */
  static SvscanProcess start(Processes processes, Path cwd, String dir, Path pidLog) throws IOException {
    return start(processes, cwd, dir, pidLog, "");
  }

  /** {@link #start}, with a shell command run first, in the same shell ({@code ulimit -n 200 &&}). */
  static SvscanProcess start(Processes processes, Path cwd, String dir, Path pidLog, String before)
      throws IOException {
    Path out = Files.createTempFile(cwd, "svscan", ".out");
    Path err = Files.createTempFile(cwd, "svscan", ".err");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), MAIN));
    if (dir != null) {
      command.add(dir);
    }
    List<String> shell = new ArrayList<>(List.of("/bin/sh", "-c", before + "umask 022 && exec \"$@\"", "svscan"));
    shell.addAll(command);
    Process real = processes.start(cwd, out, err, shell, java.util.Map.of());
    return new SvscanProcess(real, dir == null ? cwd : cwd.resolve(dir), err, pidLog);
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  String err() {
    try {
      return Files.readString(err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** stderr lines starting with {@code prefix}. */
  List<String> errLines(String prefix) {
    return TextFiles.linesStartingWith(err(), prefix);
  }

  ServiceDir service(String name) {
    return ServiceDir.of(scanDir.resolve(name));
  }

  /** The status of {@code name}, or null if it cannot be read yet. */
  Status status(String name) {
    try {
      return service(name).readStatus();
    } catch (ServiceIOException e) {
      return null;
    }
  }

  boolean isSupervised(String name) {
    try {
      return service(name).isSupervised();
    } catch (ServiceIOException e) {
      return false;
    }
  }

  /** Waits until {@code name}'s status names a live child that has logged its pid; returns it. */
  long awaitChild(String name) {
    return awaitChildOtherThan(name, 0);
  }

  long awaitChildOtherThan(String name, long old) {
    return Await.value(name + " to run a child other than " + old, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("svscan exited " + process.exitValue() + ": " + err());
      }
      Status s = status(name);
      return s == null || !isSupervised(name) ? 0L : s.pid();
    }, pid -> pid != 0 && pid != old && Processes.alive(pid) && logged(pid));
  }

  private boolean logged(long pid) {
    try {
      return Files.readAllLines(pidLog).contains(Long.toString(pid));
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends bytes to {@code name}'s control FIFO, as svc does. */
  void send(String name, String bytes) {
    try {
      if (!service(name).send(bytes.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))) {
        throw new AssertionError("no supervisor runs on " + name + "; stderr: " + err());
      }
    } catch (ServiceIOException e) {
      throw new AssertionError("cannot send to " + name, e);
    }
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  int terminate() {
    process.destroy();
    return Processes.awaitExit(process, Await.DEFAULT);
  }

  int awaitExit(Duration timeout) {
    return Processes.awaitExit(process, timeout);
  }
}
