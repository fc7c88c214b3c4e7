#!/usr/bin/env bats
# exec and create options scripts and engines use: --ignore-paused,
# --cgroup (sub-cgroups of the container's), --pidfd-socket.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "exec into a paused container fails, unless --ignore-paused: then it runs once resumed" {
	run_detached "$CID"
	myrunc pause "$CID"
	assert_status 0
	myrunc exec "$CID" true
	assert_error
	assert_output_contains "cannot exec in a paused container (use --ignore-paused to override)"
	(
		timeout 30 "$MYRUNC" --root "$ROOT" exec --ignore-paused "$CID" sh -c 'echo ran-after-resume >/tmp/x' \
			</dev/null >"$TEST_DIR/exec.out" 2>&1 3>&-
		echo "rc=$?" >"$TEST_DIR/exec.rc"
	) &
	sleep 1
	[ ! -e "$TEST_DIR/exec.rc" ] || fail "exec returned while the container was paused: $(cat "$TEST_DIR/exec.rc")"
	myrunc resume "$CID"
	assert_status 0
	wait_for_file "$TEST_DIR/exec.rc"
	[ "$(cat "$TEST_DIR/exec.rc")" = rc=0 ]
	[ "$(cat "$BUNDLE/rootfs/tmp/x")" = ran-after-resume ]
}

@test "exec --cgroup: a sub-cgroup for every controller, or per v1 controller" {
	[ -d "$CGROUP_MNT/pids" ] || skip "needs cgroup v1 hierarchies"
	run_detached "$CID"
	local d
	for d in $(cgroup_dirs "$CGROUPS_PATH"); do
		mkdir "$d/sub" "$d/other"
	done
	# a new v1 cpuset cgroup has no cpus or mems until given some
	local sub
	for sub in sub other; do
		cat "$CGROUP_MNT/cpuset$CGROUPS_PATH/cpuset.cpus" >"$CGROUP_MNT/cpuset$CGROUPS_PATH/$sub/cpuset.cpus"
		cat "$CGROUP_MNT/cpuset$CGROUPS_PATH/cpuset.mems" >"$CGROUP_MNT/cpuset$CGROUPS_PATH/$sub/cpuset.mems"
	done
	myrunc exec --cgroup sub "$CID" cat /proc/self/cgroup
	assert_status 0
	[[ "$output" == *":pids:$CGROUPS_PATH/sub"* && "$output" == *":memory:$CGROUPS_PATH/sub"* ]] ||
		fail "not in sub: $output"
	myrunc exec --cgroup pids:other --cgroup cpu,cpuacct:sub "$CID" cat /proc/self/cgroup
	assert_status 0
	[[ "$output" == *":pids:$CGROUPS_PATH/other"* ]] || fail "pids: $output"
	[[ "$output" == *":cpu:$CGROUPS_PATH/sub"* || "$output" == *":cpu,cpuacct:$CGROUPS_PATH/sub"* ]] || fail "cpu: $output"
	[[ "$output" == *":memory:$CGROUPS_PATH"$'\n'* ]] || fail "memory should be the container's own: $output"
	myrunc exec --cgroup missing "$CID" true
	assert_error
	assert_output_contains "the sub-cgroup missing does not exist"
	myrunc exec --cgroup ../escape "$CID" true
	assert_error
	assert_output_contains "give a path inside the container's cgroup"
	myrunc exec --cgroup nosuchctl:sub "$CID" true
	assert_error
	assert_output_contains "no cgroup v1 controller" nosuchctl
}

# start_pidfd_kill SIGNAL-NUMBER: a --pidfd-socket receiver that signals
# every process it gets a pidfd for
start_pidfd_kill() {
	PIDFD_SOCK="$TEST_DIR/pidfd.sock"
	python3 "$BATS_TEST_DIRNAME/bin/pidfd_kill.py" "$PIDFD_SOCK" "$1" "$TEST_DIR/pidfd.out" 3>&- &
	on_teardown "kill $!"
	retry 5 test -S "$PIDFD_SOCK"
}

@test "--pidfd-socket for create, run and exec" {
	start_pidfd_kill 9
	create_container "$CID" --pidfd-socket "$PIDFD_SOCK" --pid-file "$TEST_DIR/init.pid"
	wait_for_status "$CID" stopped
	grep -qx "pidfd $(cat "$TEST_DIR/init.pid")" "$TEST_DIR/pidfd.out" ||
		fail "received: $(cat "$TEST_DIR/pidfd.out")"

	fresh_cgroup
	run_detached "$CID2" --pidfd-socket "$PIDFD_SOCK"
	wait_for_status "$CID2" stopped

	fresh_cgroup
	run_detached "$CID3"
	myrunc_detached exec -d --pid-file "$TEST_DIR/exec.pid" --pidfd-socket "$PIDFD_SOCK" "$CID3" sleep 100
	assert_status 0
	wait_for_exit "$(cat "$TEST_DIR/exec.pid")"
	[ "$(container_status "$CID3")" = running ]
	[ "$(grep -c '^pidfd [0-9]' "$TEST_DIR/pidfd.out")" -eq 3 ] || fail "received: $(cat "$TEST_DIR/pidfd.out")"

	# nobody listening: create fails and leaves nothing
	fresh_cgroup
	myrunc_detached create --bundle "$BUNDLE" --pidfd-socket "$TEST_DIR/nobody.sock" "$CID-x"
	assert_error
	assert_output_contains "--pidfd-socket: connect to $TEST_DIR/nobody.sock"
	[ ! -d "$ROOT/$CID-x" ]
}
