#!/usr/bin/env bats
# Mount options as runc applies them: tmpcopyup, a read-only /dev, tmpfs
# modes, targets through symlinks, recursive attributes, bind remounts
# (atime, cleared flags), bind sources in a user namespace.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# add_mount DEST TYPE SOURCE OPTIONS-JSON
add_mount() {
	update_config '.mounts += [{"destination": $d, "type": $t, "source": $s, "options": $o}]' \
		--arg d "$1" --arg t "$2" --arg s "$3" --argjson o "$4"
}

# host_tmpfs DIR OPTIONS: a tmpfs on the host at DIR, unmounted at teardown
host_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "$2" tmpfs "$1"
	on_teardown "umount -l '$1'"
}

@test "tmpcopyup: the tmpfs starts with what the image has there" {
	mkdir -p "$BUNDLE/rootfs/etc/conf.d/sub"
	echo from-image >"$BUNDLE/rootfs/etc/conf.d/sub/a"
	add_mount /etc/conf.d tmpfs tmpfs '["tmpcopyup"]'
	update_config '.process.args = ["sh", "-c", "cat /etc/conf.d/sub/a; grep -c \" /etc/conf.d .* tmpfs \" /proc/self/mountinfo; echo new >/etc/conf.d/b"]'
	run_fg "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "from-image 1" ] || fail "output: $output"
	[ ! -e "$BUNDLE/rootfs/etc/conf.d/b" ] || fail "the write reached the image"
}

@test "a read-only /dev still gets its devices and submounts" {
	update_config '(.mounts[] | select(.destination == "/dev")).options += ["ro"]
		| .process.args = ["sh", "-c", "ls /dev/null /dev/pts/ptmx /dev/shm >/dev/null && echo devs-ok; echo x >/dev/null && echo null-ok; touch /dev/new 2>&1"]'
	run_fg "$CID"
	assert_output_contains devs-ok null-ok "Read-only file system"
}

@test "tmpfs: mode= as given (1777, 710), else the mode of the directory it covers" {
	mkdir -m 0750 "$BUNDLE/rootfs/covered"
	add_mount /t1 tmpfs tmpfs '["mode=1777"]'
	add_mount /t2 tmpfs tmpfs '["mode=710"]'
	add_mount /covered tmpfs tmpfs '[]'
	update_config '.process.args = ["stat", "-c", "%a", "/t1", "/t2", "/covered"]'
	run_fg "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "1777 710 750" ] || fail "modes: $output"
}

@test "a mount target through an absolute symlink in the rootfs is resolved inside it" {
	mkdir -p "$BUNDLE/rootfs/run"
	ln -s /run "$BUNDLE/rootfs/varrun"
	add_mount /varrun/deep/x tmpfs tmpfs '[]'
	update_config '.process.args = ["sh", "-c", "grep -c \" /run/deep/x \" /proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = 1 ] || fail "output: $output"
	[ -d "$BUNDLE/rootfs/run/deep/x" ] || fail "not made inside the rootfs"
}

@test "recursive attributes reach the submounts of an rbind" {
	local src="$TEST_DIR/src"
	mkdir -p "$src/sub"
	host_tmpfs "$src/sub" rw
	add_mount /mnt/r bind "$src" '["rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow", "rnoatime"]'
	update_config '.process.args = ["sh", "-c", "grep \" /mnt/r/sub \" /proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	local opts
	opts="$(awk '{print $6}' <<<"$output")"
	local want
	for want in ro nosuid nodev noexec nosymfollow noatime; do
		[[ ",$opts," == *",$want,"* ]] || fail "submount lacks $want: $opts"
	done
	update_config '(.mounts[] | select(.destination == "/mnt/r")).options = ["rbind", "rstrictatime"]'
	run_fg "$CID"
	[[ "$(awk '{print $6}' <<<"$output")" != *atime* ]] || fail "rstrictatime: $output"
	# the last atime option wins; ratime undoes rnoatime
	update_config '(.mounts[] | select(.destination == "/mnt/r")).options = ["rbind", "rnoatime", "ratime"]'
	run_fg "$CID"
	[[ "$(awk '{print $6}' <<<"$output")" == *relatime* ]] || fail "ratime: $output"
}

