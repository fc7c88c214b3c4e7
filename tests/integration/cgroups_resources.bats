#!/usr/bin/env bats
# linux.resources on this v1 host, field by field: each one the host has
# is read back from its cgroup file; each one it lacks is a clear error
# naming it, only when asked for. tests/cgroup-resources.md has the table.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# shellcheck disable=SC2016 # for the container's sh
MEMORY_HOG='a=0123456789; while :; do a=$a$a; done'

# cg CONTROLLER FILE: contents of FILE in the container's cgroup
cg() {
	cat "$CGROUP_MNT/$1$CGROUPS_PATH/$2"
}

# host_has CONTROLLER FILE: a fresh cgroup of CONTROLLER has FILE (some,
# like BFQ's, exist only below the root)
host_has() {
	local d="$CGROUP_MNT/$1/myrunc-probe-$(rand_hex 8)"
	mkdir "$d" || return 1
	local rc=0
	[ -e "$d/$2" ] || rc=1
	rmdir "$d"
	return $rc
}

# refused_clearly WORD...: create of $BUNDLE (as $CID3, in a fresh
# cgroup) fails naming each WORD and leaves neither state nor cgroup
refused_clearly() {
	fresh_cgroup
	myrunc create --bundle "$BUNDLE" "$CID3"
	assert_error
	assert_output_contains "$@"
	[ ! -e "$ROOT/$CID3" ] || fail "state left: $ROOT/$CID3"
	[ -z "$(cgroup_dirs "$CGROUPS_PATH")" ] || fail "cgroup left: $(cgroup_dirs "$CGROUPS_PATH")"
}

# update_json ID JSON: update --resources - with JSON on stdin
update_json() {
	echo "$2" >"$TEST_DIR/res.json"
	myrunc update --resources - "$1" <"$TEST_DIR/res.json"
}

# loop_device: attach a 64 MiB file to a free loop device, detached in
# teardown; sets LOOP (/dev/loopN) and LOOP_MAJ / LOOP_MIN
loop_device() {
	command -v losetup >/dev/null || skip "no losetup"
	truncate -s 64M "$TEST_DIR/disk.img"
	LOOP="$(losetup --find --show "$TEST_DIR/disk.img")" || skip "no free loop device"
	on_teardown "losetup -d $LOOP"
	local dev
	dev="$(cat "/sys/block/${LOOP#/dev/}/dev")"
	LOOP_MAJ="${dev%:*}"
	LOOP_MIN="${dev#*:}"
}

@test "memory.swappiness sets memory.swappiness, and update changes it" {
	update_config '.linux.resources.memory = {"swappiness": 10}'
	run_detached "$CID"
	[ "$(cg memory memory.swappiness)" = 10 ]
	update_json "$CID" '{"memory": {"swappiness": 33}}'
	assert_status 0
	[ "$(cg memory memory.swappiness)" = 33 ]
}

@test "memory.disableOOMKiller: oom_kill_disable 1; a process over the limit waits instead of dying" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432, "disableOOMKiller": true}'
	run_detached "$CID"
	grep -qx 'oom_kill_disable 1' "$CGROUP_MNT/memory$CGROUPS_PATH/memory.oom_control" ||
		fail "$(cg memory memory.oom_control)"
	# a controlled OOM: a shell doubling a string faults in memory past the
	# limit and is not killed but waits (under_oom 1); delete --force's
	# SIGKILL ends it (the wait is killable), the teardown checks nothing is
	# left. (tail /dev/zero would not do: its reads fail with EFAULT.)
	myrunc_detached exec -d "$CID" sh -c "$MEMORY_HOG"
	[ "$status" -eq 0 ] || fail "$output"
	retry 10 grep -qx 'under_oom 1' "$CGROUP_MNT/memory$CGROUPS_PATH/memory.oom_control" ||
		fail "never under OOM: $(cg memory memory.oom_control)"
	grep -qx 'oom_kill 0' "$CGROUP_MNT/memory$CGROUPS_PATH/memory.oom_control" ||
		fail "something was OOM-killed: $(cg memory memory.oom_control)"
	[ "$(grep -c . "$CGROUP_MNT/memory$CGROUPS_PATH/cgroup.procs")" -eq 2 ]
	myrunc -0 delete --force "$CID"
	assert_nothing_left
}

