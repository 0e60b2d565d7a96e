#!/usr/bin/env python3
"""Restart latency and the throttle test of bench/restart.sh (which compiles the stamp program,
makes the scratch directory and cleans up after this script as a fallback).

usage: restart.py WORK STAMP VIGIL_BIN SVC SAMPLES THROTTLE_RUNS [NAME=OPTS ...]

  WORK           an empty scratch directory
  STAMP          the compiled bench/lib/stamp.c; each service's ./run is a copy of it
  VIGIL_BIN      vigil's bin/ directory
  SVC            the svc client the throttle test sends -dx with
  NAME=OPTS      vigil variants to run side by side: VIGIL_JAVA_OPTS for each, optionally
                 preceded by JAVA_HOME=DIR; none given = one "vigil supervise" with the
                 environment as it is

Start: supervisors are started one at a time; each one's time from Popen to its first child's
stamp is reported (a JVM's start-up, for vigil).

Restart: every supervisor's child is SIGKILLed once per round, after it has lived > 1.3 s; the
latency is the new child's CLOCK_REALTIME stamp minus ours taken just before kill(2). Rounds
interleave the supervisors and rotate which one goes first. Round 0, the first restart after
the supervisor started, is reported on its own ("first") and left out of the statistics.

Throttle: a fresh supervisor per run; its first child is SIGKILLed 0.3 s after its stamp, so
every supervisor is inside its one-start-per-second throttle; once the child is dead (a zombie
or reaped) SVC -dx is run and we time until the supervisor process has exited (pidfd), and count
the children it started in between.
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supervisors as sv  # noqa: E402

MIN_AGE_NS = 1_300_000_000
THROTTLE_KILL_AFTER_NS = 300_000_000


def stamps(directory):
    """[(ns, pid)] of every complete line of directory/stamps."""
    try:
        with open(os.path.join(directory, "stamps"), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    lines = data.split(b"\n")[:-1]
    return [tuple(int(x) for x in line.split()) for line in lines]


def realtime():
    return time.clock_gettime_ns(time.CLOCK_REALTIME)


def service(work, stamp, label):
    directory = os.path.join(work, label)
    os.mkdir(directory)
    shutil.copy(stamp, os.path.join(directory, "run"))
    os.chmod(os.path.join(directory, "run"), 0o755)
    sv.no_backoff(directory)
    return directory


def first_stamp(s, timeout=30.0):
    def seen():
        if not s.alive():
            raise RuntimeError(f"{s.name} exited with {s.proc.returncode}; see {s.work}/logs")
        return stamps(s.dir)
    return sv.poll_until(seen, timeout, what=f"{s.name}'s first child")[0]


def restart_once(s):
    """Kills the current child once it is old enough; ms from kill to the next child's stamp."""
    before = stamps(s.dir)
    ns, pid = before[-1]
    age_left = ns + MIN_AGE_NS - realtime()
    if age_left > 0:
        time.sleep(age_left / 1e9)
    t0 = realtime()
    os.kill(pid, signal.SIGKILL)

    def restarted():
        if not s.alive():
            raise RuntimeError(f"{s.name} exited with {s.proc.returncode}")
        return len(stamps(s.dir)) > len(before)
    sv.poll_until(restarted, 10.0, what=f"{s.name} to restart its child")
    return (stamps(s.dir)[len(before)][0] - t0) / 1e6


def p90(values):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * 0.9))]


