#!/usr/bin/env bats
# config.json mounts: bind/rbind ro and rw, tmpfs, proc, sysfs, mqueue,
# devpts, cgroup, and mount propagation.

load helpers

setup() {
	setup_test
	setup_bundle
	SRC="$TEST_DIR/src"
	mkdir -p "$SRC"
	echo "host-data" >"$SRC/file"
}
teardown() { teardown_test; }

# add_mount DEST TYPE SOURCE OPTIONS-JSON
add_mount() {
	update_config '.mounts += [{"destination": $d, "type": $t, "source": $s, "options": $o}]' \
		--arg d "$1" --arg t "$2" --arg s "$3" --argjson o "$4"
}

# mountinfo_line OUTPUT MOUNTPOINT: the mountinfo line for MOUNTPOINT
mountinfo_line() {
	awk -v m="$2" '$5 == m' <<<"$1" | tail -1
}

@test "bind mount rw: the container reads and writes the host dir" {
	add_mount /mnt/rw bind "$SRC" '["bind", "rw"]'
	update_config '.process.args = ["sh", "-c", "cat /mnt/rw/file && echo from-ctr >/mnt/rw/new"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = host-data ]
	[ "$(cat "$SRC/new")" = from-ctr ]
}

@test "bind mount ro: reads work, writes fail with Read-only file system" {
	add_mount /mnt/ro bind "$SRC" '["bind", "ro"]'
	update_config '.process.args = ["sh", "-c", "cat /mnt/ro/file; touch /mnt/ro/new"]'
	run_fg "$CID"
	[ "$status" -ne 0 ]
	assert_output_contains host-data "Read-only file system"
	[ ! -e "$SRC/new" ]
}

@test "bind mount of a single file" {
	add_mount /etc/bound-file bind "$SRC/file" '["bind", "ro"]'
	update_config '.process.args = ["cat", "/etc/bound-file"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = host-data ]
}

@test "bind mount to a destination that does not exist in the rootfs creates it" {
	add_mount /new/deep/dir bind "$SRC" '["bind"]'
	update_config '.process.args = ["cat", "/new/deep/dir/file"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = host-data ]
}

@test "rbind takes submounts along, bind does not" {
	mkdir -p "$SRC/sub"
	mount -t tmpfs -o size=1m tmpfs "$SRC/sub"
	on_teardown "umount -l '$SRC/sub'"
	echo "in-submount" >"$SRC/sub/subfile"
	add_mount /mnt/r bind "$SRC" '["rbind"]'
	add_mount /mnt/n bind "$SRC" '["bind"]'
	update_config '.process.args = ["sh", "-c", "cat /mnt/r/sub/subfile; ls -A /mnt/n/sub | wc -l"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = in-submount ] || fail "rbind: $output"
	[ "${lines[1]}" = 0 ] || fail "bind took the submount: $output"
}

@test "rbind rro makes the submounts read-only too" {
	mkdir -p "$SRC/sub"
	mount -t tmpfs -o size=1m tmpfs "$SRC/sub"
	on_teardown "umount -l '$SRC/sub'"
	add_mount /mnt/r bind "$SRC" '["rbind", "rro"]'
	update_config '.process.args = ["sh", "-c", "touch /mnt/r/x 2>&1; touch /mnt/r/sub/x 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	[ "$(grep -c "Read-only file system" <<<"$output")" -eq 2 ] || fail "$output"
	[ ! -e "$SRC/x" ] && [ ! -e "$SRC/sub/x" ]
}

@test "tmpfs with size and mode" {
	add_mount /mnt/tmp tmpfs tmpfs '["nosuid", "nodev", "size=1m", "mode=1770"]'
	update_config '.process.args = ["sh", "-c", "stat -c %a /mnt/tmp; grep \" /mnt/tmp \" /proc/self/mountinfo; dd if=/dev/zero of=/mnt/tmp/big bs=64k count=32 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = 1770 ] || fail "mode: $output"
	[[ "${lines[1]}" == *" - tmpfs "* ]] || fail "not tmpfs: ${lines[1]}"
	[[ "${lines[1]}" == *size=1024k* ]] || fail "size: ${lines[1]}"
	[[ "${lines[1]}" == *nosuid* && "${lines[1]}" == *nodev* ]] || fail "flags: ${lines[1]}"
	assert_output_contains "No space left on device"
}

@test "tmpfs is private to the container" {
	add_mount /mnt/tmp tmpfs tmpfs '["size=1m"]'
	update_config '.process.args = ["sh", "-c", "echo secret >/mnt/tmp/f"]'
	run_fg "$CID"
	assert_status 0
	[ ! -e "$BUNDLE/rootfs/mnt/tmp/f" ]
}

@test "proc is mounted at /proc and shows the container's pid namespace" {
	update_config '.process.args = ["sh", "-c", "grep \" /proc \" /proc/self/mountinfo; cat /proc/1/comm; ls -d /proc/[0-9]* | wc -l"]'
	run_fg "$CID"
	assert_status 0
	[[ "${lines[0]}" == *" - proc "* ]] || fail "$output"
	[ "${lines[1]}" = sh ] || [ "${lines[1]}" = ls ] || fail "pid 1: $output"
	[ "${lines[2]}" -le 4 ] || fail "too many pids: $output"
}

