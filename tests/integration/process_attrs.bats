#!/usr/bin/env bats
# runtime-spec 1.2/1.3 process attributes: personality, scheduler, I/O
# priority, exec CPU affinity, NUMA memory policy; Intel RDT's absence.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "linux.personality LINUX32: uname -m says i686, for exec'd processes too" {
	[ "$(uname -m)" = x86_64 ] || skip "needs x86_64"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	run_detached "$CID"
	myrunc exec "$CID" uname -m
	assert_status 0
	[ "$output" = i686 ] || fail "uname -m: $output"
	fresh_cgroup
	update_config '.process.args = ["uname", "-m"]'
	run_fg "$CID2"
	assert_status 0
	[ "$output" = i686 ]
}

# stat_field N: field N of the process's /proc/self/stat (after the comm)
@test "process.scheduler: sched_setattr with policy and nice" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}
		| .process.args = ["sh", "-c", "cut -d\" \" -f19,41 /proc/self/stat"]'
	run_fg "$CID"
	assert_status 0
	# nice 7, policy 3 (SCHED_BATCH)
	[ "$output" = "7 3" ] || fail "nice and policy: $output"
	update_config '.process.scheduler = {"policy": "SCHED_BOGUS"}'
	myrunc run --bundle "$BUNDLE" "$CID2"
	assert_error
	assert_output_contains "SCHED_BOGUS"
}

@test "process.ioPriority: ioprio_set for the container's process" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}
		| .process.args = ["ionice", "-p", "1"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "best-effort: prio 6"
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}
		| .process.args = ["sleep", "100"]'
	fresh_cgroup
	run_detached "$CID2"
	myrunc exec "$CID2" ionice -p 1
	assert_output_contains "idle"
}

@test "process.execCPUAffinity: the final affinity of an exec'd process; the init is not pinned as the runtime is" {
	[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
	update_config '.process.args = ["sleep", "100"]'
	# the runtime pinned to CPU 0: the container's init is reset to all
	taskset -c 0 "$MYRUNC" --root "$ROOT" run -d --bundle "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/out" 2>&1 3>&- ||
		fail "run under taskset: $(cat "$TEST_DIR/out")"
	myrunc exec "$CID" grep Cpus_allowed_list /proc/1/status
	[[ "$output" == *"0-"* ]] || fail "the init inherited the runtime's pinning: $output"
	jq '.process | .args = ["grep", "Cpus_allowed_list", "/proc/self/status"]
		| .execCPUAffinity = {"initial": "0", "final": "1"}' "$BUNDLE/config.json" >"$TEST_DIR/process.json"
	myrunc exec --process "$TEST_DIR/process.json" "$CID"
	assert_status 0
	assert_output_contains "Cpus_allowed_list:	1"
	jq '.execCPUAffinity = {"final": "0-x"}' "$TEST_DIR/process.json" >"$TEST_DIR/bad.json"
	myrunc exec --process "$TEST_DIR/bad.json" "$CID"
	assert_error
	assert_output_contains "process.execCPUAffinity.final"
}

@test "linux.memoryPolicy: set_mempolicy with its mode, nodes and flags; errors name the field" {
	[ -e /proc/self/numa_maps ] || skip "no NUMA support in this kernel"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}
		| .process.args = ["sh", "-c", "head -1 /proc/self/numa_maps"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "bind=static:0"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0"}'
	run_fg "$CID"
	assert_output_contains "interleave:0"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "63"}'
	myrunc run --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "linux.memoryPolicy: set_mempolicy(MPOL_BIND, nodes" 63 "invalid argument"
	update_config '.linux.memoryPolicy = {"mode": "MPOL_NONSENSE"}'
	myrunc run --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "MPOL_NONSENSE"
	myrunc features
	jq -e '.linux.memoryPolicy.modes | index("MPOL_BIND")' <<<"$output" >/dev/null
}

@test "linux.intelRdt without resctrl is a clear error, and features says it is not there" {
	update_config '.linux.intelRdt = {"closID": "test"}'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "linux.intelRdt:"
	assert_nothing_left
	myrunc features
	[ "$(jq -r .linux.intelRdt.enabled <<<"$output")" = false ]
}
