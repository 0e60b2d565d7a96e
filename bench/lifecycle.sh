#!/bin/sh
# What a service's lifecycle files do, measured against the C supervisors that have them, in one
# interleaved run: (a) a crash loop (daemontools' and runit's one start a second against vigil's
# backoff, default and backoff-max=1000), (b) a stop schedule of TERM, 2 s, KILL to a process
# group whose members ignore TERM (vigil's stop-schedule against s6-supervise's timeout-kill and
# runit's sv -w 2 force-stop): how long until the whole group is gone, how far past 2 s.
#
#   bench/lifecycle.sh [SECONDS [SAMPLES]]
#       SECONDS  length of the crash loop (default 300; 0 skips it)
#       SAMPLES  stops per supervisor (default 10; 0 skips the stop test)
#
# A C peer that is not installed (/usr/bin/supervise, /usr/bin/runsv + /usr/bin/sv,
# /usr/bin/s6-supervise) is skipped with a printed line. Details in bench/lib/lifecycle.py and
# bench/README.md.
set -eu
seconds=${1:-300}
samples=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"

echo "java: $java ($("$java" -version 2>&1 | head -1)); supervise_flags: $supervise_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
versions=
for pkg in daemontools runit s6; do
  v=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || true)
  [ -n "$v" ] && versions="$versions${versions:+, }$pkg $v"
done
[ -n "$versions" ] && echo "peers: $versions"
python3 "$here/lib/lifecycle.py" "$work" "$vigil/bin" "$seconds" "$samples"