def restart_test(work, stamp, kinds, samples):
    sups = []
    try:
        startup = {}
        for i, (name, argv, env) in enumerate(kinds):  # one at a time, so they do not compete
            s = sv.Supervisor(name, argv, env, service(work, stamp, f"restart-{i}"), work).start()
            sups.append(s)
            startup[name] = (first_stamp(s)[0] - s.started_ns) / 1e6
        first = {}
        got = {s.name: [] for s in sups}
        for r in range(samples + 1):
            k = r % len(sups)
            for s in sups[k:] + sups[:k]:
                latency = restart_once(s)
                if r == 0:
                    first[s.name] = latency
                else:
                    got[s.name].append(latency)
    finally:
        for s in sups:
            s.stop()
    print(f"== restart after SIGKILL of a child that lived > 1.3 s: kill -> next child's stamp")
    print(f"   (n={samples} per supervisor, interleaved rounds; 'start' = from starting the supervisor"
          " to its first child's stamp; 'first' = the first restart, not in the statistics)")
    c_names = [name for name, _, _ in kinds if name in ("daemontools supervise", "runit runsv")]
    width = max(len(s.name) for s in sups)
    header = f"{'':{width}}  start ms  first ms  median ms   p90 ms   min ms   max ms"
    for c in c_names:
        header += f"  /{c.split()[0]}"
    print(header)
    medians = {name: statistics.median(v) for name, v in got.items()}
    for s in sups:
        v = got[s.name]
        line = (f"{s.name:{width}}  {startup[s.name]:8.1f}  {first[s.name]:8.2f}  {medians[s.name]:9.2f} {p90(v):8.2f}"
                f" {min(v):8.2f} {max(v):8.2f}")
        for c in c_names:
            line += f"  {medians[s.name] / medians[c]:{len(c.split()[0]) + 1}.2f}"
        print(line)
    print("   (last columns: median of this row / median of that C supervisor, same run)")
    return medians


def throttle_test(work, stamp, kinds, runs, svc):
    results = {name: [] for name, _, _ in kinds}
    for run in range(runs):
        k = run % len(kinds)
        for i, (name, argv, env) in enumerate(kinds[k:] + kinds[:k]):
            directory = service(work, stamp, f"throttle-{run}-{(i + k) % len(kinds)}")
            s = sv.Supervisor(name, argv, env, directory, work).start()
            try:
                ns, pid = first_stamp(s)
                wait = ns + THROTTLE_KILL_AFTER_NS - realtime()
                if wait > 0:
                    time.sleep(wait / 1e9)
                os.kill(pid, signal.SIGKILL)
                sv.poll_until(lambda: not sv.running(pid), 2.0, what=f"{name}'s child to die")
                t0 = time.monotonic_ns()
                done = subprocess.run([svc, "-dx", directory], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
                t1 = s.wait_exit(10.0)
                if done.returncode != 0:
                    raise RuntimeError(f"{svc} -dx {directory}: {done.stderr.decode(errors='replace')}")
                if t1 is None:
                    raise RuntimeError(f"{name} did not exit within 10 s of svc -dx")
                left = [p for p in sv.processes_inside(directory)]
                results[name].append(((t1 - t0) / 1e6, len(stamps(directory)) - 1, left))
            finally:
                s.stop()
    print(f"== 'down and exit' during the throttle: child SIGKILLed 0.3 s after it started,"
          f" then {os.path.basename(svc)} -dx ({svc})")
    width = max(len(name) for name in results)
    print(f"{'':{width}}  exit after svc -dx, ms (each run)      starts after the kill   left running")
    for name, rows in results.items():
        times = " ".join(f"{t:8.1f}" for t, _, _ in rows)
        starts = " ".join(str(n) for _, n, _ in rows)
        left = sum(len(x) for _, _, x in rows)
        print(f"{name:{width}}  {times:38}  {starts:22}  {left}")


def main():
    work, stamp, vigil_bin, svc = sys.argv[1:5]
    samples, runs = int(sys.argv[5]), int(sys.argv[6])
    sv.install_signal_handlers()
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    ours = sv.parse_variants(sys.argv[7:], vigil_bin)
    sv.describe(ours)
    kinds = sv.peers() + ours
    sys.stdout.flush()
    try:
        if samples > 0:
            restart_test(work, stamp, kinds, samples)
            sys.stdout.flush()
        if runs > 0:
            throttle_test(work, stamp, kinds, runs, svc)
    except KeyboardInterrupt:
        print("interrupted; everything started was stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
