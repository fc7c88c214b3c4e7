#!/usr/bin/env bash
# bench.sh — myrunc, runc and crun side by side on the same bundles.
#
# Times `run /bin/true` (lifecycle.sh mode run) and create/start/kill/delete
# of `/bin/sleep 600` (mode split, per phase and total) for each runtime,
# interleaved in rounds (BENCH_ROUNDS x BENCH_N lifecycles per runtime, the
# runtimes' order rotating each round) so machine noise hits all of them
# alike, then prints each one's median and the ratios myrunc/runc and
# myrunc/crun, and the peak RSS of one `create` per runtime (GNU time %M).
#
# Environment:
#   MYRUNC=PATH        runtime under test (default: ./myrunc)
#   RUNC=, CRUN=       peers (default: runc, crun; installed with apt-get
#                      by scripts/install-deps.sh bench when missing)
#   BENCH_N=50         lifecycles per runtime per mode per round
#   BENCH_ROUNDS=5     rounds
#   BENCH_RSS_N=3      creates measured for peak RSS (median reported)
#   BENCH_SPEC=PATH    runtime whose `spec` makes the bundles' config.json
#                      (default: runc: a spec that all three accept)
#   HIDE_UNIFIED=auto  passed to lifecycle.sh (hides /sys/fs/cgroup/unified
#                      on a hybrid host so crun 1.8.1 runs; same view for all)
# Exit status: 0 if every runtime completed every mode.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=${BENCH_N:-50}
rounds=${BENCH_ROUNDS:-5}
rss_n=${BENCH_RSS_N:-3}
for v in "$n" "$rounds" "$rss_n"; do
	case $v in '' | *[!0-9]* | 0) echo "bench: BENCH_N, BENCH_ROUNDS, BENCH_RSS_N must be positive integers" >&2; exit 2 ;; esac
done
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

labels=(myrunc runc crun)
declare -A bin=([myrunc]=$myrunc [runc]=$runc [crun]=$crun)
declare -A failed=()

work=$(mktemp -d /tmp/myrunc-bench.XXXXXX)
cleanup() {
	local l id
	for l in "${labels[@]}"; do
		[ -d "$work/root-$l" ] || continue
		# lifecycle.sh deletes its own container on failure; this is for ^C
		for id in $("${bin[$l]}" --root "$work/root-$l" list -q 2>/dev/null); do
			"${bin[$l]}" --root "$work/root-$l" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export SPEC_BIN=$spec CGROUPS_PATH=/myrunc-bench QUIET=1
"$repo/scripts/mkbundle.sh" "$work/true" true
"$repo/scripts/mkbundle.sh" "$work/sleep" sleep 600

# one lifecycle.sh call: LABEL MODE COUNT [record]
lc() {
	local l=$1 mode=$2 count=$3 rec=${4:-} b=$work/true
	[ -z "${failed[$l.$mode]:-}" ] || return 0
	[ "$mode" = run ] || b=$work/sleep
	if ! STATE_ROOT=$work/root-$l SAMPLES=${rec:+$work/samples.$l.$mode} \
		"$here/lifecycle.sh" "${bin[$l]}" "$b" "$count" "$mode" 2>"$work/err"; then
		failed[$l.$mode]=1
		echo "bench: $l ($mode) failed:" >&2
		sed 's/^/    /' "$work/err" | tail -20 >&2
	fi
}

echo "bench: myrunc=$myrunc ($("$myrunc" --version 2>/dev/null | head -1 || true))"
echo "bench: runc=$runc  crun=$crun  spec from $(basename "$spec")"
echo "bench: $rounds rounds x $n lifecycles per runtime and mode, runtimes interleaved"
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
	done
done
for l in "${labels[@]}"; do
	lc "$l" rss "$rss_n" rec
done

# median of PHASE in a samples file, in the file's unit; empty if none
median() {
	[ -f "$1" ] || return 0
	awk -v p="$2" '$1 == p { print $2 }' "$1" | sort -n | awk '
		{ v[NR] = $1 }
		END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# fmt VALUE DIVISOR PRINTF-FORMAT: "-" when VALUE is empty
fmt() { if [ -n "$1" ]; then awk -v v="$1" -v d="$2" -v f="$3" 'BEGIN { printf f, v / d }'; else printf '%s' -; fi; }
ratio() { if [ -n "$1" ] && [ -n "$2" ] && [ "$2" != 0 ]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; else printf '%s' -; fi; }

# table of one value per runtime: TITLE UNIT-HEADER MODE PHASE DIVISOR FORMAT
per_runtime() {
	local title=$1 unit=$2 mode=$3 phase=$4 div=$5 f=$6 l m mr mc
	mr=$(median "$work/samples.myrunc.$mode" "$phase")
	printf '\n%-22s %10s %9s %9s\n' "$title" "$unit" "vs runc" "vs crun"
	for l in "${labels[@]}"; do
		m=$(median "$work/samples.$l.$mode" "$phase")
		if [ "$l" = myrunc ]; then
			printf '  %-20s %10s %9s %9s\n' "$l" "$(fmt "$m" "$div" "$f")" \
				"$(ratio "$mr" "$(median "$work/samples.runc.$mode" "$phase")")" \
				"$(ratio "$mr" "$(median "$work/samples.crun.$mode" "$phase")")"
		else
			mc=$(fmt "$m" "$div" "$f")
			printf '  %-20s %10s\n' "$l" "$mc"
		fi
	done
}

per_runtime "run /bin/true" "median ms" run total 1000 '%.2f'

printf '\n%s\n' "create/start/kill/delete /bin/sleep 600, median ms"
printf '  %-12s %8s %8s %8s %9s %9s\n' phase myrunc runc crun "vs runc" "vs crun"
for p in create start kill wait delete total; do
	a=$(median "$work/samples.myrunc.split" "$p")
	b=$(median "$work/samples.runc.split" "$p")
	c=$(median "$work/samples.crun.split" "$p")
	printf '  %-12s %8s %8s %8s %9s %9s\n' "$p" \
		"$(fmt "$a" 1000 '%.2f')" "$(fmt "$b" 1000 '%.2f')" "$(fmt "$c" 1000 '%.2f')" \
		"$(ratio "$a" "$b")" "$(ratio "$a" "$c")"
done

per_runtime "peak RSS of create" "KiB" rss rss 1 '%d'

echo
echo "bench: $((SECONDS - t0))s; samples per runtime and mode: $((rounds * n))"
if [ ${#failed[@]} -gt 0 ]; then
	echo "bench: FAILED: ${!failed[*]}" >&2
	exit 1
fi