@test "memory.useHierarchy true sets memory.use_hierarchy 1; false is an error where the kernel fixes it to 1" {
	update_config '.linux.resources.memory = {"useHierarchy": true}'
	run_detached "$CID"
	[ "$(cg memory memory.use_hierarchy)" = 1 ]
	update_config '.linux.resources.memory = {"useHierarchy": false}'
	local d="$CGROUP_MNT/memory/myrunc-probe-$(rand_hex 8)" fixed=0
	mkdir "$d"
	echo 0 >"$d/memory.use_hierarchy" 2>/dev/null || fixed=1
	rmdir "$d"
	if [ "$fixed" = 1 ]; then
		refused_clearly memory.useHierarchy "fixed to 1"
	else
		fresh_cgroup
		run_detached "$CID2"
		[ "$(cg memory memory.use_hierarchy)" = 0 ]
	fi
}

@test "memory.checkBeforeUpdate: update refuses a limit below the usage and keeps the old one" {
	# 40 MiB of page cache: the kernel could reclaim it, so only the check
	# refuses; without checkBeforeUpdate the same update succeeds
	update_config '.linux.resources.memory = {"limit": 268435456, "checkBeforeUpdate": true}
		| .process.args = ["sh", "-c", "dd if=/dev/zero of=/tmp/big bs=1M count=40 2>/dev/null; echo ready >/ready; sleep 100"]'
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
	[ "$(cg memory memory.usage_in_bytes)" -gt 16777216 ] || fail "usage: $(cg memory memory.usage_in_bytes)"
	myrunc update --memory 16m "$CID"
	assert_error
	assert_output_contains "below the container's memory usage" checkBeforeUpdate "limit was not changed"
	[ "$(cg memory memory.limit_in_bytes)" = 268435456 ]
	[ "$(jq '.linux.resources.memory.limit' "$ROOT/$CID/config.json")" = 268435456 ]
	# a limit above the usage passes the check
	myrunc -0 update --memory 128m "$CID"
	[ "$(cg memory memory.limit_in_bytes)" = 134217728 ]

	# the same usage without the flag: the kernel reclaims, the update works
	update_config '.linux.resources.memory = {"limit": 268435456}'
	fresh_cgroup
	local cg2="$CGROUPS_PATH"
	rm -f "$BUNDLE/rootfs/ready"
	run_detached "$CID2"
	wait_for_file "$BUNDLE/rootfs/ready"
	myrunc -0 update --memory 16m "$CID2"
	[ "$(cat "$CGROUP_MNT/memory$cg2/memory.limit_in_bytes")" = 16777216 ]

	# asked for in the update request itself
	update_json "$CID2" '{"memory": {"limit": 8388608, "checkBeforeUpdate": true}}'
	assert_error
	assert_output_contains "below the container's memory usage"
	[ "$(cat "$CGROUP_MNT/memory$cg2/memory.limit_in_bytes")" = 16777216 ]
}

# Each resource the kernel may lack has two tests, one per branch: the
# value read back where the host has the file, a clear refusal where it
# does not. The one that cannot run here skips, saying why, so the TAP
# output shows which branch this host tested.

# needs CONTROLLER FILE: skip unless the host has FILE
needs() {
	host_has "$1" "$2" || skip "this kernel has no $1 $2: the refusal test covers it"
}

# lacks CONTROLLER FILE...: skip if the host has any FILE
lacks() {
	local c="$1" f
	shift
	for f in "$@"; do
		! host_has "$c" "$f" || skip "this kernel has $c $f: nothing to refuse (the read-back test covers it)"
	done
}

@test "cpu.burst sets cpu.cfs_burst_us, and update --cpu-burst changes it" {
	needs cpu cpu.cfs_burst_us
	update_config '.linux.resources.cpu = {"quota": 50000, "period": 100000, "burst": 20000}'
	run_detached "$CID"
	[ "$(cg cpu cpu.cfs_burst_us)" = 20000 ]
	myrunc -0 update --cpu-burst 10000 "$CID"
	[ "$(cg cpu cpu.cfs_burst_us)" = 10000 ]
	[ "$(jq '.linux.resources.cpu.burst' "$ROOT/$CID/config.json")" = 10000 ]
	# a quota below the current burst, with a lower burst in the same update
	myrunc -0 update --cpu-quota 8000 --cpu-burst 5000 "$CID"
	[ "$(cg cpu cpu.cfs_quota_us)" = 8000 ]
	[ "$(cg cpu cpu.cfs_burst_us)" = 5000 ]
}

