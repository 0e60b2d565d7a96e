#!/usr/bin/env python3
"""Where a restart's time goes, per supervisor, from kernel tracepoints (perf record -a; needs
root or perf_event_paranoid <= -1). Runs restarts like restart.py (children SIGKILLed after
> 1.3 s, rounds interleaved) while perf records, then splits each restart into phases:

  kill->exit      kill(2) entered by us -> sched_process_exit of the child
  exit->wake      -> the supervisor's thread returns from epoll_wait/poll/ppoll
  wake->reaped    -> wait4 returns the child
  reaped->fork    -> clone/clone3/vfork entered (the supervisor's own bookkeeping before it)
  fork->exec      -> sched_process_exec of the new child (for vfork: the child's pre-exec work)
  (copy)          of which fork entry -> sched_process_fork (the kernel's copy_process)
  exec->stamp     -> the new child's CLOCK_REALTIME stamp (loader + main, identical ./run)
  after-fork      -> the supervisor next blocks in epoll_wait/poll (status files etc.; not
                     on the restart's critical path unless it competes for a CPU)
  renames         rename(2) calls between the reap and the next block (status/pid files)
  other-cpu       share of restarts where the new child exec'd on another CPU than the fork

usage: profile-restart.py WORK STAMP VIGIL_BIN SAMPLES [NAME=OPTS ...]    (see restart.sh)
"""
import os
import re
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import supervisors as sv  # noqa: E402
import restart as rs  # noqa: E402

EVENTS = ["sched:sched_process_exit", "sched:sched_process_exec", "sched:sched_process_fork",
          "syscalls:sys_enter_kill", "syscalls:sys_exit_epoll_wait", "syscalls:sys_exit_poll",
          "syscalls:sys_exit_ppoll", "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_poll",
          "syscalls:sys_enter_ppoll", "syscalls:sys_exit_wait4", "syscalls:sys_enter_clone",
          "syscalls:sys_enter_clone3", "syscalls:sys_enter_vfork", "syscalls:sys_enter_rename",
          "syscalls:sys_enter_renameat2"]
LINE = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$")


