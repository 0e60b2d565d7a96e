#!/bin/sh
# How fast svwait wakes up once a supervisor renames its record, how fast it notices a killed
# supervisor, and "stop and wait, start and wait" through vigil's svc -W next to s6-svc -w and
# runit's sv -w, in one interleaved run.
#
#   bench/svwait.sh [ROUNDS]     (default 20; needs python3 and flock(1); uses dist/target/vigil)
#
# Details in bench/lib/svwait.py. A C peer that is not installed is skipped, with a line.
set -eu
rounds=${1:-20}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"
echo "java: $java ($("$java" -version 2>&1 | head -1)); client flags: $client_flags + class-data archive"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$here/lib/svwait.py" "$work" "$vigil/bin" "$rounds"
