"""Shared by restart.py and idle.py: the supervisors under test, each started by us on a scratch
service directory of its own, and everything needed to stop them and whatever they started.

Every process started here runs with its working directory inside the scratch directory (the C
supervisors chdir there, vigil's JVM is started there, children are started there), so a scan of
/proc/*/cwd finds them all; that is the fallback when the polite stop ("dx" on the control FIFO,
which svc -dx writes) does not finish in time. Only processes found that way are signalled.
"""
import os
import select
import signal
import subprocess
import sys
import time

DAEMONTOOLS = "/usr/bin/supervise"
RUNIT = "/usr/bin/runsv"


class Supervisor:
    """One supervisor process on one service directory."""

    def __init__(self, name, argv, env, directory, work):
        self.name = name
        self.argv = argv
        self.env = env
        self.dir = directory
        self.work = work
        self.proc = None

    def start(self):
        log = open(os.path.join(self.work, "logs", os.path.basename(self.dir) + ".log"), "ab")
        self.started_ns = time.clock_gettime_ns(time.CLOCK_REALTIME)
        self.proc = subprocess.Popen(self.argv + [self.dir], cwd=self.dir, env=self.env,
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True)
        log.close()
        with open(os.path.join(self.work, "pids"), "a") as f:
            f.write(f"{self.proc.pid} {self.dir}\n")
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def command(self, letters):
        """Writes to supervise/control as svc does (non-blocking; False if nobody reads it)."""
        try:
            fd = os.open(os.path.join(self.dir, "supervise", "control"), os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return False
        try:
            os.write(fd, letters.encode())
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    def wait_exit(self, timeout):
        """Blocks on a pidfd until the supervisor has exited; the moment (monotonic ns), or None."""
        if self.proc.poll() is not None:
            return time.monotonic_ns()
        try:
            fd = os.pidfd_open(self.proc.pid)
        except (OSError, AttributeError):
            fd = None
        try:
            if fd is not None:
                p = select.poll()
                p.register(fd, select.POLLIN)
                if not p.poll(timeout * 1000):
                    return None
                now = time.monotonic_ns()
            else:
                deadline = time.monotonic() + timeout
                while self.proc.poll() is None:
                    if time.monotonic() > deadline:
                        return None
                    time.sleep(0.0005)
                now = time.monotonic_ns()
        finally:
            if fd is not None:
                os.close(fd)
        self.proc.wait()
        return now

    def stop(self, timeout=5.0):
        """svc -dx, wait for the exit; then SIGKILL to the supervisor and whatever runs in its dir."""
        if self.alive():
            self.command("dx")
            if self.wait_exit(timeout) is None:
                print(f"{self.name}: no exit {timeout:.0f} s after dx; SIGKILL", file=sys.stderr)
                self.proc.kill()
                self.proc.wait()
        kill_inside(self.dir)


def no_backoff(directory):
    """Writes backoff-max = 1000 into a service directory whose child the harness kills again and
    again: vigil counts a death within backoff-reset (10 s) of the start that was not asked for
    through its control FIFO as a crash, and would wait 2, 4, 8 ... s (up to 60) between starts;
    with 1000 ms it keeps daemontools' one start a second. The C supervisors ignore the file."""
    with open(os.path.join(directory, "backoff-max"), "w") as f:
        f.write("1000\n")


def processes_inside(directory):
    """Pids of processes whose working directory is directory or below it."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if cwd == directory or cwd.startswith(directory + "/"):
            found.append(int(entry))
    return found


def kill_inside(directory):
    for pid in processes_inside(directory):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def stat(pid):
    """(comm, fields) of /proc/PID/stat, or None if there is no such process; fields[0] is the
    stat's field 3 (the state), so field N is fields[N - 3]. The one parser of that file here."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    comm = data[data.index(b"(") + 1:data.rindex(b")")].decode(errors="replace")
    return comm, data[data.rindex(b")") + 2:].split()


def running(pid):
    """True while pid exists and is not a zombie."""
    st = stat(pid)
    return st is not None and st[1][0] not in (b"Z", b"X")


def harness_realtime(on):
    """SCHED_FIFO (priority 1) for this thread while a sample is measured, so that on a busy
    machine the harness's own wake-up (1-3 ms of run-queue wait under other people's builds, seen
    with perf) stays out of the figure; SCHED_RESET_ON_FORK: what it spawns in the window (sv, a
    client) runs as an ordinary process. The supervisors and their children are never touched.
    True if done."""
    try:
        if on:
            os.sched_setscheduler(0, os.SCHED_FIFO | os.SCHED_RESET_ON_FORK, os.sched_param(1))
        else:
            os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
        return True
    except (OSError, AttributeError):
        return False


def poll_until(predicate, timeout, interval=0.001, what="condition"):
    """Calls predicate until it returns something true; that value. Raises after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def parse_variants(specs, vigil_bin):
    """NAME=OPTS arguments as (name, argv, env) for vigil. OPTS is VIGIL_JAVA_OPTS, optionally
    preceded by JAVA_HOME=DIR (another java) and/or VIGIL=DIR (another installed vigil tree,
    e.g. a copy of dist/target/vigil built from other code, for an A/B comparison)."""
    variants = []
    for spec in specs:
        name, _, opts = spec.partition("=")
        env = dict(os.environ)
        binary = os.path.join(vigil_bin, "supervise")
        words = opts.split()
        while words and words[0].split("=", 1)[0] in ("JAVA_HOME", "VIGIL"):
            key, value = words.pop(0).split("=", 1)
            if key == "VIGIL":
                binary = os.path.join(value, "bin", "supervise")
            else:
                env[key] = value
        env["VIGIL_JAVA_OPTS"] = " ".join(words)
        variants.append((name, [binary], env))
    if not variants:
        variants.append(("vigil supervise", [os.path.join(vigil_bin, "supervise")], dict(os.environ)))
    return variants


def describe(variants):
    for name, argv, env in variants:
        print(f"{name}: {argv[0]} JAVA_HOME={env.get('JAVA_HOME', '(unset)')}"
              f" VIGIL_JAVA_OPTS={env.get('VIGIL_JAVA_OPTS', '')!r}")


def peers():
    """The C supervisors that are installed; a printed line for each one that is not."""
    found = []
    for name, path in (("daemontools supervise", DAEMONTOOLS), ("runit runsv", RUNIT)):
        if os.access(path, os.X_OK):
            found.append((name, [path], dict(os.environ)))
        else:
            print(f"skipped: {name} ({path} is not installed)")
    return found


def install_signal_handlers():
    """SIGINT (even when started in the background), SIGTERM and SIGHUP unwind like Ctrl-C, so
    finally blocks stop everything."""
    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)
