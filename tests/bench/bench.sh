#!/usr/bin/env bash
# bench.sh — myrunc, runc and crun side by side on the same bundles.
#
# Times, for each runtime, interleaved in rounds (the runtimes' order
# rotating each round, so machine noise hits all of them alike):
#   * `run /bin/true` (lifecycle.sh mode run);
#   * create/start/kill/delete of `/bin/sleep 600`, per phase and total
#     (mode split);
#   * `exec ID /bin/true` into a running container (mode exec);
#   * BENCH_PAR_N containers run BENCH_PAR at a time (scale.sh par);
#   * the first container after the runtime's cache under --root is
#     emptied (scale.sh cold);
# then, once per runtime, the peak RSS of `create` and of `run` (GNU time
# %M) and BENCH_ALIVE containers alive at once, then `list` and `delete`
# of all (scale.sh alive). Each table prints the medians, the ratios
# myrunc/runc and myrunc/crun, the spread (25th–75th percentile) and the
# number of samples. The load average is printed: on a shared machine the
# absolute times move, the ratios of one interleaved run much less.
#
# Environment:
#   MYRUNC=PATH        runtime under test (default: ./myrunc)
#   RUNC=, CRUN=       peers (default: runc, crun; installed with apt-get
#                      by scripts/install-deps.sh bench when missing)
#   BENCH_N=50         lifecycles (and execs) per runtime per mode per round
#   BENCH_ROUNDS=5     rounds
#   BENCH_RSS_N=3      creates and runs measured for peak RSS
#   BENCH_PAR_N=100 BENCH_PAR=10   containers run, how many at a time (one
#                      batch per runtime per round)
#   BENCH_COLD_N=1     cold first containers per runtime per round
#   BENCH_ALIVE=1000   containers alive at once (0: skip)
#   BENCH_SPEC=PATH    runtime whose `spec` makes the bundles' config.json
#                      (default: runc: a spec that all three accept)
#   HIDE_UNIFIED=auto  hide /sys/fs/cgroup/unified on a hybrid host so crun
#                      1.8.1 runs; same view for all (hide-unified.sh)
# Exit status: 0 if every runtime completed every mode.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${BENCH_N:-50}
rounds=${BENCH_ROUNDS:-5}
rss_n=${BENCH_RSS_N:-3}
par_n=${BENCH_PAR_N:-100}
par=${BENCH_PAR:-10}
cold_n=${BENCH_COLD_N:-1}
alive=${BENCH_ALIVE:-1000}
for v in "$n" "$rounds" "$rss_n" "$par_n" "$par" "$cold_n"; do
	case $v in '' | *[!0-9]* | 0) echo "bench: BENCH_N, _ROUNDS, _RSS_N, _PAR_N, _PAR, _COLD_N must be positive integers" >&2; exit 2 ;; esac
done
case $alive in '' | *[!0-9]*) echo "bench: BENCH_ALIVE must be a number" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "bench: must run as root" >&2; exit 2; }

abs() { # resolve a command name or path to an absolute path
	local p
	p=$(command -v "$1" 2>/dev/null) || return 1
	readlink -f "$p"
}

runc_name=${RUNC:-runc} crun_name=${CRUN:-crun}
if ! command -v "$runc_name" >/dev/null || ! command -v "$crun_name" >/dev/null ||
	! [ -x /usr/bin/time ] || ! command -v jq >/dev/null || ! [ -x /bin/busybox ]; then
	"$repo/scripts/install-deps.sh" bench test >&2
fi

myrunc=$(abs "${MYRUNC:-./myrunc}") || { echo "bench: ${MYRUNC:-./myrunc} not found (make build, or MYRUNC=PATH)" >&2; exit 2; }
runc=$(abs "$runc_name") || { echo "bench: $runc_name not found" >&2; exit 2; }
crun=$(abs "$crun_name") || { echo "bench: $crun_name not found" >&2; exit 2; }
spec=$(abs "${BENCH_SPEC:-$runc}") || { echo "bench: spec generator ${BENCH_SPEC:-} not found" >&2; exit 2; }

