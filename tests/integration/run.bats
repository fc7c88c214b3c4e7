#!/usr/bin/env bats
# run: create + start (+ wait + delete in the foreground).

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "run passes the container's stdout and stderr through" {
	update_config '.process.args = ["sh", "-c", "echo to-stdout; echo to-stderr >&2"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains to-stdout to-stderr
}

@test "run passes stdin to the container" {
	update_config '.process.args = ["cat"]'
	run -0 bash -c 'echo piped-in | "$1" --root "$2" run --bundle "$3" "$4" 3>&-' _ "$MYRUNC" "$ROOT" "$BUNDLE" "$CID"
	[ "$output" = piped-in ]
}

@test "run exits with the container's exit code" {
	update_config '.process.args = ["sh", "-c", "exit 3"]'
	run_fg "$CID"
	assert_status 3
	update_config '.process.args = ["false"]'
	run_fg "$CID2"
	assert_status 1
	update_config '.process.args = ["true"]'
	run_fg "$CID3"
	assert_status 0
}

# run_killed SIGNAL: run in the background, the container killed with
# SIGNAL once it runs; RC is run's exit status, its output in $TEST_DIR/out
run_killed() {
	"$MYRUNC" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/out" 2>&1 3>&- &
	local rpid=$!
	wait_for_status "$CID" running
	myrunc -0 kill "$CID" "$1"
	RC=0
	wait "$rpid" || RC=$?
}

@test "run exits with 128+signal when the container is killed" {
	run_killed KILL
	[ "$RC" -eq 137 ] || fail "run exited $RC, expected 137: $(cat "$TEST_DIR/out")"
}

@test "run exits with 143 when the container is killed by SIGTERM" {
	# a pid namespace's init ignores SIGTERM without a handler, so this
	# container shares the host's pid namespace
	update_config '.linux.namespaces -= [{"type": "pid"}]'
	run_killed TERM
	[ "$RC" -eq 143 ] || fail "run exited $RC, expected 143: $(cat "$TEST_DIR/out")"
}

@test "run removes the container when it exits" {
	update_config '.process.args = ["true"]'
	run_fg "$CID"
	assert_status 0
	myrunc state "$CID"
	assert_error
	assert_output_contains "does not exist"
	[ ! -e "$ROOT/$CID" ]
	assert_nothing_left
}

@test "run removes the container after it was killed" {
	"$MYRUNC" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&- &
	local rpid=$!
	wait_for_status "$CID" running
	myrunc -0 kill "$CID" KILL
	wait "$rpid" || true
	[ ! -e "$ROOT/$CID" ]
	assert_nothing_left
}

@test "run --keep keeps the stopped container" {
	update_config '.process.args = ["sh", "-c", "exit 5"]'
	run_fg "$CID" --keep
	assert_status 5
	myrunc -0 state "$CID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	myrunc -0 delete "$CID"
	assert_nothing_left
}

@test "run --detach returns 0 and leaves the container running" {
	run_detached "$CID"
	myrunc -0 state "$CID"
	[ "$(jq -r .status <<<"$output")" = running ]
	local pid
	pid="$(jq -r .pid <<<"$output")"
	kill -0 "$pid"
	grep -q sleep "/proc/$pid/cmdline"
}

@test "run -d is --detach" {
	myrunc_detached run -d --bundle "$BUNDLE" "$CID"
	assert_status 0
	wait_for_status "$CID" running
}

@test "run --detach --pid-file writes the host pid" {
	run_detached "$CID" --pid-file "$TEST_DIR/pid"
	[ "$(cat "$TEST_DIR/pid")" = "$(container_pid "$CID")" ]
	grep -q sleep "/proc/$(cat "$TEST_DIR/pid")/cmdline"
}

@test "run --detach of a short-lived process: state becomes stopped" {
	update_config '.process.args = ["sh", "-c", "echo detached-out"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	[ "$(cat "$STDOUT_FILE")" = detached-out ]
}

@test "run without --bundle uses the current directory" {
	update_config '.process.args = ["echo", "cwd-bundle"]'
	run -0 bash -c 'cd "$1" && "$2" --root "$3" run "$4" </dev/null 3>&-' _ "$BUNDLE" "$MYRUNC" "$ROOT" "$CID"
	[ "$output" = cwd-bundle ]
}

@test "run with an id that exists fails and leaves the first container alone" {
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	myrunc_detached run -d --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "exists"
	[ "$(container_status "$CID")" = running ]
	[ "$(container_pid "$CID")" = "$pid" ]
}

@test "--trace prints one timeline of the runtime's and the init's steps" {
	update_config '.process.args = ["true"]'
	run --separate-stderr "$MYRUNC" --root "$ROOT" --trace run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ -z "$output" ] || fail "trace went to stdout: $output"
	local want
	for want in "loaded config.json" "spawned init" "init: main" "init: mountRootfs" "init: pivot" "init ready" "started" "deleted"; do
		[[ "$stderr" == *"ms  $want"* ]] || fail "no '$want' in: $stderr"
	done
	# times only grow down the timeline
	awk '/^trace/ { t = $2 + 0; if (t < last) exit 1; last = t }' <<<"$stderr" || fail "not in order: $stderr"
}
