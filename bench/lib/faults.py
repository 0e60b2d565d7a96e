#!/usr/bin/env python3
"""The fault suite, for bench/faults.sh (which makes the scratch directory and cleans up after
this script as a fallback): a supervisor killed with SIGKILL and a new one started on the same
service. vigil's supervise and svscan adopt the orphan (doc/supervise.md, start-up: the record's
pid still runs with the kernel start time the record holds); daemontools' supervise starts a
second copy.

usage: faults.py WORK VIGIL_BIN ROUNDS SVSCAN_ROUNDS SERVICES

Every ./run is
    #!/bin/sh
    echo $$ >> pids
    exec sleep 100000
so ./pids has one line per start of ./run, and the pid stays the same through the exec.

a. supervise, ROUNDS rounds, vigil's and daemontools' interleaved (a fresh service directory
   each round): start the supervisor; wait until its status names a child that has exec'd sleep
   (vigil: and names this supervisor, bytes 38-41); a random 0-200 ms more; SIGKILL to the
   supervisor, waited for; start a new one on the same directory.
   vigil: poll supervise/status (every 2 ms) until it names a child and the new supervisor's pid;
   "adopted" when that child is the first one, "replaced" when it is another. The time is from
   just before the new supervisor's Popen to that look (a JVM's start-up dominates it). Then the
   record's start time (bytes 30-37) is checked against field 22 of /proc/PID/stat.
   daemontools: poll until its status names a pid other than the orphan's that has exec'd sleep:
   the time until the second copy runs.
   Then, 200 ms later: "duplicates" is a round with more than one line in ./pids or more than one
   live `sleep` working in the directory. Then 'dx' to the new supervisor (as svc -dx writes it),
   its exit waited for, up to 3 s for the orphan (vigil: the adopted child, which dx takes down
   through a pidfd) to exit; "orphans left" counts live processes still working in the directory
   then. The harness then SIGKILLs them (daemontools' first copy, every round) and reaps them.
b. vigil's svscan on SERVICES services: start it, wait until every service's child runs; then
   SVSCAN_ROUNDS times: a random 0-500 ms, SIGKILL to svscan, waited for, a new svscan; poll
   every status (every 10 ms) until each names its old pid and the new svscan's pid. Per round:
   services adopted, replaced, time until the first and until all were adopted, live `sleep`
   processes in the tree and new lines in the ./pids files 300 ms after (duplicates). At the end
   SIGTERM to the last svscan: its exit code, and what still runs in the tree (orphans).

The harness is the child subreaper (PR_SET_CHILD_SUBREAPER) of what it starts: this machine's
pid 1 reaps an orphan only 1-2 s after its exit, so the orphans of the killed supervisors come to
the harness instead (a supervisor's death reparents its child to the nearest subreaper) and it
reaps them by pid as soon as they have exited. An adopted child is no child of the new supervisor either way.

Exits 1 when a check of vigil fails (a round not adopted, a duplicate, an orphan left, the start
time in the record wrong, svscan not exiting 0 on SIGTERM).
"""
import ctypes
import os
import random
import select
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supervisors as sv  # noqa: E402

RUN = "#!/bin/sh\necho $$ >> pids\nexec sleep 100000\n"
PR_SET_CHILD_SUBREAPER = 36
UP_TIMEOUT = 30.0          # a supervisor's first child
ADOPT_TIMEOUT = 30.0       # the new supervisor's record naming a child
AFTER_S = 0.2              # a late second copy would show by then
ORPHAN_EXIT_S = 3.0
failures = []


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print(f"note: PR_SET_CHILD_SUBREAPER failed (errno {ctypes.get_errno()}): orphans go to init")
        return False
    return True


