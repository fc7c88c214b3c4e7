#!/usr/bin/env bats
# The conformance gate's verdict (tests/conformance/check.sh --log) on made-up
# suite outputs: it must catch one new failure even when the flaky test
# passes in its place, which a count of passes cannot.

bats_require_minimum_version 1.5.0

GATE="$BATS_TEST_DIRNAME/../conformance/check.sh"
LIST="$BATS_TEST_DIRNAME/../conformance/expected-failures"

setup() {
	LOG="$(mktemp "${BATS_TMPDIR:-/tmp}/gate.XXXXXX")"
	floor=$(tr -d '[:space:]' <"$BATS_TEST_DIRNAME/../conformance/floor")
}

teardown() {
	rm -f "$LOG"
}

# a full run as on this host: FLOOR+1 passing tests, every listed one failing
# (poststart, flaky, failing too); args: names of passing tests to fail instead
write_log() {
	local i name
	for i in $(seq 1 $((floor + 1))); do
		name="good_$i"
		if printf '%s\n' "$@" | grep -qx "$name"; then
			printf 'FAIL %-36s ok=0 not_ok=1\n' "$name"
		else
			printf 'PASS %-36s ok=1 not_ok=0\n' "$name"
		fi
	done >"$LOG"
	awk '$1 !~ /^#/ && NF {printf "FAIL %-36s ok=0 not_ok=1\n", $1}' "$LIST" >>"$LOG"
}

# verdict STATUS MESSAGE: the gate on $LOG exits STATUS, saying MESSAGE
verdict() {
	run "-$1" "$GATE" --log "$LOG"
	[[ "$output" == *"$2"* ]] || {
		echo "the gate did not say: $2" >&2
		return 1
	}
}

@test "conformance gate: every failure expected: passes" {
	write_log
	verdict 0 "ok: $((floor + 1)) of"
}

@test "conformance gate: one new failure while the flaky test passes: fails, naming it" {
	write_log good_7
	sed -i 's/^FAIL \(poststart \)/PASS \1/' "$LOG"
	# the passes still reach the floor: a count alone would not notice
	[ "$(grep -c '^PASS' "$LOG")" -ge "$floor" ]
	verdict 1 "not in tests/conformance/expected-failures: good_7"
}

@test "conformance gate: an expected failure that passes is reported, not failed" {
	write_log
	sed -i 's/^FAIL \(pidfile \)/PASS \1/' "$LOG"
	verdict 0 "expected to fail but passed here: pidfile"
}

@test "conformance gate: a listed name the suite did not run fails (a stale list)" {
	write_log
	sed -i '/^FAIL hooks_stdin /d' "$LOG"
	verdict 1 "names hooks_stdin, which the suite did not run"
}

@test "conformance gate: fewer passes than the floor fails" {
	write_log
	sed -i '/^PASS good_[1-3] /d' "$LOG"
	verdict 1 "below the floor of $floor"
}

@test "conformance gate: no test ran fails" {
	echo "# runtime-tools: nothing" >"$LOG"
	verdict 1 "no test ran"
}
