#!/bin/sh
# Start-up cost of vigil's clients, side by side in one interleaved run with the JVM floor (a
# Java hello-world on the same java, with the same flags and a class-data archive made the same
# way) and with the C tools of daemontools. Prints medians and ratios to the floor.
#
#   bench/clients.sh [ROUNDS]     (default 30; needs python3; uses dist/target/vigil)
#
# The clients are timed against two services, both up: one under vigil's supervise, one under
# daemontools' supervise. Either way a client finds the lock holder through /proc/PID/fdinfo
# and skips /proc/locks, whose read costs an RCU grace period (~13 ms here; common/Liveness.java).
set -eu
rounds=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tree.sh"
work=$(mktemp -d)
pids=
cleanup() {
  for dir in "$work/ours" "$work/theirs"; do
    [ -p "$dir/supervise/control" ] && "$vigil/bin/svc" -dx "$dir" 2>/dev/null || true
  done
  for pid in $pids; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# the floor: hello-world in a jar, with its own archive, exactly as train.sh does for ours
mkdir "$work/hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' \
  > "$work/hello/Hello.java"
javac=${java%/*}/javac
[ -x "$javac" ] || javac=javac
"$javac" -d "$work/hello" "$work/hello/Hello.java"
(cd "$work/hello" && "${javac%/*}/jar" cf hello.jar Hello.class 2>/dev/null || jar cf hello.jar Hello.class)
quiet="-Xlog:cds=off -Xlog:cds+dynamic=off"
"$java" $client_flags -XX:ArchiveClassesAtExit="$work/hello/hello.jsa" $quiet -cp "$work/hello/hello.jar" Hello > /dev/null
hello="$java $client_flags -XX:SharedArchiveFile=$work/hello/hello.jsa $quiet -cp $work/hello/hello.jar Hello"

service() {
  mkdir -p "$1"
  printf '#!/bin/sh\ntrap "" HUP\nexec sleep 100000\n' > "$1/run"
  chmod 755 "$1/run"
  setsid "$2" "$1" < /dev/null > /dev/null 2>&1 &
  pids="$pids $!"
  tries=0
  until "$vigil/bin/svok" "$1" 2>/dev/null && [ -s "$1/supervise/status" ]; do
    tries=$((tries + 1))
    [ $tries -lt 200 ] || { echo "clients.sh: $2 did not start on $1" >&2; exit 111; }
    sleep 0.05
  done
}
service "$work/ours" "$vigil/bin/supervise"
set -- "java hello (floor)=$hello" \
  "bin/svstat (vigil supervise)=$vigil/bin/svstat $work/ours" \
  "bin/svc -h (vigil supervise)=$vigil/bin/svc -h $work/ours"
if [ -x /usr/bin/supervise ]; then
  service "$work/theirs" /usr/bin/supervise
  set -- "$@" \
    "bin/svstat (daemontools supervise)=$vigil/bin/svstat $work/theirs" \
    "bin/svc -h (daemontools supervise)=$vigil/bin/svc -h $work/theirs" \
    "C /usr/bin/svstat=/usr/bin/svstat $work/ours" \
    "C /usr/bin/svc -h=/usr/bin/svc -h $work/ours"
else
  echo "clients.sh: daemontools not installed: no C comparison" >&2
fi
echo "java: $java ($("$java" -version 2>&1 | head -1))"
echo "client flags: $client_flags + class-data archive"
python3 "$here/lib/timing.py" "$rounds" "$@"
