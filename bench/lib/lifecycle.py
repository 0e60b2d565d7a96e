#!/usr/bin/env python3
"""Crash-loop restarts and the stop schedule, for bench/lifecycle.sh (which makes the scratch
directory and cleans up after this script as a fallback).

usage: lifecycle.py WORK VIGIL_BIN SECONDS SAMPLES

a. Crash loop. One service per supervisor whose ./run (#!/bin/sh) appends `date +%s%N`
   (CLOCK_REALTIME ns) to ./starts and exits 1 at once. daemontools' supervise, runit's runsv,
   vigil's supervise with no settings file (its backoff: 1, 2, 4, ... s up to 60 s) and vigil's
   supervise with backoff-max = 1000 (daemontools' one start a second) run side by side for
   SECONDS. Reported: the starts whose stamp falls within SECONDS of starting the supervisor,
   what the nominal schedule gives from the same first start, the intervals between starts (all
   of vigil's first ones), vigil's own account (svstat -l) at the end of the window, and how
   long each takes to exit after dx while it waits to restart.

b. Stop schedule. ./run ignores TERM and has a second member in its process group:
       #!/bin/sh
       trap '' TERM          (SIG_IGN survives fork and exec: both sleeps ignore TERM)
       sleep 100000 &        (no job control in sh -c: same process group as ./run)
       exec sleep 100000
   vigil's supervise with stop-schedule = TERM/2/KILL; s6-supervise with timeout-kill = 2000
   and an empty flag-timeout-killpg; runit's runsv stopped with `sv -w 2 force-stop DIR`.
   Each sample: both members found running (comm "sleep", not a zombie; TERM ignored and one
   process group checked), a pidfd opened on each, then t0 = CLOCK_MONOTONIC just before 'd'
   is written to supervise/control as svc writes it (runit: just before sv is spawned), and
   each pidfd is polled: it turns readable the moment that process has exited (zombie or
   reaped). pidfds rather than a /proc poll: the wake-up is the kernel's, there is no polling
   interval in the figure, and a recycled pid cannot be mistaken for a member. "group gone" is
   the last member's exit; the main member's reaping by its supervisor is seen by
   pidfd_send_signal(fd, 0) failing with ESRCH, polled every 0.1 ms once it has exited. A member
   still there 1 s after the main's exit (s6 and runit KILL the pid only) counts as left
   running; the harness then SIGKILLs it through its pidfd. The service is restarted ('u') and
   both members are waited for again. Samples interleave the supervisors, rotating the order.
   Each supervisor's first stop (cold code, for a JVM) is shown on its own and left out of the
   median / p90 / max, as restart.sh does with the first restart. From t0 until the group is
   gone the harness runs SCHED_FIFO (reset on fork: sv runs as an ordinary process), so that
   its own wake-up, 1-3 ms on a busy 2-CPU machine, stays out of the figure.
"""
import math
import os
import re
import select
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supervisors as sv  # noqa: E402

S6 = "/usr/bin/s6-supervise"
SV = "/usr/bin/sv"
CRASH_RUN = "#!/bin/sh\ndate +%s%N >> starts\nexit 1\n"
STOP_RUN = "#!/bin/sh\ntrap '' TERM\nsleep 100000 &\nexec sleep 100000\n"
STOP_SECONDS = 2.0
GOAL_MS = 10.0                       # vigil's: the group gone within 2 s + this
LEFT_AFTER_MAIN_NS = 1_000_000_000   # a member still there this long after the main is "left"
STOP_DEADLINE_NS = 10_000_000_000    # give up on a sample after this
INTERVALS_SHOWN = 10
SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def service(work, label, run, settings=None):
    directory = os.path.join(work, label)
    os.mkdir(directory)
    with open(os.path.join(directory, "run"), "w") as f:
        f.write(run)
    os.chmod(os.path.join(directory, "run"), 0o755)
    for name, value in (settings or {}).items():
        with open(os.path.join(directory, name), "w") as f:
            f.write(value)
    return directory


