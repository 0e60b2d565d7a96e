#!/bin/sh
# Makes the class-data archives in lib/cds/ that let svc, svstat, svok, svcheck, svwait and sipid
# start faster, for the java the launchers will use (see jvm.sh) and for this tree where it is.
# `mvn package` runs it; run it again after copying the tree elsewhere or changing the JDK.
# Without archives the clients work the same, a little slower.
set -eu
lib=$(cd "$(dirname "$0")" && pwd)
bin=$lib/../bin
. "$lib/jvm.sh"
work=$(mktemp -d)
holder=
daemon=
cleanup() {
  [ -z "$holder" ] || kill "$holder" 2>/dev/null || true
  [ -z "$daemon" ] || kill "$daemon" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# the clients' usual paths: a supervised service, one without a supervisor, a missing one
mkdir -p "$work/up/supervise" "$work/idle/supervise"
for dir in up idle; do
  mkfifo "$work/$dir/supervise/ok" "$work/$dir/supervise/control"
  : > "$work/$dir/supervise/lock"
done
if command -v flock >/dev/null 2>&1; then
  # a stand-in supervisor: holds the flock (in fd 9) for as long as training runs
  sh -c 'exec 9>>"$1" && flock -n 9 && exec sleep 300' sh "$work/up/supervise/lock" &
  holder=$!
fi
# a status record as vigil's supervise writes it, naming the stand-in as its supervisor
be32() { printf "\\$(printf %o $(($1 >> 24 & 255)))\\$(printf %o $(($1 >> 16 & 255)))\\$(printf %o $(($1 >> 8 & 255)))\\$(printf %o $(($1 & 255)))"; }
le32() { printf "\\$(printf %o $(($1 & 255)))\\$(printf %o $(($1 >> 8 & 255)))\\$(printf %o $(($1 >> 16 & 255)))\\$(printf %o $(($1 >> 24 & 255)))"; }
status() {
  printf '\100\000\000\000'; be32 "$(date +%s)"; be32 0
  le32 "$1"; printf '\000u\000\001\001\000'; be32 0; be32 1; be32 0; be32 0; be32 "${holder:-0}"; be32 9
}
status 4242 > "$work/up/supervise/status"
status 0 > "$work/idle/supervise/status"

mkdir -p "$lib/cds"
rm -f "$lib"/cds/*
for program in svstat svc svok svcheck svwait; do
  case $program in
    svstat | svcheck) args="$work/up $work/idle $work/missing" ;;
    svc) args="-h $work/up $work/idle $work/missing" ;;
    svok) args="$work/up" ;;
    # a wait that is not met: the watch, the lock check, one poll, the timeout
    svwait) args="-d -t 1 $work/up" ;;
  esac
  VIGIL_JAVA_OPTS="-XX:ArchiveClassesAtExit=$lib/cds/$program.jsa -Xlog:cds=off -Xlog:cds+dynamic=off" \
    "$bin/$program" $args > /dev/null 2>&1 || true
done
# sipid: the kill of a daemon that exits on TERM (the native door, a pidfd, epoll)
sleep 300 &
daemon=$!
printf '%s' "$daemon" > "$work/daemon.pid"
VIGIL_JAVA_OPTS="-XX:ArchiveClassesAtExit=$lib/cds/sipid.jsa -Xlog:cds=off -Xlog:cds+dynamic=off" \
  "$bin/sipid" kill --pid-file "$work/daemon.pid" > /dev/null 2>&1 || true
printf '%s\n' "$java" > "$lib/cds/java"
echo "train.sh: class-data archives for $java in $lib/cds"
