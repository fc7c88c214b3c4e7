#!/usr/bin/env bats
# global --log / --log-format and --root.

load helpers

setup() {
	setup_test
	LOG="$TEST_DIR/runtime.log"
}
teardown() { teardown_test; }

RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'

# check_json_error_lines FILE: every line is a JSON object with
# level/msg/time; prints the error lines' msg fields
check_json_lines() {
	local line n=0
	while IFS= read -r line; do
		n=$((n + 1))
		jq -e 'type == "object"' <<<"$line" >/dev/null || fail "line $n is not a JSON object: $line"
		for k in level msg time; do
			jq -e --arg k "$k" 'has($k)' <<<"$line" >/dev/null || fail "line $n has no $k: $line"
		done
		[[ "$(jq -r .time <<<"$line")" =~ $RFC3339 ]] || fail "line $n time is not RFC3339: $line"
	done <"$1"
	[ "$n" -gt 0 ] || fail "$1 is empty"
}

@test "--log --log-format json writes an error as one JSON line" {
	run "$MYRUNC" --root "$ROOT" --log "$LOG" --log-format json state "${ID_BASE}-nope"
	assert_error
	check_json_lines "$LOG"
	local err
	err="$(jq -c 'select(.level == "error")' "$LOG")"
	[ "$(grep -c . <<<"$err")" -eq 1 ] || fail "expected one error line: $(cat "$LOG")"
	[[ "$(jq -r .msg <<<"$err")" == *"does not exist"* ]] || fail "msg: $err"
}

@test "--log appends: earlier content is kept, each error adds a line" {
	echo '{"level":"info","msg":"earlier","time":"2020-01-01T00:00:00Z"}' >"$LOG"
	run "$MYRUNC" --root "$ROOT" --log "$LOG" --log-format json state "${ID_BASE}-nope"
	assert_error
	run "$MYRUNC" --root "$ROOT" --log "$LOG" --log-format json kill "${ID_BASE}-nope2" KILL
	assert_error
	check_json_lines "$LOG"
	[ "$(head -1 "$LOG" | jq -r .msg)" = earlier ]
	[ "$(jq -r 'select(.level == "error") | .msg' "$LOG" | grep -c 'does not exist')" -eq 2 ] ||
		fail "log: $(cat "$LOG")"
}

@test "--log does not hide the error from stderr" {
	run "$MYRUNC" --root "$ROOT" --log "$LOG" --log-format json state "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
}

@test "--log json records why a create failed" {
	setup_bundle nonexistent-cmd
	"$MYRUNC" --root "$ROOT" --log "$LOG" --log-format json create --bundle "$BUNDLE" "$CID" \
		</dev/null >/dev/null 2>&1 3>&- && fail "create succeeded"
	check_json_lines "$LOG"
	jq -r 'select(.level == "error") | .msg' "$LOG" | grep -q "executable file not found" ||
		fail "log: $(cat "$LOG")"
	jq -r 'select(.level == "error") | .msg' "$LOG" | grep -q "nonexistent-cmd" ||
		fail "log: $(cat "$LOG")"
	assert_nothing_left
}

@test "--log with the default text format records the error" {
	run "$MYRUNC" --root "$ROOT" --log "$LOG" state "${ID_BASE}-nope"
	assert_error
	grep -q "does not exist" "$LOG" || fail "log: $(cat "$LOG")"
}

@test "a successful command writes no error to --log" {
	setup_bundle
	"$MYRUNC" --root "$ROOT" --log "$LOG" --log-format json create --bundle "$BUNDLE" "$CID" \
		</dev/null >/dev/null 2>&1 3>&-
	"$MYRUNC" --root "$ROOT" --log "$LOG" --log-format json start "$CID" 3>&-
	"$MYRUNC" --root "$ROOT" --log "$LOG" --log-format json delete -f "$CID" 3>&-
	if [ -s "$LOG" ]; then
		check_json_lines "$LOG"
		[ -z "$(jq -c 'select(.level == "error")' "$LOG")" ] || fail "errors logged: $(cat "$LOG")"
	fi
}

@test "an unknown --log-format fails" {
	run "$MYRUNC" --root "$ROOT" --log "$LOG" --log-format yaml list
	[ "$status" -ne 0 ]
}

@test "--root holds one directory per container id" {
	setup_bundle
	create_container "$CID"
	fresh_cgroup
	create_container "$CID2"
	[ "$(root_entries | sort)" = "$(printf '%s\n' "$CID" "$CID2" | sort)" ]
	[ -d "$ROOT/$CID" ] && [ -d "$ROOT/$CID2" ]
	myrunc -0 delete -f "$CID"
	[ "$(root_entries)" = "$CID2" ]
}

@test "containers under different --root dirs do not see each other" {
	setup_bundle
	create_container "$CID"
	local other="$TEST_DIR/other-root"
	mkdir -p "$other"
	run -0 "$MYRUNC" --root "$other" list -q
	[ -z "$output" ]
	run "$MYRUNC" --root "$other" state "$CID"
	assert_error
	assert_output_contains "does not exist"
}

@test "--root that does not exist yet is created on create" {
	setup_bundle
	ROOT="$TEST_DIR/new/nested/root"
	create_container "$CID"
	[ -d "$ROOT/$CID" ]
}
