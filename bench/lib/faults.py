#!/usr/bin/env python3
"""The fault suite, for bench/faults.sh (which makes the scratch directory and cleans up after
this script as a fallback): a supervisor killed with SIGKILL and a new one started on the same
service. vigil's supervise and svscan adopt the orphan (doc/supervise.md, start-up: the record's
pid still runs with the kernel start time the record holds); daemontools' supervise starts a
second copy. Parts c and d load one vigil supervise through its control FIFO.

usage: faults.py WORK VIGIL_BIN ROUNDS SVSCAN_ROUNDS SERVICES
       (environment: PARTS, FLOOD_BYTES, FLOOD_WRITERS, BASE_KILLS, TORN_CHANGES: bench/faults.sh)
       faults.py --writer CONTROL NBYTES SEED, faults.py --reader STATUS STOP_FILE (c's and d's
       helper processes, started with their working directory in WORK)

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

c. control flood, vigil's supervise (backoff-max 1000, as restart.sh): BASE_KILLS SIGKILLs of
   the child, each once it has lived 1.5 s, without a flood; then FLOOD_WRITERS writer processes
   send FLOOD_BYTES os.urandom bytes in all to supervise/control, each chunk of 1-64 bytes with
   its own open(O_WRONLY), write, close (as svc writes; blocking, so they go at the rate supervise
   reads), and the same kills go on until every writer has exited. Left out of the stream: d o x
   (down, once, exit: they would end the test), p (SIGSTOP) and h a i t k q 1 2 w (signals that
   end sleep, so restarts the harness did not cause); u and c stay (each rewrites the status).
   Restart latency: from just before the kill until the status names a new pid that runs,
   polled every 1 ms. At the end: supervise alive; the record's pid live, its parent supervise,
   not paused, want u, state 1, bytes 30-41 right; supervise's children and zombies.
d. torn reads: a reader process opens, reads (4096) and closes supervise/status in a loop while
   the harness writes TORN_CHANGES commands p and c alternately (each its own open, write,
   close), each followed by a poll until the record shows it, so each is one rewrite. Torn: a
   length other than 18 or 90 + byte 89 (vigil's version-3 record), or inconsistent fields
   (paused not 0/1, paused with pid 0, state byte not matching the pid). Counts reads, failed
   opens, torn, lengths, distinct records and changes between consecutive reads.

The harness is the child subreaper (PR_SET_CHILD_SUBREAPER) of what it starts: this machine's
pid 1 reaps an orphan only 1-2 s after its exit, so the orphans of the killed supervisors come to
the harness instead (a supervisor's death reparents its child to the nearest subreaper) and it
reaps them by pid as soon as they have exited. An adopted child is no child of the new supervisor either way.

Exits 1 when a check of vigil fails (a round not adopted, a duplicate, an orphan left, the start
time in the record wrong, svscan not exiting 0 on SIGTERM; c: supervise gone, a kill without a
restart, the status inconsistent, a zombie; d: a torn read or a failed open).
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
    st = sv.stat(pid)
    if st is None:
        return None
    comm, fields = st
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



# ---------------------------------------------------------------------- c. control flood

# Command bytes left out of the flood: d o x (down, once, exit) would end the test rather than
# load it, p would stop the child, and h a i t k q 1 2 w signal it (sleep dies of each), so the
# harness's kills would not be the only restarts. u and c stay in: "want up" and SIGCONT to a
# running child change nothing but rewrite the status (about 2 x 3,900 rewrites in 10^6 bytes).
STRIPPED = b"doxphaitkq12w"
KILL_EVERY_S = 1.5
RESTART_TIMEOUT = 10.0


def writer(path, nbytes, seed):
    """One flood writer (run as its own process): nbytes random bytes without STRIPPED, each
    chunk of 1-64 bytes written as svc does (open O_WRONLY, one write, close). Prints the bytes
    written and the chunks."""
    rnd = random.Random(seed)
    table = bytes.maketrans(b"", b"")
    sent = chunks = 0
    pool = b""
    while sent < nbytes:
        if len(pool) < 64:
            pool += os.urandom(4096).translate(table, STRIPPED)
        n = min(rnd.randint(1, 64), nbytes - sent)
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, pool[:n])     # <= PIPE_BUF: all or nothing
        finally:
            os.close(fd)
        pool = pool[n:]
        sent += n
        chunks += 1
    print(sent, chunks)


def children_of(ppid):
    """(pid, state) of every process whose parent is ppid."""
    found = []
    for entry in os.listdir("/proc"):
        st = sv.stat(entry) if entry.isdigit() else None
        if st is None:
            continue
        fields = st[1]
        if int(fields[1]) == ppid:
            found.append((int(entry), fields[0].decode()))
    return found


def restart_samples(sup, directory, kills, flood=None):
    """kills SIGKILLs of the child, each once it has lived KILL_EVERY_S; the ms from the kill until
    the status names a new pid that runs. With flood (a list of writer Popens) it stops early once
    every writer has exited. Returns (latencies, kills made, restarts seen)."""
    ms = []
    made = seen = 0
    st = status(directory)
    pid = st[0] if st else 0
    born = time.monotonic()
    for _ in range(kills):
        if flood is not None and all(w.poll() is not None for w in flood):
            break
        time.sleep(max(0.0, born + KILL_EVERY_S - time.monotonic()))
        if flood is not None and all(w.poll() is not None for w in flood):
            break
        if not sup.alive():
            raise RuntimeError(f"supervise exited with {sup.proc.returncode}")
        t0 = time.monotonic()
        kill_pid(pid)
        made += 1

        def look():
            s = status(directory)
            return s[0] if s and s[0] and s[0] != pid and live(s[0]) else None
        try:
            new = sv.poll_until(look, RESTART_TIMEOUT, interval=0.001, what="the new child")
        except TimeoutError:
            new = None
        if new is None:
            s = status(directory)
            print(f"   no new child {RESTART_TIMEOUT:g} s after the kill of {pid} (status {s})")
            # the flood's 'u' bytes bring it back eventually; go on from whatever runs
            pid = s[0] if s else 0
            born = time.monotonic()
            continue
        ms.append((time.monotonic() - t0) * 1000)
        seen += 1
        pid = new
        born = time.monotonic()
    return ms, made, seen


def check_record(sup, directory):
    """The status at the end, decoded: (ok, description)."""
    with open(os.path.join(directory, "supervise", "status"), "rb") as f:
        data = f.read()
    if len(data) < 20:
        return False, f"{len(data)} bytes"
    pid = int.from_bytes(data[12:16], "little")
    paused, want, term, state = data[16], chr(data[17]) if data[17] else "0", data[18], data[19]
    st = sv.stat(pid)
    parent = int(st[1][1]) if st is not None else None
    ok = (pid != 0 and live(pid) and parent == sup.pid and paused == 0 and want == "u"
          and state == 1)
    extra = ""
    if len(data) >= 46 and data[20] >= 1:
        spid = int.from_bytes(data[38:42], "big")
        ps = proc_stat(pid)
        start_ok = ps is not None and int.from_bytes(data[30:38], "big") == ps[2]
        ok = ok and spid == sup.pid and start_ok
        extra = f", supervisor {spid}, start time {'matches' if start_ok else 'WRONG'}"
    return ok, (f"{len(data)} bytes: pid {pid} ({'live' if live(pid) else 'not running'},"
                f" parent {parent}), paused {paused}, want {want}, term {term}, state {state}{extra}")


def part_flood(work, vigil_bin, nbytes, writers, base_kills):
    print(f"\n== c. control flood: {writers} writers, {nbytes} random bytes in all to supervise/control"
          f" (bytes {STRIPPED.decode()} left out), SIGKILL of the child every {KILL_EVERY_S:g} s;"
          f" (load {load()})")
    sys.stdout.flush()
    directory = service(os.path.join(work, "flood"))
    sv.no_backoff(directory)
    sup = sv.Supervisor("vigil supervise", [os.path.join(vigil_bin, "supervise")],
                        dict(os.environ), directory, work)
    procs = []
    try:
        sup.start()
        first_child(sup, True)
        base, base_made, base_seen = restart_samples(sup, directory, base_kills)
        control = os.path.join(directory, "supervise", "control")
        per = nbytes // writers
        t = time.monotonic()
        for i in range(writers):
            n = per if i < writers - 1 else nbytes - per * (writers - 1)
            procs.append(subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), "--writer", control, str(n), str(i)],
                cwd=work, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL))
        flood, made, seen = restart_samples(sup, directory, 10 ** 6, procs)
        sent = chunks = 0
        for w in procs:
            out, _ = w.communicate(timeout=600)
            if w.returncode == 0 and out.split():
                a, b = out.split()
                sent, chunks = sent + int(a), chunks + int(b)
        flood_s = time.monotonic() - t
        time.sleep(0.3)     # what the pipe still held
        alive = sup.alive()
        ok, desc = check_record(sup, directory) if alive else (False, "supervise is gone")
        kids = children_of(sup.pid) if alive else []
        zombies = [p for p, s in kids if s == "Z"]
        starts = len(pid_lines(directory))
        print(f"   flood: {sent} bytes in {chunks} writes by {writers} writers, {flood_s:.1f} s"
              f" ({sent / flood_s / 1e3:.0f} kB/s); load {load()}")
        print(f"   supervise alive at the end: {'yes' if alive else 'NO'}")
        print(f"   {'':14}kills  restarts seen  restart ms: median    p90    max")
        for name, xs, k, r in (("without flood", base, base_made, base_seen),
                               ("with flood", flood, made, seen)):
            if xs:
                print(f"   {name:14}{k:5d}  {r:13d}  {statistics.median(xs):19.1f}"
                      f"  {pct(xs, 0.9):5.1f}  {max(xs):5.1f}")
            else:
                print(f"   {name:14}{k:5d}  {r:13d}  {'-':>19}")
        print(f"   starts of ./run in all: {starts} (1 + kills {base_made + made} when nothing"
              f" else restarted it)")
        print(f"   status at the end: {'consistent' if ok else 'INCONSISTENT'}: {desc}")
        print(f"   children of supervise at the end: {len(kids)}, zombies {len(zombies)}")
        print("   (restart ms: from just before the harness's kill until supervise/status names a"
              " new pid that runs, polled every 1 ms; the child was killed once it had lived"
              f" {KILL_EVERY_S:g} s, so the 1 s throttle does not hold the restart back)")
        if not alive or not ok or zombies or seen != made or base_seen != base_made:
            failures.append(f"flood: supervise alive {alive}, status ok {ok}, zombies"
                            f" {len(zombies)}, restarts {base_seen + seen} of {base_made + made}")
        if sent != nbytes:
            failures.append(f"flood: {sent} of {nbytes} bytes written")
    finally:
        for w in procs:
            if w.poll() is None:
                kill_pid(w.pid)
            w.wait()
        sup.stop()
    sys.stdout.flush()


# ---------------------------------------------------------------------- d. torn reads

def reader(path, stop_file):
    """Reads path (open, read, close) as fast as it can until stop_file exists; prints a JSON
    tally: reads, failed opens, lengths seen, torn reads, distinct records, changes seen."""
    import json
    reads = fails = torn = changes = 0
    lengths = {}
    distinct = set()
    bad = []
    last = None
    i = 0
    while True:
        i += 1
        if i % 256 == 0 and os.path.exists(stop_file):
            break
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            fails += 1
            continue
        try:
            data = os.read(fd, 4096)
        finally:
            os.close(fd)
        reads += 1
        n = len(data)
        lengths[n] = lengths.get(n, 0) + 1
        good = n == 18 or (n >= 90 and data[20] == 3 and n == 90 + data[89])
        if good:
            pid = int.from_bytes(data[12:16], "little")
            good = data[16] in (0, 1) and (pid != 0 or data[16] == 0) and data[19] in (0, 1, 2)
            if n >= 90:
                good = good and (data[19] == 1) == (pid != 0)
        if not good:
            torn += 1
            if len(bad) < 5:
                bad.append(data.hex())
        if data != last:
            changes += 1
            distinct.add(data)
            last = data
    print(json.dumps({"reads": reads, "fails": fails, "torn": torn, "lengths": lengths,
                      "distinct": len(distinct), "changes": changes, "bad": bad}))


def part_torn(work, vigil_bin, changes):
    import json
    print(f"\n== d. torn reads: a reader reads supervise/status as fast as it can while {changes}"
          f" commands p and c alternate on the control FIFO (load {load()})")
    sys.stdout.flush()
    directory = service(os.path.join(work, "torn"))
    sup = sv.Supervisor("vigil supervise", [os.path.join(vigil_bin, "supervise")],
                        dict(os.environ), directory, work)
    rd = None
    stop_file = os.path.join(work, "torn.stop")
    try:
        sup.start()
        child = first_child(sup, True)
        path = os.path.join(directory, "supervise", "status")
        rd = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--reader", path,
                               stop_file], cwd=work, stdout=subprocess.PIPE,
                              stdin=subprocess.DEVNULL)
        time.sleep(0.3)
        control = os.path.join(directory, "supervise", "control")
        t = time.monotonic()
        written = 0

        def shows(paused):
            try:
                with open(path, "rb") as f:
                    d = f.read(20)
            except OSError:
                return False
            return len(d) >= 18 and d[16] == paused
        for i in range(changes):
            fd = os.open(control, os.O_WRONLY | os.O_NONBLOCK)   # as svc opens it
            try:
                written += os.write(fd, b"p" if i % 2 == 0 else b"c")
            finally:
                os.close(fd)
            # one change at a time: until the record shows this command (so each is a rewrite)
            sv.poll_until(lambda: shows(1 - i % 2), 30, interval=0.0002,
                          what=f"the record of command {i}")
        write_s = time.monotonic() - t
        time.sleep(0.2)
        with open(stop_file, "w"):
            pass
        out, _ = rd.communicate(timeout=60)
        r = json.loads(out)
        sup.command("c")
        time.sleep(0.1)
        st = proc_stat(child)
        alive = sup.alive()
        print(f"   {written} command bytes written in {write_s:.2f} s, each open, write, close as"
              f" svc does, then the record polled until it showed it; load {load()}")
        print(f"   reads {r['reads']}, failed opens {r['fails']}, torn or short {r['torn']};"
              f" lengths seen {r['lengths']}")
        print(f"   distinct records {r['distinct']}, changes seen between consecutive reads"
              f" {r['changes']}")
        for b in r["bad"]:
            print(f"   torn: {b}")
        print(f"   supervise alive {'yes' if alive else 'NO'}; the child {child}"
              f" {'runs' if st and st[1] not in ('T', 'Z', 'X') else 'state ' + (st[1] if st else 'gone')}"
              f" after a last c")
        if r["torn"] or r["fails"] or not alive:
            failures.append(f"torn: {r['torn']} torn, {r['fails']} failed opens, alive {alive}")
    finally:
        if rd is not None and rd.poll() is None:
            kill_pid(rd.pid)
            rd.wait()
        sup.stop()
    sys.stdout.flush()


def main():
    if sys.argv[1] == "--writer":
        writer(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return 0
    if sys.argv[1] == "--reader":
        reader(sys.argv[2], sys.argv[3])
        return 0
    work, vigil_bin = sys.argv[1:3]
    rounds, scan_rounds, services = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    parts = os.environ.get("PARTS", "abcd")
    flood_bytes = int(os.environ.get("FLOOD_BYTES", "1000000"))
    writers = int(os.environ.get("FLOOD_WRITERS", "4"))
    base_kills = int(os.environ.get("BASE_KILLS", "15"))
    torn_changes = int(os.environ.get("TORN_CHANGES", "10000"))
    sv.install_signal_handlers()
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    subreaper()
    print(f"PARTS={parts} ROUNDS={rounds} SVSCAN_ROUNDS={scan_rounds} SERVICES={services}"
          f" FLOOD_BYTES={flood_bytes} FLOOD_WRITERS={writers} BASE_KILLS={base_kills}"
          f" TORN_CHANGES={torn_changes}")
    t = time.monotonic()
    try:
        if "a" in parts and rounds > 0:
            part_supervise(work, vigil_bin, rounds)
        else:
            print("\nskipped: part a (not in PARTS, or ROUNDS = 0)")
        if "b" in parts and scan_rounds > 0 and services > 0:
            part_svscan(work, vigil_bin, scan_rounds, services)
        else:
            print("\nskipped: part b (not in PARTS, or SVSCAN_ROUNDS or SERVICES = 0)")
        if "c" in parts and flood_bytes > 0:
            part_flood(work, vigil_bin, flood_bytes, writers, base_kills)
        else:
            print("\nskipped: part c (not in PARTS, or FLOOD_BYTES = 0)")
        if "d" in parts and torn_changes > 0:
            part_torn(work, vigil_bin, torn_changes)
        else:
            print("\nskipped: part d (not in PARTS, or TORN_CHANGES = 0)")
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
