#!/usr/bin/env bats
# A container without a pid namespace of its own: its processes outlive
# its init, and kill --all, SIGKILL and delete --force reach them all.

load helpers

setup() {
	setup_test
	setup_bundle
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
}
teardown() { teardown_test; }

# cg_procs: the processes in the container's cgroup
cg_procs() {
	cat "$CGROUP_MNT/pids$CGROUPS_PATH/cgroup.procs" 2>/dev/null
}

# start_orphans: the init starts two sleeps and exits
start_orphans() {
	update_config '.process.args = ["sh", "-c", "sleep 100 & sleep 100 & echo started; sleep 0.3"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	[ "$(cg_procs | wc -l)" -eq 2 ] || fail "expected two processes left: $(cg_procs)"
}

@test "shared pid namespace: kill --all reaches the processes left after the init is gone" {
	start_orphans
	myrunc kill --all "$CID" KILL
	assert_status 0
	retry 5 test -z "$(cg_procs)" || fail "left: $(cg_procs)"
	# nothing left: now it is not running
	myrunc kill --all "$CID" KILL
	assert_error
	assert_output_contains "container not running"
	myrunc delete "$CID"
	assert_status 0
}

@test "shared pid namespace: SIGKILL without --all kills every process, as runc does" {
	update_config '.process.args = ["sh", "-c", "sleep 100 & sleep 100 & exec sleep 100"]'
	run_detached "$CID"
	retry 5 test "$(cg_procs | wc -l)" -eq 3
	myrunc kill "$CID" KILL
	assert_status 0
	retry 5 test -z "$(cg_procs)" || fail "left: $(cg_procs)"
}

@test "shared pid namespace: delete --force kills every process, forking ones too, with the init gone" {
	update_config '.process.args = ["sh", "-c", "(while :; do sleep 0.01 & sleep 0.01; done) & sleep 0.3"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	[ -n "$(cg_procs)" ] || fail "no process left"
	myrunc delete --force "$CID"
	assert_status 0
	assert_nothing_left
}
