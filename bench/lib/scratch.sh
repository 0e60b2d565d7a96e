# Sourced by restart.sh and supervise-idle.sh: a scratch directory for service dirs, and a
# cleanup that leaves nothing running. The python side stops what it started (svc -dx, wait,
# SIGKILL); this is the fallback for when python itself was killed: every process the benchmarks
# start has its working directory inside $work, so a /proc scan finds exactly those.
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")

# pids of the processes whose working directory is inside $work
inside_work() {
  for proc in /proc/[0-9]*; do
    case $(readlink "$proc/cwd" 2>/dev/null) in
      "$work" | "$work"/*) echo "${proc#/proc/}" ;;
    esac
  done
}

cleanup() {
  trap - EXIT INT TERM HUP
  if [ -d "$work" ]; then
    left=$(inside_work)
    if [ -n "$left" ]; then
      # polite first: dx to every supervisor still running (each listed in $work/pids)
      while read -r pid dir; do
        if kill -0 "$pid" 2>/dev/null && [ -p "$dir/supervise/control" ]; then
          if [ -x /usr/bin/svc ]; then
            /usr/bin/svc -dx "$dir" 2>/dev/null || true
          else
            "$vigil/bin/svc" -dx "$dir" 2>/dev/null || true
          fi
        fi
      done < "$work/pids"
      tries=0
      while [ -n "$(inside_work)" ] && [ $tries -lt 60 ]; do
        sleep 0.05
        tries=$((tries + 1))
      done
      for pid in $(inside_work); do
        kill -KILL "$pid" 2>/dev/null || true
      done
    fi
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP
