#!/bin/sh
# Where vigil's restart time goes next to daemontools' and runit's: the restart test of
# restart.sh under `perf record -a` (kernel tracepoints; needs root), split into phases per
# supervisor. See bench/lib/profile-restart.py for the phases.
#
#   bench/profile-restart.sh [SAMPLES [NAME=OPTS ...]]      (default 20; variants as in restart.sh)
set -eu
samples=${1:-20}
[ $# -gt 0 ] && shift || true
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
command -v perf > /dev/null || { echo "profile-restart.sh: needs perf" >&2; exit 100; }
. "$here/lib/scratch.sh"
"${CC:-gcc}" -O2 -o "$work/stamp" "$here/lib/stamp.c"
echo "java: $java ($("$java" -version 2>&1 | head -1)); supervise_flags: $supervise_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/lib/profile-restart.py" "$work" "$work/stamp" "$vigil/bin" "$samples" "$@"
