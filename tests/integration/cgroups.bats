#!/usr/bin/env bats
# cgroups (v1 hierarchies on this host): membership, resources, removal.

load helpers

V1_CONTROLLERS="cpu cpuacct cpuset memory devices freezer blkio pids"

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# cg_file CONTROLLER FILE: path of FILE in the container's cgroup
cg_file() {
	echo "$CGROUP_MNT/$1$CGROUPS_PATH/$2"
}

@test "the init is in cgroupsPath in every v1 controller" {
	run_detached "$CID"
	local pid ctl bad=()
	pid="$(container_pid "$CID")"
	for ctl in $V1_CONTROLLERS; do
		[ -d "$CGROUP_MNT/$ctl" ] || continue
		grep -qx "$pid" "$(cg_file "$ctl" cgroup.procs)" 2>/dev/null || bad+=("$ctl")
	done
	[ ${#bad[@]} -eq 0 ] || fail "init $pid not in $CGROUPS_PATH for: ${bad[*]}"
}

@test "/proc/PID/cgroup of the init names cgroupsPath for every v1 controller" {
	run_detached "$CID"
	local pid ctl
	pid="$(container_pid "$CID")"
	for ctl in $V1_CONTROLLERS; do
		[ -d "$CGROUP_MNT/$ctl" ] || continue
		grep -Eq "^[0-9]+:([^:]*,)?$ctl(,[^:]*)?:$CGROUPS_PATH\$" "/proc/$pid/cgroup" ||
			fail "$ctl: $(cat "/proc/$pid/cgroup")"
	done
}

@test "the init is in its cgroup already while created" {
	create_container "$CID"
	grep -qx "$(container_pid "$CID")" "$(cg_file pids cgroup.procs)"
	grep -qx "$(container_pid "$CID")" "$(cg_file memory cgroup.procs)"
}

@test "the container's children are in its cgroup too" {
	update_config '.process.args = ["sh", "-c", "sleep 100 & sleep 100 & echo ready >/ready; wait"]'
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
	[ "$(grep -c . "$(cg_file pids cgroup.procs)")" -eq 3 ] || fail "$(cat "$(cg_file pids cgroup.procs)")"
	[ "$(grep -c . "$(cg_file memory cgroup.procs)")" -eq 3 ]
}

@test "a nested cgroupsPath works and delete removes the leaf" {
	local top
	top="$(new_cgroup_path)"
	CGROUPS_PATH="$top/nested/leaf"
	# the parents are made for the leaf; whether delete removes them is
	# up to the runtime (runc does not), the leaf must go
	on_teardown "for h in $CGROUP_MNT/*; do rmdir \$h$top/nested \$h$top 2>/dev/null; done; true"
	update_config '.linux.cgroupsPath = $cg' --arg cg "$CGROUPS_PATH"
	run_detached "$CID"
	grep -qx "$(container_pid "$CID")" "$(cg_file pids cgroup.procs)"
	myrunc -0 delete -f "$CID"
	[ -z "$(cgroup_dirs "$CGROUPS_PATH")" ] || fail "left: $(cgroup_dirs "$CGROUPS_PATH")"
}

@test "resources.memory.limit sets memory.limit_in_bytes" {
	update_config '.linux.resources.memory = {"limit": 67108864}'
	run_detached "$CID"
	[ "$(cat "$(cg_file memory memory.limit_in_bytes)")" = 67108864 ]
}

@test "resources.pids.limit sets pids.max" {
	update_config '.linux.resources.pids = {"limit": 42}'
	run_detached "$CID"
	[ "$(cat "$(cg_file pids pids.max)")" = 42 ]
}

@test "resources.pids.limit stops forks beyond it" {
	update_config '.linux.resources.pids = {"limit": 5}
		| .process.args = ["sh", "-c", "for i in $(seq 1 20); do sleep 10 & done; echo all-forked"]'
	run_fg "$CID"
	assert_output_contains "Resource temporarily unavailable"
	assert_output_not_contains all-forked
}

@test "resources.cpu shares, quota and period" {
	update_config '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
	run_detached "$CID"
	[ "$(cat "$(cg_file cpu cpu.shares)")" = 512 ]
	[ "$(cat "$(cg_file cpu cpu.cfs_quota_us)")" = 50000 ]
	[ "$(cat "$(cg_file cpu cpu.cfs_period_us)")" = 100000 ]
}

@test "resources.cpu.cpus sets cpuset.cpus" {
	update_config '.linux.resources.cpu = {"cpus": "0"}'
	run_detached "$CID"
	[ "$(cat "$(cg_file cpuset cpuset.cpus)")" = 0 ]
}

@test "the devices cgroup denies by default and allows exactly runc's list; linux.devices adds nothing" {
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11},
		{"path": "/dev/myloop", "type": "b", "major": 7, "minor": 0}]'
	run_detached "$CID"
	local got want
	got="$(sort "$(cg_file devices devices.list)")"
	# runc 1.1.5's devices.list for the same config (and runc 1.2.4+'s
	# built-in list): mknod of anything, null, zero, full, random, urandom,
	# tty, ptmx, pts/* (/dev/console is a pts) and tun
	want="$(printf '%s\n' 'b *:* m' 'c *:* m' 'c 1:3 rwm' 'c 1:5 rwm' 'c 1:7 rwm' 'c 1:8 rwm' \
		'c 1:9 rwm' 'c 5:0 rwm' 'c 5:2 rwm' 'c 10:200 rwm' 'c 136:* rwm' | sort)"
	[ "$got" = "$want" ] || fail "devices.list:
$got
want:
$want"
}

