#!/usr/bin/env python3
"""vigil's svscan (every service in one JVM) next to daemontools' svscan (one supervise process
per service), for bench/svscan.sh, which compiles stamp.c and logger.c, makes the scratch
directory and cleans up after this script as a fallback.

usage: svscan.py WORK STAMP LOGGER VIGIL_BIN N IDLE_SECONDS LARGE_N SAMPLES

Environment (defaults in brackets; the second one when N < 100, a smoke run as in CI): ROUNDS
[2] start rounds of part 1; SETTLE [5; 2] seconds between "all up" and the idle window;
NEW_SAMPLES [3; 2] new entries per svscan in part 4; KILLS [100; 10] and LOGGER_RESTARTS [20; 5]
of part 5; POLL [0.05] seconds between two looks at the status files while services come up.

1. N services (./run: exec sleep) per svscan, each on a fresh tree made before any timing;
   every round starts both, one after the other (sync and a 2 s settle before each start; the
   first to start alternates). Time from starting svscan until every supervise/status holds a
   pid, found by polling the status files every POLL s (the resolution). After the last round's
   SETTLE: one IDLE_SECONDS window for both at once: CPU ticks and voluntary context switches
   (vigil: the JVM, per thread name; daemontools: svscan + every supervise), then RSS, PSS,
   threads (daemontools: processes) and descriptors.
2. LARGE_N services, vigil only (daemontools' svscan caps at 1,000): the same figures, how many
   came up before a timeout (120 s + 10 ms a service, or 20 s without one more), and, when not
   all did, the descriptor limit, descriptors a service, and svscan's "process cannot open more
   files" warnings.
3. Restart latency of one service (./run = stamp) among N-1 others of one vigil svscan, next to
   /usr/bin/supervise running the same service alone; interleaved as in restart.py.
4. A new entry under a running svscan (vigil with N services, daemontools with its own N): the
   directory (./run = stamp) is made outside the scan directory and renamed in; time until its
   stamp. A random pause before each rename, so daemontools' 5 s scan is met at a random phase.
5. vigil only, in part 3's svscan: a log pair whose main writes numbered lines tagged with its
   pid (to the pipe first, then to ./sent) and whose logger appends what it reads to ./out;
   (a) KILLS SIGKILLs of the main at random moments, (b) LOGGER_RESTARTS stops and starts of
   the logger while the main writes, (c) SIGTERM to svscan while the main writes. After each,
   every pid's lines in out must be exactly 1..k, in order, with k >= its lines in sent.
"""
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idle  # noqa: E402
import restart as rs  # noqa: E402
import supervisors as sv  # noqa: E402

DT_SVSCAN = "/usr/bin/svscan"
DT_SUPERVISE = "/usr/bin/supervise"
DT_SVC = "/usr/bin/svc"
DT_CAP = 1000
SLEEP_RUN = "#!/bin/sh\nexec sleep 100000\n"
# the main of the log pair: each line to the pipe first, then to ./sent, so that after a SIGKILL
# sent may lack the last line the pipe got, never hold one the pipe did not get
WRITER_RUN = """#!/bin/sh
exec 3>>sent
i=0
while :; do
  i=$((i + 1))
  echo "$$ $i"
  echo "$$ $i" >&3
done
"""
VIGIL = "vigil svscan"
DAEMONTOOLS = "daemontools svscan"
START_SETTLE = 2.0
EMFILE = "process cannot open more files"

POLL = float(os.environ.get("POLL", "0.05"))
failures = []


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def env_int(name, default):
    return int(os.environ.get(name, default))


def fail(text):
    failures.append(text)
    print(f"FAIL: {text}")


# ---------------------------------------------------------------------- trees and status files

def names_for(n, width, prefix="s"):
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def write_run(directory, text=None, copy_of=None):
    path = os.path.join(directory, "run")
    data = text.encode() if text is not None else open(copy_of, "rb").read()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o755)
    try:
        os.write(fd, data)
        os.fchmod(fd, 0o755)
    finally:
        os.close(fd)


def make_tree(path, names, run=SLEEP_RUN):
    os.mkdir(path)
    for name in names:
        os.mkdir(os.path.join(path, name))
        write_run(os.path.join(path, name), run)


def status_pid(directory):
    """The pid in directory/supervise/status (bytes 12-15, little-endian; 0 = down), or None."""
    try:
        with open(os.path.join(directory, "supervise", "status"), "rb") as f:
            data = f.read(18)
    except OSError:
        return None
    return int.from_bytes(data[12:16], "little") if len(data) >= 18 else None


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def kill_all_inside(directory, passes=40):
    """SIGKILL to every process working inside directory, again until none is left (a vigil
    svscan killed in the same pass may have started a child meanwhile). The number killed."""
    killed = 0
    for _ in range(passes):
        left = sv.processes_inside(directory)
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        time.sleep(0.05)
    return killed


def settle_start(seconds=START_SETTLE):
    subprocess.run(["sync"], check=False)
    time.sleep(seconds)  # by design: let the writeback and the previous start's tail pass


