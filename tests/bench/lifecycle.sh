#!/usr/bin/env bash
# lifecycle.sh RUNTIME BUNDLE N [MODE]
#
# myrunc's copy of the workplace timing loop (tests/bench/bench.sh drives it
# for `make bench`); additions: SAMPLES= and MODE rss.
#
# Run N sequential container lifecycles with an OCI runtime CLI
# (runc, crun, or any runc-compatible binary), each with a unique id.
#
# MODE:
#   run    (default) RUNTIME run --bundle BUNDLE ID, in the foreground; the
#          runtime deletes the container when its process exits. Use a bundle
#          whose process exits by itself (e.g. /bin/true).
#   split  RUNTIME create --pid-file F --bundle BUNDLE ID; RUNTIME start ID;
#          RUNTIME kill ID KILL (an "already stopped" error is ignored);
#          wait until the container process is gone (or a zombie);
#          RUNTIME delete ID. Works with /bin/true and with long-running
#          bundles (e.g. /bin/sleep 600).
#   rss    N times: RUNTIME create under GNU time (/usr/bin/time -f %M:
#          peak resident set of the create command and the children it
#          waited for, in KiB), then kill KILL and delete --force. Needs a
#          long-running bundle (e.g. /bin/sleep 600).
#   runrss N times: RUNTIME run of BUNDLE under GNU time (the runtime, the
#          init and the container's process: the largest of them). Needs a
#          bundle whose process exits by itself.
#   exec   one container of BUNDLE created and started, then N times
#          RUNTIME exec ID /bin/true, timed; then delete --force. Needs a
#          long-running bundle.
#
# Environment:
#   STATE_ROOT=DIR     state dir passed as RUNTIME --root (default:
#                      /tmp/ocibench-root/<basename of RUNTIME>)
#   RUNTIME_FLAGS="…"  extra global flags for RUNTIME (word-split)
#   HIDE_UNIFIED=auto|1|0
#                      hide /sys/fs/cgroup/unified on a hybrid host, so crun
#                      runs and all runtimes see plain cgroup v1: see
#                      hide-unified.sh. Default auto.
#   QUIET=1            no per-phase timing summary on stderr.
#   SAMPLES=FILE       append one line per measurement to FILE:
#                      "PHASE VALUE" (PHASE total|create|start|kill|wait|
#                      delete|exec in microseconds; rss|runrss in KiB).
#
# Container stdio is /dev/null; the runtime's stderr goes to a temp file that
# is printed if a step fails. Exit status: 0 if all N lifecycles succeeded.
# A per-phase timing summary (median/min/max ms, bash $EPOCHREALTIME, so it
# includes fork+exec of the runtime binary) is printed on stderr at the end.
# The loop itself forks nothing but the runtime (the wait uses /proc and
# `read -t`), so whole-process wall / N stays close to the per-lifecycle cost.
# Needs: bash >= 5 (EPOCHREALTIME), root, util-linux unshare/mount.
set -euo pipefail

usage() { echo "usage: $0 RUNTIME BUNDLE N [run|split|rss|runrss|exec]" >&2; exit 2; }
{ [ $# -ge 3 ] && [ $# -le 4 ]; } || usage
runtime=$1 bundle=$2 n=$3 mode=${4:-run}
case $n in ''|*[!0-9]*) usage ;; esac
case $mode in run|split|rss|runrss|exec) ;; *) usage ;; esac
if [[ $mode == *rss ]] && ! [ -x /usr/bin/time ]; then
  echo "lifecycle: rss mode needs GNU time (apt-get install time)" >&2; exit 1
fi

# --- hybrid cgroup work-around (see header) --------------------------------
# shellcheck source=tests/bench/hide-unified.sh
. "$(dirname "$0")/hide-unified.sh"
hide_unified "$0" "$@"