def main():
    work, stamp, vigil_bin = sys.argv[1:4]
    samples = int(sys.argv[4])
    sv.install_signal_handlers()
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    ours = sv.parse_variants(sys.argv[5:], vigil_bin)
    sv.describe(ours)
    kinds = sv.peers() + ours
    sups = []
    perf = None
    data = os.path.join(work, "perf.data")
    kills = []  # (supervisor name, killed pid, new pid, latency ms)
    try:
        for i, (name, argv, env) in enumerate(kinds):
            sups.append(sv.Supervisor(name, argv, env, rs.service(work, stamp, f"restart-{i}"), work).start())
        for s in sups:
            rs.first_stamp(s)
        for s in sups:  # one warm-up restart each, outside the recording
            rs.restart_once(s)
        perf = subprocess.Popen(["perf", "record", "-q", "-a", "-o", data]
                                + [x for e in EVENTS for x in ("-e", e)],
                                stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "logs", "perf.log"), "wb"))
        time.sleep(1.0)  # perf needs a moment to attach to every CPU
        for r in range(samples):
            k = r % len(sups)
            for s in sups[k:] + sups[:k]:
                killed = rs.stamps(s.dir)[-1][1]
                latency = rs.restart_once(s)
                kills.append((s.name, killed, rs.stamps(s.dir)[-1][1], latency))
        perf.send_signal(signal.SIGINT)
        perf.wait()
        perf = None
        sup_pids = {s.pid: s.name for s in sups}
        stamp_ns = {}
        for s in sups:
            for ns, pid in rs.stamps(s.dir):
                stamp_ns[pid] = ns
    finally:
        if perf is not None:
            perf.kill()
            perf.wait()
        for s in sups:
            s.stop()
    script = subprocess.run(["perf", "script", "-i", data, "-F", "comm,pid,tid,cpu,time,event,trace"],
                            capture_output=True, text=True).stdout
    events = []
    for line in script.splitlines():
        m = LINE.match(line)
        if m:
            comm, pid, tid, cpu, t, event, rest = m.groups()
            events.append((float(t), int(pid), int(tid), event.rstrip(":"), rest, int(cpu)))
    # perf times are CLOCK_MONOTONIC-based (perf_clock); line them up with the stamps through the
    # new child's exec: offset = stamp - exec, so exec->stamp is measured with the child's clock
    phases = {s.name: {p: [] for p in ("kill->exit", "exit->wake", "wake->reaped", "reaped->fork",
                                        "fork->exec", "(copy)", "exec->stamp*", "after-fork", "renames", "other-cpu", "total")}
              for s in sups}
    me = os.getpid()
    for name, killed, new, latency in kills:
        sup = next(p for p, n in sup_pids.items() if n == name)
        try:
            t_kill = next(t for t, pid, _, e, rest, _ in events
                          if pid == me and e == "syscalls:sys_enter_kill" and f"pid: 0x{killed:08x}" in rest)
            t_exit = next(t for t, pid, tid, e, _, _ in events
                          if e == "sched:sched_process_exit" and tid == killed)
            t_reap, reaper = next((t, tid) for t, pid, tid, e, rest, _ in events
                                  if pid == sup and e == "syscalls:sys_exit_wait4" and t >= t_exit
                                  and rest.strip().endswith(f"0x{killed:x}"))
            t_wake = max(t for t, pid, tid, e, _, _ in events
                         if tid == reaper and e.startswith("syscalls:sys_exit_") and "poll" in e
                         and t_exit <= t <= t_reap)
            t_fork, fork_cpu = next((t, c) for t, pid, tid, e, _, c in events
                                    if tid == reaper and e in ("syscalls:sys_enter_clone", "syscalls:sys_enter_clone3",
                                                               "syscalls:sys_enter_vfork") and t >= t_reap)
            t_exec, exec_cpu = next((t, c) for t, pid, tid, e, _, c in events
                                    if e == "sched:sched_process_exec" and pid == new and t >= t_fork)
            t_block = next(t for t, pid, tid, e, _, _ in events
                           if tid == reaper and e.startswith("syscalls:sys_enter_") and "poll" in e and t >= t_fork)
        except StopIteration:
            continue
        renames = sum(1 for t, pid, tid, e, _, _ in events
                      if tid == reaper and "rename" in e and t_reap <= t <= t_block)
        ph = phases[name]
        ph["kill->exit"].append(t_exit - t_kill)
        ph["exit->wake"].append(t_wake - t_exit)
        ph["wake->reaped"].append(t_reap - t_wake)
        ph["reaped->fork"].append(t_fork - t_reap)
        ph["fork->exec"].append(t_exec - t_fork)
        t_forked = next((t for t, pid, tid, e, rest, _ in events
                         if e == "sched:sched_process_fork" and f"child_pid={new} " in rest + " "), t_exec)
        ph["(copy)"].append(t_forked - t_fork)
        ph["after-fork"].append(t_block - t_fork)
        ph["renames"].append(renames)
        ph["other-cpu"].append(1 if exec_cpu != fork_cpu else 0)
        ph["total"].append(latency / 1e3)
        ph["exec->stamp*"].append(latency / 1e3 - (t_exec - t_kill))
    print(f"== where a restart goes: medians in ms over the recorded restarts (perf tracepoints)")
    cols = list(next(iter(phases.values())).keys())
    width = max(len(s.name) for s in sups)
    print(f"{'':{width}}    n  " + "  ".join(f"{c:>12}" for c in cols))
    for name, ph in phases.items():
        n = len(ph["total"])
        if n == 0:
            print(f"{name:{width}}    0  (no complete restart found in the trace)")
            continue
        cells = []
        for c in cols:
            v = statistics.median(ph[c])
            if c == "renames":
                cells.append(f"{v:12.0f}")
            elif c == "other-cpu":
                cells.append(f"{statistics.mean(ph[c]):12.2f}")
            else:
                cells.append(f"{v * 1000:12.3f}")
        print(f"{name:{width}} {n:4d}  " + "  ".join(cells))
    print("   (exec->stamp* = the harness's total minus kill->exec: the new image's loader and main,"
          " plus the few us between our timestamp and kill(2))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
