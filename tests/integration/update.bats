#!/usr/bin/env bats
# update: resource limits of a live container, from flags and from
# --resources JSON (a file or stdin, as containerd and Docker send it).

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# cg CONTROLLER FILE: contents of FILE in the container's cgroup
cg() {
	cat "$CGROUP_MNT/$1$CGROUPS_PATH/$2"
}

# saved_resources: linux.resources of the spec copy in the state dir
saved_resources() {
	jq -c '.linux.resources' "$ROOT/$CID/config.json"
}

@test "update --memory changes memory.limit_in_bytes" {
	run_detached "$CID"
	myrunc -0 update --memory 64m "$CID"
	[ "$(cg memory memory.limit_in_bytes)" = 67108864 ]
	# plain bytes, and a suffix with a unit
	myrunc -0 update --memory 100663296 "$CID"
	[ "$(cg memory memory.limit_in_bytes)" = 100663296 ]
	myrunc -0 update --memory 128MiB "$CID"
	[ "$(cg memory memory.limit_in_bytes)" = 134217728 ]
	[ "$(saved_resources | jq '.memory.limit')" = 134217728 ]
}

@test "update --resources - reads linux.resources JSON from stdin" {
	run_detached "$CID"
	echo '{"cpu": {"quota": 20000, "period": 50000}, "pids": {"limit": 33}}' >"$TEST_DIR/res.json"
	myrunc -0 update --resources - "$CID" <"$TEST_DIR/res.json"
	[ "$(cg cpu cpu.cfs_quota_us)" = 20000 ]
	[ "$(cg cpu cpu.cfs_period_us)" = 50000 ]
	[ "$(cg pids pids.max)" = 33 ]
	local saved
	saved="$(saved_resources)"
	[ "$(jq -c '[.cpu.quota, .cpu.period, .pids.limit]' <<<"$saved")" = '[20000,50000,33]' ] || fail "$saved"
	# the devices rules of the spec copy survive an update
	[ "$(jq '.devices | length' <<<"$saved")" -gt 0 ] || fail "devices lost: $saved"
}

@test "update --resources - with what Docker sends: zeros leave a limit alone" {
	update_config '.linux.resources.cpu = {"shares": 300, "quota": 40000, "period": 100000}'
	run_detached "$CID"
	# docker update --memory 128m --memory-swap 256m
	echo '{"memory":{"limit":134217728,"reservation":0,"swap":268435456,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},"blockIO":{"weight":0}}' \
		>"$TEST_DIR/res.json"
	myrunc -0 update --resources - "$CID" <"$TEST_DIR/res.json"
	assert_output_not_contains kernel
	[ "$(cg memory memory.limit_in_bytes)" = 134217728 ]
	[ "$(cg memory memory.memsw.limit_in_bytes)" = 268435456 ]
	[ "$(cg cpu cpu.shares)" = 300 ]
	[ "$(cg cpu cpu.cfs_quota_us)" = 40000 ]
	[ "$(saved_resources | jq -c '.cpu')" = '{"shares":300,"quota":40000,"period":100000}' ]
}

@test "update --resources FILE, with flags overriding its fields" {
	run_detached "$CID"
	echo '{"memory": {"limit": 67108864}, "cpu": {"shares": 256}}' >"$TEST_DIR/res.json"
	myrunc -0 update --resources "$TEST_DIR/res.json" --cpu-share 512 --pids-limit 20 "$CID"
	[ "$(cg memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(cg cpu cpu.shares)" = 512 ]
	[ "$(cg pids pids.max)" = 20 ]
}

@test "update keeps earlier updates and the limits of create" {
	update_config '.linux.resources.pids = {"limit": 50} | .linux.resources.cpu = {"shares": 300}'
	run_detached "$CID"
	myrunc -0 update --memory 64m "$CID"
	myrunc -0 update --cpu-quota 30000 "$CID"
	local saved
	saved="$(saved_resources)"
	[ "$(jq -c '[.memory.limit, .cpu.quota, .cpu.shares, .pids.limit]' <<<"$saved")" = '[67108864,30000,300,50]' ] ||
		fail "$saved"
	[ "$(cg cpu cpu.cfs_quota_us)" = 30000 ]
	[ "$(cg pids pids.max)" = 50 ]
}

@test "update --memory with --memory-swap raises both in either order" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	run_detached "$CID"
	myrunc -0 update --memory 128m --memory-swap 256m "$CID"
	[ "$(cg memory memory.limit_in_bytes)" = 134217728 ]
	[ "$(cg memory memory.memsw.limit_in_bytes)" = 268435456 ]
	myrunc -0 update --memory 64m --memory-swap 64m "$CID"
	[ "$(cg memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(cg memory memory.memsw.limit_in_bytes)" = 67108864 ]
}

