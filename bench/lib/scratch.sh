# Sourced by restart.sh, supervise-idle.sh and svscan.sh: a scratch directory for service dirs,
# and a cleanup that leaves nothing running. The python side stops what it started (svc -dx,
# wait, SIGKILL; svscan.sh: SIGTERM to vigil's svscan, svc -dx for daemontools'); this is the
# fallback for when python itself was killed: every process the benchmarks start has its working
# directory inside $work, so a /proc scan finds exactly those.
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")

# pids of the processes whose working directory is inside $work: one GNU find over /proc, not a
# readlink a process (svscan.sh runs thousands)
inside_work() {
  find /proc -mindepth 2 -maxdepth 2 -name cwd \( -lname "$work" -o -lname "$work/*" \) 2>/dev/null |
    while read -r link; do
      link=${link#/proc/}
      echo "${link%/cwd}"
    done
}

cleanup() {
  trap - EXIT INT TERM HUP
  if [ -d "$work" ]; then
    left=$(inside_work)
    if [ -n "$left" ]; then
      # polite first: dx to every supervisor still running (each listed in $work/pids)
      [ -f "$work/pids" ] && while read -r pid dir; do
        if kill -0 "$pid" 2>/dev/null && [ -p "$dir/supervise/control" ]; then
          if [ -x /usr/bin/svc ]; then
            /usr/bin/svc -dx "$dir" 2>/dev/null || true
          else
            "$vigil/bin/svc" -dx "$dir" 2>/dev/null || true
          fi
        fi
      done < "$work/pids"
      # svscan.sh lists each svscan in $work/svscans (PID KIND DIR): TERM to each still working
      # in $work; vigil's takes its services down, daemontools' just dies, so once it has, svc -dx
      # to all its service and log directories
      [ -f "$work/svscans" ] && while read -r pid kind dir; do
        case $(readlink "/proc/$pid/cwd" 2>/dev/null) in
          "$work" | "$work"/*) ;;
          *) continue ;;
        esac
        kill -TERM "$pid" 2>/dev/null || true
        if [ "$kind" = daemontools ] && [ -x /usr/bin/svc ]; then
          tries=0
          while kill -0 "$pid" 2>/dev/null && [ $tries -lt 40 ]; do
            sleep 0.05
            tries=$((tries + 1))
          done
          /usr/bin/svc -dx "$dir"/* "$dir"/*/log > /dev/null 2>&1 || true
        fi
      done < "$work/svscans"
      tries=0
      while [ -n "$(inside_work)" ] && [ $tries -lt 60 ]; do
        sleep 0.05
        tries=$((tries + 1))
      done
      # then SIGKILL, again until nothing is left: a vigil svscan may start a child between the
      # scan and its own kill
      tries=0
      left=$(inside_work)
      while [ -n "$left" ] && [ $tries -lt 20 ]; do
        for pid in $left; do
          kill -KILL "$pid" 2>/dev/null || true
        done
        sleep 0.05
        tries=$((tries + 1))
        left=$(inside_work)
      done
    fi
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP
