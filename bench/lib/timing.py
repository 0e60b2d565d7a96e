#!/usr/bin/env python3
"""Times whole commands, interleaved: every round runs each command once, in turn, so drift in
the machine's load hits all of them alike. Prints the median and 90th percentile wall time of
each, and the ratio of each median to the first command's (the reference).

usage: timing.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]
       COMMAND is run by /bin/sh -c; its output is discarded; a non-zero exit aborts the run.
"""
import statistics
import subprocess
import sys
import time


def main():
    rounds = int(sys.argv[1])
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    samples = {name: [] for name, _ in commands}
    for _ in range(2):  # warm the page cache and any archive files
        for name, command in commands:
            run(command)
    for _ in range(rounds):
        for name, command in commands:
            samples[name].append(run(command))
    reference = statistics.median(samples[commands[0][0]])
    width = max(len(name) for name, _ in commands)
    print(f"{'':{width}}  median ms   p90 ms   ratio  (n={rounds}, interleaved)")
    for name, _ in commands:
        s = sorted(samples[name])
        median = statistics.median(s)
        p90 = s[min(len(s) - 1, int(len(s) * 0.9))]
        print(f"{name:{width}}  {median * 1000:9.2f} {p90 * 1000:8.2f}  {median / reference:6.2f}")


def run(command):
    start = time.perf_counter()
    done = subprocess.run(["/bin/sh", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {command}\n{done.stderr.decode(errors='replace')}")
    return elapsed


if __name__ == "__main__":
    main()