# shellcheck source=tests/bench/hide-unified.sh
. "$here/hide-unified.sh"
hide_unified "$0" "$@"

labels=(myrunc runc crun)
declare -A bin=([myrunc]=$myrunc [runc]=$runc [crun]=$crun)
declare -A failed=()

work=$(mktemp -d /tmp/myrunc-bench.XXXXXX)
cleanup() {
	local l id
	for l in "${labels[@]}"; do
		for r in "$work"/root-"$l"*; do
			[ -d "$r" ] || continue
			# the scripts delete their own containers on failure; this is for ^C
			for id in $("${bin[$l]}" --root "$r" list -q 2>/dev/null); do
				"${bin[$l]}" --root "$r" delete --force "$id" >/dev/null 2>&1 || true
			done
		done
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SPEC_BIN=$spec CGROUPS_PATH=/myrunc-bench QUIET=1
"$repo/scripts/mkbundle.sh" "$work/true" true
"$repo/scripts/mkbundle.sh" "$work/sleep" sleep 600
# containers that live at the same time need cgroups of their own: the
# runtime's default path for each id
CGROUPS_PATH='' "$repo/scripts/mkbundle.sh" "$work/true-own" true
CGROUPS_PATH='' "$repo/scripts/mkbundle.sh" "$work/sleep-own" sleep 600

# one lifecycle.sh call: LABEL MODE COUNT [record]
lc() {
	local l=$1 mode=$2 count=$3 rec=${4:-} b=$work/true
	[ -z "${failed[$l.$mode]:-}" ] || return 0
	case $mode in split | rss | exec) b=$work/sleep ;; esac
	if ! STATE_ROOT=$work/root-$l SAMPLES=${rec:+$work/samples.$l.$mode} \
		"$here/lifecycle.sh" "${bin[$l]}" "$b" "$count" "$mode" 2>"$work/err"; then
		failed[$l.$mode]=1
		echo "bench: $l ($mode) failed:" >&2
		sed 's/^/    /' "$work/err" | tail -20 >&2
	fi
}

# one scale.sh call: LABEL MODE BUNDLE COUNT (samples appended)
sc() {
	local l=$1 mode=$2 b=$3 count=$4
	[ -z "${failed[$l.$mode]:-}" ] || return 0
	if ! STATE_ROOT=$work/root-$l-$mode "$here/scale.sh" "$mode" "${bin[$l]}" "$b" "$count" "$par" \
		>>"$work/samples.$l.$mode" 2>"$work/err"; then
		failed[$l.$mode]=1
		echo "bench: $l ($mode) failed:" >&2
		sed 's/^/    /' "$work/err" | tail -20 >&2
	fi
}

echo "bench: myrunc=$myrunc ($("$myrunc" --version 2>/dev/null | head -1 || true))"
echo "bench: runc=$runc ($("$runc" --version | head -1))  crun=$crun ($("$crun" --version | head -1))  spec from $(basename "$spec")"
echo "bench: $rounds rounds x $n lifecycles per runtime and mode, runtimes interleaved; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$SECONDS
for l in "${labels[@]}"; do # warm-up: page cache, state dirs; not recorded
	lc "$l" run 2
	lc "$l" split 2
done
for ((r = 0; r < rounds; r++)); do
	for ((k = 0; k < ${#labels[@]}; k++)); do
		l=${labels[$(((k + r) % ${#labels[@]}))]}
		lc "$l" run "$n" rec
		lc "$l" split "$n" rec
		lc "$l" exec "$n" rec
		sc "$l" par "$work/true-own" "$par_n"
		sc "$l" cold "$work/true" "$cold_n"
	done
done
for l in "${labels[@]}"; do
	lc "$l" rss "$rss_n" rec
	lc "$l" runrss "$rss_n" rec
	[ "$alive" = 0 ] || sc "$l" alive "$work/sleep-own" "$alive"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# shellcheck source=tests/bench/report.sh
. "$here/report.sh"
report

echo
echo "bench: $((SECONDS - t0))s; load average after: $load_after"
if [ ${#failed[@]} -gt 0 ]; then
	echo "bench: FAILED: ${!failed[*]}" >&2
	exit 1
fi
