#!/usr/bin/env bats
# /dev: linux.devices, the default devices and the /dev symlinks.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "linux.devices: a char device with major, minor, mode, uid and gid" {
	update_config '.linux.devices = [{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 3, "fileMode": 432, "uid": 1000, "gid": 2000}]
		| .process.args = ["stat", "-c", "%F %t:%T %a %u %g", "/dev/mydev"]'
	run_fg "$CID"
	assert_status 0
	# 432 = 0660; stat prints major/minor in hex
	[ "$output" = "character special file 1:3 660 1000 2000" ] || fail "$output"
}

@test "linux.devices: a block device" {
	update_config '.linux.devices = [{"path": "/dev/myblk", "type": "b", "major": 7, "minor": 200, "fileMode": 384}]
		| .process.args = ["stat", "-c", "%F %t:%T %a", "/dev/myblk"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = "block special file 7:c8 600" ] || fail "$output"
}

@test "linux.devices: a device in a subdirectory of /dev" {
	update_config '.linux.devices = [{"path": "/dev/sub/dir/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]
		| .process.args = ["stat", "-c", "%F %t:%T", "/dev/sub/dir/mynull"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = "character special file 1:3" ] || fail "$output"
}

@test "linux.devices: a device allowed by the devices cgroup is usable" {
	update_config '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]
		| .linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]
		| .process.args = ["sh", "-c", "echo data >/dev/mynull && echo write-ok"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = write-ok ]
}

# Each deny below is paired with a control: the same container with an
# allow rule for the device, so a refusal for any other reason (a missing
# capability, a missing node) fails the test instead of passing it.

@test "devices cgroup: /dev/kmsg listed in linux.devices stays denied, even with CAP_SYSLOG; an allow rule opens it" {
	# reading /dev/kmsg wants CAP_SYSLOG (dmesg_restrict); opening it for
	# writing wants nothing: only the devices cgroup can refuse either
	put_device_probe
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 420}]
		| .linux.resources.devices = [{"allow": false, "access": "rwm"}]
		| .process.capabilities |= with_entries(.value += ["CAP_SYSLOG"])
		| .process.args = ["sh", "/probe", "/dev/kmsg", "r", "w"]'
	run_fg "$CID"
	assert_status 0
	assert_device_refused r w
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "rw"}]'
	fresh_cgroup
	run_fg "$CID2"
	assert_status 0
	[ "$output" = "$(printf 'r ok\nw ok')" ] || fail "allowed: $output"
}

@test "devices cgroup: a c 1:11 node made with mknod is denied without a rule; an allow rule opens it" {
	# mknod itself is allowed (c *:* m) and CAP_MKNOD given; the open for
	# writing needs no capability
	put_device_probe
	update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"}]
		| .process.capabilities |= with_entries(.value += ["CAP_MKNOD"])
		| .process.args = ["sh", "-c", "mknod /dev/k c 1 11 && sh /probe /dev/k w"]'
	run_fg "$CID"
	assert_status 0
	assert_device_refused w
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	fresh_cgroup
	run_fg "$CID2"
	assert_status 0
	[ "$output" = "w ok" ] || fail "allowed: $output"
}

@test "devices cgroup: a deny rule for a listed device holds after an allow-all rule" {
	put_device_probe
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 420}]
		| .linux.resources.devices = [{"allow": true, "access": "rwm"}, {"allow": false, "type": "c", "major": 1, "minor": 11, "access": "w"}]
		| .process.args = ["sh", "/probe", "/dev/kmsg", "w"]'
	run_fg "$CID"
	assert_status 0
	assert_device_refused w
	update_config '.linux.resources.devices = [{"allow": true, "access": "rwm"}]'
	fresh_cgroup
	run_fg "$CID2"
	assert_status 0
	[ "$output" = "w ok" ] || fail "allowed: $output"
}

@test "default devices exist with the right numbers" {
	update_config '.process.args = ["sh", "-c", "for d in null zero full random urandom tty; do stat -c \"%n %F %t:%T\" /dev/$d; done"]'
	run_fg "$CID"
	assert_status 0
	local want
	want="$(printf '%s\n' \
		"/dev/null character special file 1:3" \
		"/dev/zero character special file 1:5" \
		"/dev/full character special file 1:7" \
		"/dev/random character special file 1:8" \
		"/dev/urandom character special file 1:9" \
		"/dev/tty character special file 5:0")"
	[ "$output" = "$want" ] || fail "got: $output"
}

@test "default devices work: null, zero, full, urandom" {
	update_config '.process.args = ["sh", "-c", "echo x >/dev/null && echo null-ok; head -c 4 /dev/zero | od -An -tx1; head -c 8 /dev/urandom | wc -c; dd if=/dev/zero of=/dev/full bs=1 count=1 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = null-ok ] || fail "$output"
	[ "$(squeeze "${lines[1]}")" = "00 00 00 00" ] || fail "$output"
	[ "${lines[2]}" = 8 ] || fail "$output"
	assert_output_contains "No space left on device"
}

