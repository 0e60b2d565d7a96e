#!/usr/bin/env python3
"""bench/sipid.sh's harness: `sipid kill` of a daemon that exits on SIGTERM, the original way
(the real sipid, polling kill(pid, 0) every 10 ms; or, when it is not built, this script's
faithful copy of that loop) and vigil's (a pidfd, woken by the exit), interleaved round by round.

Per kill: the whole command (start to exit); from the daemon's death (the stamp its TERM handler
writes just before _exit) to the removal of the pidfile, which both do as soon as they learn of
the death (seen through inotify): how long the killer takes to notice; and from the death to the
exit of the killer process (for vigil's, that includes the JVM's own exit). The harness reaps the
daemon at once from a thread blocked in waitpid, as monit or init would: a zombie passes sipid's
kill(pid, 0) check.

usage: sipid.py WORK TARGET VIGIL_SIPID REAL_SIPID_OR_EMPTY ROUNDS
"""
import os
import signal
import statistics
import subprocess
import sys
import ctypes
import struct
import threading
import time

IN_DELETE = 0x200
libc = ctypes.CDLL("libc.so.6", use_errno=True)


def watch_removal(directory, name, seen):
    """Starts a thread that stamps (time_ns) the removal of DIRECTORY/NAME into seen[0]."""
    fd = libc.inotify_init1(0)
    if fd < 0 or libc.inotify_add_watch(fd, directory.encode(), IN_DELETE) < 0:
        sys.exit("inotify: " + os.strerror(ctypes.get_errno()))

    def run():
        try:
            while True:
                data = os.read(fd, 4096)
                now = time.time_ns()
                off = 0
                while off < len(data):
                    _, mask, _, size = struct.unpack_from("iIII", data, off)
                    entry = data[off + 16:off + 16 + size].rstrip(b"\0").decode()
                    off += 16 + size
                    if mask & IN_DELETE and entry == name:
                        seen[0] = now
                        return
        finally:
            os.close(fd)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def original_loop(pidfile):
    """sipid's kill.go, step by step: read, kill(0), TERM, poll kill(0) every 10 ms for 20 s, remove."""
    pid = int(open(pidfile).read().strip())
    try:
        os.kill(pid, 0)
    except OSError:
        return
    deadline = time.monotonic() + 20
    os.kill(pid, signal.SIGTERM)
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.010)
    else:
        os.kill(pid, signal.SIGKILL)
    os.remove(pidfile)


def one_kill(work, target, command, name, index):
    stamp = os.path.join(work, f"stamp-{name}-{index}")
    rundir = os.path.join(work, f"run-{name}-{index}")
    os.mkdir(rundir)
    pidfile = os.path.join(rundir, "daemon.pid")
    daemon = subprocess.Popen([target, stamp], cwd=work, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if daemon.stdout.readline() != b"ready\n":
        sys.exit("the daemon did not start")
    reaper = threading.Thread(target=daemon.wait)
    reaper.start()
    with open(pidfile, "w") as f:
        f.write(str(daemon.pid))
    removed = [None]
    watcher = watch_removal(rundir, "daemon.pid", removed)
    start = time.time_ns()
    if command is None:
        pid = os.fork()
        if pid == 0:
            try:
                original_loop(pidfile)
                os._exit(0)
            except BaseException:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
    else:
        code = subprocess.run(command + ["kill", "--pid-file", pidfile], cwd=work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    done = time.time_ns()
    reaper.join(timeout=30)
    watcher.join(timeout=30)
    if code != 0 or os.path.exists(pidfile) or daemon.returncode != 0 or removed[0] is None:
        sys.exit(f"{name}: exit {code}, pidfile left: {os.path.exists(pidfile)}, daemon: {daemon.returncode}")
    died = int(open(stamp).read())
    os.remove(stamp)
    os.rmdir(rundir)
    return (done - start) / 1e6, (removed[0] - died) / 1e6, (done - died) / 1e6


def main():
    work, target, ours, real, rounds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    killers = [("original", [real] if real else None), ("vigil", [ours])]
    label = f"the real sipid ({real})" if real else "bench/lib/sipid.py's copy of sipid's kill loop (no real sipid built)"
    print(f"original: {label}; vigil: {ours}")
    total = {name: [] for name, _ in killers}
    noticed = {name: [] for name, _ in killers}
    tail = {name: [] for name, _ in killers}
    for i in range(2):  # warm-up: page cache, class-data archive
        for name, command in killers:
            one_kill(work, target, command, name, f"w{i}")
    for i in range(rounds):
        for name, command in killers:
            t, n, d = one_kill(work, target, command, name, i)
            total[name].append(t)
            noticed[name].append(n)
            tail[name].append(d)
    print(f"milliseconds, median / p90 / max, n={rounds}, interleaved")
    print(f"{'':9} {'whole kill':>24} {'death -> pidfile removed':>26} {'death -> killer exited':>24}")
    for name, _ in killers:
        cells = []
        for series in (total[name], noticed[name], tail[name]):
            s = sorted(series)
            p90 = s[min(len(s) - 1, int(len(s) * 0.9))]
            cells.append(f"{statistics.median(s):.2f} / {p90:.2f} / {s[-1]:.2f}")
        print(f"{name:9} {cells[0]:>24} {cells[1]:>26} {cells[2]:>24}")


if __name__ == "__main__":
    main()
