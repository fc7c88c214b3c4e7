#!/bin/bash
# run-all.sh RUNTIME_BINARY [SUITE...]
#
# Runs the real-engine suites against RUNTIME_BINARY, one after the other
# (default: containerd docker podman cri; E2E_SUITES="..." also selects),
# shows each suite's output, then one score line per suite:
#   e2e-containerd   20/20  6.1s  PASS
# Exit status 0 iff every suite passed. Each suite cleans up after itself
# (daemons, state, cgroups, mounts); see the headers of e2e-*.sh.
set -u
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
rt="${1:-}"
[ -n "$rt" ] || { echo "usage: $0 RUNTIME_BINARY [containerd|docker|podman|cri ...]" >&2; exit 2; }
shift
suites=("$@")
[ ${#suites[@]} -gt 0 ] || read -r -a suites <<<"${E2E_SUITES:-containerd docker podman cri}"
[ "$(id -u)" = 0 ] || { echo "run-all: the e2e suites need root" >&2; exit 2; }

scores=()
bad=0
for s in "${suites[@]}"; do
	script="$here/e2e-$s.sh"
	[ -x "$script" ] || { echo "run-all: no suite $script" >&2; exit 2; }
	out=$(mktemp /tmp/e2e-run-all.XXXXXX)
	t0=$(date +%s.%N)
	# a wedged engine must not hang the run: 5 minutes per suite at most
	timeout --kill-after=10 300 "$script" "$rt" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	t1=$(date +%s.%N)
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
	rm -f "$out"
	p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
	if [ -n "$line" ]; then score="$p/$((p + f))"; else score="?"; fi
	if [ "$rc" -eq 0 ] && [ -n "$line" ] && [ "$f" = 0 ]; then verdict=PASS
	else verdict="FAIL (exit $rc)"; bad=1; fi
	scores+=("$(awk -v n="e2e-$s" -v sc="$score" -v a="$t0" -v b="$t1" -v v="$verdict" \
		'BEGIN{printf "%-16s %7s %6.1fs  %s", n, sc, b-a, v}')")
	echo
done

echo "== e2e scores ($rt)"
printf '%s\n' "${scores[@]}"
exit $bad