# ---------------------------------------------------------------------- one svscan

class Scan:
    """One svscan (vigil's or daemontools') on one scan directory, started and stopped by us."""

    def __init__(self, name, kind, argv, directory, work, env=None):
        self.name = name
        self.kind = kind  # "vigil" or "daemontools"
        self.argv = argv
        self.dir = directory
        self.work = work
        self.env = env or dict(os.environ)
        self.proc = None
        self.stop_ms = None
        self.exit_code = None
        self.left = 0

    def start(self):
        self.log = os.path.join(self.work, "logs", os.path.basename(self.dir) + ".log")
        with open(self.log, "ab") as log:
            self.t0 = time.monotonic()
            self.proc = subprocess.Popen(self.argv + [self.dir], cwd=self.dir, env=self.env,
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         start_new_session=True)
        with open(os.path.join(self.work, "svscans"), "a") as f:
            f.write(f"{self.proc.pid} {self.kind} {self.dir}\n")
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def supervisors(self):
        """daemontools: the supervise processes working inside the scan directory."""
        return [p for p in sv.processes_inside(self.dir) if comm(p) == "supervise"]

    def processes(self):
        """What is measured: the JVM (vigil), or svscan and every supervise (daemontools)."""
        if self.kind == "vigil":
            return [self.pid]
        return [self.pid] + self.supervisors()

    def children(self, program="sleep"):
        return sum(1 for p in sv.processes_inside(self.dir) if comm(p) == program)

    def warnings(self, text):
        try:
            with open(self.log, errors="replace") as f:
                return [line.rstrip("\n") for line in f if text in line]
        except OSError:
            return []

    def service_dirs(self):
        """Every service directory under the scan directory, and its log directory if any."""
        found = []
        for name in sorted(os.listdir(self.dir)):
            path = os.path.join(self.dir, name)
            if name.startswith(".") or not os.path.isdir(path):
                continue
            found.append(path)
            if os.path.isdir(os.path.join(path, "log")):
                found.append(os.path.join(path, "log"))
        return found

    def stop(self, timeout=180.0):
        """vigil: SIGTERM, which takes every service down; daemontools: kill svscan, then svc -dx
        every service and log directory and wait for every supervise to go. stop_ms is the time
        that took; left counts processes still working inside the scan directory afterwards
        (then killed)."""
        if self.proc is None:
            return
        t = time.monotonic()
        if self.kind == "vigil":
            if self.alive():
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.exit_code = self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    print(f"{self.name}: no exit {timeout:.0f} s after SIGTERM; SIGKILL")
                    self.proc.kill()
                    self.exit_code = self.proc.wait()
            else:
                self.exit_code = self.proc.returncode
        else:
            if self.alive():
                self.proc.terminate()
            self.exit_code = self.proc.wait()
            dirs = self.service_dirs()
            for i in range(0, len(dirs), 200):
                subprocess.run([DT_SVC, "-dx"] + dirs[i:i + 200], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
            deadline = time.monotonic() + timeout
            while self.supervisors() and time.monotonic() < deadline:
                time.sleep(0.05)
        self.stop_ms = (time.monotonic() - t) * 1000
        self.left = len(sv.processes_inside(self.dir))
        kill_all_inside(self.dir)
        self.proc = None if self.proc.poll() is not None else self.proc


def wait_up(scan, dirs, timeout, stall=None):
    """Polls the status files every POLL s until each of dirs holds a pid. Services come up in
    about the order the directory lists them, so a look stops at the 20th still down (every 20th
    look goes through all): a poll costs little however many services wait.
    {'first','half','all': s after start or None, 'up': count, 'how': why it stopped}."""
    pending = list(dirs)
    n = len(dirs)
    up = 0
    marks = {"first": None, "half": None, "all": None}
    last_progress = time.monotonic()
    looks = 0
    how = "all up"
    while pending:
        full = looks % 20 == 19
        looks += 1
        still = []
        misses = 0
        for i, d in enumerate(pending):
            if misses >= 20 and not full:
                still.extend(pending[i:])
                break
            if status_pid(d):
                up += 1
            else:
                still.append(d)
                misses += 1
        now = time.monotonic()
        if len(still) < len(pending):
            last_progress = now
        pending = still
        elapsed = now - scan.t0
        if up >= 1 and marks["first"] is None:
            marks["first"] = elapsed
        if up >= (n + 1) // 2 and marks["half"] is None:
            marks["half"] = elapsed
        if not pending:
            marks["all"] = elapsed
            break
        if not scan.alive():
            raise RuntimeError(f"{scan.name} exited with {scan.proc.returncode}; see {scan.log}")
        if elapsed > timeout:
            how = f"timeout ({timeout:.0f} s)"
            break
        if stall is not None and now - last_progress > stall:
            how = f"stalled (no service up in the last {stall:.0f} s)"
            break
        time.sleep(POLL)
    if pending:
        up = sum(1 for d in dirs if status_pid(d))
    marks["up"] = up
    marks["how"] = how
    return marks


# ---------------------------------------------------------------------- what an idle svscan costs

def snapshot(pids):
    """{pid: (ticks, tasks)} of every pid still there."""
    found = {}
    for pid in pids:
        try:
            found[pid] = (idle.ticks(pid), idle.tasks(pid))
        except OSError:
            pass
    return found


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def window(scans, dirs, seconds):
    """Measures every scan over one window of seconds: {name: figures}."""
    pids = {s.name: s.processes() for s in scans}
    pids_before = {s.name: {d: status_pid(d) for d in dirs[s.name]} for s in scans}
    before = {s.name: snapshot(pids[s.name]) for s in scans}
    time.sleep(seconds)  # by design: the idle window
    result = {}
    for s in scans:
        after = snapshot(pids[s.name])
        ticks = vol = inv = 0
        woke = {}
        for pid, (t1, tasks1) in after.items():
            if pid not in before[s.name]:
                continue
            t0, tasks0 = before[s.name][pid]
            ticks += t1 - t0
            for tid, (name, v, i) in tasks1.items():
                if tid in tasks0:
                    vol += v - tasks0[tid][1]
                    inv += i - tasks0[tid][2]
                    if v != tasks0[tid][1]:
                        woke[name] = woke.get(name, 0) + v - tasks0[tid][1]
        mem = {"Rss": 0, "Pss": 0, "Anonymous": 0}
        for pid in after:
            try:
                for k, v in idle.memory(pid).items():
                    mem[k] += v
            except OSError:
                pass
        if s.kind == "vigil":
            threads = len(os.listdir(f"/proc/{s.pid}/task"))
        else:
            threads = len(after)
        restarted = sum(1 for d, p in pids_before[s.name].items() if status_pid(d) != p)
        result[s.name] = {
            "ticks": ticks, "vol": vol, "inv": inv, "woke": woke, "mem": mem, "threads": threads,
            "fds": sum(fd_count(p) for p in after), "procs": len(after), "vanished": len(pids[s.name]) - len(after),
            "restarted": restarted, "children": s.children(), "seconds": seconds,
        }
    return result


def print_window(figures, services, order):
    hz = os.sysconf("SC_CLK_TCK")
    label = f"ratio {order[0].split()[0]}/{order[-1].split()[0]}"
    width = max([len(n) for n in order] + [len(label)]) + 1
    seconds = figures[order[0]]["seconds"]
    print(f"{'':{width}}  RSS kB  PSS kB  anon kB  threads  fds  CPU ticks  wakeups  wakeups/s"
          f"  invol  children")
    for name in order:
        f = figures[name]
        print(f"{name:{width}}  {f['mem']['Rss']:6d}  {f['mem']['Pss']:6d}  {f['mem']['Anonymous']:7d}"
              f"  {f['threads']:7d}  {f['fds']:5d}  {f['ticks']:9d}  {f['vol']:7d}  {f['vol'] / seconds:9.2f}"
              f"  {f['inv']:5d}  {f['children']:8d}")
    if len(order) == 2:
        a, b = (figures[n] for n in order)
        def r(x, y):
            return f"{x / y:.3f}" if y else "-"
        print(f"{label:{width}}"
              f"  {r(a['mem']['Rss'], b['mem']['Rss']):>6}  {r(a['mem']['Pss'], b['mem']['Pss']):>6}"
              f"  {r(a['mem']['Anonymous'], b['mem']['Anonymous']):>7}  {r(a['threads'], b['threads']):>7}"
              f"  {r(a['fds'], b['fds']):>5}  {r(a['ticks'], b['ticks']):>9}  {r(a['vol'], b['vol']):>7}")
    for name in order:
        f = figures[name]
        n = services[name]
        woke = ", ".join(f"{k} {v}" for k, v in sorted(f["woke"].items(), key=lambda kv: -kv[1])) or "none"
        each = (f"per service up ({n}) {f['mem']['Rss'] / n:.1f} kB RSS, {f['mem']['Pss'] / n:.1f} kB PSS,"
                f" {f['fds'] / n:.2f} fds" if n else "no service up")
        print(f"  {name}: {each}; woke (voluntary switches by thread/process name): {woke}")
        if f["restarted"]:
            print(f"  warning: {name}: {f['restarted']} services changed pid during the window")
        if f["vanished"]:
            print(f"  warning: {name}: {f['vanished']} measured processes went away during the window")
    print(f"  (window {seconds:g} s; 1 tick = 1/{hz} s; children = `sleep` processes running in the tree;"
          f" daemontools: sums over svscan and every supervise, threads = processes)")


# ---------------------------------------------------------------------- part 1 and 4

def fmt(x, scale=1000.0, digits=0):
    return "-" if x is None else f"{x * scale:.{digits}f}"


def part_starts(work, vigil_bin, stamp, n, idle_seconds, rounds, settle, new_samples, width, have_dt):
    print(f"\n== 1. {n} services (./run: exec sleep), each svscan on a fresh tree; {rounds} round(s),"
          f" the first to start alternates (load {load()})")
    kinds = [(VIGIL, "vigil", [os.path.join(vigil_bin, "svscan")], dict(os.environ))]
    if have_dt and n > DT_CAP:
        print(f"skipped: {DAEMONTOOLS} (N={n} is above its cap of {DT_CAP} services)")
    elif have_dt:
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(DT_SUPERVISE) + ":" + env.get("PATH", "/bin")
        kinds.append((DAEMONTOOLS, "daemontools", [DT_SVSCAN], env))
    names = names_for(n, width)
    trees = {}
    for r in range(rounds):  # every tree before any timing
        for name, kind, _, _ in kinds:
            path = os.path.join(work, f"start-{r}-{kind}")
            make_tree(path, names)
            trees[(r, name)] = path
    marks = {name: [] for name, _, _, _ in kinds}
    stops = {name: [] for name, _, _, _ in kinds}
    last = {}
    for r in range(rounds):
        order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]
        scans = []
        try:
            for name, kind, argv, env in order:
                path = trees[(r, name)]
                settle_start()
                s = Scan(name, kind, argv, path, work, env).start()
                scans.append(s)
                m = wait_up(s, [os.path.join(path, x) for x in os.listdir(path)],
                            120 + 0.01 * n, stall=30)
                m["position"] = len(scans)
                marks[name].append(m)
                if m["up"] < n:
                    print(f"warning: {name}, round {r + 1}: {m['up']} of {n} up ({m['how']})")
            if r == rounds - 1:
                print(f"   (settling {settle:g} s, then one {idle_seconds:g} s window for both)")
                sys.stdout.flush()
                time.sleep(settle)  # by design: start-up work is not idling
                dirs = {s.name: [os.path.join(s.dir, x) for x in names] for s in scans}
                last = window(scans, dirs, idle_seconds)
                new = new_entries(work, stamp, scans, new_samples)
        finally:
            for s in scans:
                s.stop()
                stops[s.name].append(s)
    width_n = max(len(k[0]) for k in kinds) + 2
    print(f"-- time from starting svscan until every status holds a pid (polled every {POLL * 1000:.0f} ms:"
          " the resolution), ms")
    print(f"{'':{width_n}}" + "".join(f"  {'r' + str(r + 1) + ' first':>9} {'half':>6} {'all':>6} "
                                      for r in range(rounds)) + "  median all  /daemontools")
    med = {name: statistics.median([m["all"] for m in ms if m["all"] is not None] or [float("nan")])
           for name, ms in marks.items()}
    ref = med.get(DAEMONTOOLS)
    for name, _, _, _ in kinds:
        row = "".join(f"  {fmt(m['first']):>9} {fmt(m['half']):>6} {fmt(m['all']):>6}"
                      f"{'*' if m['position'] == 1 else ' '}"
                      for m in marks[name])
        ratio = f"{med[name] / ref:12.2f}" if ref else "           -"
        print(f"{name:{width_n}}{row}  {med[name] * 1000:10.0f}  {ratio}")
    print("   (* = started first in that round; the other started while the first idled;"
          " ratio = median / daemontools')")
    if last:
        print(f"-- after {settle:g} s settling, one {idle_seconds:g} s window, both at once")
        print_window(last, {k[0]: n for k in kinds}, [k[0] for k in kinds])
        print_new(new)
    print("-- stop: vigil = SIGTERM until svscan has exited (every service down);"
          " daemontools = kill svscan, svc -dx every directory, until every supervise has exited")
    for name, ss in stops.items():
        print(f"{name:{width_n}}  " + "  ".join(
            f"{s.stop_ms:8.0f} ms" + (f" exit {s.exit_code}" if s.kind == "vigil" else "") + f", left running {s.left}"
            for s in ss))
        for s in ss:
            if s.kind == "vigil" and s.exit_code != 0:
                fail(f"{name} exited {s.exit_code} after SIGTERM")
            if s.kind == "vigil" and s.left:
                fail(f"{name} left {s.left} processes running after SIGTERM")
    return last


