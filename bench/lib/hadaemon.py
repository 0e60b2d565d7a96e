#!/usr/bin/env python3
"""bench/hadaemon.sh's driver: promotion latency, downtime during a rolling restart, memory of a
waiting standby. Every process it starts is stopped by pid at the end (hadaemon stop, then
SIGKILL to each keeper that logged and each program pid left in a pid file).

usage: hadaemon.py WORK HADAEMON STAMP REUSEPORT_PY SAMPLES RESTARTS
"""
import glob
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time


def conf(work, name, program, mains, standbys, extra=""):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "hd.conf")
    with open(path, "w") as f:
        f.write(f"name = {name}\nprogram = {program}\npid_dir = {d}/run\nlog_file = {d}/log\n"
                f"directory = {d}\nmax_procs = {mains}\nstandby_max_procs = {standbys}\n{extra}")
    return d, path


def hadaemon(bin_, config, action, check=True):
    r = subprocess.run([bin_, config, action], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, HADC_NO_COLORS="1"))
    if check and r.returncode != 0:
        sys.exit(f"hadaemon {action} failed ({r.returncode}): {r.stdout.decode()}{r.stderr.decode()}")
    return r


def pid_of(d, role):
    try:
        with open(f"{d}/run/{role}.pid") as f:
            pid = int(f.read().strip())
        with open(f"/proc/{pid}/stat") as f:
            return pid if f.read().rsplit(")", 1)[1].split()[0] != "Z" else 0
    except (OSError, ValueError):
        return 0


def blocked_in_flock(pid):
    """Whether one of the process's threads sits in flock(2) (x86_64 73, aarch64 32)."""
    number = "73" if os.uname().machine == "x86_64" else "32"
    for task in glob.glob(f"/proc/{pid}/task/*/syscall"):
        try:
            with open(task) as f:
                if f.read().split(" ", 1)[0] == number:
                    return True
        except OSError:
            pass
    return False


def wait_for(what, condition, timeout=30):
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            sys.exit(f"timed out waiting for {what}")
        time.sleep(0.001)


def stamps(d):
    try:
        with open(f"{d}/stamps") as f:
            return [tuple(map(int, line.split())) for line in f if line.strip()]
    except OSError:
        return []


def promotion(bin_, work, stamp, samples):
    d, config = conf(work, "promotion", stamp, 1, 1)
    hadaemon(bin_, config, "start")
    latencies = []
    for _ in range(samples):
        wait_for("a standby blocked in flock", lambda: pid_of(d, "standby-1") and blocked_in_flock(pid_of(d, "standby-1")))
        main = pid_of(d, "main-1")
        seen = len(stamps(d))
        t0 = time.time_ns()
        os.kill(main, signal.SIGKILL)
        wait_for("the standby's program", lambda: len(stamps(d)) > seen)
        latencies.append((stamps(d)[seen][0] - t0) / 1e6)
        hadaemon(bin_, config, "fork")
    hadaemon(bin_, config, "stop")
    s = sorted(latencies)
    print(f"promotion, main SIGKILLed -> the standby's program running (n={samples}): "
          f"median {statistics.median(s):.2f} ms, p90 {s[min(len(s) - 1, int(len(s) * 0.9))]:.2f} ms, "
          f"min {s[0]:.2f}, max {s[-1]:.2f} (the original: up to its 1 s interval)")
    return d


def floor(work, stamp, samples):
    """The same kill -> program running through util-linux flock(1) in C: the holder is
    `flock -o LOCK sleep` (flock holds the lock and waits for sleep), the waiter `flock -o LOCK
    STAMP`. No pid files, no stop files: the least a flock hand-over costs on this machine now."""
    d = os.path.join(work, "floor")
    os.makedirs(d, exist_ok=True)
    lock = os.path.join(d, "lock")
    latencies = []
    holder = subprocess.Popen(["/usr/bin/flock", "-o", lock, "sleep", "600"], cwd=d)
    for _ in range(samples):
        wait_for("the holder holds the lock", lambda: children(holder.pid))
        waiter = subprocess.Popen(["/usr/bin/flock", "-o", lock, stamp], cwd=d)
        wait_for("the waiter blocks", lambda: blocked_in_flock(waiter.pid))
        seen = len(stamps(d))
        orphans = children(holder.pid)
        t0 = time.time_ns()
        os.kill(holder.pid, signal.SIGKILL)
        wait_for("the waiter's program", lambda: len(stamps(d)) > seen)
        latencies.append((stamps(d)[seen][0] - t0) / 1e6)
        holder.wait()
        for pid in orphans:
            os.kill(pid, signal.SIGKILL)
        holder = waiter
    for pid in children(holder.pid):
        os.kill(pid, signal.SIGKILL)
    holder.kill()
    holder.wait()
    s = sorted(latencies)
    print(f"the same through util-linux flock(1), C (n={samples}): median {statistics.median(s):.2f} ms, "
          f"p90 {s[min(len(s) - 1, int(len(s) * 0.9))]:.2f} ms")