# --- setup -----------------------------------------------------------------
rtpath=$(command -v "$runtime") || { echo "lifecycle: $runtime not found" >&2; exit 1; }
[ -f "$bundle/config.json" ] || { echo "lifecycle: $bundle/config.json missing" >&2; exit 1; }
bundle=$(cd "$bundle" && pwd)
root=${STATE_ROOT:-/tmp/ocibench-root/$(basename "$rtpath")}
mkdir -p "$root"
# shellcheck disable=SC2206
rt=("$rtpath" --root "$root" ${RUNTIME_FLAGS:-})

work=$(mktemp -d /tmp/lifecycle.XXXXXX)
cur_id=""
cleanup() {
  if [ -n "$cur_id" ]; then
    "${rt[@]}" delete --force "$cur_id" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
errf=$work/err

fail() {
  echo "lifecycle: $runtime: $1 failed for $cur_id (iteration $i)" >&2
  cat "$errf" >&2 2>/dev/null || true
  exit 1
}

# A never-readable fd lets `read -t` act as a fork-free sub-millisecond sleep.
exec {nap}<> <(:)

# gone PID: true if PID no longer exists or is a zombie
gone() {
  local st=""
  { read -r st <"/proc/$1/stat"; } 2>/dev/null || [ -n "$st" ] || return 0
  st=${st##*) }
  [ "${st%% *}" = Z ] || [ "${st%% *}" = X ]
}

declare -a t_total t_create t_start t_kill t_wait t_delete t_rss t_runrss t_exec
tag=$(basename "$rtpath")-$$

# read_kb FILE t_rss|t_runrss: append the KiB GNU time wrote to FILE
read_kb() {
  local kb=""
  read -r kb <"$1" || true
  case $kb in ''|*[!0-9]*) echo "lifecycle: no RSS from /usr/bin/time: $kb" >&2; exit 1 ;; esac
  if [ "$2" = t_rss ]; then t_rss+=("$kb"); else t_runrss+=("$kb"); fi
}

loops=$n
if [ "$mode" = exec ]; then
  cur_id=$tag-exec i=0
  "${rt[@]}" create --bundle "$bundle" "$cur_id" </dev/null >/dev/null 2>"$errf" || fail create
  "${rt[@]}" start "$cur_id" </dev/null >/dev/null 2>"$errf" || fail start
  for ((i = 0; i < n; i++)); do
    a=${EPOCHREALTIME//[!0-9]/}
    "${rt[@]}" exec "$cur_id" /bin/true </dev/null >/dev/null 2>"$errf" || fail exec
    b=${EPOCHREALTIME//[!0-9]/}
    t_exec+=($((10#$b - 10#$a)))
  done
  "${rt[@]}" delete --force "$cur_id" </dev/null >/dev/null 2>"$errf" || fail delete
  cur_id=""
  loops=0
fi

for ((i = 0; i < loops; i++)); do
  cur_id=$tag-$i
  if [ "$mode" = runrss ]; then
    /usr/bin/time -f %M -o "$work/rss.$i" "${rt[@]}" run --bundle "$bundle" "$cur_id" \
        </dev/null >/dev/null 2>"$errf" || fail run
    cur_id=""
    read_kb "$work/rss.$i" t_runrss
    continue
  fi
  if [ "$mode" = rss ]; then
    rssf=$work/rss.$i
    /usr/bin/time -f %M -o "$rssf" "${rt[@]}" create --bundle "$bundle" "$cur_id" \
        </dev/null >/dev/null 2>"$errf" || fail create
    "${rt[@]}" kill "$cur_id" KILL </dev/null >/dev/null 2>&1 || true
    "${rt[@]}" delete --force "$cur_id" </dev/null >/dev/null 2>"$errf" || fail delete
    cur_id=""
    read_kb "$rssf" t_rss
    continue
  fi
  if [ "$mode" = run ]; then
    a=${EPOCHREALTIME//[!0-9]/}
    "${rt[@]}" run --bundle "$bundle" "$cur_id" </dev/null >/dev/null 2>"$errf" || fail run
    b=${EPOCHREALTIME//[!0-9]/}
    t_total+=($((10#$b - 10#$a)))
    cur_id=""
    continue
  fi

  pidf=$work/pid.$i   # fresh name each time: no stale pid, no rm fork
  a=${EPOCHREALTIME//[!0-9]/}
  "${rt[@]}" create --pid-file "$pidf" --bundle "$bundle" "$cur_id" \
      </dev/null >/dev/null 2>"$errf" || fail create
  b=${EPOCHREALTIME//[!0-9]/}
  pid=""
  read -r pid <"$pidf" || true
  [ -n "$pid" ] || fail "create (no pid in --pid-file)"
  "${rt[@]}" start "$cur_id" </dev/null >/dev/null 2>"$errf" || fail start
  c=${EPOCHREALTIME//[!0-9]/}
  # The process may already have exited (/bin/true): ignore kill's error.
  "${rt[@]}" kill "$cur_id" KILL </dev/null >/dev/null 2>&1 || true
  d=${EPOCHREALTIME//[!0-9]/}
  spins=0
  until gone "$pid"; do
    read -r -t 0.0002 -u "$nap" || true
    if ((++spins > 50000)); then echo "lifecycle: $cur_id pid $pid did not exit" >&2; fail wait; fi
  done
  e=${EPOCHREALTIME//[!0-9]/}
  "${rt[@]}" delete "$cur_id" </dev/null >/dev/null 2>"$errf" || fail delete
  f=${EPOCHREALTIME//[!0-9]/}
  cur_id=""
  t_create+=($((10#$b - 10#$a)))
  t_start+=($((10#$c - 10#$b)))
  t_kill+=($((10#$d - 10#$c)))
  t_wait+=($((10#$e - 10#$d)))
  t_delete+=($((10#$f - 10#$e)))
  t_total+=($((10#$f - 10#$a)))
done

# --- raw samples -----------------------------------------------------------
if [ -n "${SAMPLES:-}" ]; then
  {
    for v in "${t_total[@]}"; do echo "total $v"; done
    for v in "${t_create[@]}"; do echo "create $v"; done
    for v in "${t_start[@]}"; do echo "start $v"; done
    for v in "${t_kill[@]}"; do echo "kill $v"; done
    for v in "${t_wait[@]}"; do echo "wait $v"; done
    for v in "${t_delete[@]}"; do echo "delete $v"; done
    for v in "${t_rss[@]}"; do echo "rss $v"; done
    for v in "${t_runrss[@]}"; do echo "runrss $v"; done
    for v in "${t_exec[@]}"; do echo "exec $v"; done
  } >>"$SAMPLES"
fi

# --- summary ---------------------------------------------------------------
summ() { # NAME VALUES...(us)
  local name=$1; shift
  [ $# -gt 0 ] || return 0
  printf '%s\n' "$@" | sort -n | awk -v name="$name" '
    { v[NR] = $1; s += $1 }
    END {
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "  %-7s median %8.3f ms  min %8.3f  max %8.3f  mean %8.3f\n",
             name, med / 1000, v[1] / 1000, v[NR] / 1000, s / NR / 1000
    }'
}
if [ "${QUIET:-0}" != 1 ]; then
  {
    echo "lifecycle: $rtpath mode=$mode n=$n bundle=$bundle root=$root" \
         "unified=$([ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && echo visible || echo hidden)"
    if [ "$mode" = split ]; then
      summ create "${t_create[@]}"
      summ start "${t_start[@]}"
      summ kill "${t_kill[@]}"
      summ wait "${t_wait[@]}"
      summ delete "${t_delete[@]}"
    fi
    summ total "${t_total[@]}"
    summ exec "${t_exec[@]}"
    for v in rss runrss; do
      if [ $v = rss ]; then set -- "${t_rss[@]}"; else set -- "${t_runrss[@]}"; fi
      [ $# -gt 0 ] || continue
      printf '%s\n' "$@" | sort -n | awk -v name=$v '{v[NR]=$1} END {printf "  %-7s median %8d KiB  max %8d\n", name, v[int((NR+1)/2)], v[NR]}'
    done
  } >&2
fi
