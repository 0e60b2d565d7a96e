package dev.vigil.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A child process holding flock(2) on a file, as a supervisor holds {@code supervise/lock}:
 * util-linux flock(1) locks fd 9 of a shell that then execs sleep, so the lock lives exactly as
 * long as the pid we started. {@link #close()} kills that pid and waits for it.
 */
final class FlockHolder implements AutoCloseable {
  private final Process process;

  private FlockHolder(Process process) {
    this.process = process;
  }

  /** The holder's pid; it holds the lock in descriptor 9. */
  long pid() {
    return process.pid();
  }

  /** Starts the holder and returns once it holds the lock (the shell has exec'd sleep). */
  static FlockHolder lock(Path file) throws IOException {
    Process p = new ProcessBuilder("/bin/sh", "-c", "exec 9>>\"$1\" && flock -n 9 && exec sleep 1000", "sh",
        file.toString())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    FlockHolder h = new FlockHolder(p);
    Path cmdline = Path.of("/proc/" + p.pid() + "/cmdline");
    try {
      // /proc/locks names flock(1)'s pid, not ours, so watch for the exec that follows success
      Poll.until("pid " + p.pid() + " to hold the flock and exec sleep", () -> {
        if (!p.isAlive()) {
          throw new AssertionError("flock holder exited with " + p.exitValue());
        }
        return new String(Files.readAllBytes(cmdline), StandardCharsets.ISO_8859_1).startsWith("sleep\0");
      });
    } catch (IOException | RuntimeException | Error e) {
      h.close();
      throw e;
    }
    return h;
  }

  /** Kills the holder by pid and waits until it has exited. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("flock holder " + process.pid() + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted stopping pid " + process.pid(), e);
    }
  }
}