def reap(pids):
    """Reaps those of pids that are the harness's zombies (its orphans); ignores the rest."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


def service(path):
    os.mkdir(path)
    with open(os.path.join(path, "run"), "w") as f:
        f.write(RUN)
    os.chmod(os.path.join(path, "run"), 0o755)
    return path


def status(directory):
    """(pid, start time ticks or None, supervisor pid or None) of supervise/status, or None."""
    try:
        with open(os.path.join(directory, "supervise", "status"), "rb") as f:
            data = f.read(64)
    except OSError:
        return None
    if len(data) < 18:
        return None
    pid = int.from_bytes(data[12:16], "little")
    if len(data) >= 46 and data[20] >= 1:
        return pid, int.from_bytes(data[30:38], "big"), int.from_bytes(data[38:42], "big")
    return pid, None, None


def proc_stat(pid):
    """(comm, state, start time ticks) of pid, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    comm = data[data.index(b"(") + 1:data.rindex(b")")].decode(errors="replace")
    fields = data[data.rindex(b")") + 2:].split()
    return comm, fields[0].decode(), int(fields[19])   # fields[0] is field 3; field 22 -> [19]


def live(pid):
    st = proc_stat(pid)
    return st is not None and st[1] not in ("Z", "X")


def runs_sleep(pid):
    st = proc_stat(pid)
    return st is not None and st[0] == "sleep" and st[1] not in ("Z", "X")


def sleeps_inside(directory):
    return [p for p in sv.processes_inside(directory) if runs_sleep(p)]


def live_inside(directory):
    return [p for p in sv.processes_inside(directory) if live(p)]


def pid_lines(directory):
    try:
        with open(os.path.join(directory, "pids")) as f:
            return [line for line in f.read().split("\n") if line]
    except FileNotFoundError:
        return []


def wait_pidfd(fd, timeout):
    p = select.poll()
    p.register(fd, select.POLLIN)
    return bool(p.poll(timeout * 1000))


def kill_pid(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))]


def fmt_times(ms):
    if not ms:
        return "-"
    return (f"median {statistics.median(ms):.0f} ms, p90 {pct(ms, 0.9):.0f} ms,"
            f" min {min(ms):.0f}, max {max(ms):.0f} (n={len(ms)})")


# ---------------------------------------------------------------------- a. supervise

class Tally:
    def __init__(self, name):
        self.name = name
        self.rounds = 0
        self.adopted = 0
        self.replaced = 0
        self.no_child = 0
        self.duplicates = 0
        self.orphans = 0
        self.bad_start_time = 0
        self.first_ms = []     # start -> first child runs
        self.new_ms = []       # new supervisor's start -> its record names a child (adopted or 2nd)
        self.notes = []


def first_child(sup, vigil):
    """The first supervisor's child, once it has exec'd sleep (vigil: and the record names sup)."""
    def look():
        if not sup.alive():
            raise RuntimeError(f"{sup.name} exited with {sup.proc.returncode}")
        st = status(sup.dir)
        if not st or not st[0] or not runs_sleep(st[0]):
            return None
        if vigil and st[2] != sup.pid:
            return None
        return st[0]
    return sv.poll_until(look, UP_TIMEOUT, interval=0.002, what=f"{sup.name}'s first child")


