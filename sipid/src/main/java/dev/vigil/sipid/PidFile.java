package dev.vigil.sipid;

import dev.vigil.common.Errno;
import dev.vigil.common.ErrnoException;
import dev.vigil.common.os.Os;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pidfile as sipid writes it (the pid in decimal, no newline) and the one question both
 * commands ask of it: is the process it names still the process that was claimed?
 *
 * <p>sipid answers "a process with that pid exists" (kill(pid, 0)), so a pidfile left behind by a
 * process that died names whatever took the pid over later: sipid's kill then signals a stranger,
 * and its claim refuses to start the job. Here a process counts as the claimed one only if it
 * had started by the time the pidfile was last written: a claim names a process that exists
 * (sipid's own usage claims {@code $$}, then execs), so one that started later took the pid over.
 * The process's start (clock ticks since boot, /proc/PID/stat) is set against the file's mtime
 * through the boot time; {@link #SLACK_NANOS} absorbs the two clocks' granularity (10 ms ticks,
 * the uptime's 10 ms). A wall clock stepped forward by more than that between claim and kill
 * makes the claimed process look like a stranger: doc/sipid.md says so.
 */
final class PidFile {
  /** How much later than the pidfile's mtime a process must have started to be a stranger. */
  static final long SLACK_NANOS = 1_000_000_000L;
  private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on every Linux
  private static final int MAX_BYTES = 4096;

  /** What runs under the pid a pidfile names. */
  enum Verdict {
    /** No process has that pid (or it has exited and waits to be reaped). */
    NONE,
    /** A process that started after the pidfile was written: the pid was reused. */
    STRANGER,
    /** The process that was claimed: {@link Occupant#pidfd} names it. */
    CLAIMED
  }

  /** The verdict and, for {@link Verdict#CLAIMED}, a pidfd on the process (else -1). */
  record Occupant(Verdict verdict, long pid, int pidfd) {}

  final Path path;

  PidFile(Path path) {
    this.path = path;
  }

  /**
   * The pid the file holds, read as sipid reads it (strings.TrimSpace, then strconv.Atoi).
   *
   * @throws IOException if the file cannot be read
   * @throws GoSyntax.Invalid if it does not hold a decimal number
   */
  long pid() throws IOException, GoSyntax.Invalid {
    byte[] bytes;
    try (var in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_BYTES);
    }
    return GoSyntax.decimal(new String(bytes, StandardCharsets.US_ASCII));
  }

  /**
   * Who runs under {@code pid} now, as seen from this pidfile. The pidfd is opened first and the
   * start time read after it, then the pidfd asked whether its process still runs: if it does,
   * the start time read was that process's own, not a successor's.
   */
  Occupant occupant(Os os, Exits exits, long pid) throws IOException {
    int pidfd;
    try {
      pidfd = os.pidfdOpen(pid);
    } catch (ErrnoException e) {
      if (e.errno == Errno.ESRCH.number) {
        return new Occupant(Verdict.NONE, pid, -1);
      }
      throw e;
    }
    boolean keep = false;
    try {
      long startTicks;
      try {
        startTicks = os.startTicks(pid);
      } catch (ErrnoException e) {
        if (e.errno == Errno.ESRCH.number) {
          return new Occupant(Verdict.NONE, pid, -1);
        }
        throw e;
      }
      if (exits.exitedWithin(pidfd, 0)) {
        return new Occupant(Verdict.NONE, pid, -1);
      }
      if (startedAfterWritten(startTicks)) {
        return new Occupant(Verdict.STRANGER, pid, -1);
      }
      keep = true;
      return new Occupant(Verdict.CLAIMED, pid, pidfd);
    } finally {
      if (!keep) {
        exits.forget(pidfd);
        os.close(pidfd);
      }
    }
  }

  private boolean startedAfterWritten(long startTicks) throws IOException {
    long written = Files.getLastModifiedTime(path).to(java.util.concurrent.TimeUnit.NANOSECONDS);
    String uptime = Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII);
    long now = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    long sinceBoot = new java.math.BigDecimal(uptime.substring(0, uptime.indexOf(' ')))
        .movePointRight(9).longValue();
    long started = now - sinceBoot + startTicks * NANOS_PER_TICK;
    return started - written > SLACK_NANOS;
  }
}
