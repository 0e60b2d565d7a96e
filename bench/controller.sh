#!/bin/sh
# DaemonController.connect on a daemon that already runs (python3's http.server): its latency
# next to the connector alone (one HTTP GET), what the controller adds (the shared lock on the
# lock file, the checks), and how many times the connector ran per connect (goal: once).
#
#   bench/controller.sh [ROUNDS]     (default 200; needs python3; uses dist/target/vigil)
#
# The measuring program is bench/lib/ControllerBench.java, run from source against
# lib/vigil-controller.jar of the installed tree, in the launchers' java with default flags (an
# application's JVM, not a client's). The server runs in a scratch directory and is stopped by
# the program; the scratch cleanup is the fallback.
set -eu
rounds=${1:-200}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"
command -v python3 > /dev/null || { echo "controller.sh: python3 is missing: nothing to measure" >&2; exit 1; }
[ -f "$vigil/lib/vigil-controller.jar" ] || (cd "$here/.." && mvn -q -B package -DskipTests)
echo "java: $java ($("$java" -version 2>&1 | head -1))"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$work"
"$java" -cp "$vigil/lib/vigil-controller.jar:$vigil/lib/vigil-svc.jar:$vigil/lib/vigil-common.jar" \
  "$here/lib/ControllerBench.java" "$work" "$rounds"
