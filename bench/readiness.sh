#!/bin/sh
# Readiness through notification-fd (s6's protocol), end to end, in one interleaved run:
# (a) from the moment ./run says it is ready to the exit of a waiter started beforehand (vigil's
# svwait -U on vigil's supervise, s6-svwait -U on s6-supervise), the waiter's start left out;
# (b) "restart and wait until ready" as one client command: vigil's svc -t -W R, s6-svc -r -wR,
# runit's sv -w 5 restart (with a ./check, which sv runs itself); (c) as (a), but the waiter is
# svwait's Waiter inside a JVM that runs already (bench/lib/WaitLoop.java), measured at its return.
#
#   bench/readiness.sh [SAMPLES [PARTS]]   (SAMPLES default 20; PARTS any of a, b, c: abc, the default;
#                                          needs python3 and gcc; uses dist/target/vigil)
#
# ./run of every service is bench/lib/ready.c compiled here. A C peer that is not installed
# (/usr/bin/s6-supervise + s6-svwait + s6-svc, /usr/bin/runsv + sv) is skipped with a printed
# line. Details in bench/lib/readiness.py and bench/README.md.
set -eu
samples=${1:-20}
parts=${2:-abc}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"

cc=${CC:-gcc}
"$cc" -O2 -o "$work/ready" "$here/lib/ready.c"
echo "java: $java ($("$java" -version 2>&1 | head -1)); supervise_flags: $supervise_flags; client flags: $client_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
versions=
for pkg in runit s6; do
  v=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || true)
  [ -n "$v" ] && versions="$versions${versions:+, }$pkg $v"
done
[ -n "$versions" ] && echo "peers: $versions"
READINESS_JAVA=$java python3 "$here/lib/readiness.py" "$work" "$work/ready" "$vigil/bin" "$samples" "$parts"
