package dev.vigil.common;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What vigil records beyond daemontools and runit, after byte 20 of the status file
 * (doc/status-format.md).
 *
 * @param supervisorPid the pid of the supervising process
 * @param starts how many times the supervisor has started {@code ./run} since it began
 * @param lastExit the wait status of the last child that exited, as waitpid(2) reports it;
 *     empty until a child has exited; {@link #EXIT_UNKNOWN} if that child was adopted (a
 *     supervisor that is not its parent cannot learn how it ended)
 * @param childStartTicks the current child's start time as the kernel reports it (field 22 of
 *     {@code /proc/PID/stat}, clock ticks since boot); 0 when there is no child. With the pid it
 *     identifies the process across pid reuse.
 * @param lockFd the descriptor in which the supervisor holds its flock on {@code supervise/lock}:
 *     {@code /proc/SUPERVISORPID/fdinfo/LOCKFD} then shows that lock, which lets a client confirm
 *     the supervisor runs without reading {@code /proc/locks} (see {@link Liveness})
 * @param progress the lifecycle fields of layout version 2; empty in a version 1 record
 * @param readiness the readiness fields of layout version 3; empty in an older record
 * @param lastPid layout version 4: the pid of the service's process that last exited, 0 if none
 *     did; empty in an older record. What it left in its process group (it led one) can be counted
 */
public record Extension(
    long supervisorPid, long starts, OptionalInt lastExit, long childStartTicks, int lockFd,
    Optional<Progress> progress, Optional<Readiness> readiness, OptionalLong lastPid) {
  /** In {@link #lastExit}: the child exited, and nobody could know how (no wait status is negative). */
  public static final int EXIT_UNKNOWN = -1;

  /** A version 1 record. */
  public Extension(long supervisorPid, long starts, OptionalInt lastExit, long childStartTicks, int lockFd) {
    this(supervisorPid, starts, lastExit, childStartTicks, lockFd, Optional.empty(), Optional.empty());
  }

  /** A version 3 record. */
  public Extension(long supervisorPid, long starts, OptionalInt lastExit, long childStartTicks, int lockFd,
      Optional<Progress> progress, Optional<Readiness> readiness) {
    this(supervisorPid, starts, lastExit, childStartTicks, lockFd, progress, readiness, OptionalLong.empty());
  }

  /** A version 2 record. */
  public Extension(long supervisorPid, long starts, OptionalInt lastExit, long childStartTicks, int lockFd,
      Optional<Progress> progress) {
    this(supervisorPid, starts, lastExit, childStartTicks, lockFd, progress, Optional.empty());
  }

  /**
   * Layout version 2: where the service is in its life.
   *
   * @param stage the lifecycle phase
   * @param stopSignals how many signals a stop in progress has sent so far; 0 when none is
   * @param fastDeaths how many times in a row ./run died soon after its start, unasked (the
   *     crash-loop backoff doubles the wait with each)
   * @param since when the current stage began
   * @param nextStart when the next start is due, if one is owed (the throttle or the backoff)
   */
  public record Progress(Stage stage, int stopSignals, int fastDeaths, Tai64n since, Optional<Tai64n> nextStart) {}

  /**
   * Layout version 3: whether ./run is ready (doc/service-dir.md: notification-fd,
   * notify-socket, check, or up).
   *
   * @param since when it became ready; empty while it is not (or there is no ./run)
   * @param stopping it said {@code STOPPING=1} (systemd's protocol)
   * @param text the last {@code STATUS=} it sent, empty if none (at most 200 bytes of UTF-8)
   */
  public record Readiness(Optional<Tai64n> since, boolean stopping, String text) {
    public static final Readiness NONE = new Readiness(Optional.empty(), false, "");
  }
}
