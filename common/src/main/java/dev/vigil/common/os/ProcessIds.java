package dev.vigil.common.os;

/**
 * Who a process is related to, from /proc/PID/stat (proc(5)'s fields 4 to 6 and 22).
 *
 * @param pid the process
 * @param parent its parent's pid: after its parent exited, the nearest subreaper's (or init's)
 * @param group its process group's id
 * @param session its session's id
 * @param startTicks when it started, in clock ticks since boot: with the pid, one process
 * @param exited it is a zombie: it has exited and awaits its reaping
 */
public record ProcessIds(long pid, long parent, long group, long session, long startTicks, boolean exited) {}
