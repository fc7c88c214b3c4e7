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
#
# Environment:
#   STATE_ROOT=DIR     state dir passed as RUNTIME --root (default:
#                      /tmp/ocibench-root/<basename of RUNTIME>)
#   RUNTIME_FLAGS="…"  extra global flags for RUNTIME (word-split)
#   HIDE_UNIFIED=auto|1|0
#                      On a hybrid cgroup host whose cgroup2 mount at
#                      /sys/fs/cgroup/unified has controllers, crun refuses
#                      to run ("cgroups in hybrid mode not supported").
#                      1: re-exec this script in a private mount namespace
#                      and cover /sys/fs/cgroup/unified with an empty tmpfs
#                      there only (the host's mounts and cgroups are
#                      untouched), so every runtime sees plain cgroup v1
#                      ("legacy" mode). auto (default): do that
#                      only when the condition above holds, whatever RUNTIME
#                      is, so that runtimes are compared on the same view.
#                      0: never.
#   QUIET=1            no per-phase timing summary on stderr.
#   SAMPLES=FILE       append one line per measurement to FILE:
#                      "PHASE VALUE" (PHASE total|create|start|kill|wait|
#                      delete in microseconds; rss in KiB).
#
# Container stdio is /dev/null; the runtime's stderr goes to a temp file that
# is printed if a step fails. Exit status: 0 if all N lifecycles succeeded.
# A per-phase timing summary (median/min/max ms, bash $EPOCHREALTIME, so it
# includes fork+exec of the runtime binary) is printed on stderr at the end.
# The loop itself forks nothing but the runtime (the wait uses /proc and
# `read -t`), so whole-process wall / N stays close to the per-lifecycle cost.
# Needs: bash >= 5 (EPOCHREALTIME), root, util-linux unshare/mount.
set -euo pipefail

usage() { echo "usage: $0 RUNTIME BUNDLE N [run|split]" >&2; exit 2; }
{ [ $# -ge 3 ] && [ $# -le 4 ]; } || usage
runtime=$1 bundle=$2 n=$3 mode=${4:-run}
case $n in ''|*[!0-9]*) usage ;; esac
case $mode in run|split|rss) ;; *) usage ;; esac
if [ "$mode" = rss ] && ! [ -x /usr/bin/time ]; then
  echo "lifecycle: rss mode needs GNU time (apt-get install time)" >&2; exit 1
fi

# --- hybrid cgroup work-around (see header) --------------------------------
hide=${HIDE_UNIFIED:-auto}
if [ -z "${_LIFECYCLE_IN_NS:-}" ] && [ "$hide" != 0 ]; then
  need=0
  if [ "$hide" = 1 ]; then
    need=1
  elif [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ] &&
       [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
       ctl=$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null) &&
       [ -n "$ctl" ]; then
    need=1
  fi
  if [ $need = 1 ]; then
    export _LIFECYCLE_IN_NS=1
    exec unshare --mount --propagation private -- bash "$0" "$@"
  fi
fi
if [ -n "${_LIFECYCLE_IN_NS:-}" ]; then
  unset _LIFECYCLE_IN_NS
  # Cover the cgroup2 mount with a throw-away tmpfs (not a bare umount: in
  # "legacy" mode crun still writes <unified>/<path>/cgroup.procs, which would
  # otherwise land on the host's /sys/fs/cgroup tmpfs under the mountpoint).
  if [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
    mount -t tmpfs -o size=1m,mode=755 ocibench-nounified /sys/fs/cgroup/unified
  else
    echo "lifecycle: no cgroup2 mount at /sys/fs/cgroup/unified; nothing to hide" >&2
  fi
fi

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

declare -a t_total t_create t_start t_kill t_wait t_delete t_rss
tag=$(basename "$rtpath")-$$

for ((i = 0; i < n; i++)); do
  cur_id=$tag-$i
  if [ "$mode" = rss ]; then
    rssf=$work/rss.$i
    /usr/bin/time -f %M -o "$rssf" "${rt[@]}" create --bundle "$bundle" "$cur_id" \
        </dev/null >/dev/null 2>"$errf" || fail create
    "${rt[@]}" kill "$cur_id" KILL </dev/null >/dev/null 2>&1 || true
    "${rt[@]}" delete --force "$cur_id" </dev/null >/dev/null 2>"$errf" || fail delete
    cur_id=""
    kb=""
    read -r kb <"$rssf" || true
    case $kb in ''|*[!0-9]*) echo "lifecycle: no RSS from /usr/bin/time: $kb" >&2; exit 1 ;; esac
    t_rss+=("$kb")
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
    if [ "$mode" = rss ]; then
      printf '%s\n' "${t_rss[@]}" | sort -n | awk '{v[NR]=$1} END {printf "  rss     median %8d KiB  max %8d\n", v[int((NR+1)/2)], v[NR]}'
    fi
  } >&2
fi