@test "default devices are world read-writable" {
	update_config '.process.args = ["stat", "-c", "%a", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"]'
	run_fg "$CID"
	assert_status 0
	local l
	for l in "${lines[@]}"; do [ "$l" = 666 ] || fail "mode $l: $output"; done
}

@test "/dev symlinks: fd, stdin, stdout, stderr, ptmx" {
	update_config '.process.args = ["sh", "-c", "for l in fd stdin stdout stderr ptmx; do echo \"$l -> $(readlink /dev/$l)\"; done"]'
	run_fg "$CID"
	assert_status 0
	local want
	want="$(printf '%s\n' \
		"fd -> /proc/self/fd" \
		"stdin -> /proc/self/fd/0" \
		"stdout -> /proc/self/fd/1" \
		"stderr -> /proc/self/fd/2" \
		"ptmx -> pts/ptmx")"
	[ "$output" = "$want" ] || fail "got: $output"
}

@test "/dev/stdout writes to the container's stdout" {
	update_config '.process.args = ["sh", "-c", "echo via-dev-stdout >/dev/stdout"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = via-dev-stdout ]
}

@test "/dev is a tmpfs with nothing of the host's devices" {
	update_config '.process.args = ["sh", "-c", "grep \" /dev \" /proc/self/mountinfo; ls /dev"]'
	run_fg "$CID"
	assert_status 0
	[[ "${lines[0]}" == *" - tmpfs "* ]] || fail "$output"
	! grep -qx vda <<<"$output" || fail "host devices visible: $output"
	! grep -qx kmsg <<<"$output" || fail "host devices visible: $output"
	grep -qx shm <<<"$output" && grep -qx pts <<<"$output" && grep -qx mqueue <<<"$output" || fail "$output"
}

@test "/dev/shm is a writable tmpfs" {
	update_config '.process.args = ["sh", "-c", "grep \" /dev/shm \" /proc/self/mountinfo; echo x >/dev/shm/f && echo shm-ok"]'
	run_fg "$CID"
	assert_status 0
	[[ "${lines[0]}" == *" - tmpfs "* ]] || fail "$output"
	[ "${lines[1]}" = shm-ok ]
}

# devices_dir: the container's cgroup in the v1 devices hierarchy
devices_dir() {
	echo "$CGROUP_MNT/devices$CGROUPS_PATH"
}

@test "devices cgroup: update writes back the container's rules without ever denying an allowed device" {
	[ -e "$CGROUP_MNT/devices/devices.list" ] || skip "no v1 devices controller"
	# opens /dev/null and /dev/zero without pause; a failed open (EPERM
	# while the rules are rewritten) is written down in /lost (true, not
	# the special builtin ":", whose failed redirection ends the shell)
	update_config '.process.args = ["sh", "-c", "echo ready >/ready; while :; do { true </dev/null; } 2>>/lost || echo null >>/lost; { true >/dev/zero; } 2>>/lost || echo zero >>/lost; done"]'
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
	local dir fresh i
	dir="$(devices_dir)"
	fresh="$(sort "$dir/devices.list")"
	for i in $(seq 1 30); do
		# rules changed behind the runtime's back: one more device
		# allowed, or (every other round) everything allowed, paused:
		# the kernel drops the allowed devices before it allows all
		if ((i % 2)); then
			echo 'c 1:11 rw' >"$dir/devices.allow"
		else
			myrunc -0 pause "$CID"
			echo a >"$dir/devices.allow"
			myrunc -0 resume "$CID"
		fi
		myrunc -0 update --pids-limit $((100 + i)) "$CID"
		# as after create: runc writes the rules back on update too
		[ "$(sort "$dir/devices.list")" = "$fresh" ] || fail "round $i: devices.list:
$(cat "$dir/devices.list")
want (as created):
$fresh"
	done
	[ "$(container_status "$CID")" = running ] || fail "container $(container_status "$CID")"
	[ ! -s "$BUNDLE/rootfs/lost" ] || fail "an allowed device was refused during update: $(sort "$BUNDLE/rootfs/lost" | uniq -c)"
}

@test "devices cgroup: update with unchanged rules writes nothing to devices.allow or devices.deny" {
	[ -e "$CGROUP_MNT/devices/devices.list" ] || skip "no v1 devices controller"
	command -v strace >/dev/null || skip "no strace"
	run_detached "$CID"
	run strace -f -qq -e trace=openat -o "$TEST_DIR/trace" "$MYRUNC" --root "$ROOT" update --pids-limit 50 "$CID"
	assert_status 0
	[ "$(cat "$CGROUP_MNT/pids$CGROUPS_PATH/pids.max")" = 50 ]
	grep -q 'pids\.max' "$TEST_DIR/trace" || fail "strace saw no cgroup write: $(head "$TEST_DIR/trace")"
	! grep -E 'devices\.(allow|deny)' "$TEST_DIR/trace" || fail "device rules written"
}