def supervise_round(work, i, name, argv, vigil, tally):
    directory = service(os.path.join(work, f"{'v' if vigil else 'd'}{i:04d}"))
    first = sv.Supervisor(name, argv, dict(os.environ), directory, work)
    second = None
    orphan = None
    fd = None
    try:
        t = time.monotonic()
        first.start()
        orphan = first_child(first, vigil)
        tally.first_ms.append((time.monotonic() - t) * 1000)
        fd = os.pidfd_open(orphan)
        time.sleep(random.uniform(0, 0.2))
        first.proc.kill()
        first.proc.wait()
        if not live(orphan):
            tally.notes.append(f"round {i}: the child {orphan} died with its supervisor")
        second = sv.Supervisor(name, argv, dict(os.environ), directory, work)
        t0 = time.monotonic()
        second.start()

        def look():
            if not second.alive():
                raise RuntimeError(f"the new {name} exited with {second.proc.returncode}")
            st = status(directory)
            if not st or not st[0]:
                return None
            if vigil:
                return st if st[2] == second.pid else None
            return st if st[0] != orphan and runs_sleep(st[0]) else None
        try:
            st = sv.poll_until(look, ADOPT_TIMEOUT, interval=0.002, what=f"the new {name}'s record")
        except TimeoutError:
            st = None
        t1 = time.monotonic()
        tally.rounds += 1
        if st is None:
            tally.no_child += 1
            tally.notes.append(f"round {i}: no record naming a child within {ADOPT_TIMEOUT:g} s")
        else:
            tally.new_ms.append((t1 - t0) * 1000)
            if st[0] == orphan:
                tally.adopted += 1
                if vigil:
                    ps = proc_stat(orphan)
                    if ps is None or st[1] != ps[2]:
                        tally.bad_start_time += 1
                        tally.notes.append(f"round {i}: start time {st[1]} in the record,"
                                           f" {ps[2] if ps else 'gone'} in /proc/{orphan}/stat")
            else:
                tally.replaced += 1
        time.sleep(AFTER_S)
        lines = pid_lines(directory)
        sleeps = sleeps_inside(directory)
        if len(lines) > 1 or len(sleeps) > 1:
            tally.duplicates += 1
        second.command("dx")
        if second.wait_exit(10.0) is None:
            tally.notes.append(f"round {i}: the new supervisor did not exit 10 s after dx")
        if vigil:
            # dx took the adopted child down: wait for its exit (it is the harness's child, not
            # the new supervisor's; this pidfd turns readable when it has exited)
            wait_pidfd(fd, ORPHAN_EXIT_S)
        left = live_inside(directory)
        tally.orphans += len(left)
    finally:
        for s in (first, second):
            if s is not None:
                s.stop()
        for pid in sv.processes_inside(directory):
            kill_pid(pid)
        if orphan is not None:
            if fd is not None:
                wait_pidfd(fd, 2.0)
            reap([orphan])
        if fd is not None:
            os.close(fd)


def part_supervise(work, vigil_bin, rounds):
    kinds = [("vigil supervise", [os.path.join(vigil_bin, "supervise")], True)]
    if os.access(sv.DAEMONTOOLS, os.X_OK):
        kinds.append(("daemontools supervise", [sv.DAEMONTOOLS], False))
    else:
        print(f"skipped: daemontools supervise ({sv.DAEMONTOOLS} is not installed)")
    print(f"\n== a. supervise: SIGKILL of the supervisor once its child runs, a new supervisor on"
          f" the same directory; {rounds} rounds, interleaved (load {load()})")
    sys.stdout.flush()
    tallies = {name: Tally(name) for name, _, _ in kinds}
    t = time.monotonic()
    for i in range(rounds):
        order = kinds if i % 2 == 0 else list(reversed(kinds))
        for name, argv, vigil in order:
            supervise_round(work, i, name, argv, vigil, tallies[name])
        if (i + 1) % 25 == 0 and i + 1 < rounds:
            print(f"   ... {i + 1} rounds, {time.monotonic() - t:.0f} s, load {load()}")
            sys.stdout.flush()
    print(f"   ({rounds} rounds in {time.monotonic() - t:.0f} s; load {load()} at the end)")
    width = max(len(n) for n, _, _ in kinds)
    print(f"{'':{width}}  rounds  same pid adopted  second copy  duplicates  orphans left"
          f"  new supervisor -> child named, ms: median  p90    max   first start ms: median")
    for name, _, vigil in kinds:
        y = tallies[name]
        line = (f"{name:{width}}  {y.rounds:6d}  {y.adopted:16d}  {y.replaced:11d}  {y.duplicates:10d}"
                f"  {y.orphans:12d}")
        if y.new_ms:
            line += (f"  {'':31}{statistics.median(y.new_ms):6.0f}  {pct(y.new_ms, 0.9):5.0f}"
                     f"  {max(y.new_ms):5.0f}")
        else:
            line += f"  {'':31}{'-':>6}  {'-':>5}  {'-':>5}"
        line += f"  {statistics.median(y.first_ms):21.0f}" if y.first_ms else f"  {'-':>21}"
        print(line)
        for note in y.notes[:10]:
            print(f"   {name}: {note}")
        if len(y.notes) > 10:
            print(f"   {name}: ... {len(y.notes) - 10} more")
        if vigil:
            if y.adopted != rounds:
                failures.append(f"{name}: {y.adopted} of {rounds} rounds adopted the orphan")
            if y.duplicates or y.orphans or y.bad_start_time:
                failures.append(f"{name}: {y.duplicates} duplicates, {y.orphans} orphans left,"
                                f" {y.bad_start_time} wrong start times")
    print("   (vigil: the time until the new supervisor's record names the adopted child and its own"
          " pid, a JVM's start-up first; daemontools: until its second copy has exec'd sleep."
          " duplicates: rounds with a second ./run while the first ran; orphans left: live"
          " processes in the service directory once the new supervisor had exited after dx and"
          " 3 s more for vigil's adopted child; the harness kills them)")
    sys.stdout.flush()