def downtime(bin_, work, server, restarts):
    port = free_port()
    d, config = conf(work, "restart", "/usr/bin/python3", 2, 2, f"program_args = {server} {port}\n")
    hadaemon(bin_, config, "start")
    wait_for("the servers answer", lambda: ask(port) is not None)
    results = []
    for _ in range(restarts):
        stop = threading.Event()
        log = []

        def poll():
            while not stop.is_set():
                t = time.monotonic()
                log.append((t, ask(port)))
                time.sleep(max(0.0, 0.010 - (time.monotonic() - t)))

        thread = threading.Thread(target=poll)
        thread.start()
        before = {pid_of(d, "main-1"), pid_of(d, "main-2")}
        t = time.monotonic()
        hadaemon(bin_, config, "restart")
        took = time.monotonic() - t
        stop.set()
        thread.join()
        after = {pid_of(d, "main-1"), pid_of(d, "main-2")}
        assert not before & after, "both mains replaced"
        failures = [t for t, answer in log if answer is None]
        gap, last_ok = 0.0, log[0][0]
        for t, answer in log:
            if answer is not None:
                gap, last_ok = max(gap, t - last_ok), t
        results.append((len(log), len(failures), gap * 1000, took))
    hadaemon(bin_, config, "stop")
    for polls, failures, gap, took in results:
        print(f"restart (2 mains + 2 standbys) took {took:.1f} s: {polls} connections every 10 ms, "
              f"{failures} failed; longest time between two answers {gap:.1f} ms")
    return d


def ask(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
            data = c.recv(64)
            return data if data else None
    except OSError:
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(bin_, work, stamp):
    rows = []
    for mains in (1, 8):
        d, config = conf(work, f"memory{mains}", stamp, mains, 1)
        hadaemon(bin_, config, "start")
        standby = pid_of(d, "standby-1")
        wait_for("a standby blocked in flock", lambda: blocked_in_flock(standby))
        time.sleep(2)  # let the JVM settle: no more class loading or heap growth
        rows.append((f"hadaemon standby, waiting for {mains} main lock{'s' if mains > 1 else ''} (JVM)", standby))
        main_keeper = parent(pid_of(d, "main-1"))
        rows.append((f"hadaemon main's keeper (JVM; holds the lock, waits for the program)", main_keeper))
        measure(rows)
        rows.clear()
        hadaemon(bin_, config, "stop")
    # the C floor: util-linux flock(1) blocked on a held lock, and a sh waiting for a child
    lock = os.path.join(work, "floor.lock")
    holder = subprocess.Popen(["/usr/bin/flock", lock, "sleep", "600"])
    wait_for("flock(1) holds the lock", lambda: any(l.split()[5].endswith(":" + str(os.stat(lock).st_ino)) for l in open("/proc/locks")) if os.path.exists(lock) else False)
    waiter = subprocess.Popen(["/usr/bin/flock", lock, "true"])
    wait_for("flock(1) waits", lambda: blocked_in_flock(waiter.pid))
    shell = subprocess.Popen(["/bin/sh", "-c", "sleep 600; :"])
    time.sleep(0.2)
    measure([("util-linux flock(1) blocked on the lock (C, for scale)", waiter.pid),
             ("sh waiting for its child (C, for scale)", shell.pid)])
    for p in (waiter, holder, shell):
        for child in children(p.pid):
            os.kill(child, signal.SIGKILL)
        p.kill()
        p.wait()


def children(pid):
    out = []
    for t in glob.glob(f"/proc/{pid}/task/*/children"):
        with open(t) as f:
            out += [int(x) for x in f.read().split()]
    return out


def parent(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def measure(rows):
    for name, pid in rows:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            fields = dict(re.findall(r"^(\w+):\s+(\d+) kB", f.read(), re.M))
        threads = len(os.listdir(f"/proc/{pid}/task"))
        print(f"{name}: RSS {int(fields['Rss']) / 1024:.1f} MB, PSS {int(fields['Pss']) / 1024:.1f} MB, {threads} threads")


def main():
    work, bin_, stamp, server, samples, restarts = sys.argv[1:7]
    if int(samples) > 0:
        promotion(bin_, work, stamp, int(samples))
        floor(work, stamp, int(samples))
    if int(restarts) > 0:
        downtime(bin_, work, server, int(restarts))
    memory(bin_, work, stamp)


if __name__ == "__main__":
    main()
