package dev.vigil.common;

import java.util.OptionalInt;

/**
 * What vigil records beyond daemontools and runit, after byte 20 of the status file
 * (doc/status-format.md).
 *
 * @param supervisorPid the pid of the supervising process
 * @param starts how many times the supervisor has started {@code ./run} since it began
 * @param lastExit the wait status of the last child that exited, as waitpid(2) reports it;
 *     empty until a child has exited
 * @param childStartTicks the current child's start time as the kernel reports it (field 22 of
 *     {@code /proc/PID/stat}, clock ticks since boot); 0 when there is no child. With the pid it
 *     identifies the process across pid reuse.
 * @param lockFd the descriptor in which the supervisor holds its flock on {@code supervise/lock}:
 *     {@code /proc/SUPERVISORPID/fdinfo/LOCKFD} then shows that lock, which lets a client confirm
 *     the supervisor runs without reading {@code /proc/locks} (see {@link Liveness})
 */
public record Extension(
    long supervisorPid, long starts, OptionalInt lastExit, long childStartTicks, int lockFd) {}