def starts(directory):
    """CLOCK_REALTIME ns of every complete line of directory/starts."""
    try:
        with open(os.path.join(directory, "starts"), "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    return [int(x) for x in data.split(b"\n")[:-1] if x.strip()]


def nominal_starts(first_s, window_s, max_wait_s, backoff):
    """How many starts fall within window_s when the first is at first_s and each wait is
    1 s (backoff False) or 1, 2, 4, ... s capped at max_wait_s."""
    t, wait, count = first_s, 1.0, 0
    while t < window_s:
        count += 1
        t += wait
        if backoff:
            wait = min(wait * 2, max_wait_s)
    return count


def nominal_interval(k, max_wait_s):
    return min(2.0 ** k, max_wait_s)


def svstat_long(vigil_bin, directory):
    done = subprocess.run([os.path.join(vigil_bin, "svstat"), "-l", directory],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=directory)
    return done.stdout.decode(errors="replace").rstrip("\n").split("\n")


def crash_loop(work, vigil_bin, seconds):
    kinds = []
    for name, path in (("daemontools supervise", sv.DAEMONTOOLS), ("runit runsv", sv.RUNIT)):
        if os.access(path, os.X_OK):
            kinds.append((name, [path], None, False, 1.0))
        else:
            print(f"skipped: {name} ({path} is not installed)")
    supervise = os.path.join(vigil_bin, "supervise")
    kinds.append(("vigil supervise (defaults)", [supervise], None, True, 60.0))
    kinds.append(("vigil backoff-max=1000", [supervise], {"backoff-max": "1000\n"}, True, 1.0))
    print(f"\n== a. crash loop: ./run appends `date +%s%N` to ./starts and exits 1; all"
          f" {len(kinds)} side by side for {seconds} s (load {load()})")
    sys.stdout.flush()
    sups = []
    rows = {}
    try:
        for i, (name, argv, settings, _, _) in enumerate(kinds):
            directory = service(work, f"crash-{i}", CRASH_RUN, settings)
            sups.append(sv.Supervisor(name, argv, dict(os.environ), directory, work))
        for s in sups:
            s.start()
        end = max(s.started_ns for s in sups) + int(seconds * 1e9)
        while True:
            left = end - time.clock_gettime_ns(time.CLOCK_REALTIME)
            if left <= 0:
                break
            for s in sups:
                if not s.alive():
                    raise RuntimeError(f"{s.name} exited with {s.proc.returncode}; see {work}/logs")
            time.sleep(min(left / 1e9, 1.0))
        accounts = {s.name: svstat_long(vigil_bin, s.dir) for s in sups if s.argv[0] == supervise}
        for s in sups:
            t0 = time.monotonic_ns()
            s.command("dx")
            t1 = s.wait_exit(10.0)
            rows[s.name] = (starts(s.dir), None if t1 is None else (t1 - t0) / 1e6)
    finally:
        for s in sups:
            s.stop()

    width = max(len(s.name) for s in sups)
    print(f"{'':{width}}  starts  nominal  first start ms  interval median s    min s    max s"
          f"  dx -> exit ms")
    for (name, _, _, backoff, max_wait), s in zip(kinds, sups):
        stamps, exit_ms = rows[name]
        inside = [t for t in stamps if t < s.started_ns + int(seconds * 1e9)]
        first_s = (stamps[0] - s.started_ns) / 1e9 if stamps else None
        gaps = [(b - a) / 1e9 for a, b in zip(stamps, stamps[1:])]
        nominal = nominal_starts(first_s, seconds, max_wait, backoff) if first_s is not None else 0
        line = f"{name:{width}}  {len(inside):6d}  {nominal:7d}"
        line += f"  {first_s * 1000:14.1f}" if first_s is not None else f"  {'-':>14}"
        if gaps:
            line += f"  {statistics.median(gaps):17.3f}  {min(gaps):7.3f}  {max(gaps):7.3f}"
        else:
            line += f"  {'-':>17}  {'-':>7}  {'-':>7}"
        line += f"  {exit_ms:13.1f}" if exit_ms is not None else f"  {'no exit':>13}"
        print(line)
    print(f"   (starts: ./run's stamps within {seconds} s of starting its supervisor; nominal: the"
          " starts the documented schedule gives from the same first start: one a second, or"
          " vigil's 1, 2, 4, ... s up to backoff-max; first start: from starting the supervisor"
          " (a JVM's start-up for vigil); dx -> exit: 'dx' written once the window was over,"
          " the supervisor waiting to restart)")
    for (name, _, _, backoff, max_wait), s in zip(kinds, sups):
        if not backoff:
            continue
        stamps = rows[name][0]
        gaps = [(b - a) / 1e9 for a, b in zip(stamps, stamps[1:])][:INTERVALS_SHOWN]
        print(f"-- {name}: intervals between its first {len(gaps) + 1} starts, s"
              f" (nominal in brackets; difference ms)")
        print("   " + "  ".join(f"{g:.3f} ({nominal_interval(k, max_wait):g}; {(g - nominal_interval(k, max_wait)) * 1000:+.0f})"
                                for k, g in enumerate(gaps)))
    for name, lines in accounts.items():
        print(f"-- {name}: svstat -l at the end of the window")
        for line in lines:
            print("   " + line.replace(work + "/", ""))
    sys.stdout.flush()


def proc_stat(pid):
    """(comm, state, ppid, pgrp) of pid, or None."""
    st = sv.stat(pid)
    if st is None:
        return None
    comm, fields = st
    return comm, fields[0].decode(), int(fields[1]), int(fields[2])


def ignores_term(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigIgn:"):
                    return bool(int(line.split()[1], 16) & SIGTERM_BIT)
    except OSError:
        pass
    return False


def members(s):
    """(main, background) once ./run has exec'd sleep and its background sleep runs, else None."""
    sleeps = {}
    for pid in sv.processes_inside(s.dir):
        if pid == s.pid:
            continue
        st = proc_stat(pid)
        if st and st[0] == "sleep" and st[1] not in ("Z", "X"):
            sleeps[pid] = st
    main = [p for p, st in sleeps.items() if st[2] == s.pid]
    if len(main) != 1:
        return None
    bg = [p for p, st in sleeps.items() if st[2] == main[0]]
    if len(bg) != 1:
        return None
    return main[0], bg[0]


class StopTarget:
    """One supervisor of part b and how it is told to stop."""

    def __init__(self, name, argv, directory, work, how, note):
        self.sup = sv.Supervisor(name, argv, dict(os.environ), directory, work)
        self.name = name
        self.how = how       # "d" (written to the control FIFO) or "sv" (sv -w 2 force-stop)
        self.note = note
        self.samples = []    # dicts per sample
        self.up_since = 0.0
        self.checks = []

    def wait_members(self, old=(), timeout=15.0):
        def look():
            if not self.sup.alive():
                raise RuntimeError(f"{self.name} exited with {self.sup.proc.returncode}")
            m = members(self.sup)
            return m if m and not set(m) & set(old) else None
        m = sv.poll_until(look, timeout, interval=0.002, what=f"{self.name}'s two sleeps")
        self.up_since = time.monotonic()
        return m


def watch(fds, t0):
    """Polls the pidfds {fd: pid} until every process exited (and the main was reaped), a member
    outlived the main by LEFT_AFTER_MAIN_NS, or STOP_DEADLINE_NS passed. {pid: (exited ns,
    reaped ns or None)} relative to t0, for those that exited."""
    p = select.poll()
    for fd in fds:
        p.register(fd, select.POLLIN)
    pending = dict(fds)
    reaping = {}
    got = {}
    first_exit = None
    while pending or reaping:
        now = time.monotonic_ns()
        if now - t0 > STOP_DEADLINE_NS:
            break
        if first_exit is not None and not reaping and now - first_exit > LEFT_AFTER_MAIN_NS:
            break
        if reaping:
            events = p.poll(0)
        else:
            limit = STOP_DEADLINE_NS - (now - t0)
            if first_exit is not None:
                limit = min(limit, LEFT_AFTER_MAIN_NS - (now - first_exit))
            events = p.poll(max(1, limit // 1_000_000))
        now = time.monotonic_ns()
        for fd, _ in events:
            pid = pending.pop(fd)
            p.unregister(fd)
            got[pid] = [now - t0, None]
            reaping[fd] = (pid, now)
            if first_exit is None:
                first_exit = now
        for fd, (pid, exited) in list(reaping.items()):
            try:
                signal.pidfd_send_signal(fd, 0)
            except ProcessLookupError:
                got[pid][1] = time.monotonic_ns() - t0
                del reaping[fd]
                continue
            except OSError:
                del reaping[fd]
                continue
            # a member orphaned by the main's death is reaped by init, not by a supervisor: give
            # up on seeing a reaping 200 ms after the exit
            if time.monotonic_ns() - exited > 200_000_000:
                del reaping[fd]
        if reaping:
            time.sleep(0.0001)
    return got



def stop_sample(t):
    main, bg = t.wait_members()
    # leave the new child to the supervisor's post-start work first
    rest = t.up_since + 0.5 - time.monotonic()
    if rest > 0:
        time.sleep(rest)
    sts = {p: proc_stat(p) for p in (main, bg)}
    check = {
        "term ignored": ignores_term(main) and ignores_term(bg),
        "one group": sts[main] is not None and sts[bg] is not None and sts[main][3] == sts[bg][3],
        "main leads it": sts[main] is not None and sts[main][3] == main,
    }
    fds = {}
    realtime = was_realtime = False
    try:
        for pid in (main, bg):
            fds[os.pidfd_open(pid)] = pid
        client = None
        realtime = was_realtime = sv.harness_realtime(True)
        t0 = time.monotonic_ns()
        if t.how == "sv":
            client = subprocess.Popen([SV, "-w", str(int(STOP_SECONDS)), "force-stop", t.sup.dir],
                                      cwd=t.sup.dir, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        elif not t.sup.command("d"):
            raise RuntimeError(f"{t.name}: cannot write to supervise/control")
        got = watch(fds, t0)
        if realtime:
            sv.harness_realtime(False)
            realtime = False
        left = [pid for pid in (main, bg) if pid not in got]
        for fd, pid in fds.items():
            if pid in left:
                try:
                    signal.pidfd_send_signal(fd, signal.SIGKILL)
                except OSError:
                    pass
        said = ""
        if client is not None:
            said = client.communicate(timeout=15)[0].decode(errors="replace").strip()
            said = f"sv exit {client.returncode}: {said}"
    finally:
        if realtime:
            sv.harness_realtime(False)
        for fd in fds:
            os.close(fd)
    t.samples.append({
        "main exit": got[main][0] if main in got else None,
        "main reaped": got[main][1] if main in got else None,
        "gone": max(got[p][0] for p in got) if not left else None,
        "left": len(left),
        "said": said,
        "realtime": was_realtime,
    })
    t.checks.append(check)
    if not (check["term ignored"] and check["one group"]):
        print(f"   warning: {t.name}: {check} (main {main}, background {bg})")
    # back up for the next sample
    if not t.sup.command("u"):
        raise RuntimeError(f"{t.name}: cannot write to supervise/control")
    t.wait_members(old=(main, bg))


def stop_schedule(work, vigil_bin, samples):
    targets = [StopTarget("vigil supervise", [os.path.join(vigil_bin, "supervise")],
                          service(work, "stop-vigil", STOP_RUN, {"stop-schedule": "TERM/2/KILL\n"}),
                          work, "d", "stop-schedule TERM/2/KILL: TERM (+CONT) to the group, KILL to"
                          " the group 2 s later")]
    if os.access(S6, os.X_OK):
        targets.append(StopTarget("s6-supervise", [S6],
                                  service(work, "stop-s6", STOP_RUN,
                                          {"timeout-kill": "2000\n", "flag-timeout-killpg": ""}),
                                  work, "d", "timeout-kill 2000 + flag-timeout-killpg: its down"
                                  " signal (TERM, then CONT) goes to the pid only; KILL 2 s later,"
                                  " to the group where flag-timeout-killpg is known (s6 >= 2.15.0.0)"))
    else:
        print(f"skipped: s6-supervise ({S6} is not installed)")
    if os.access(sv.RUNIT, os.X_OK) and os.access(SV, os.X_OK):
        targets.append(StopTarget("runit sv force-stop", [sv.RUNIT],
                                  service(work, "stop-runit", STOP_RUN), work, "sv",
                                  "sv -w 2 force-stop: sv writes 'd' (runsv: TERM, CONT to the pid),"
                                  " polls the status until 2 s have passed, then writes 'k' (KILL to"
                                  " the pid); the timer is the client's, and t0 includes its spawn"))
    else:
        print(f"skipped: runit ({sv.RUNIT} or {SV} is not installed)")
    print(f"\n== b. stop schedule: ./run ignores TERM and has a second member (sleep &) in its"
          f" process group; 'd' (svc -d) until the group is gone; 1 + {samples} samples, interleaved"
          f" (load {load()})")
    for t in targets:
        print(f"   {t.name}: {t.note}")
    print("   (t0: just before 'd' is written to supervise/control, as svc writes it, or before sv is"
          " spawned; an exit: the member's pidfd turns readable (the process is a zombie or reaped);"
          " reaped: pidfd_send_signal(0) fails, polled every 0.1 ms; left running: a member still"
          " there 1 s after the main's exit, then SIGKILLed by the harness)")
    sys.stdout.flush()
    try:
        for t in targets:
            t.sup.start()
        for t in targets:
            t.wait_members(timeout=30.0)
        for i in range(samples + 1):
            k = i % len(targets)
            for t in targets[k:] + targets[:k]:
                stop_sample(t)
    finally:
        for t in targets:
            if t.sup.alive():
                t.sup.command("dx")
            for pid in sv.processes_inside(t.sup.dir):
                if pid != t.sup.pid:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
        for t in targets:
            t.sup.stop()
    report_stop(targets, samples)


def p90(values):
    """The 90th percentile, nearest rank (of 10 values the 9th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def figure(values):
    """'median / p90 / max' of the overshoots past STOP_SECONDS, ms."""
    over = [v / 1e6 - STOP_SECONDS * 1000 for v in values if v is not None]
    if not over:
        return "-"
    missing = sum(1 for v in values if v is None)
    text = f"{statistics.median(over):.2f} / {p90(over):.2f} / {max(over):.2f}"
    return text + (f" ({len(over)} of {len(values)})" if missing else "")


def one(r):
    """A sample's overshoot: the group's, or in brackets the main's where a member was left."""
    if r["gone"] is not None:
        return f"{r['gone'] / 1e6 - STOP_SECONDS * 1000:.2f}"
    if r["main exit"] is not None:
        return f"({r['main exit'] / 1e6 - STOP_SECONDS * 1000:.2f})"
    return "-"


def report_stop(targets, samples):
    """Sample 0 of each supervisor, its first stop (cold code for a JVM), is shown on its own and
    left out of the statistics, as restart.sh's first restart."""
    width = max(len(t.name) for t in targets)
    print(f"-- overshoot past {STOP_SECONDS:g} s, ms: median / p90 / max (n={samples}; first: the"
          " first stop, not in the statistics)")
    print(f"{'':{width}}  {'first':>9}  {'group gone':>24}  {'main exited':>24}  {'main reaped':>24}"
          "  left running")
    for t in targets:
        rows = t.samples[1:]
        left = sum(r["left"] for r in t.samples)
        print(f"{t.name:{width}}  {one(t.samples[0]) if t.samples else '-':>9}"
              f"  {figure([r['gone'] for r in rows]):>24}"
              f"  {figure([r['main exit'] for r in rows]):>24}"
              f"  {figure([r['main reaped'] for r in rows]):>24}"
              f"  {left} in {len(t.samples)} stops")
    rt = sum(1 for t in targets for r in t.samples if r["realtime"])
    total = sum(len(t.samples) for t in targets)
    print(f"   (the harness ran SCHED_FIFO during {rt} of {total} stops"
          + ("" if rt == total else ": the others include its own wake-up latency") + ")")
    for t in targets:
        print(f"   {t.name}: overshoot of each stop, first included, ms (in brackets: the main's"
              " exit, a member was left): " + " ".join(one(r) for r in t.samples))
        bad = [k for k in ("term ignored", "one group", "main leads it")
               if not all(c[k] for c in t.checks)]
        print(f"   {t.name}: both members ignored TERM and shared one process group:"
              f" {'yes' if not {'term ignored', 'one group'} & set(bad) else 'NO'};"
              f" the main led it: {'yes' if 'main leads it' not in bad else 'no'}")
        said = sorted({re.sub(r"\(pid [0-9]+\) [0-9]+s", "(pid P) Ns", r["said"].replace(t.sup.work + "/", ""))
                       for r in t.samples if r["said"]})
        for text in said[:3]:
            print(f"   {t.name}: {text}")
    vigil = next(t for t in targets if t.name == "vigil supervise")
    gone = [r["gone"] for r in vigil.samples[1:]]
    if gone and None not in gone:
        over = [g / 1e6 - STOP_SECONDS * 1000 for g in gone]
        late = sum(1 for o in over if o > GOAL_MS)
        print(f"   goal for vigil: group gone within {STOP_SECONDS:g} s + {GOAL_MS:g} ms:"
              f" {'met' if not late else 'NOT met'} by every sample ({late} of {len(over)} later;"
              f" median {statistics.median(over):.2f}, p90 {p90(over):.2f}, max {max(over):.2f} ms;"
              f" the first stop {one(vigil.samples[0])} ms)")
    elif gone:
        print(f"   goal for vigil: group gone within {STOP_SECONDS:g} s + {GOAL_MS:g} ms: NOT met"
              " (a member was left running)")
    sys.stdout.flush()


def install_signal_handlers():
    """The first SIGINT, SIGTERM or SIGHUP unwinds like Ctrl-C (finally blocks stop everything);
    later ones are ignored, so that a Ctrl-C that reaches both us and lifecycle.sh, which then
    forwards one, does not break off that stop."""
    def handler(signum, frame):
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signum}")
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, handler)


def main():
    work, vigil_bin = sys.argv[1:3]
    seconds, samples = float(sys.argv[3]), int(sys.argv[4])
    if seconds == int(seconds):
        seconds = int(seconds)
    install_signal_handlers()
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    try:
        if seconds > 0:
            crash_loop(work, vigil_bin, seconds)
        if samples > 0:
            stop_schedule(work, vigil_bin, samples)
    except KeyboardInterrupt:
        print("interrupted; everything started was stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
