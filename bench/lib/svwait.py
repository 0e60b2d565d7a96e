#!/usr/bin/env python3
"""How fast svwait wakes up, and what a command-and-wait costs next to the C tools.

usage: svwait.py WORK VIGIL_BIN ROUNDS

1. wake-up: a stand-in supervisor (flock(1) holding supervise/lock, then sleep) and a
   daemontools record saying down; bin/svwait -u is started and left to reach its watch (an
   inotify descriptor, then 300 ms: the JVM's start is not measured), then the record saying up
   is renamed into place. Sample: the rename to svwait's exit (reaped), so the JVM's exit is in
   it. Then the same with SIGKILL to the stand-in instead of a rename, at a random point of
   svwait's one-second liveness period.
2. round trips, interleaved (timing.py's way): "stop, wait until down, start, wait until up" as
   one command line, each client JVM's start included, 1.1 s apart (untimed) so that no
   supervisor's one-start-a-second throttle is in the figures: vigil's svc -W on vigil's supervise and on
   daemontools' supervise; s6-svc -w on s6-supervise; runit's sv -w (it polls) on runsv.
Every process runs with its working directory inside WORK (scratch.sh's fallback finds them).
"""
import os
import random
import signal
import statistics
import subprocess
import sys
import time

S6_SUPERVISE = "/usr/bin/s6-supervise"
DAEMONTOOLS = "/usr/bin/supervise"
RUNIT = "/usr/bin/runsv"
EPOCH = (1 << 62) + 10


