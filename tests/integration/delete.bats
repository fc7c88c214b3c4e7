#!/usr/bin/env bats
# delete: removes state, cgroups and mounts; --force kills first.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "delete of a running container without --force fails with 'cannot delete'" {
	run_detached "$CID"
	myrunc delete "$CID"
	assert_error
	assert_output_contains "cannot delete"
	[ "$(container_status "$CID")" = running ]
	kill -0 "$(container_pid "$CID")"
}

@test "delete --force of a running container kills and removes it" {
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	myrunc -0 delete --force "$CID"
	wait_for_exit "$pid"
	myrunc state "$CID"
	assert_output_contains "does not exist"
	assert_nothing_left
}

@test "delete -f is --force" {
	run_detached "$CID"
	myrunc -0 delete -f "$CID"
	assert_nothing_left
}

@test "delete --force of a created container removes it" {
	create_container "$CID"
	local pid
	pid="$(container_pid "$CID")"
	myrunc -0 delete -f "$CID"
	wait_for_exit "$pid"
	assert_nothing_left
}

@test "delete of a stopped container removes it" {
	update_config '.process.args = ["true"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc -0 delete "$CID"
	assert_nothing_left
}

@test "delete removes the state dir, every cgroup dir and every mount" {
	run_detached "$CID"
	[ -d "$ROOT/$CID" ] || fail "no state dir $ROOT/$CID: $(root_entries)"
	local ctl dirs=0
	for ctl in cpu cpuacct cpuset memory devices freezer blkio pids; do
		[ -d "$CGROUP_MNT/$ctl$CGROUPS_PATH" ] && dirs=$((dirs + 1))
	done
	[ "$dirs" -gt 0 ] || fail "container has no cgroup dirs"
	myrunc -0 delete -f "$CID"
	[ ! -e "$ROOT/$CID" ]
	[ -z "$(cgroup_dirs "$CGROUPS_PATH")" ] || fail "cgroup left: $(cgroup_dirs "$CGROUPS_PATH")"
	! grep -qF "$BUNDLE" /proc/self/mountinfo || fail "mounts left: $(grep -F "$BUNDLE" /proc/self/mountinfo)"
}

@test "delete of an unknown container fails with 'does not exist'" {
	myrunc delete "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
}

@test "delete --force of an unknown container succeeds" {
	myrunc -0 delete --force "${ID_BASE}-nope"
	myrunc -0 delete -f "${ID_BASE}-nope"
}

@test "delete twice: the second fails with 'does not exist'" {
	update_config '.process.args = ["true"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc -0 delete "$CID"
	myrunc delete "$CID"
	assert_error
	assert_output_contains "does not exist"
}

@test "delete --force kills every process when the container has no pid namespace" {
	update_config '.linux.namespaces -= [{"type": "pid"}]
		| .process.args = ["sh", "-c", "sleep 100 & sleep 100 & echo ready >/ready; wait"]'
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
	local procs p
	procs="$(cat "$CGROUP_MNT/pids$CGROUPS_PATH/cgroup.procs")"
	myrunc -0 delete -f "$CID"
	for p in $procs; do wait_for_exit "$p"; done
	assert_nothing_left
}

@test "delete leaves other containers alone" {
	run_detached "$CID"
	fresh_cgroup
	run_detached "$CID2"
	myrunc -0 delete -f "$CID"
	[ "$(container_status "$CID2")" = running ]
	[ -d "$CGROUP_MNT/pids$CGROUPS_PATH" ]
	[ "$(root_entries)" = "$CID2" ]
}

@test "a container id can be reused after delete" {
	run_detached "$CID"
	myrunc -0 delete -f "$CID"
	run_detached "$CID"
	wait_for_status "$CID" running
}
