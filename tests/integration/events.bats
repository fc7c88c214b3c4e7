#!/usr/bin/env bats
# events: resource usage as JSON lines, once (--stats) or every --interval.

load helpers

setup() {
	setup_test
	# a busy loop, so cpu usage grows between two reads
	setup_bundle sh -c 'while :; do :; done'
}
teardown() { teardown_test; }

# stats_of: cpu.usage.total from the one event in $output
cpu_total() {
	jq -e 'select(.type == "stats") | .data.cpu.usage.total' <<<"$1"
}

@test "events --stats prints one stats event, with cpu usage that grows" {
	run_detached "$CID"
	myrunc -0 events --stats "$CID"
	[ "${#lines[@]}" -eq 1 ] || fail "expected one line: $output"
	jq -e --arg id "$CID" '.type == "stats" and .id == $id' <<<"$output" >/dev/null || fail "$output"
	jq -e '.data.memory.usage.usage > 0 and .data.pids.current >= 1 and (.data.cpu.usage.percpu | length) >= 1' \
		<<<"$output" >/dev/null || fail "$output"
	jq -e '.data.memory.usage.limit > 0 and (.data.memory.raw | has("total_rss"))' <<<"$output" >/dev/null || fail "$output"
	local first second
	first="$(cpu_total "$output")"
	sleep 0.3
	myrunc -0 events --stats "$CID"
	second="$(cpu_total "$output")"
	[ "$second" -gt "$first" ] || fail "cpu usage did not grow: $first then $second"
}

@test "events --stats reports the pids limit" {
	update_config '.linux.resources.pids = {"limit": 42}'
	run_detached "$CID"
	myrunc -0 events --stats "$CID"
	[ "$(jq '.data.pids.limit' <<<"$output")" = 42 ]
}

@test "events streams stats every --interval until the container is killed" {
	run_detached "$CID"
	local out="$TEST_DIR/events.out" pid
	timeout 30 "$MYRUNC" --root "$ROOT" events --interval 100ms "$CID" >"$out" 2>"$TEST_DIR/events.err" 3>&- &
	pid=$!
	retry 10 _lines_at_least "$out" 4 || fail "too few events: $(cat "$out" "$TEST_DIR/events.err")"
	myrunc -0 kill "$CID" KILL
	local status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ] || fail "events exited $status: $(cat "$TEST_DIR/events.err")"
	# every line is a stats event of this container, and usage only grows
	jq -se --arg id "$CID" 'all(.type == "stats" and .id == $id)' "$out" >/dev/null || fail "$(cat "$out")"
	jq -se '[.[].data.cpu.usage.total] | . == sort' "$out" >/dev/null || fail "$(cat "$out")"
}
_lines_at_least() { [ "$(grep -c . "$1" 2>/dev/null)" -ge "$2" ]; }

@test "events ends when the container exits by itself" {
	update_config '.process.args = ["sleep", "1"]'
	run_detached "$CID"
	myrunc -0 events --interval 5s "$CID"
	# one event at once, then the exit ends it long before the next
	[ "${#lines[@]}" -eq 1 ] || fail "$output"
}

@test "events reports an OOM kill" {
	# dd's 32M buffer does not fit in 16M of memory+swap: the OOM killer
	# kills dd, the shell stays
	update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}
		| .process.args = ["sh", "-c", "while :; do dd if=/dev/zero of=/dev/null bs=32M count=1; sleep 0.2; done"]'
	run_detached "$CID"
	local out="$TEST_DIR/events.out" pid
	timeout 30 "$MYRUNC" --root "$ROOT" events --interval 100ms "$CID" >"$out" 2>"$TEST_DIR/events.err" 3>&- &
	pid=$!
	retry 10 grep -q '"type":"oom"' "$out" || fail "no oom event: $(tail -c 2000 "$out")"
	myrunc -0 kill "$CID" KILL
	wait "$pid"
	jq -se --arg id "$CID" 'map(select(.type == "oom")) | all(.id == $id and (has("data") | not))' "$out" >/dev/null ||
		fail "$(grep oom "$out")"
}

@test "events of a stopped container fails with 'container not running'" {
	update_config '.process.args = ["true"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc events --stats "$CID"
	assert_error
	assert_output_contains "container not running"
	myrunc events "$CID"
	assert_error
}

@test "events of an unknown container fails with 'does not exist'" {
	myrunc events --stats "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
}
