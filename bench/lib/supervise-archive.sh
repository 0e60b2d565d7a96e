#!/bin/sh
# Makes a dynamic AppCDS archive (-XX:ArchiveClassesAtExit) or, when ARCHIVE ends in .aot, an
# AOT cache (JDK 25: -XX:AOTCacheOutput, used with -XX:AOTCache=ARCHIVE) for vigil's supervise, for
# the restart.sh / supervise-idle.sh experiments: supervise runs on a scratch service, its child
# is killed once (so the restart path's classes are loaded too), then svc -dx makes it exit,
# which writes the archive. Use it with
#   VIGIL_JAVA_OPTS="-XX:SharedArchiveFile=ARCHIVE -Xlog:cds=off -Xlog:cds+dynamic=off"
# and the same java and OPTS; a JVM that rejects the archive runs without it.
#
#   bench/lib/supervise-archive.sh ARCHIVE [OPTS]
#
# JAVA_HOME picks the java, as for vigil; VIGIL=DIR another vigil tree than dist/target/vigil
# (an archive is only valid for the tree, i.e. the classpath, it was made with).
set -eu
archive=$1
opts=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
vigil=$(cd "${VIGIL:-$here/../../dist/target/vigil}" && pwd)
. "$vigil/lib/jvm.sh"
. "$here/scratch.sh"
mkdir -p "$work/svc" "$work/logs"
printf '#!/bin/sh\nexec sleep 100000\n' > "$work/svc/run"
chmod 755 "$work/svc/run"
rm -f "$archive"
cd "$work/svc"
case $archive in
  *.aot) dump="-XX:AOTCacheOutput=$archive -Xlog:aot=off -Xlog:cds=off" ;;
  *) dump="-XX:ArchiveClassesAtExit=$archive -Xlog:cds=off -Xlog:cds+dynamic=off" ;;
esac
VIGIL_JAVA_OPTS="$opts $dump" \
  setsid "$vigil/bin/supervise" "$work/svc" < /dev/null > "$work/logs/svc.log" 2>&1 &
pid=$!
cd /
echo "$pid $work/svc" > "$work/pids"
# pid of the current child, from the pid file vigil writes
child() { [ -s "$work/svc/supervise/pid" ] && read -r c < "$work/svc/supervise/pid" && echo "$c"; }
waitfor() {  # poll (10 ms) with a 30 s deadline for a child other than $1
  tries=0
  until c=$(child) && [ "$c" != "$1" ]; do
    tries=$((tries + 1))
    [ $tries -lt 3000 ] || { echo "supervise-archive.sh: no child" >&2; cat "$work/logs/svc.log" >&2; exit 111; }
    sleep 0.01
  done
  echo "$c"
}
first=$(waitfor none)
sleep 1.1  # the throttle: a child younger than 1 s would be restarted after a pause
kill -KILL "$first"
waitfor "$first" > /dev/null
"$vigil/bin/svc" -h "$work/svc"
"$vigil/bin/svc" -dx "$work/svc"
tries=0
while kill -0 "$pid" 2>/dev/null || [ -n "$(inside_work)" ]; do  # an AOT cache is assembled by a child JVM
  tries=$((tries + 1))
  [ $tries -lt 1000 ] || { echo "supervise-archive.sh: supervise did not exit" >&2; exit 111; }
  sleep 0.01
done
[ -s "$archive" ] || { echo "supervise-archive.sh: no archive written" >&2; cat "$work/logs/svc.log" >&2; exit 111; }
echo "supervise-archive.sh: $archive ($(wc -c < "$archive") bytes) for $java"