@test "cpu.burst without cpu.cfs_burst_us in the kernel: refused, naming both" {
	lacks cpu cpu.cfs_burst_us
	update_config '.linux.resources.cpu = {"quota": 50000, "period": 100000, "burst": 20000}'
	refused_clearly cpu.burst cpu.cfs_burst_us
}

@test "cpu.idle sets cpu.idle, and update --cpu-idle changes it" {
	needs cpu cpu.idle
	update_config '.linux.resources.cpu = {"idle": 1}'
	run_detached "$CID"
	[ "$(cg cpu cpu.idle)" = 1 ]
	myrunc -0 update --cpu-idle 0 "$CID"
	[ "$(cg cpu cpu.idle)" = 0 ]
}

@test "cpu.idle without cpu.idle in the kernel: refused, naming it" {
	lacks cpu cpu.idle
	update_config '.linux.resources.cpu = {"idle": 1}'
	refused_clearly cpu.idle
}

@test "cpu.realtimeRuntime/Period set cpu.rt_runtime_us and cpu.rt_period_us (CONFIG_RT_GROUP_SCHED)" {
	needs cpu cpu.rt_runtime_us
	update_config '.linux.resources.cpu = {"realtimePeriod": 1000000, "realtimeRuntime": 10000}'
	run_detached "$CID"
	[ "$(cg cpu cpu.rt_period_us)" = 1000000 ]
	[ "$(cg cpu cpu.rt_runtime_us)" = 10000 ]
	myrunc -0 update --cpu-rt-runtime 20000 "$CID"
	[ "$(cg cpu cpu.rt_runtime_us)" = 20000 ]
}

@test "update of the rt period and runtime, flags and resources JSON, in either direction (CONFIG_RT_GROUP_SCHED)" {
	host_has cpu cpu.rt_runtime_us || skip "this kernel has no RT group scheduling (no cpu.rt_runtime_us): the update path is not reachable"
	update_config '.linux.resources.cpu = {"realtimePeriod": 1000000, "realtimeRuntime": 100000}'
	run_detached "$CID"
	# a period below the current runtime: the runtime must go first
	myrunc -0 update --cpu-rt-period 50000 --cpu-rt-runtime 5000 "$CID"
	[ "$(cg cpu cpu.rt_period_us) $(cg cpu cpu.rt_runtime_us)" = "50000 5000" ]
	# a runtime above the current period: the period must go first
	echo '{"cpu": {"realtimePeriod": 1000000, "realtimeRuntime": 200000}}' | myrunc -0 update --resources - "$CID"
	[ "$(cg cpu cpu.rt_period_us) $(cg cpu cpu.rt_runtime_us)" = "1000000 200000" ]
	# the period alone keeps the runtime
	myrunc -0 update --cpu-rt-period 800000 "$CID"
	[ "$(cg cpu cpu.rt_period_us) $(cg cpu cpu.rt_runtime_us)" = "800000 200000" ]
	[ "$(jq -c '.linux.resources.cpu | [.realtimePeriod, .realtimeRuntime]' "$ROOT/$CID/config.json")" = "[800000,200000]" ]
}

@test "cpu.realtimeRuntime without CONFIG_RT_GROUP_SCHED: refused, naming it" {
	lacks cpu cpu.rt_runtime_us
	update_config '.linux.resources.cpu = {"realtimePeriod": 1000000, "realtimeRuntime": 10000}'
	refused_clearly cpu.realtimeRuntime
}

# blkio_weight_file: CFQ's blkio.weight or BFQ's blkio.bfq.weight
blkio_weight_file() {
	if host_has blkio blkio.weight; then echo blkio.weight; else echo blkio.bfq.weight; fi
}

@test "blockIO.weight sets blkio.bfq.weight (or CFQ's blkio.weight); --blkio-weight updates it" {
	local f
	f="$(blkio_weight_file)"
	needs blkio "$f"
	update_config '.linux.resources.blockIO = {"weight": 300}'
	run_detached "$CID"
	[ "$(cg blkio "$f" | sed 's/^default //')" = 300 ]
	myrunc -0 update --blkio-weight 700 "$CID"
	[ "$(cg blkio "$f" | sed 's/^default //')" = 700 ]
}

