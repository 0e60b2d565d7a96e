#!/bin/sh
# The fault suite: a supervisor killed with SIGKILL while its child runs, and a new one started on
# the same service. vigil's supervise and svscan adopt the orphan (its pid still runs with the
# kernel start time the status record holds: doc/supervise.md, start-up); daemontools' supervise
# starts a second copy. Counts: orphans adopted, second copies, duplicates, orphans left; and the
# time until the new supervisor's record names the child. Then SIGTERM at random moments, a disk
# that fills, a non-owner's clients.
#
#   bench/faults.sh [ROUNDS [SVSCAN_ROUNDS [SERVICES]]]
#       ROUNDS         (a) supervise rounds, vigil's and daemontools' interleaved (default 100)
#       SVSCAN_ROUNDS  (b) SIGKILLs of vigil's svscan, each followed by a new one (default 10)
#       SERVICES       (b) services under that svscan (default 100; 1000 works: the soft
#                      descriptor limit is raised to the hard one here)
#   0 skips a part. About 6 minutes with the defaults on 2 CPUs for parts a-d, 5 more for e-g;
#   `bench/faults.sh 10 3 20` is a quicker look. CI runs a short version (dist's FaultSuiteTest).
# Environment:
#   PARTS          letters of the parts to run (default abcdefg); `PARTS=cd bench/faults.sh` runs
#                  those two alone, about a minute
#   FLOOD_BYTES    (c) random bytes the writers send to supervise/control in all (default 10^6)
#   FLOOD_WRITERS  (c) writer processes (default 4)
#   BASE_KILLS     (c) SIGKILLs of the child without the flood, for comparison (default 15)
#   TORN_CHANGES   (d) commands p / c alternating, each a status rewrite (default 10^4)
#   TERM_ROUNDS    (e) rounds of each supervise case (default 20)
#   TERM_SCAN_ROUNDS, TERM_SERVICES  (e) svscan rounds, and its services (defaults 10, 10)
#   DISK_SECONDS   (f) how long the disk is kept full (default 10)
# (c) control flood: vigil's supervise while FLOOD_WRITERS processes write random bytes (less the
#   command bytes d o x p h a i t k q 1 2 w) to its control FIFO, the child SIGKILLed every 1.5 s:
#   supervise alive, restarts seen against kills, restart latency with and without the flood,
#   the status consistent at the end, zombies. (d) torn reads: a reader process reads
#   supervise/status as fast as it can while p and c commands rewrite it: reads, torn or short
#   reads, distinct records. (e) SIGTERM to supervise at a random moment of its start-up, of a
#   crash loop, and a second one while the first one's stop schedule runs; to svscan during its
#   start-up and again 0-300 ms later: the supervisor gone, nothing of the service left running
#   or unreaped, the record readable by svstat, never two copies. (f) the service directory on a
#   small tmpfs (mount; a visible skip if refused) that a writer keeps full while the child is
#   killed and restarted: torn reads, restarts, and how soon the record is current again once
#   space returns. (g) svstat, svok and svc run as uid 65534 on root's services with several
#   modes of supervise/: vigil's output and exit code against daemontools'.
# The last line counts vigil's duplicates, orphans, zombies, torn records and differences.
#
# daemontools' supervise (/usr/bin/supervise), when it is not installed, is skipped with a printed
# line. Exits 1 when a check of vigil fails. Details in bench/lib/faults.py and bench/README.md.
set -eu
# svscan's services hold five descriptors each (doc/svscan.md); the harness opens a few per
# service too: the soft limit goes up to the hard one, as svscan raises its own
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
rounds=${1:-100}
scan_rounds=${2:-10}
services=${3:-100}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
. "$here/lib/scratch.sh"

echo "java: $java ($("$java" -version 2>&1 | head -1)); supervise_flags: $supervise_flags; svscan_flags: $svscan_flags"
echo "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r), descriptors $(ulimit -Sn)/$(ulimit -Hn)"
v=$(dpkg-query -W -f '${Version}' daemontools 2>/dev/null || true)
[ -n "$v" ] && echo "peers: daemontools $v"
python3 "$here/lib/faults.py" "$work" "$vigil/bin" "$rounds" "$scan_rounds" "$services"