def retire(work, s, count):
    """Takes count services out of a running svscan as its manual says: each entry renamed out of
    the scan directory (into WORK/retired-KIND), then dx to it; waits until all they ran is gone."""
    out = os.path.join(work, f"retired-{s.kind}")
    os.makedirs(out, exist_ok=True)
    for name in sorted(x for x in os.listdir(s.dir) if not x.startswith("."))[-count:]:
        os.rename(os.path.join(s.dir, name), os.path.join(out, name))
        command(os.path.join(out, name), "dx")
    deadline = time.monotonic() + 10
    while sv.processes_inside(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = kill_all_inside(out)
    if left:
        print(f"warning: {s.name}: {left} processes of the retired services killed after 10 s")


def new_entries(work, stamp, scans, samples):
    """Part 4: directories renamed into each running scan directory; ms until their stamp. When
    daemontools' svscan runs at its cap, as many services as there will be new ones are first
    taken out of both (so each runs at most N services)."""
    got = {s.name: [] for s in scans}
    dt = [s for s in scans if s.kind == "daemontools"]
    if dt and len(os.listdir(dt[0].dir)) + samples > DT_CAP:
        for s in scans:
            retire(work, s, samples)
        print(f"   (daemontools' svscan runs at its cap of {DT_CAP}: {samples} services were taken out of"
              f" both scan directories first, renamed out and svc -dx, and one of its 5 s scans let pass)")
        time.sleep(5.5)  # by design: daemontools' svscan forgets an entry at the end of a scan
    for k in range(samples):
        for s in scans[k % len(scans):] + scans[:k % len(scans)]:
            staging = os.path.join(work, f"staging-{s.kind}")
            os.makedirs(staging, exist_ok=True)
            src = os.path.join(staging, f"new-{k}")
            os.mkdir(src)
            write_run(src, copy_of=stamp)
            dst = os.path.join(s.dir, f"new-{k}")
            # a random phase against daemontools' 5 s scan; a short one for vigil
            time.sleep(random.uniform(0, 5.0 if s.kind == "daemontools" else 0.2))
            t0 = rs.realtime()
            os.rename(src, dst)

            def seen():
                if not s.alive():
                    raise RuntimeError(f"{s.name} exited with {s.proc.returncode}")
                return rs.stamps(dst)
            found = sv.poll_until(seen, 15.0, interval=0.002, what=f"{s.name} to start a new entry")
            got[s.name].append((found[0][0] - t0) / 1e6)
    return got


def print_new(got):
    print("-- 4. in these svscans, a new entry renamed into the scan directory: ms from the rename to"
          " its ./run's stamp (a random pause before each)")
    width = max(len(n) for n in got) + 2
    for name, v in got.items():
        each = " ".join(f"{x:8.1f}" for x in v)
        print(f"{name:{width}}  {each}   median {statistics.median(v):8.1f}" if v else f"{name:{width}}  -")


# ---------------------------------------------------------------------- part 2

def fd_kinds(pid, scan_dir):
    """What a process's descriptors are: {kind: count}; kinds inside scan_dir by their file."""
    kinds = {}
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return kinds
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(scan_dir + "/"):
            parts = target[len(scan_dir) + 1:].split("/")
            if len(parts) >= 3 and parts[-2] == "supervise":
                kind = "supervise/" + parts[-1]
            elif len(parts) == 1 or parts[1:] == ["log"]:
                kind = "service dir"
            else:
                kind = "other in the tree"
        elif target.startswith("anon_inode:"):
            kind = target[len("anon_inode:"):].strip("[]")
        elif target.startswith("pipe:"):
            kind = "pipe"
        elif target.endswith(".jar"):
            kind = "jar"
        else:
            kind = "other"
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def base_descriptors(work, vigil_bin):
    """Descriptors of a vigil svscan on an empty directory, once it has started."""
    path = os.path.join(work, "empty")
    os.mkdir(path)
    s = Scan(VIGIL, "vigil", [os.path.join(vigil_bin, "svscan")], path, work).start()
    try:
        deadline = time.monotonic() + 30
        counts = []
        while time.monotonic() < deadline:  # until the count holds still for 0.5 s
            time.sleep(0.1)
            counts.append(fd_count(s.pid))
            if len(counts) > 5 and len(set(counts[-6:])) == 1 and s.alive():
                break
        return counts[-1], fd_kinds(s.pid, path)
    finally:
        s.stop()


def warning_kinds(lines):
    """svscan's warnings with the service names taken out: [(count, text)], most frequent first."""
    kinds = {}
    for line in lines:
        text = re.sub(r"\b(s\d+|new-\d+|stamp|pipe)\b", "NAME", line)
        kinds[text] = kinds.get(text, 0) + 1
    return sorted(((c, t) for t, c in kinds.items()), reverse=True)


def part_large(work, vigil_bin, n_small, small, large, idle_seconds, settle, width):
    print(f"\n== 2. {large} services, vigil only (daemontools' svscan caps at {DT_CAP}; load {load()})")
    names = names_for(large, width)
    path = os.path.join(work, "large")
    make_tree(path, names)
    base, base_kinds = base_descriptors(work, vigil_bin)
    timeout = 120 + 0.01 * large
    s = Scan(VIGIL, "vigil", [os.path.join(vigil_bin, "svscan")], path, work)
    try:
        settle_start()
        s.start()
        m = wait_up(s, [os.path.join(path, x) for x in os.listdir(path)], timeout, stall=20)
        with open(f"/proc/{s.pid}/limits") as f:
            limits = [line for line in f if line.startswith("Max open files")][0].split()[3:5]
        held = fd_kinds(s.pid, path)
        print(f"   (came up: {m['up']} of {large}, {m['how']}; settling {settle:g} s,"
              f" then a {idle_seconds:g} s window)")
        sys.stdout.flush()
        time.sleep(settle)  # by design
        figures = window([s], {VIGIL: [os.path.join(path, x) for x in names]}, idle_seconds)
    finally:
        s.stop()
    print(f"-- came up within {timeout:.0f} s: {m['up']} of {large} ({m['how']}); first {fmt(m['first'])} ms,"
          f" half {fmt(m['half'])} ms, all {fmt(m['all'])} ms (polled every {POLL * 1000:.0f} ms)")
    print_window(figures, {VIGIL: m["up"]}, [VIGIL])
    print(f"-- stop: SIGTERM until exit {s.stop_ms:.0f} ms, exit {s.exit_code}, left running {s.left}")
    if s.exit_code != 0:
        fail(f"{VIGIL} ({large} services) exited {s.exit_code} after SIGTERM")
    if s.left:
        fail(f"{VIGIL} ({large} services) left {s.left} processes running after SIGTERM")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    print(f"-- descriptors: RLIMIT_NOFILE soft {soft}, hard {hard} here; svscan's own (/proc/PID/limits)"
          f" soft {limits[0]}, hard {limits[1]}")
    print(f"   svscan on an empty directory holds {base}"
          f" ({', '.join(f'{k} {v}' for k, v in sorted(base_kinds.items(), key=lambda kv: -kv[1]))})")
    fit = None
    if small and small["children"] >= n_small:
        per = (small["fds"] - base) / n_small
        fit = int((int(limits[1]) - base) / per)
        print(f"   with {n_small} services up (part 1) it held {small['fds']}: {per:.2f} a running service,"
              f" so about {fit} services fit under the hard limit")
    total = sum(held.values())
    print(f"   when the wait ended it held {total}: "
          + ", ".join(f"{k} {v}" for k, v in sorted(held.items(), key=lambda kv: -kv[1])))
    if fit is not None and m["up"] < min(large, fit) * 0.95:
        print(f"   note: {m['up']} came up where about {min(large, fit)} fit: the descriptors went to services"
              f" taken in charge (a lock each) that then found none left to start their ./run")
    if m["up"] < large:
        emfile = s.warnings(EMFILE)
        print(f"   not all came up: {m['up']} of {large}; svscan's stderr has {len(emfile)} warnings '{EMFILE}';"
              f" its warnings by kind:")
        for count, text in warning_kinds(s.warnings("warning"))[:8]:
            print(f"     {count:7d}  {text}")
        print(f"   the hard limit ({hard}) cannot be raised here (no CAP_SYS_RESOURCE)")
    return m, figures


# ---------------------------------------------------------------------- part 3 and 5

class InScan:
    """The stamp service of a vigil svscan, as restart.py's restart_once sees a supervisor."""

    def __init__(self, scan, directory):
        self.name = f"{scan.name} (1 of {len(os.listdir(scan.dir))})"
        self.scan = scan
        self.work = scan.work
        self.dir = directory
        self.proc = scan.proc

    def alive(self):
        return self.scan.alive()


def part_restart(work, vigil_bin, stamp, logger, n, samples, width, have_dt, kills, logger_restarts):
    print(f"\n== 3. restart after SIGKILL of a child that lived > 1.3 s: kill -> next child's stamp;"
          f" vigil: 1 service of {n} in one svscan; daemontools: /usr/bin/supervise alone (load {load()})")
    names = names_for(n - 1, width)
    path = os.path.join(work, "restart-scan")
    make_tree(path, names)
    os.mkdir(os.path.join(path, "stamp"))
    write_run(os.path.join(path, "stamp"), copy_of=stamp)
    sv.no_backoff(os.path.join(path, "stamp"))
    scan = Scan(VIGIL, "vigil", [os.path.join(vigil_bin, "svscan")], path, work)
    peer = None
    log_result = None
    try:
        settle_start()
        scan.start()
        m = wait_up(scan, [os.path.join(path, x) for x in os.listdir(path)], 120 + 0.01 * n, stall=30)
        print(f"   (vigil svscan: {m['up']} of {n} up in {fmt(m['all'])} ms)")
        ours = InScan(scan, os.path.join(path, "stamp"))
        kinds = [ours]
        if have_dt:
            peer = sv.Supervisor("daemontools supervise", [DT_SUPERVISE], dict(os.environ),
                                 rs.service(work, stamp, "restart-daemontools"), work).start()
            rs.first_stamp(peer)
            kinds = [peer, ours]
        rs.first_stamp(ours)
        first = {}
        got = {k.name: [] for k in kinds}
        for r in range(samples + 1):
            k = r % len(kinds)
            for s in kinds[k:] + kinds[:k]:
                latency = rs.restart_once(s)
                if r == 0:
                    first[s.name] = latency
                else:
                    got[s.name].append(latency)
        if peer is not None:
            peer.stop()
        wn = max(len(k.name) for k in kinds) + 2
        print(f"{'':{wn}}  first ms  median ms   p90 ms   min ms   max ms  /daemontools   (n={samples}, interleaved)")
        ref = statistics.median(got[peer.name]) if peer is not None else None
        for s in kinds:
            v = got[s.name]
            med = statistics.median(v)
            ratio = f"{med / ref:12.2f}" if ref else "           -"
            print(f"{s.name:{wn}}  {first[s.name]:8.2f}  {med:9.2f} {rs.p90(v):8.2f} {min(v):8.2f}"
                  f" {max(v):8.2f}  {ratio}")
        print("   ('first' = the first restart, not in the statistics)")
        sys.stdout.flush()
        log_result = log_pipe(work, logger, scan, kills, logger_restarts)
    finally:
        if peer is not None:
            peer.stop()
        scan.stop()
    print(f"-- stop of that svscan ({n} services + the log pair): SIGTERM until exit {scan.stop_ms:.0f} ms,"
          f" exit {scan.exit_code}, left running {scan.left}")
    if scan.exit_code != 0:
        fail(f"{VIGIL} (restart test) exited {scan.exit_code} after SIGTERM")
    if scan.left:
        fail(f"{VIGIL} (restart test) left {scan.left} processes running after SIGTERM")
    if log_result is not None:
        pair, checked = log_result
        drain(pair, timeout=5.0)
        print_check("(c) svscan SIGTERM while the main writes (drained at shutdown)", check_log(pair), checked)


def command(directory, letters):
    try:
        fd = os.open(os.path.join(directory, "supervise", "control"), os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        os.write(fd, letters.encode())
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def wait_pid(directory, cond, timeout, what):
    """Polls directory's status until cond(pid) holds; that pid (0 = down)."""
    def look():
        pid = status_pid(directory)
        return (pid,) if pid is not None and cond(pid) else None
    return sv.poll_until(look, timeout, interval=0.002, what=what)[0]


def up(pid):
    return pid != 0


def down(pid):
    return pid == 0


def drain(pair, timeout=10.0):
    """Waits until the logger's ./out has not grown for 0.5 s (the main being down)."""
    out = os.path.join(pair, "log", "out")
    size, since = -1, time.monotonic()
    deadline = since + timeout
    while time.monotonic() < deadline:
        now = os.path.getsize(out) if os.path.exists(out) else 0
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since > 0.5:
            return
        time.sleep(0.05)


def check_log(pair):
    """Every pid's lines in out: exactly 1..k in order, no gap, none twice; k >= its lines in sent."""
    sent = {}
    with open(os.path.join(pair, "sent"), "rb") as f:
        for line in f:
            pid, _, n = line.partition(b" ")
            if n.endswith(b"\n"):
                sent[pid] = max(sent.get(pid, 0), int(n))
    last = {}
    gaps = dups = malformed = logged = missing = 0
    with open(os.path.join(pair, "log", "out"), "rb") as f:
        for line in f:
            pid, _, n = line.partition(b" ")
            if not n.endswith(b"\n") or not n[:-1].isdigit():
                malformed += 1  # a partial or garbled line
                continue
            n = int(n)
            logged += 1
            k = last.get(pid, 0)
            if n == k + 1:
                last[pid] = n
            elif n <= k:
                dups += 1
            else:
                gaps += 1
                missing += n - k - 1
                last[pid] = n
    short = beyond = 0  # lines of sent that out lacks at a pid's end; lines out has beyond sent
    for pid, k in sent.items():
        got = last.get(pid, 0)
        if got < k:
            short += k - got
        else:
            beyond += got - k
    return {"pids": len(set(sent) | set(last)), "sent": sum(sent.values()), "logged": logged,
            "gaps": gaps, "missing": missing, "dups": dups, "malformed": malformed, "short": short,
            "beyond": beyond, "per_pid": last, "sent_per_pid": sent}


def print_check(title, c, extra=""):
    ok = c["gaps"] == 0 and c["dups"] == 0 and c["malformed"] == 0 and c["short"] == 0
    print(f"{title}: {'OK' if ok else 'FAILED'}{extra}")
    print(f"     pids {c['pids']}, lines sent {c['sent']}, lines logged {c['logged']}, gaps {c['gaps']}"
          f" ({c['missing']} lines), duplicates {c['dups']}, malformed {c['malformed']},"
          f" sent but not logged {c['short']}, logged beyond sent {c['beyond']}"
          " (a line killed between its two writes)")
    if not ok:
        fail(title)


def log_pipe(work, logger, scan, kills, logger_restarts):
    """Part 5 in the running svscan of part 3. Returns (pair directory, note) for the shutdown check."""
    print(f"\n== 5. log pipe, vigil only: a pair renamed into that svscan's directory ({scan.name} with its"
          f" services running); main = a sh loop writing '$$ i' lines (pipe first, then ./sent),"
          f" log = bench/lib/logger.c appending to ./out (load {load()})")
    staging = os.path.join(work, "staging-pipe")
    os.makedirs(os.path.join(staging, "pipe", "log"))
    write_run(os.path.join(staging, "pipe"), WRITER_RUN)
    sv.no_backoff(os.path.join(staging, "pipe"))
    write_run(os.path.join(staging, "pipe", "log"), copy_of=logger)
    pair = os.path.join(scan.dir, "pipe")
    fds0 = fd_count(scan.pid)
    os.rename(os.path.join(staging, "pipe"), pair)
    wait_pid(pair, up, 10, "the main of the pair")
    wait_pid(os.path.join(pair, "log"), up, 10, "the logger of the pair")
    time.sleep(0.3)
    print(f"   descriptors of svscan: {fds0} before the pair, {fd_count(scan.pid)} with it running")
    sys.stdout.flush()
    # (a) SIGKILL of the main at random moments, each time after the restart
    restarts = []
    for _ in range(kills):
        pid = wait_pid(pair, up, 10, "the main to run")
        time.sleep(random.uniform(0.02, 1.2))
        t = time.monotonic()
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        wait_pid(pair, lambda p, old=pid: p not in (0, old), 10, "the main to be restarted")
        restarts.append(time.monotonic() - t)
    command(pair, "d")
    wait_pid(pair, down, 10, "the main to go down")
    drain(pair)
    a = check_log(pair)
    print_check(f"(a) {kills} SIGKILLs of the main at random moments", a,
                f"; kill -> restarted (status) median {statistics.median(restarts) * 1000:.0f} ms,"
                f" max {max(restarts) * 1000:.0f} ms (a main killed before it ran 1 s waits for the throttle)"
                if restarts else "")
    # (b) the logger stopped and started while the main writes
    command(pair, "u")
    wait_pid(pair, up, 10, "the main to run again")
    log = os.path.join(pair, "log")
    sent = os.path.join(pair, "sent")
    down_bytes = []
    for _ in range(logger_restarts):
        time.sleep(random.uniform(0.1, 0.5))
        old = wait_pid(log, up, 10, "the logger to run")
        command(log, "d")
        wait_pid(log, down, 10, "the logger to go down")
        size0 = os.path.getsize(sent)
        time.sleep(random.uniform(0.05, 0.3))
        down_bytes.append(os.path.getsize(sent) - size0)
        command(log, "u")
        wait_pid(log, lambda p, old=old: p not in (0, old), 10, "the logger to come back")
    command(pair, "d")
    wait_pid(pair, down, 10, "the main to go down")
    drain(pair)
    b = check_log(pair)
    new_pids = set(b["sent_per_pid"]) - set(a["sent_per_pid"])
    sent_b = sum(b["sent_per_pid"][p] for p in new_pids)
    logged_b = sum(b["per_pid"].get(p, 0) for p in new_pids)
    print_check(f"(b) {logger_restarts} stops (svc -d) and starts (svc -u) of the logger while the main writes", b,
                f"; in (b): {len(new_pids)} main pid(s), {sent_b} lines sent, {logged_b} logged;"
                f" written while the logger was down: max {max(down_bytes or [0]) / 1024:.1f} KiB"
                f" (the pipe holds 64 KiB, then the main blocks)")
    # (c) is checked after svscan's SIGTERM: the main writes until then
    command(pair, "u")
    wait_pid(pair, up, 10, "the main to run again")
    time.sleep(0.5)
    return pair, ""


# ---------------------------------------------------------------------- main

def main():
    work, stamp, logger, vigil_bin = sys.argv[1:5]
    n, idle_seconds, large, samples = int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
    rounds = env_int("ROUNDS", 2)
    smoke = n < 100  # a smoke run, as in CI: shorter waits and fewer repetitions by default
    settle = float(os.environ.get("SETTLE", "2" if smoke else "5"))
    new_samples = env_int("NEW_SAMPLES", 2 if smoke else 3)
    kills = env_int("KILLS", 10 if smoke else 100)
    logger_restarts = env_int("LOGGER_RESTARTS", 5 if smoke else 20)
    sv.install_signal_handlers()
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    print(f"N={n} IDLE_SECONDS={idle_seconds:g} LARGE_N={large} SAMPLES={samples} ROUNDS={rounds} SETTLE={settle:g}"
          f" NEW_SAMPLES={new_samples} KILLS={kills} LOGGER_RESTARTS={logger_restarts} POLL={POLL:g};"
          f" RLIMIT_NOFILE soft {soft} hard {hard}")
    have_dt = all(os.access(p, os.X_OK) for p in (DT_SVSCAN, DT_SUPERVISE, DT_SVC))
    if not have_dt:
        print(f"skipped: daemontools ({DT_SVSCAN}, {DT_SUPERVISE} or {DT_SVC} is not installed)")
    width = len(str(max(n, large)))
    sys.stdout.flush()
    small = None
    try:
        small = part_starts(work, vigil_bin, stamp, n, idle_seconds, rounds, settle, new_samples, width, have_dt)
        sys.stdout.flush()
        if large > 0:
            part_large(work, vigil_bin, n, small.get(VIGIL) if small else None, large, idle_seconds, settle, width)
        else:
            print("\nskipped: part 2 (LARGE_N = 0)")
        sys.stdout.flush()
        if samples > 0:
            part_restart(work, vigil_bin, stamp, logger, n, samples, width, have_dt, kills, logger_restarts)
        else:
            print("\nskipped: parts 3 and 5 (SAMPLES = 0)")
    except KeyboardInterrupt:
        print("interrupted; everything started was stopped", file=sys.stderr)
        return 130
    if failures:
        print(f"\n{len(failures)} check(s) failed: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
