package dev.vigil.common.os;

/**
 * A process supervise started.
 *
 * @param pid its pid
 * @param pidfd a pidfd for it: readable once it has exited
 * @param startTicks its start time as the kernel reports it (field 22 of /proc/PID/stat)
 */
public record Child(long pid, int pidfd, long startTicks) {}