@test "blockIO.weight without CFQ or BFQ in the kernel: refused, naming it" {
	lacks blkio blkio.weight blkio.bfq.weight
	update_config '.linux.resources.blockIO = {"weight": 300}'
	refused_clearly blockIO.weight
}

@test "blockIO.leafWeight sets blkio.leaf_weight (CFQ)" {
	needs blkio blkio.leaf_weight
	update_config '.linux.resources.blockIO = {"leafWeight": 300}'
	run_detached "$CID"
	[ "$(cg blkio blkio.leaf_weight)" = 300 ]
}

@test "blockIO.leafWeight without blkio.leaf_weight (BFQ or no CFQ): refused, naming it" {
	lacks blkio blkio.leaf_weight
	update_config '.linux.resources.blockIO = {"leafWeight": 300}'
	refused_clearly blockIO.leafWeight blkio.leaf_weight
	update_config '.linux.resources.blockIO = {"weightDevice": [{"major": 7, "minor": 0, "leafWeight": 300}]}'
	refused_clearly blockIO.weightDevice.leafWeight
}

@test "blockIO.weightDevice on a BFQ device sets blkio.bfq.weight_device; a device without BFQ is a clear error" {
	host_has blkio blkio.bfq.weight_device || skip "no BFQ weights in this kernel"
	loop_device
	local sched="/sys/block/${LOOP#/dev/}/queue/scheduler"
	update_config '.linux.resources.blockIO = {"weightDevice": [{"major": $maj, "minor": $min, "weight": 200}]}' \
		--argjson maj "$LOOP_MAJ" --argjson min "$LOOP_MIN"
	# the loop device starts without an I/O scheduler
	echo none >"$sched"
	refused_clearly "blockIO.weightDevice $LOOP_MAJ:$LOOP_MIN" BFQ
	echo bfq >"$sched" || skip "cannot select bfq for $LOOP"
	fresh_cgroup
	run_detached "$CID"
	grep -qx "$LOOP_MAJ:$LOOP_MIN 200" <<<"$(cg blkio blkio.bfq.weight_device)" ||
		fail "$(cg blkio blkio.bfq.weight_device)"
}

@test "blockIO throttle read/write bps/iops set blkio.throttle.* for a real device" {
	loop_device
	update_config '.linux.resources.blockIO = {
		"throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
		"throttleWriteBpsDevice": [{"major": $maj, "minor": $min, "rate": 2097152}],
		"throttleReadIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}],
		"throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 200}]}' \
		--argjson maj "$LOOP_MAJ" --argjson min "$LOOP_MIN"
	run_detached "$CID"
	local dev="$LOOP_MAJ:$LOOP_MIN"
	[ "$(cg blkio blkio.throttle.read_bps_device)" = "$dev 1048576" ]
	[ "$(cg blkio blkio.throttle.write_bps_device)" = "$dev 2097152" ]
	[ "$(cg blkio blkio.throttle.read_iops_device)" = "$dev 100" ]
	[ "$(cg blkio blkio.throttle.write_iops_device)" = "$dev 200" ]
	# the limit holds: reading the device directly is throttled to 1 MiB/s
	update_config '.linux.devices = [{"path": "/dev/lp", "type": "b", "major": $maj, "minor": $min, "fileMode": 384}]
		| .linux.resources.devices += [{"allow": true, "type": "b", "major": $maj, "minor": $min, "access": "r"}]
		| .process.args = ["sh", "-c", "time dd if=/dev/lp of=/dev/null bs=1M count=3 iflag=direct 2>&1"]' \
		--argjson maj "$LOOP_MAJ" --argjson min "$LOOP_MIN"
	fresh_cgroup
	run_fg "$CID2"
	assert_status 0
	local secs
	secs="$(sed -n 's/^real[[:space:]]*\([0-9]*\)m \([0-9.]*\)s$/\1 \2/p' <<<"$output" | awk '{print $1*60+$2}')"
	[ -n "$secs" ] || fail "no time in: $output"
	awk -v s="$secs" 'BEGIN { exit !(s >= 1.5) }' || fail "3 MiB at 1 MiB/s took ${secs}s: $output"
}

