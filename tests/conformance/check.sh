#!/usr/bin/env bash
# check.sh RUNTIME_BINARY [REGEX] — the conformance gate of `make test`.
# check.sh --log LOG — the same verdict on the output of an earlier run.
#
# Runs oci-validation.sh against RUNTIME_BINARY and fails when a test fails
# that tests/conformance/expected-failures does not list (so one new
# failure is caught even when a flaky test passes in its place), when a
# name listed there is not in the suite, or, on a full run, when fewer
# tests pass than tests/conformance/floor (never lower it). A listed test
# that passes is reported, not failed: it may pass on another host.
# Prints PASS/FAIL per test and a one-line verdict; the full output is
# kept in $SUITES/check.log.
#
# Environment (passed on to oci-validation.sh): SUITES, OCI_RT_VERSION,
#   OCI_TEST_TIMEOUT (default here 60 s), OCI_BUDGET (default here 420 s, so
#   a hanging runtime cannot push `make test` past its time), OCI_VERBOSE.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
usage="usage: $0 RUNTIME_BINARY [REGEX] | $0 --log LOG"
floor=$(tr -d '[:space:]' <"$here/floor")
case $floor in '' | *[!0-9]*) echo "conformance-check: $here/floor must hold one integer" >&2; exit 2 ;; esac
expected=$here/expected-failures
[ -r "$expected" ] || { echo "conformance-check: $expected is missing" >&2; exit 2; }

if [ "${1:-}" = --log ]; then
	log=${2:?$usage}
	filter=
	[ -r "$log" ] || { echo "conformance-check: cannot read $log" >&2; exit 2; }
else
	bin=${1:?$usage}
	filter=${2:-}
	export SUITES=${SUITES:-/tmp/myrunc-suites}
	export OCI_TEST_TIMEOUT=${OCI_TEST_TIMEOUT:-60} OCI_BUDGET=${OCI_BUDGET:-420}
	mkdir -p "$SUITES"
	log=$SUITES/check.log
	# The runner's closing "N passed, M failed, K skipped" line is left out
	# here: this gate's verdict is printed last.
	"$here/oci-validation.sh" "$bin" ${filter:+"$filter"} 2>&1 | tee "$log" | grep --line-buffered -vE '^[0-9]+ passed, [0-9]+ failed'
	rc=${PIPESTATUS[0]}
	if [ "$rc" -gt 1 ]; then
		echo "conformance-check: the suite did not run (exit $rc); see $log" >&2
		exit 1
	fi
fi

# name -> "fail" or "flaky" from the list (comments and blank lines skipped)
declare -A allowed=()
while read -r name kind _; do
	case $name in '' | '#'*) continue ;; esac
	allowed[$name]=${kind:-fail}
done <"$expected"

declare -A ran=()
unexpected=() now_pass=() passed=0 total=0
while read -r status name _; do
	case $status in PASS | FAIL | SKIP) ;; *) continue ;; esac
	ran[$name]=$status total=$((total + 1))
	case $status in
	PASS)
		passed=$((passed + 1))
		[ "${allowed[$name]:-}" = fail ] && now_pass+=("$name") ;;
	FAIL) [ -n "${allowed[$name]:-}" ] || unexpected+=("$name") ;;
	esac
done <"$log"

fail=0
if [ "$total" -eq 0 ]; then
	echo "conformance-check: FAIL: no test ran; see $log" >&2
	exit 1
fi
if [ ${#unexpected[@]} -gt 0 ]; then
	echo "conformance-check: FAIL: failing, not in tests/conformance/expected-failures: ${unexpected[*]}" >&2
	fail=1
fi
[ ${#now_pass[@]} -eq 0 ] || echo "conformance-check: expected to fail but passed here: ${now_pass[*]}"
if [ -z "$filter" ]; then
	# a full run: every listed name must be a test of the suite, and the floor holds
	for name in "${!allowed[@]}"; do
		[ -n "${ran[$name]:-}" ] || { echo "conformance-check: FAIL: expected-failures names $name, which the suite did not run" >&2; fail=1; }
	done
	if [ "$passed" -lt "$floor" ]; then
		echo "conformance-check: FAIL: $passed of $total tests pass, below the floor of $floor (tests/conformance/floor)" >&2
		fail=1
	fi
fi
[ "$fail" -eq 0 ] || exit 1
echo "conformance-check: ok: $passed of $total tests pass, every failure expected (floor $floor)"