@test "update -1 removes a limit" {
	update_config '.linux.resources.pids = {"limit": 10} | .linux.resources.memory = {"limit": 67108864}'
	run_detached "$CID"
	[ "$(cg pids pids.max)" = 10 ]
	myrunc -0 update --pids-limit -1 --memory -1 "$CID"
	[ "$(cg pids pids.max)" = max ]
	[ "$(cg memory memory.limit_in_bytes)" -gt 1000000000000 ]
}

@test "pids.limit 0 is a limit of 0 (runtime-spec 1.3, runc 1.4), for create and update; -1 is max, absent leaves it" {
	update_config '.linux.resources.pids = {"limit": 0}'
	run_detached "$CID"
	[ "$(cg pids pids.max)" = 0 ]
	# a limit of 0 is felt: the exec'd shell cannot fork
	# (sh says "can't fork", or the exec itself fails: either way nonzero)
	myrunc exec "$CID" sh -c '/bin/true && echo forked'
	[ "$status" -ne 0 ] || fail "exec under pids.max 0 succeeded: $output"
	[[ "$output" != *forked* ]] || fail "forked under pids.max 0: $output"
	myrunc -0 update --pids-limit 5 "$CID"
	[ "$(cg pids pids.max)" = 5 ]
	myrunc -0 update --pids-limit 0 "$CID"
	[ "$(cg pids pids.max)" = 0 ]
	[ "$(saved_resources | jq '.pids.limit')" = 0 ]
	myrunc -0 update --pids-limit -1 "$CID"
	[ "$(cg pids pids.max)" = max ]
	echo '{"pids": {"limit": 0}}' | myrunc -0 update --resources - "$CID"
	[ "$(cg pids pids.max)" = 0 ]
	# no pids object, or one without a limit: pids.max stays
	echo '{"pids": {}, "cpu": {"shares": 600}}' | myrunc -0 update --resources - "$CID"
	[ "$(cg pids pids.max)" = 0 ]
	[ "$(cg cpu cpu.shares)" = 600 ]
}

@test "update of the cpu period and quota inside a pod cgroup with its own limit, shrinking and growing the period" {
	# a pod cgroup of half a cpu; the kernel refuses any single write
	# that takes the child's quota/period above the parent's ratio
	local pod
	pod="$(new_cgroup_path)"
	on_teardown "rmdir $CGROUP_MNT/*$pod 2>/dev/null; true"
	mkdir "$CGROUP_MNT/cpu$pod"
	echo 100000 >"$CGROUP_MNT/cpu$pod/cpu.cfs_period_us"
	echo 50000 >"$CGROUP_MNT/cpu$pod/cpu.cfs_quota_us"
	CGROUPS_PATH="$pod/ctr"
	update_config '.linux.cgroupsPath = $cg | .linux.resources.cpu = {"quota": 50000, "period": 100000}' --arg cg "$CGROUPS_PATH"
	run_detached "$CID"
	# period first would be 50000/50000: quota first
	myrunc -0 update --cpu-quota 25000 --cpu-period 50000 "$CID"
	[ "$(cg cpu cpu.cfs_period_us) $(cg cpu cpu.cfs_quota_us)" = "50000 25000" ]
	# quota first would be 100000/50000: period first
	myrunc -0 update --cpu-quota 100000 --cpu-period 200000 "$CID"
	[ "$(cg cpu cpu.cfs_period_us) $(cg cpu cpu.cfs_quota_us)" = "200000 100000" ]
	# the period alone, with the saved quota
	myrunc -0 update --cpu-period 400000 "$CID"
	[ "$(cg cpu cpu.cfs_period_us) $(cg cpu cpu.cfs_quota_us)" = "400000 100000" ]
	echo '{"cpu": {"quota": 10000, "period": 20000}}' | myrunc -0 update --resources - "$CID"
	[ "$(cg cpu cpu.cfs_period_us) $(cg cpu cpu.cfs_quota_us)" = "20000 10000" ]
	# over the pod's ratio is the kernel's refusal, and changes nothing
	myrunc update --cpu-quota 40000 --cpu-period 50000 "$CID"
	assert_error
	assert_output_contains cfs
	[ "$(cg cpu cpu.cfs_period_us) $(cg cpu cpu.cfs_quota_us)" = "20000 10000" ]
	[ "$(saved_resources | jq -c '[.cpu.quota, .cpu.period]')" = "[10000,20000]" ]
}

