#!/usr/bin/env bats
# The command line as scripts drive runc: flag order, --debug logs,
# commands that exist only to fail clearly, and the words tools match.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "flags after the positional arguments, for every command" {
	myrunc_detached create "$CID" --bundle "$BUNDLE" --pid-file "$TEST_DIR/pid"
	assert_status 0
	[ -s "$TEST_DIR/pid" ]
	myrunc state "$CID"
	assert_status 0
	myrunc start "$CID"
	assert_status 0
	myrunc update "$CID" --pids-limit 10
	assert_status 0
	[ "$(cat "$CGROUP_MNT/pids$CGROUPS_PATH/pids.max")" = 10 ]
	myrunc ps "$CID" --format json
	assert_status 0
	[[ "$output" == "["*"]" ]]
	myrunc events "$CID" --stats
	assert_status 0
	assert_output_contains '"type":"stats"'
	# exec: its flags up to the command; the command's own flags are its
	myrunc exec "$CID" --env A=from-flag sh -c 'echo "A=$A" "$@"' sh --env B
	assert_status 0
	assert_output_contains "A=from-flag --env B"
	myrunc pause "$CID"
	assert_status 0
	myrunc resume "$CID"
	assert_status 0
	myrunc list --format json
	assert_status 0
	myrunc kill "$CID" KILL --all
	assert_status 0
	wait_for_status "$CID" stopped
	myrunc delete "$CID" --force
	assert_status 0
	[ ! -d "$ROOT/$CID" ]

	fresh_cgroup
	myrunc_detached run "$CID2" --bundle "$BUNDLE" -d
	assert_status 0
	myrunc delete "$CID2" -f
	assert_status 0
	myrunc spec --bundle "$TEST_DIR"
	assert_status 0
	[ -f "$TEST_DIR/config.json" ]
}

@test "kill: a stopped container is 'container not running'; signal 0 asks whether it runs" {
	update_config '.process.args = ["sh", "-c", "exit 0"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc kill "$CID" KILL
	assert_error
	assert_output_contains "container not running"
	myrunc kill "$CID" 0
	assert_error
	assert_output_contains "container not running"

	fresh_cgroup
	update_config '.process.args = ["sleep", "100"]'
	run_detached "$CID2"
	myrunc kill "$CID2" 0
	assert_status 0
	[ "$(container_status "$CID2")" = running ]
}

@test "hook failures read 'error running <kind> hook #N: ...'" {
	update_config '.hooks = {"prestart": [{"path": "/bin/true"}, {"path": "/bin/false"}]}'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "error running prestart hook #1: /bin/false: exit status 1"

	update_config '.hooks = {"startContainer": [{"path": "/bin/false"}]}'
	create_container "$CID"
	myrunc --log-format json start "$CID"
	assert_error
	[ "$(jq -r .msg <<<"${lines[0]}")" = "error running startContainer hook #0: /bin/false: exit status 1" ] ||
		fail "message: ${lines[0]}"
}

@test "a failed execve reads 'exec <path>: <errno text>', at start and for exec" {
	printf 'not a binary' >"$BUNDLE/rootfs/bin/bad"
	chmod 755 "$BUNDLE/rootfs/bin/bad"
	update_config '.process.args = ["/bin/bad"]'
	create_container "$CID"
	myrunc --log-format json start "$CID"
	assert_error
	[ "$(jq -r .msg <<<"${lines[0]}")" = "exec /bin/bad: exec format error" ] || fail "message: ${lines[0]}"

	fresh_cgroup
	update_config '.process.args = ["sleep", "100"]'
	run_detached "$CID2"
	myrunc --log-format json exec "$CID2" /bin/bad
	assert_error
	[ "$(jq -r .msg <<<"${lines[0]}")" = "exec /bin/bad: exec format error" ] || fail "message: ${lines[0]}"
}

@test "list: an explicit --root that does not exist is an error; the default root, missing, is an empty table" {
	run "$MYRUNC" --root "$TEST_DIR/no-such-root" list 3>&-
	assert_error
	assert_output_contains "$TEST_DIR/no-such-root" "no such file or directory"
	# the default root (/run/myrunc) in a mount namespace whose /run is empty
	run timeout 30 unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run && exec "$0" list' "$MYRUNC" 3>&-
	assert_status 0
	[ "$(squeeze "$output")" = "ID PID STATUS BUNDLE CREATED OWNER" ] || fail "output: $output"
}

@test "checkpoint and restore take runc's flags and fail with the reason" {
	run_detached "$CID"
	# no CRIU in PATH
	run env PATH=/nonexistent "$MYRUNC" --root "$ROOT" checkpoint --image-path "$TEST_DIR/img" --leave-running \
		--tcp-established --manage-cgroups-mode soft "$CID" 3>&-
	assert_error
	assert_output_contains "checkpoint: CRIU is not installed"
	run env PATH=/nonexistent "$MYRUNC" --root "$ROOT" restore --image-path "$TEST_DIR/img" -d \
		--bundle "$BUNDLE" "$CID2" 3>&-
	assert_error
	assert_output_contains "restore: CRIU is not installed"
	# a CRIU that cannot work on this kernel says so
	mkdir -p "$TEST_DIR/fakebin"
	printf '#!/bin/sh\necho "Error (criu/cr-check.c:1234): Looks bad." >&2\nexit 1\n' >"$TEST_DIR/fakebin/criu"
	chmod 755 "$TEST_DIR/fakebin/criu"
	run env PATH="$TEST_DIR/fakebin:$PATH" "$MYRUNC" --root "$ROOT" checkpoint "$CID" 3>&-
	assert_error
	assert_output_contains "checkpoint: CRIU cannot work on this kernel" "Looks bad."
	[ "$(container_status "$CID")" = running ]
	# restore refuses an id in use before looking for CRIU
	myrunc restore "$CID"
	assert_error
	assert_output_contains "already exists"
}

@test "--debug logs the steps of create, start, exec and delete (json to --log, text to stderr)" {
	local log="$TEST_DIR/debug.log"
	myrunc_detached --debug --log "$log" --log-format json create --bundle "$BUNDLE" "$CID"
	assert_status 0
	myrunc --debug --log "$log" --log-format json start "$CID"
	assert_status 0
	myrunc --debug --log "$log" --log-format json exec "$CID" true
	assert_status 0
	myrunc --debug --log "$log" --log-format json delete -f "$CID"
	assert_status 0
	cat "$log"
	jq -e . "$log" >/dev/null || fail "not one JSON object per line"
	local want
	for want in "spawned init" "init: mountRootfs" "init ready" "released init" \
		"spawned exec process" "exec'd the process" "removed state"; do
		jq -se --arg m "$want" 'any(.[]; .level == "debug" and .msg == $m)' "$log" >/dev/null ||
			fail "no debug line '$want'"
	done
	[ "$(jq -r 'select(.msg == "command") | .args[0]' "$log" | tr '\n' ' ')" = "create start exec delete " ]

	fresh_cgroup
	myrunc_detached --debug run -d --bundle "$BUNDLE" "$CID2"
	assert_status 0
	grep -q 'level=debug msg="spawned init"' "$STDERR_FILE" || fail "stderr: $(cat "$STDERR_FILE")"
	# without --debug, nothing of the kind
	myrunc delete -f "$CID2"
	assert_status 0
	[ -z "$output" ] || fail "delete printed: $output"
}