def record(pid):
    """daemontools' 18 bytes: TAI64N now, the pid little-endian, not paused, want up."""
    now = time.time_ns()
    return ((EPOCH + now // 10**9).to_bytes(8, "big") + (now % 10**9 // 1000 * 1000 + 500).to_bytes(4, "big")
            + pid.to_bytes(4, "little") + b"\0u")


def prepare(directory, pid):
    with open(os.path.join(directory, "supervise", "status.new"), "wb") as f:
        f.write(record(pid))


def publish(directory):
    os.rename(os.path.join(directory, "supervise", "status.new"), os.path.join(directory, "supervise", "status"))


def watching(pid):
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:inotify" for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def await_true(what, check, timeout=15):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            sys.exit(f"svwait.py: timed out waiting for {what}")
        time.sleep(0.002)


def stand_in(directory):
    p = subprocess.Popen(["/bin/sh", "-c", "exec 9>>supervise/lock && flock -n 9 && exec sleep 100000"],
                         cwd=directory, stdin=subprocess.DEVNULL)
    await_true("the stand-in to hold the lock",
               lambda: open(f"/proc/{p.pid}/cmdline", "rb").read().startswith(b"sleep"))
    return p


def started_svwait(work, vigil, directory):
    p = subprocess.Popen([os.path.join(vigil, "svwait"), "-u", directory], cwd=work,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    await_true("svwait to watch", lambda: watching(p.pid) or p.poll() is not None)
    time.sleep(0.3)  # past its first liveness check, parked in the watch's poll
    if p.poll() is not None:
        sys.exit(f"svwait.py: svwait ended early: {p.returncode} {p.stderr.read().decode()}")
    return p


def summary(name, samples):
    s = sorted(samples)
    p90 = s[min(len(s) - 1, int(len(s) * 0.9))]
    print(f"{name:44} median {statistics.median(s) * 1000:8.2f} ms   p90 {p90 * 1000:8.2f} ms   n={len(s)}")


def wake_up(work, vigil, rounds):
    directory = os.path.join(work, "fake")
    os.makedirs(os.path.join(directory, "supervise"))
    fake = stand_in(directory)
    renamed, killed = [], []
    try:
        for _ in range(rounds):
            prepare(directory, 0)
            publish(directory)
            w = started_svwait(work, vigil, directory)
            prepare(directory, 4242)
            start = time.perf_counter()
            publish(directory)
            code = w.wait()
            renamed.append(time.perf_counter() - start)
            if code != 0:
                sys.exit(f"svwait.py: svwait -u exited {code}: {w.stderr.read().decode()}")
        for _ in range(max(5, rounds // 4)):
            prepare(directory, 0)
            publish(directory)
            w = started_svwait(work, vigil, directory)
            time.sleep(random.uniform(0, 1))  # anywhere in svwait's one-second liveness period
            start = time.perf_counter()
            fake.kill()
            code = w.wait()
            killed.append(time.perf_counter() - start)
            fake.wait()
            if code != 102:
                sys.exit(f"svwait.py: svwait -u exited {code} after the kill: {w.stderr.read().decode()}")
            fake = stand_in(directory)
    finally:
        fake.kill()
        fake.wait()
    summary("status renamed -> svwait -u exited", renamed)
    summary("supervisor SIGKILLed -> svwait exited (102)", killed)


def service(work, name, argv):
    """A service that sleeps, under the supervisor argv names, listed for scratch.sh's cleanup."""
    directory = os.path.join(work, name)
    os.makedirs(directory)
    with open(os.path.join(directory, "run"), "w") as f:
        f.write("#!/bin/sh\nexec sleep 100000\n")
    os.chmod(os.path.join(directory, "run"), 0o755)
    p = subprocess.Popen(argv + [directory], cwd=directory, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    with open(os.path.join(work, "pids"), "a") as f:
        f.write(f"{p.pid} {directory}\n")
    await_true(f"{name} to write a record", lambda: os.path.exists(os.path.join(directory, "supervise", "status")))
    return directory, p


def round_trips(work, vigil, rounds):
    svc = os.path.join(vigil, "svc")
    commands = []
    started = []
    d, p = service(work, "vigil", [os.path.join(vigil, "supervise")])
    started.append((p, d, [svc, "-dx", d]))
    commands.append(("vigil svc -W on vigil supervise", f"{svc} -d -W d {d} && {svc} -u -W u {d}"))
    if os.access(DAEMONTOOLS, os.X_OK):
        d, p = service(work, "daemontools", [DAEMONTOOLS])
        started.append((p, d, [svc, "-dx", d]))
        commands.append(("vigil svc -W on daemontools supervise", f"{svc} -d -W d {d} && {svc} -u -W u {d}"))
    else:
        print("svwait.py: daemontools not installed: skipped")
    if os.access(S6_SUPERVISE, os.X_OK):
        d, p = service(work, "s6", [S6_SUPERVISE])
        started.append((p, d, ["/usr/bin/s6-svc", "-dx", d]))
        commands.append(("s6-svc -w on s6-supervise", f"s6-svc -wd -d {d} && s6-svc -wu -u {d}"))
    else:
        print("svwait.py: s6 not installed: skipped")
    if os.access(RUNIT, os.X_OK):
        d, p = service(work, "runit", [RUNIT])
        started.append((p, d, [svc, "-dx", d]))
        commands.append(("runit sv -w 7 (polls) on runsv", f"sv -w 7 down {d} && sv -w 7 up {d}"))
    else:
        print("svwait.py: runit not installed: skipped")
    time.sleep(1.5)  # every child older than the supervisors' 1 s restart throttle
    try:
        samples = {name: [] for name, _ in commands}
        for _ in range(rounds):
            for name, command in commands:
                start = time.perf_counter()
                done = subprocess.run(["/bin/sh", "-c", command], cwd=work, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
                samples[name].append(time.perf_counter() - start)
                if done.returncode != 0:
                    sys.exit(f"svwait.py: {command}: exit {done.returncode}: {done.stderr.decode()}")
            time.sleep(1.1)  # untimed: each new child older than the 1 s restart throttle again
        for name, _ in commands:
            summary(name + ": down+up", samples[name])
    finally:
        for p, d, stop in started:
            subprocess.run(stop, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGKILL)
                p.wait()


def main():
    work, vigil, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    wake_up(work, vigil, rounds)
    round_trips(work, vigil, rounds)


if __name__ == "__main__":
    main()