# ---------------------------------------------------------------------- b. svscan

class Scan:
    def __init__(self, argv, directory, work):
        self.argv = argv
        self.dir = directory
        self.work = work
        self.proc = None

    def start(self):
        with open(os.path.join(self.work, "logs", "svscan.log"), "ab") as log:
            self.proc = subprocess.Popen(self.argv + [self.dir], cwd=self.dir, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, start_new_session=True)
        with open(os.path.join(self.work, "svscans"), "a") as f:
            f.write(f"{self.proc.pid} vigil {self.dir}\n")
        return self

    @property
    def pid(self):
        return self.proc.pid


def part_svscan(work, vigil_bin, rounds, n):
    print(f"\n== b. vigil's svscan, {n} services: SIGKILL of svscan, a new svscan; {rounds} rounds"
          f" (load {load()})")
    sys.stdout.flush()
    scan_dir = os.path.join(work, "scan")
    os.mkdir(scan_dir)
    width = len(str(n - 1))
    dirs = [service(os.path.join(scan_dir, f"s{i:0{width}d}")) for i in range(n)]
    argv = [os.path.join(vigil_bin, "svscan")]
    scan = None
    known = set()
    rows = []
    try:
        t = time.monotonic()
        scan = Scan(argv, scan_dir, work).start()

        def all_up():
            if scan.proc.poll() is not None:
                raise RuntimeError(f"svscan exited with {scan.proc.returncode}")
            got = {}
            for d in dirs:
                st = status(d)
                if not st or not st[0] or st[2] != scan.pid or not runs_sleep(st[0]):
                    return None
                got[d] = st[0]
            return got
        pids = sv.poll_until(all_up, 60 + 0.1 * n, interval=0.05, what="every service up")
        known.update(pids.values())
        print(f"   all {n} up {(time.monotonic() - t) * 1000:.0f} ms after starting svscan")
        lines_before = sum(len(pid_lines(d)) for d in dirs)
        print(f"{'round':>5}  {'adopted':>7}  {'second copy':>11}  {'first ms':>8}  {'all ms':>7}"
              f"  {'sleeps':>6}  {'new ./run starts':>16}  load")
        sys.stdout.flush()
        for r in range(rounds):
            time.sleep(random.uniform(0, 0.5))
            scan.proc.kill()
            scan.proc.wait()
            gone = [d for d in dirs if not live(pids[d])]
            scan = Scan(argv, scan_dir, work)
            t0 = time.monotonic()
            scan.start()
            first_ms = None
            adopted = replaced = 0
            deadline = t0 + 60 + 0.1 * n
            while True:
                if scan.proc.poll() is not None:
                    raise RuntimeError(f"svscan exited with {scan.proc.returncode}")
                adopted = replaced = 0
                for d in dirs:
                    st = status(d)
                    if st and st[0] and st[2] == scan.pid:
                        if st[0] == pids[d]:
                            adopted += 1
                        else:
                            replaced += 1
                now = time.monotonic()
                if adopted and first_ms is None:
                    first_ms = (now - t0) * 1000
                if adopted + replaced == n or now > deadline:
                    break
                time.sleep(0.01)
            all_ms = (now - t0) * 1000 if adopted + replaced == n else None
            time.sleep(0.3)
            sleeps = 0
            for p in sv.processes_inside(scan_dir):
                if runs_sleep(p):
                    sleeps += 1
                    known.add(p)
            lines = sum(len(pid_lines(d)) for d in dirs)
            new_lines = lines - lines_before
            lines_before = lines
            rows.append((adopted, replaced, first_ms, all_ms, sleeps, new_lines))
            print(f"{r + 1:5d}  {adopted:7d}  {replaced:11d}  {first_ms or 0:8.0f}"
                  f"  {all_ms if all_ms is not None else float('nan'):7.0f}  {sleeps:6d}"
                  f"  {new_lines:16d}  {load()}")
            if gone:
                print(f"   {len(gone)} children had died with svscan")
            sys.stdout.flush()
            for d in dirs:
                st = status(d)
                if st and st[0]:
                    pids[d] = st[0]
            if adopted != n or sleeps != n or new_lines:
                failures.append(f"svscan round {r + 1}: {adopted} of {n} adopted, {replaced} replaced,"
                                f" {sleeps} sleeps, {new_lines} new starts")
        # the end: SIGTERM takes every service down, the adopted ones through their pidfds
        t = time.monotonic()
        scan.proc.terminate()
        code = scan.proc.wait(120)
        stop_ms = (time.monotonic() - t) * 1000
        deadline = time.monotonic() + ORPHAN_EXIT_S
        while live_inside(scan_dir) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = live_inside(scan_dir)
        print(f"   SIGTERM to the last svscan: exit {code} after {stop_ms:.0f} ms; left running in the"
              f" tree {len(left)}")
        if code != 0 or left:
            failures.append(f"svscan: exit {code} on SIGTERM, {len(left)} left running")
        if rows:
            all_ms = [x[3] for x in rows if x[3] is not None]
            print(f"   over {len(rows)} rounds: adopted {sum(x[0] for x in rows)} of {n * len(rows)},"
                  f" second copies {sum(x[1] for x in rows)}, duplicates"
                  f" {sum(max(0, x[4] - n) + x[5] for x in rows)};"
                  f" until all adopted: {fmt_times(all_ms)};"
                  f" until the first: median {statistics.median([x[2] for x in rows if x[2]]):.0f} ms")
        print("   (first/all ms: from just before the new svscan's Popen until one/every record names"
              " its old pid and the new svscan's pid, statuses polled every 10 ms; sleeps: live"
              " `sleep` processes in the tree 300 ms later (n when none runs twice); new ./run"
              " starts: lines added to the services' ./pids files in the round)")
    finally:
        if scan is not None and scan.proc.poll() is None:
            scan.proc.terminate()
            try:
                scan.proc.wait(60)
            except subprocess.TimeoutExpired:
                scan.proc.kill()
                scan.proc.wait()
        for _ in range(20):
            left = sv.processes_inside(scan_dir)
            if not left:
                break
            for pid in left:
                kill_pid(pid)
                known.add(pid)
            time.sleep(0.05)
        time.sleep(0.1)
        reap(known)
    sys.stdout.flush()


def main():
    work, vigil_bin = sys.argv[1:3]
    rounds, scan_rounds, services = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    sv.install_signal_handlers()
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    subreaper()
    print(f"ROUNDS={rounds} SVSCAN_ROUNDS={scan_rounds} SERVICES={services}")
    t = time.monotonic()
    try:
        if rounds > 0:
            part_supervise(work, vigil_bin, rounds)
        else:
            print("\nskipped: part a (ROUNDS = 0)")
        if scan_rounds > 0 and services > 0:
            part_svscan(work, vigil_bin, scan_rounds, services)
        else:
            print("\nskipped: part b (SVSCAN_ROUNDS or SERVICES = 0)")
    except KeyboardInterrupt:
        print("interrupted; everything started was stopped", file=sys.stderr)
        return 130
    print(f"\n{time.monotonic() - t:.0f} s in all; load {load()} at the end")
    if failures:
        print(f"{len(failures)} check(s) failed: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
