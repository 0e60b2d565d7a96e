#!/bin/sh
# hadaemon: how fast a standby takes over, whether a rolling restart drops a connection, and what
# a waiting standby costs (bench/README.md).
#
#   bench/hadaemon.sh [SAMPLES [RESTARTS]]
#       SAMPLES   promotions to time (default 20; 0 skips): the main's program is SIGKILLed, and
#                 the sample is the standby's program's first instruction (bench/lib/stamp.c's
#                 CLOCK_REALTIME stamp) minus the time taken just before the kill
#       RESTARTS  rolling restarts of 2 mains + 2 standbys (default 3; 0 skips) while a client
#                 connects every 10 ms to the program, bench/lib/reuseport.py (SO_REUSEPORT)
#
# Then the memory of a waiting standby (one main lock, and eight), of a main's keeper, and, for
# scale, of util-linux flock(1) and sh waiting. Uses dist/target/vigil of this tree.
set -eu
samples=${1:-20}
restarts=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"
cc=${CC:-gcc}
"$cc" -O2 -o "$work/stamp" "$here/lib/stamp.c"
echo "java: $java ($("$java" -version 2>&1 | head -1)); supervise_flags (the keepers'): $supervise_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/lib/hadaemon.py" "$work" "$vigil/bin/hadaemon" "$work/stamp" "$here/lib/reuseport.py" "$samples" "$restarts"