@test "two containers get two cgroups" {
	run_detached "$CID"
	local first="$CGROUPS_PATH" cg2
	fresh_cgroup
	cg2="$CGROUPS_PATH"
	run_detached "$CID2"
	[ "$(cat "$CGROUP_MNT/pids$first/cgroup.procs")" = "$(container_pid "$CID")" ]
	[ "$(cat "$CGROUP_MNT/pids$cg2/cgroup.procs")" = "$(container_pid "$CID2")" ]
}

@test "kill --all KILL empties the cgroup" {
	update_config '.process.args = ["sh", "-c", "sleep 100 & sleep 100 & echo ready >/ready; wait"]'
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
	myrunc -0 kill --all "$CID" KILL
	retry 5 test ! -s "$(cg_file pids cgroup.procs)" || fail "left: $(cat "$(cg_file pids cgroup.procs)")"
	wait_for_status "$CID" stopped
}

@test "delete removes the cgroup in every hierarchy" {
	run_detached "$CID"
	myrunc -0 delete -f "$CID"
	[ -z "$(cgroup_dirs "$CGROUPS_PATH")" ] || fail "left: $(cgroup_dirs "$CGROUPS_PATH")"
}

@test "delete of a stopped container removes its cgroups" {
	update_config '.process.args = ["true"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc -0 delete "$CID"
	[ -z "$(cgroup_dirs "$CGROUPS_PATH")" ] || fail "left: $(cgroup_dirs "$CGROUPS_PATH")"
}

# A status of 137 alone is any SIGKILL: the cgroup's OOM counter says the
# kernel's OOM killer did it, inside this container's limit.
@test "a memory limit OOM-kills a process that exceeds it" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}
		| .process.args = ["sh", "-c", "tail /dev/zero"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	local oom
	oom="$(awk '$1 == "oom_kill" {print $2}' "$CGROUP_MNT/memory$CGROUPS_PATH/memory.oom_control")"
	[ "${oom:-0}" -ge 1 ] || fail "no OOM kill counted: $(cat "$CGROUP_MNT/memory$CGROUPS_PATH/memory.oom_control")"
	myrunc -0 delete "$CID"
	# and a foreground run reports the kill as 128+9
	fresh_cgroup
	run_fg "$CID2"
	assert_status 137
}

@test "linux.resources.devices: an allow rule opens a device the default denies" {
	# /dev/loop0 (b 7:0) is not among the devices every container may use;
	# opening a block device for reading needs no capability
	[ -b /dev/loop0 ] || skip "no /dev/loop0 on this host"
	put_device_probe
	update_config '.linux.devices = [{"path": "/dev/loop0", "type": "b", "major": 7, "minor": 0, "fileMode": 384}]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"}, {"allow": true, "type": "b", "major": 7, "minor": 0, "access": "r"}]
		| .process.args = ["sh", "/probe", "/dev/loop0", "r", "w"]'
	run_fg "$CID"
	assert_status 0
	grep -qx "r ok" <<<"$output" || fail "allowed: $output"
	assert_device_refused w
	# the same node without the rule: listing it in linux.devices allows nothing
	update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	fresh_cgroup
	run_fg "$CID2"
	assert_status 0
	assert_device_refused r w
	# nor does making it: mknod is allowed (b *:* m), opening is not
	update_config '.linux.devices = []
		| .process.capabilities |= with_entries(.value += ["CAP_MKNOD"])
		| .process.args = ["sh", "-c", "mknod /dev/lp0 b 7 0 && sh /probe /dev/lp0 r"]'
	fresh_cgroup
	run_fg "$CID3"
	assert_status 0
	assert_device_refused r
}

@test "a relative cgroupsPath is taken from the hierarchy root, never our own cgroup" {
	local rel="myrunc-test-rel-$(rand_hex 6)"
	echo "/$rel" >>"$TEST_DIR/.cgroups"
	update_config '.linux.cgroupsPath = $p | .process.args = ["cat", "/proc/self/cgroup"]' --arg p "$rel"
	run_fg "$CID"
	assert_status 0
	assert_output_contains ":memory:/$rel"
}

@test "a systemd slice:prefix:name cgroupsPath is a clear error (no systemd here)" {
	update_config '.linux.cgroupsPath = "system.slice:myrunc:test"'
	myrunc create --bundle "$BUNDLE" "$CID"
	assert_status 1
	assert_output_contains systemd cgroupsPath
	assert_nothing_left
}

@test "a limit for a controller the host lacks is an error only when asked for" {
	[ ! -d /sys/fs/cgroup/hugetlb ] || skip "this host has hugetlb"
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 0}] | .process.args = ["true"]'
	run_fg "$CID"
	assert_status 0
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	fresh_cgroup
	myrunc create --bundle "$BUNDLE" "$CID2"
	assert_status 1
	assert_output_contains hugetlb
	assert_nothing_left
}
