#!/usr/bin/env python3
"""What an idle supervisor costs, for bench/supervise-idle.sh (which makes the scratch directory
and cleans up after this script as a fallback).

usage: idle.py WORK VIGIL_BIN SECONDS SETTLE [NAME=OPTS ...]

Every supervisor (the vigil variants, as in restart.py, and the installed C peers) is started on
a service of its own whose ./run is `exec sleep 100000`; once every child runs, all of them are
left alone for SETTLE seconds and then measured over the same SECONDS window:

  CPU ticks   utime + stime of the whole process (fields 14 + 15 of /proc/PID/stat), after minus
              before
  wakeups     voluntary context switches summed over /proc/PID/task/*/status, after minus
              before (a thread blocked with no timeout adds none); involuntary ones beside them
  threads     entries in /proc/PID/task at the end
  RSS, PSS    /proc/PID/smaps_rollup at the end; anon = Anonymous (private, not file-backed)

For vigil variants the threads that woke are listed by name. The child's pid is checked at the
end: a supervisor that restarted its service in the window is flagged.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supervisors as sv  # noqa: E402

RUN = "#!/bin/sh\nexec sleep 100000\n"


def ticks(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        stat = f.read()
    fields = stat[stat.rindex(b")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15, counting from 1 before ")"


def tasks(pid):
    """{tid: (name, voluntary, involuntary)} for every thread still there."""
    found = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
            found[tid] = (status["Name"].strip(), int(status["voluntary_ctxt_switches"]),
                          int(status["nonvoluntary_ctxt_switches"]))
        except (OSError, KeyError):
            pass
    return found


def memory(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        rows = dict(line.split(":", 1) for line in f if ":" in line and not line.startswith(" "))
    return {k: int(rows[k].split()[0]) for k in ("Rss", "Pss", "Anonymous") if k in rows}


def archives(pid):
    """Class-data archives (CDS .jsa, AOT .aot) the JVM has mapped: proof that one is in use."""
    names = set()
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            path = line.split()[-1]
            if path.endswith((".jsa", ".aot")):
                names.add(os.path.basename(path))
    return sorted(names)


def child_of(s):
    """The pid of the service's sleep, once it runs."""
    for pid in sv.processes_inside(s.dir):
        if pid == s.pid:
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == "sleep":
                    return pid
        except OSError:
            pass
    return None


def main():
    work, vigil_bin = sys.argv[1:3]
    seconds, settle = float(sys.argv[3]), float(sys.argv[4])
    sv.install_signal_handlers()
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    ours = sv.parse_variants(sys.argv[5:], vigil_bin)
    sv.describe(ours)
    kinds = ours + sv.peers()
    sups = []
    try:
        for i, (name, argv, env) in enumerate(kinds):
            directory = os.path.join(work, f"idle-{i}")
            os.mkdir(directory)
            with open(os.path.join(directory, "run"), "w") as f:
                f.write(RUN)
            os.chmod(os.path.join(directory, "run"), 0o755)
            sups.append(sv.Supervisor(name, argv, env, directory, work).start())
        children = {}
        for s in sups:
            def started():
                if not s.alive():
                    raise RuntimeError(f"{s.name} exited with {s.proc.returncode}; see {work}/logs")
                return child_of(s)
            children[s.name] = sv.poll_until(started, 30.0, interval=0.01, what=f"{s.name}'s child")
        sys.stdout.flush()
        time.sleep(settle)  # by design: start-up work (class loading, JIT) is not idling
        before = {s.name: (ticks(s.pid), tasks(s.pid)) for s in sups}
        time.sleep(seconds)  # by design: the idle window
        after = {s.name: (ticks(s.pid), tasks(s.pid), memory(s.pid)) for s in sups}
        mapped = {s.name: archives(s.pid) for s in sups}
        restarted = [s.name for s in sups if child_of(s) != children[s.name]]
    except KeyboardInterrupt:
        print("interrupted; everything started was stopped", file=sys.stderr)
        return 130
    finally:
        for s in sups:
            s.stop()
    hz = os.sysconf("SC_CLK_TCK")
    print(f"== idle supervisors, all in one {seconds:g} s window after {settle:g} s settling"
          f" (CPU ticks of 1/{hz} s; child = exec sleep)")
    width = max(len(s.name) for s in sups)
    print(f"{'':{width}}  CPU ticks  wakeups  wakeups/s  invol  threads   RSS kB   PSS kB  anon kB")
    woke = {}
    for s in sups:
        t0, tasks0 = before[s.name]
        t1, tasks1, mem = after[s.name]
        vol = sum(v - tasks0[tid][1] for tid, (_, v, _) in tasks1.items() if tid in tasks0)
        inv = sum(i - tasks0[tid][2] for tid, (_, _, i) in tasks1.items() if tid in tasks0)
        woke[s.name] = sorted(((v - tasks0[tid][1], name) for tid, (name, v, _) in tasks1.items()
                               if tid in tasks0 and v != tasks0[tid][1]), reverse=True)
        print(f"{s.name:{width}}  {t1 - t0:9d}  {vol:7d}  {vol / seconds:9.2f}  {inv:5d}  {len(tasks1):7d}"
              f"  {mem.get('Rss', 0):7d}  {mem.get('Pss', 0):7d}  {mem.get('Anonymous', 0):7d}")
    for name in restarted:
        print(f"warning: {name} restarted its child during the window")
    for name, _, _ in ours:
        threads = ", ".join(f"{n} {t}" for n, t in woke[name]) or "none"
        print(f"{name}: threads that woke (voluntary switches): {threads};"
              f" archives mapped: {', '.join(mapped[name]) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