@test "blockIO throttle for a device that does not exist is a clear error" {
	update_config '.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": 250, "minor": 250, "rate": 1048576}]}'
	refused_clearly blockIO.throttleReadBpsDevice "250:250 is not a block device"
}

@test "memory.reservation sets memory.soft_limit_in_bytes; kernelTCP sets memory.kmem.tcp.limit_in_bytes" {
	update_config '.linux.resources.memory = {"limit": 134217728, "reservation": 33554432, "kernelTCP": 16777216}'
	run_detached "$CID"
	[ "$(cg memory memory.soft_limit_in_bytes)" = 33554432 ]
	[ "$(cg memory memory.kmem.tcp.limit_in_bytes)" = 16777216 ]
	myrunc -0 update --memory-reservation 16m --kernel-memory-tcp 8m "$CID"
	[ "$(cg memory memory.soft_limit_in_bytes)" = 16777216 ]
	[ "$(cg memory memory.kmem.tcp.limit_in_bytes)" = 8388608 ]
}

@test "network classID/priorities and rdma: clear errors naming the controller this host lacks; zero values pass" {
	local want
	for want in net_cls net_prio rdma; do
		! hasv1_dir "$want" || skip "this host has $want"
	done
	update_config '.linux.resources.network = {"classID": 0} | .process.args = ["true"]'
	run_fg "$CID"
	assert_status 0
	update_config '.linux.resources.network = {"classID": 42}'
	refused_clearly network.classID net_cls
	update_config '.linux.resources.network = {"priorities": [{"name": "eth0", "priority": 1}]}'
	refused_clearly network.priorities net_prio
	update_config 'del(.linux.resources.network) | .linux.resources.rdma = {"mlx5_0": {"hcaHandles": 2, "hcaObjects": 10}}'
	refused_clearly rdma
}
hasv1_dir() { ls -d "$CGROUP_MNT"/*"$1"* >/dev/null 2>&1; }

@test "unified on this hybrid host: written to the cgroup2 hierarchy; a key it has no file for is a clear error" {
	[ -e "$CGROUP_MNT/unified/cgroup.controllers" ] || skip "not a hybrid host"
	update_config '.linux.resources.unified = {"cgroup.max.descendants": "5"}'
	run_detached "$CID"
	[ "$(cat "$CGROUP_MNT/unified$CGROUPS_PATH/cgroup.max.descendants")" = 5 ]
	update_config '.linux.resources.unified = {"memory.high": "50000000"}'
	refused_clearly unified memory.high "cgroup2 hierarchy"
	echo '{"unified": {"memory.high": "50000000"}}' >"$TEST_DIR/res.json"
	myrunc update --resources "$TEST_DIR/res.json" "$CID"
	assert_error
	assert_output_contains memory.high
}

@test "memory.kernel is ignored with a warning (obsolete; the kernel ignores the limit)" {
	update_config '.linux.resources.memory = {"kernel": 67108864}'
	run_detached "$CID"
	assert_output_contains "memory.kernel ignored"
}

@test "cpu.mems sets cpuset.mems, and update --cpuset-mems changes it" {
	local other
	other="$(tr ',-' '\n\n' <"$CGROUP_MNT/cpuset/cpuset.mems" | tail -1)"
	# with one node, an update could only write the value already there
	[ "$other" != 0 ] || skip "this host has one memory node: no other value to update to (the next test updates to a missing one)"
	update_config '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
	run_detached "$CID"
	[ "$(cg cpuset cpuset.mems)" = 0 ]
	myrunc -0 update --cpuset-mems "$other" "$CID"
	[ "$(cg cpuset cpuset.mems)" = "$other" ]
	[ "$(jq -r '.linux.resources.cpu.mems' "$ROOT/$CID/config.json")" = "$other" ]
}

@test "cpu.mems of a memory node the host lacks: create and update refuse it, naming cpuset.mems" {
	update_config '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
	run_detached "$CID"
	[ "$(cg cpuset cpuset.mems)" = 0 ]
	myrunc update --cpuset-mems 63 "$CID"
	assert_error
	assert_output_contains cpuset.mems
	[ "$(cg cpuset cpuset.mems)" = 0 ]
	[ "$(jq -r '.linux.resources.cpu.mems' "$ROOT/$CID/config.json")" = 0 ] || fail "the refused value was recorded"
	update_config '.linux.resources.cpu = {"mems": "63"}'
	refused_clearly cpuset.mems
}
