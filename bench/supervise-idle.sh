#!/bin/sh
# What an idle supervisor costs: CPU ticks, wakeups, threads, RSS and PSS of vigil's supervise
# next to daemontools' supervise and runit's runsv, all measured in the same window.
#
#   bench/supervise-idle.sh [SECONDS [NAME=OPTS ...]]
#       SECONDS     the idle window (default 60); SETTLE=S in the environment sets the time
#                   left to start-up work before it (default 5)
#       NAME=OPTS   vigil variants to measure side by side instead of one plain
#                   "vigil supervise": VIGIL_JAVA_OPTS for each, optionally preceded by
#                   JAVA_HOME=DIR and VIGIL=DIR (as in restart.sh)
#
# Each service's ./run is `exec sleep 100000`. Details in bench/lib/idle.py and bench/README.md.
set -eu
seconds=${1:-60}
[ $# -gt 0 ] && shift || true
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"

echo "java: $java ($("$java" -version 2>&1 | head -1)); supervise_flags: $supervise_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/lib/idle.py" "$work" "$vigil/bin" "$seconds" "${SETTLE:-5}" "$@"
