#!/usr/bin/env bash
# scale.sh MODE RUNTIME BUNDLE N [PAR] — many containers at once, for
# tests/bench/bench.sh. Prints one "PHASE VALUE" line per measurement
# (microseconds) on stdout; the runtime's errors go to stderr.
#
# MODE:
#   par    N containers of BUNDLE (a process that exits by itself), PAR
#          at a time: each is `run` (create, start, wait, delete). One
#          line: "par WALL".
#   alive  N containers of BUNDLE (a long-running process) created and
#          started one after another, then `list` (quiet and full) and
#          `delete --force` of all, PAR at a time. Lines: "first10 US" and
#          "last10 US" (create+start of the first and last 10 containers,
#          per container), "list US", "list_q US", "delete_all WALL".
#   cold   N times: the runtime's cache under --root (.cache: the slim init
#          and compiled seccomp profiles) is removed, then one `run` of
#          BUNDLE. Lines: "cold US".
#
# Environment: STATE_ROOT=DIR (--root; default: a new temporary dir).
# Runs inside lifecycle.sh's view of the cgroup hierarchy when called from
# bench.sh (HIDE_UNIFIED is bench.sh's business).
set -euo pipefail

usage() { echo "usage: $0 par|alive|cold RUNTIME BUNDLE N [PAR]" >&2; exit 2; }
[ $# -ge 4 ] || usage
mode=$1 runtime=$2 bundle=$3 n=$4 par=${5:-10}
case $mode in par | alive | cold) ;; *) usage ;; esac
root=${STATE_ROOT:-$(mktemp -d /tmp/scale-root.XXXXXX)}
mkdir -p "$root"
rt=("$runtime" --root "$root")
tag=$(basename "$runtime")-$$
now() { echo "${EPOCHREALTIME//[!0-9]/}"; }

cleanup() {
	local ids
	ids=$("${rt[@]}" list -q 2>/dev/null | grep "^$tag-" || true)
	[ -z "$ids" ] || xargs -a <(printf '%s\n' "$ids") -P "$par" -I{} "${rt[@]}" delete --force {} </dev/null >/dev/null 2>&1 || true
}
trap cleanup EXIT

case $mode in
par)
	a=$(now)
	xargs -a <(seq 1 "$n") -P "$par" -I{} "${rt[@]}" run --bundle "$bundle" "$tag-{}" </dev/null >/dev/null
	echo "par $(($(now) - a))"
	;;
alive)
	first=0 last=0
	for ((i = 1; i <= n; i++)); do
		a=$(now)
		"${rt[@]}" create --bundle "$bundle" "$tag-$i" </dev/null >/dev/null
		"${rt[@]}" start "$tag-$i" </dev/null >/dev/null
		d=$(($(now) - a))
		((i <= 10)) && first=$((first + d))
		((i > n - 10)) && last=$((last + d))
	done
	echo "first10 $((first / 10))"
	echo "last10 $((last / 10))"
	a=$(now)
	"${rt[@]}" list -q >/dev/null
	echo "list_q $(($(now) - a))"
	a=$(now)
	"${rt[@]}" list >/dev/null
	echo "list $(($(now) - a))"
	a=$(now)
	xargs -a <(seq 1 "$n") -P "$par" -I{} "${rt[@]}" delete --force "$tag-{}" </dev/null >/dev/null
	echo "delete_all $(($(now) - a))"
	;;
cold)
	for ((i = 1; i <= n; i++)); do
		rm -rf "$root/.cache"
		a=$(now)
		"${rt[@]}" run --bundle "$bundle" "$tag-c$i" </dev/null >/dev/null
		echo "cold $(($(now) - a))"
	done
	;;
esac
