#!/usr/bin/env bats
# state: the runtime-spec state JSON.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "state of a created container has the runtime-spec fields" {
	create_container "$CID"
	myrunc -0 state "$CID"
	jq -e . <<<"$output" >/dev/null || fail "not JSON: $output"
	[[ "$(jq -r .ociVersion <<<"$output")" =~ ^1\.[0-9]+\.[0-9]+ ]]
	[ "$(jq -r .id <<<"$output")" = "$CID" ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .pid <<<"$output")" -gt 0 ]
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r '.pid | type' <<<"$output")" = number ]
}

@test "state of a running container: status running, pid is the init's host pid" {
	create_container "$CID" --pid-file "$TEST_DIR/pid"
	myrunc -0 start "$CID"
	wait_for_status "$CID" running
	myrunc -0 state "$CID"
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$(cat "$TEST_DIR/pid")" ]
}

@test "state of a container whose process exited: status stopped" {
	update_config '.process.args = ["true"]'
	create_container "$CID"
	myrunc -0 start "$CID"
	wait_for_status "$CID" stopped
	myrunc -0 state "$CID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r .id <<<"$output")" = "$CID" ]
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
}

@test "state of a container killed from outside: status stopped" {
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	kill -9 "$pid"
	wait_for_status "$CID" stopped
}

@test "state includes the config's annotations" {
	update_config '.annotations = {"org.example.one": "1", "org.example.two": "zwei"}'
	create_container "$CID"
	myrunc -0 state "$CID"
	[ "$(jq -r '.annotations["org.example.one"]' <<<"$output")" = 1 ]
	[ "$(jq -r '.annotations["org.example.two"]' <<<"$output")" = zwei ]
}

@test "state of an unknown container fails with 'does not exist'" {
	myrunc state "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
}

@test "state after delete fails with 'does not exist'" {
	create_container "$CID"
	myrunc -0 delete -f "$CID"
	myrunc state "$CID"
	assert_error
	assert_output_contains "does not exist"
}

@test "state of a created container whose init was killed: status stopped" {
	create_container "$CID"
	local pid
	pid="$(container_pid "$CID")"
	kill -9 "$pid"
	wait_for_exit "$pid"
	wait_for_status "$CID" stopped
}
