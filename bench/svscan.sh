#!/bin/sh
# vigil's svscan (every service in one JVM) next to daemontools' svscan (one supervise process a
# service), side by side in one run: start-up of N services, memory, threads, descriptors and
# idle cost; LARGE_N services (vigil only); restart latency of one service among N; a new entry;
# and, vigil only, the log pipe under SIGKILLs of the main and restarts of the logger.
#
#   bench/svscan.sh [N [IDLE_SECONDS [LARGE_N [SAMPLES]]]]
#       N             services under each svscan (default 1000, daemontools' cap)
#       IDLE_SECONDS  the idle window (default 30)
#       LARGE_N       services under vigil's svscan alone (default 10000; 0 skips it)
#       SAMPLES       restarts per supervisor (default 20, or $SAMPLES; 0 skips parts 3 and 5)
#   environment: ROUNDS (2), SETTLE (5), NEW_SAMPLES (3), KILLS (100), LOGGER_RESTARTS (20),
#   POLL (0.05); with N < 100, a smoke run such as `bench/svscan.sh 50 5 200` (CI), SETTLE,
#   NEW_SAMPLES, KILLS and LOGGER_RESTARTS default to 2, 2, 10 and 5.
#
# ./run of the restarted and the new services is bench/lib/stamp.c, the log pair's logger
# bench/lib/logger.c, both compiled here. Details in bench/lib/svscan.py and bench/README.md.
set -eu
n=${1:-1000}
idle=${2:-30}
large=${3:-10000}
samples=${4:-${SAMPLES:-20}}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"

cc=${CC:-gcc}
"$cc" -O2 -o "$work/stamp" "$here/lib/stamp.c"
"$cc" -O2 -o "$work/logger" "$here/lib/logger.c"

echo "java: $java ($("$java" -version 2>&1 | head -1)); svscan_flags: $svscan_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
python3 "$here/lib/svscan.py" "$work" "$work/stamp" "$work/logger" "$vigil/bin" "$n" "$idle" "$large" "$samples"
