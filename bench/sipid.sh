#!/bin/sh
# `sipid kill` of a daemon that exits on SIGTERM: the original way (the real sipid, which polls
# kill(pid, 0) every 10 ms; when it is not built, a faithful copy of its loop in python, and the
# output says which) against vigil's bin/sipid, which waits on a pidfd. Interleaved rounds.
#
#   bench/sipid.sh [ROUNDS]   (default 30; needs python3 and gcc; uses dist/target/vigil;
#                              the real sipid: $VIGIL_SIPID_PEER, else /usr/local/bin/sipid,
#                              which .ci/sipid-peer builds)
#
# The daemon is bench/lib/term-exit.c compiled here; details in bench/lib/sipid.py and
# bench/README.md.
set -eu
rounds=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"
cc=${CC:-gcc}
"$cc" -O2 -o "$work/term-exit" "$here/lib/term-exit.c"
real=${VIGIL_SIPID_PEER:-/usr/local/bin/sipid}
[ -x "$real" ] || real=
echo "java: $java ($("$java" -version 2>&1 | head -1)); sipid_flags: $sipid_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
python3 "$here/lib/sipid.py" "$work" "$work/term-exit" "$vigil/bin/sipid" "$real" "$rounds"
