#!/usr/bin/env bash
# check.sh RUNTIME_BINARY [REGEX] — the conformance gate of `make test`.
#
# Runs oci-validation.sh against RUNTIME_BINARY and fails when fewer tests
# pass than the number in tests/conformance/floor (raise it as myrunc gets
# better; never lower it to make a change pass). Prints PASS/FAIL per test,
# then the failing tests' names and a one-line verdict. The full output is
# kept in $SUITES/check.log.
#
# Environment (passed on to oci-validation.sh): SUITES, OCI_RT_VERSION,
#   OCI_TEST_TIMEOUT (default here 60 s), OCI_BUDGET (default here 420 s, so
#   a hanging runtime cannot push `make test` past its time), OCI_VERBOSE.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: $0 RUNTIME_BINARY [REGEX]}
filter=${2:-}
floor=$(tr -d '[:space:]' <"$here/floor")
case $floor in '' | *[!0-9]*) echo "conformance-check: $here/floor must hold one integer" >&2; exit 2 ;; esac

export SUITES=${SUITES:-/tmp/myrunc-suites}
export OCI_TEST_TIMEOUT=${OCI_TEST_TIMEOUT:-60} OCI_BUDGET=${OCI_BUDGET:-420}
mkdir -p "$SUITES"
log=$SUITES/check.log

# The runner's closing "N passed, M failed, K skipped" line is left out here:
# this gate's verdict is the floor, printed last.
"$here/oci-validation.sh" "$bin" ${filter:+"$filter"} 2>&1 | tee "$log" | grep --line-buffered -vE '^[0-9]+ passed, [0-9]+ failed'
rc=${PIPESTATUS[0]}
if [ "$rc" -gt 1 ]; then
	echo "conformance-check: the suite did not run (exit $rc); see $log" >&2
	exit 1
fi

passed=$(grep -cE '^PASS ' "$log")
total=$(grep -cE '^(PASS|FAIL|SKIP) ' "$log")
failing=$(awk '/^FAIL /{print $2}' "$log" | tr '\n' ' ')
[ -z "$failing" ] || echo "conformance-check: failing: $failing"
if [ "$passed" -lt "$floor" ]; then
	echo "conformance-check: FAIL: $passed of $total tests pass, below the floor of $floor (tests/conformance/floor)" >&2
	exit 1
fi
echo "conformance-check: ok: $passed of $total tests pass (floor $floor)"