@test "bind remount: rw clears a read-only source's ro; the atime mode stays unless asked" {
	# read-only as a mount (a bind remount), over a writable filesystem
	host_tmpfs "$TEST_DIR/ro-src" rw,noatime
	mount -o remount,bind,ro,noatime "$TEST_DIR/ro-src"
	add_mount /mnt/rw bind "$TEST_DIR/ro-src" '["bind", "rw"]'
	add_mount /mnt/ro bind "$TEST_DIR/ro-src" '["bind", "ro", "nosuid"]'
	add_mount /mnt/strict bind "$TEST_DIR/ro-src" '["bind", "strictatime"]'
	update_config '.process.args = ["sh", "-c", "touch /mnt/rw/f && echo rw-ok; grep \" /mnt/\" /proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains rw-ok
	[[ "$(grep ' /mnt/ro ' <<<"$output" | awk '{print $6}')" == *noatime* ]] || fail "ro bind lost noatime: $output"
	[[ "$(grep ' /mnt/strict ' <<<"$output" | awk '{print $6}')" != *atime* ]] || fail "strictatime: $output"
}

# with_userns: the container is root of a user namespace mapped to host
# 100000..165535 (the rootfs stays host root's)
with_userns() {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "user namespace: a bind source only host root can reach is still mounted, with the flags asked for" {
	with_userns
	mkdir -p -m 0700 "$TEST_DIR/private/data"
	echo secret-ok >"$TEST_DIR/private/data/f"
	chmod 0755 "$TEST_DIR/private/data"
	chmod 0644 "$TEST_DIR/private/data/f"
	mkdir -p "$BUNDLE/rootfs/mnt/data" "$BUNDLE/rootfs/mnt/na"
	add_mount /mnt/data bind "$TEST_DIR/private/data" '["bind", "ro"]'
	update_config '.process.args = ["cat", "/mnt/data/f"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains secret-ok
	# the runtime clones sources as host root: their flags are not locked
	# in the namespace, and a noatime source can be made relatime
	host_tmpfs "$TEST_DIR/na-src" noatime
	add_mount /mnt/na bind "$TEST_DIR/na-src" '["bind", "relatime"]'
	update_config '.process.args = ["sh", "-c", "grep \" /mnt/na \" /proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	[[ "$(awk '{print $6}' <<<"$output")" == *relatime* ]] || fail "not relatime: $output"
}

# host_shared DIR: DIR on the host as a shared mount (a bind of itself)
host_shared() {
	mkdir -p "$1"
	mount --bind "$1" "$1"
	on_teardown "umount -l '$1'"
	mount --make-shared "$1"
}

@test "bidirectional propagation: with rshared, a mount made in the container under a shared host directory appears on the host; rslave carries host mounts in" {
	local shared="$TEST_DIR/shared"
	host_shared "$shared"
	mkdir -p "$BUNDLE/rootfs/mnt/s" "$BUNDLE/rootfs/mnt/in"
	# what kubelet's Bidirectional asks of the runtime (through CRI)
	add_mount /mnt/s bind "$shared" '["rbind", "rshared"]'
	add_mount /mnt/in bind "$shared" '["rbind", "rslave"]'
	update_config '.linux.rootfsPropagation = "rshared"
		| .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
		| .process.args = ["sh", "-c", "mkdir -p /mnt/s/from-ctr && mount -t tmpfs ctr-tmpfs /mnt/s/from-ctr && touch /tmp/ready; sleep 100"]'
	on_teardown "umount -l '$shared/from-ctr'"
	run_detached "$CID"
	retry 10 test -e "$BUNDLE/rootfs/tmp/ready" || fail "the container did not mount: $(cat "$STDERR_FILE")"
	retry 5 grep -q " $shared/from-ctr " /proc/self/mountinfo ||
		fail "the container's mount did not reach the host: $(grep "$shared" /proc/self/mountinfo)"
	# host to container, through the rslave bind
	mkdir -p "$shared/from-host"
	mount -t tmpfs host-tmpfs "$shared/from-host"
	on_teardown "umount -l '$shared/from-host'"
	myrunc exec "$CID" grep -c " /mnt/in/from-host " /proc/self/mountinfo
	assert_status 0
	[ "$output" -ge 1 ] || fail "the host's mount did not reach the container"
}
