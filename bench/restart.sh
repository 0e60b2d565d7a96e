#!/bin/sh
# Restart latency of vigil's supervise next to daemontools' supervise and runit's runsv, in one
# interleaved run, and how each obeys "down and exit" while it throttles a crashing child.
#
#   bench/restart.sh [SAMPLES [THROTTLE_RUNS [NAME=OPTS ...]]]
#       SAMPLES        restarts per supervisor (default 20; 0 skips the restart test)
#       THROTTLE_RUNS  runs of the throttle test per supervisor (default 3; 0 skips it)
#       NAME=OPTS      vigil variants to measure side by side instead of one plain
#                      "vigil supervise": VIGIL_JAVA_OPTS for each, optionally preceded by
#                      JAVA_HOME=DIR (another java) and VIGIL=DIR (another vigil tree), e.g.
#                      base=  xint=-Xint  'jdk25=JAVA_HOME=/usr/lib/jvm/x -Xint'
#
# ./run of every service is bench/lib/stamp.c compiled here: it stamps CLOCK_REALTIME (and its
# pid) into ./stamps first thing and pause()s. A restart sample is the new child's stamp minus
# ours taken just before kill -KILL of a child that has lived > 1.3 s (all three supervisors
# throttle younger children). Details in bench/lib/restart.py and bench/README.md.
set -eu
samples=${1:-20}
runs=${2:-3}
[ $# -gt 2 ] && shift 2 || set --
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"

cc=${CC:-gcc}
"$cc" -O2 -o "$work/stamp" "$here/lib/stamp.c"
svc=/usr/bin/svc
[ -x "$svc" ] || svc=$vigil/bin/svc

echo "java: $java ($("$java" -version 2>&1 | head -1)); supervise_flags: $supervise_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/lib/restart.py" "$work" "$work/stamp" "$vigil/bin" "$svc" "$samples" "$runs" "$@"