@test "update of a created and of a paused container" {
	create_container "$CID"
	myrunc -0 update --pids-limit 7 "$CID"
	[ "$(cg pids pids.max)" = 7 ]
	myrunc -0 start "$CID"
	[ "$(cg freezer freezer.state)" = THAWED ]
	echo FROZEN >"$CGROUP_MNT/freezer$CGROUPS_PATH/freezer.state"
	on_teardown "echo THAWED >$CGROUP_MNT/freezer$CGROUPS_PATH/freezer.state"
	retry 5 _frozen || fail "not frozen: $(cg freezer freezer.state)"
	myrunc -0 update --pids-limit 8 "$CID"
	[ "$(cg pids pids.max)" = 8 ]
	echo THAWED >"$CGROUP_MNT/freezer$CGROUPS_PATH/freezer.state"
}
_frozen() { [ "$(cg freezer freezer.state)" = FROZEN ]; }

@test "update of a stopped container fails" {
	update_config '.process.args = ["true"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc update --memory 64m "$CID"
	assert_error
	assert_output_contains "container not running"
}

@test "update of an unknown container fails with 'does not exist'" {
	myrunc update --memory 64m "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
}

@test "update with a bad value fails and changes nothing" {
	update_config '.linux.resources.memory = {"limit": 67108864}'
	run_detached "$CID"
	local v
	for v in --memory=lots --memory=-5 --cpu-quota=x --pids-limit=1.5 --cpuset-cpus=0-x --blkio-weight=5; do
		myrunc update "$v" "$CID"
		assert_error
		assert_output_contains "${v%%=*}"
	done
	echo '{"memory": ' >"$TEST_DIR/bad.json"
	myrunc update --resources "$TEST_DIR/bad.json" "$CID"
	assert_error
	assert_output_contains "--resources"
	[ "$(cg memory memory.limit_in_bytes)" = 67108864 ]
	[ "$(saved_resources | jq '.memory.limit')" = 67108864 ]
}

@test "update of a resource the host lacks names it" {
	run_detached "$CID"
	[ ! -e "$CGROUP_MNT/blkio$CGROUPS_PATH/blkio.leaf_weight" ] || skip "this host has blkio leaf weights (CFQ)"
	echo '{"blockIO": {"leafWeight": 500}}' >"$TEST_DIR/res.json"
	myrunc update --resources "$TEST_DIR/res.json" "$CID"
	assert_error
	assert_output_contains blockIO.leafWeight blkio.leaf_weight
	[ "$(saved_resources | jq '.blockIO')" = null ]
}

@test "update --kernel-memory is ignored with a warning" {
	run_detached "$CID"
	myrunc -0 update --kernel-memory 64m --memory 64m "$CID"
	assert_output_contains "kernel-memory"
	[ "$(cg memory memory.limit_in_bytes)" = 67108864 ]
}

@test "update --cpuset-cpus and --cpu-shares" {
	run_detached "$CID"
	myrunc -0 update --cpuset-cpus 0 --cpu-shares 700 "$CID"
	[ "$(cg cpuset cpuset.cpus)" = 0 ]
	[ "$(cg cpu cpu.shares)" = 700 ]
}

@test "update of hugepage limits without a hugetlb controller warns and goes on" {
	[ ! -d "$CGROUP_MNT/hugetlb" ] || skip "this host has a v1 hugetlb controller"
	run_detached "$CID"
	echo '{"hugepageLimits": [{"pageSize": "2MB", "limit": 0}], "pids": {"limit": 12}}' >"$TEST_DIR/res.json"
	myrunc -0 update --resources "$TEST_DIR/res.json" "$CID"
	assert_output_contains "hugepageLimits for 2MB ignored"
	[ "$(cg pids pids.max)" = 12 ]
	[ "$(saved_resources | jq '.hugepageLimits')" = null ]
}

# as create refuses it (cgroups.bats): a limit asked for is never dropped
@test "update of a non-zero hugepage limit without a hugetlb controller is refused, and changes nothing" {
	[ ! -d "$CGROUP_MNT/hugetlb" ] || skip "this host has a v1 hugetlb controller"
	run_detached "$CID"
	echo '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}], "pids": {"limit": 12}}' >"$TEST_DIR/res.json"
	myrunc update --resources "$TEST_DIR/res.json" "$CID"
	assert_error
	assert_output_contains hugepageLimits 2MB hugetlb
	[ "$(cg pids pids.max)" != 12 ] || fail "the rest of the update was applied"
	[ "$(saved_resources | jq '.hugepageLimits')" = null ]
	[ "$(saved_resources | jq '.pids.limit')" != 12 ]
}
