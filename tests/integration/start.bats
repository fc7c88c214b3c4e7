#!/usr/bin/env bats
# start: runs the user process of a created container.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "start makes a created container running" {
	create_container "$CID"
	local pid
	pid="$(container_pid "$CID")"
	myrunc -0 start "$CID"
	wait_for_status "$CID" running
	[ "$(container_pid "$CID")" = "$pid" ]
	retry 5 grep -q sleep "/proc/$pid/cmdline"
}

@test "start prints nothing on success" {
	create_container "$CID"
	myrunc -0 start "$CID"
	[ -z "$output" ]
}

@test "start of a running container fails with 'cannot start'" {
	create_container "$CID"
	myrunc -0 start "$CID"
	wait_for_status "$CID" running
	myrunc start "$CID"
	assert_error
	assert_output_contains "cannot start"
	[ "$(container_status "$CID")" = running ]
}

@test "start of a stopped container fails with 'cannot start'" {
	update_config '.process.args = ["true"]'
	create_container "$CID"
	myrunc -0 start "$CID"
	wait_for_status "$CID" stopped
	myrunc start "$CID"
	assert_error
	assert_output_contains "cannot start"
	[ "$(container_status "$CID")" = stopped ]
}

@test "start of an unknown container fails with 'does not exist'" {
	myrunc start "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
	[ -z "$(leaked_state)" ]
}

@test "a container whose process exits becomes stopped and keeps its state" {
	update_config '.process.args = ["sh", "-c", "exit 7"]'
	create_container "$CID"
	myrunc -0 start "$CID"
	wait_for_status "$CID" stopped
	[ -d "$ROOT/$CID" ]
	myrunc -0 state "$CID"
	[ "$(jq -r .id <<<"$output")" = "$CID" ]
}

@test "start of several created containers, each one only starts itself" {
	create_container "$CID"
	fresh_cgroup
	create_container "$CID2"
	myrunc -0 start "$CID2"
	wait_for_status "$CID2" running
	[ "$(container_status "$CID")" = created ]
	myrunc -0 start "$CID"
	wait_for_status "$CID" running
}