@test "sysfs is mounted read-only at /sys" {
	update_config '.process.args = ["sh", "-c", "grep \" /sys \" /proc/self/mountinfo; touch /sys/x 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	[[ "${lines[0]}" == *" - sysfs "* ]] || fail "$output"
	assert_output_contains "Read-only file system"
}

@test "mqueue is mounted at /dev/mqueue" {
	update_config '.process.args = ["grep", " /dev/mqueue ", "/proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	[[ "$output" == *" - mqueue "* ]] || fail "$output"
}

@test "devpts is mounted at /dev/pts as a new instance" {
	update_config '.process.args = ["sh", "-c", "grep \" /dev/pts \" /proc/self/mountinfo; ls /dev/pts"]'
	run_fg "$CID"
	assert_status 0
	[[ "${lines[0]}" == *" - devpts "* ]] || fail "$output"
	[[ "${lines[0]}" == *ptmxmode=666* ]] || fail "ptmxmode: $output"
	# a new instance: only ptmx, none of the host's ptys
	[ "${lines[1]}" = ptmx ] && [ "${#lines[@]}" -eq 2 ] || fail "$output"
}

@test "a cgroup mount shows the container's own cgroup" {
	# the default spec mounts cgroup at /sys/fs/cgroup
	jq -e '.mounts | any(.type == "cgroup")' "$BUNDLE/config.json" >/dev/null ||
		update_config '.mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	update_config '.process.args = ["sh", "-c", "ls /sys/fs/cgroup; echo ---; cat /sys/fs/cgroup/pids/cgroup.procs; echo ---; touch /sys/fs/cgroup/pids/x 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	local listing="${output%%---*}"
	grep -qx memory <<<"$listing" && grep -qx pids <<<"$listing" || fail "controllers: $output"
	# the processes in the pids cgroup seen inside are the container's
	local procs="${output#*---}"
	procs="${procs%%---*}"
	grep -qx 1 <<<"$procs" || fail "pid 1 not in the container's cgroup: $output"
	assert_output_contains "Read-only file system"
}

# shared_src: $SRC made a shared mount (of itself)
shared_src() {
	mount --bind "$SRC" "$SRC"
	on_teardown "umount -l '$SRC'"
	mount --make-shared "$SRC"
}

# after_late_mount PROPAGATION CMD: the shared $SRC bind-mounted at
# /mnt/prop with PROPAGATION; once the container runs, the host mounts a
# tmpfs holding latefile on $SRC/late, then the container runs CMD. What
# CMD printed is in $TEST_DIR/out.
after_late_mount() {
	shared_src
	mkdir -p "$SRC/late"
	add_mount /mnt/prop bind "$SRC" "[\"rbind\", \"$1\"]"
	update_config '.process.args = ["sh", "-c", $cmd]' --arg cmd "while [ ! -e /trigger ]; do sleep 0.05; done; $2"
	"$MYRUNC" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/out" 2>&1 3>&- &
	local rpid=$!
	wait_for_status "$CID" running
	mount -t tmpfs -o size=1m tmpfs "$SRC/late"
	on_teardown "umount -l '$SRC/late'"
	echo late-mount >"$SRC/late/latefile"
	touch "$BUNDLE/rootfs/trigger"
	wait "$rpid" || fail "run failed: $(cat "$TEST_DIR/out")"
}

@test "mount propagation rslave: host mounts made later appear in the container" {
	after_late_mount rslave 'cat /mnt/prop/late/latefile 2>&1; true'
	[ "$(cat "$TEST_DIR/out")" = late-mount ] || fail "container did not see the new mount: $(cat "$TEST_DIR/out")"
}

@test "mount propagation rprivate: host mounts made later do not appear" {
	after_late_mount rprivate 'ls -A /mnt/prop/late | wc -l'
	[ "$(cat "$TEST_DIR/out")" = 0 ] || fail "private mount saw the host's new mount: $(cat "$TEST_DIR/out")"
}

@test "mount propagation rshared: the bind mount is shared inside" {
	shared_src
	add_mount /mnt/prop bind "$SRC" '["rbind", "rshared"]'
	update_config '.process.args = ["grep", " /mnt/prop ", "/proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	[[ "$output" == *" shared:"* ]] || fail "not shared: $output"
}

@test "mounts given in config.json never show in the host's mount table" {
	add_mount /mnt/rw bind "$SRC" '["bind"]'
	add_mount /mnt/tmp tmpfs tmpfs '["size=1m"]'
	run_detached "$CID"
	! grep -F "$BUNDLE" /proc/self/mountinfo || fail "container mounts leaked into the host"
	! grep -F "$TEST_DIR" /proc/self/mountinfo || fail "container mounts leaked into the host"
}

@test "mounts are applied in order: a later mount covers an earlier one" {
	mkdir -p "$SRC/a" "$TEST_DIR/src2"
	echo first >"$SRC/a/f"
	echo second >"$TEST_DIR/src2/f"
	add_mount /mnt/x bind "$SRC" '["bind"]'
	add_mount /mnt/x/a bind "$TEST_DIR/src2" '["bind"]'
	update_config '.process.args = ["cat", "/mnt/x/a/f"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = second ]
	[ "$(cat "$SRC/a/f")" = first ]
}
