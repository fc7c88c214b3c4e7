#!/usr/bin/env bats
# Masked paths as runc applies them, and what the masks protect against.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "masked paths: a path given twice is masked once; masked directories share one read-only tmpfs" {
	mkdir -p "$BUNDLE/rootfs/mnt/a" "$BUNDLE/rootfs/mnt/b"
	update_config '.linux.maskedPaths += ["/mnt/a", "/mnt/b", "/mnt/a/", "/proc/kcore", "/proc/kcore"]
		| .process.args = ["sh", "-c", "grep -c \" /mnt/a \" /proc/self/mountinfo; grep -c \" /proc/kcore \" /proc/self/mountinfo; stat -c %d /mnt/a /mnt/b; touch /mnt/b/x 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = 1 ] || fail "/mnt/a masked ${lines[0]} times: $output"
	[ "${lines[1]}" -le 1 ] || fail "/proc/kcore masked ${lines[1]} times: $output"
	[ "${lines[2]}" = "${lines[3]}" ] || fail "the masked directories are on different filesystems: $output"
	assert_output_contains "Read-only file system"
}

@test "a rootfs whose /proc or /sys is a symlink is refused" {
	rmdir "$BUNDLE/rootfs/proc"
	mkdir "$BUNDLE/rootfs/elsewhere"
	ln -s /elsewhere "$BUNDLE/rootfs/proc"
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "proc must be mounted on an ordinary directory: /proc in the rootfs is a symlink"
	assert_nothing_left
	rm "$BUNDLE/rootfs/proc"
	mkdir "$BUNDLE/rootfs/proc"
	rmdir "$BUNDLE/rootfs/sys"
	ln -s /elsewhere "$BUNDLE/rootfs/sys"
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "sysfs must be mounted on an ordinary directory: /sys in the rootfs is a symlink"
	assert_nothing_left
}

@test "--no-pivot: the container cannot mount a fresh procfs, which would show what the masks hide" {
	# a user namespace made inside the container: there a procfs may only
	# be mounted while a full one is visible in the mount namespace, and
	# without pivot_root the host's stayed in it
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SETFCAP", "CAP_SETUID", "CAP_SETGID"])
		| .process.args = ["sh", "-c", "mkdir -p /tmp/p; unshare -Urmpf sh -c \"mount -t proc proc /tmp/p && echo fresh-procfs-mounted\"; true"]'
	myrunc run --no-pivot --bundle "$BUNDLE" "$CID"
	assert_status 0
	assert_output_not_contains fresh-procfs-mounted
	assert_output_contains "permission denied"
	# the same as with pivot_root
	myrunc delete -f "$CID"
	run_fg "$CID"
	assert_output_not_contains fresh-procfs-mounted
}

@test "--no-pivot with rootfsPropagation rshared: hiding the full procfs and sysfs unmounts nothing on the host" {
	# a procfs and a sysfs on a shared host mount: the container's copies
	# are their peers, so unmounts that propagated would take the host's
	local peer="$TEST_DIR/peer"
	mkdir -p "$peer"
	mount -t tmpfs peer "$peer"
	on_teardown "umount -R '$peer'"
	mount --make-shared "$peer"
	mkdir "$peer/proc" "$peer/sys"
	mount -t proc proc "$peer/proc"
	mount -t sysfs sysfs "$peer/sys"
	update_config '.linux.rootfsPropagation = "rshared" | .process.args = ["true"]'
	myrunc run --no-pivot --bundle "$BUNDLE" "$CID"
	assert_status 0
	mountpoint -q "$peer/proc" || fail "the host's $peer/proc was unmounted by the container"
	mountpoint -q "$peer/sys" || fail "the host's $peer/sys was unmounted by the container"
	! findmnt -n -o FSTYPE "$peer/proc" | grep -q tmpfs || fail "the container covered the host's $peer/proc: $(findmnt "$peer/proc")"
}
