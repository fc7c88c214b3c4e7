#!/usr/bin/env bats
# The root file system: readonly root, masked and read-only paths, sysctls,
# pivot_root, rootfs propagation, and keeping the host's mount table clean.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "root.readonly: writing to / fails with Read-only file system" {
	update_config '.root.readonly = true
		| .process.args = ["sh", "-c", "touch /newfile 2>&1; echo ok >/tmp/t 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "Read-only file system"
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "root.readonly: the mounts on top of it stay writable" {
	update_config '.root.readonly = true
		| .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]
		| .process.args = ["sh", "-c", "echo ok >/tmp/t && cat /tmp/t && echo x >/dev/shm/y && echo shm-ok"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains ok shm-ok
}

@test "root.readonly false: / is writable" {
	update_config '.process.args = ["sh", "-c", "echo written >/newfile"]'
	run_fg "$CID"
	assert_status 0
	[ "$(cat "$BUNDLE/rootfs/newfile")" = written ]
}

@test "maskedPaths: a masked file reads empty" {
	echo "top-secret" >"$BUNDLE/rootfs/etc/secret"
	update_config '.linux.maskedPaths += ["/etc/secret"]
		| .process.args = ["sh", "-c", "cat /etc/secret; echo \"size=$(wc -c </etc/secret)\""]'
	run_fg "$CID"
	assert_status 0
	assert_output_not_contains top-secret
	assert_output_contains "size=0"
}

@test "maskedPaths: a masked directory is empty" {
	mkdir -p "$BUNDLE/rootfs/secretdir"
	touch "$BUNDLE/rootfs/secretdir/a" "$BUNDLE/rootfs/secretdir/b"
	update_config '.linux.maskedPaths += ["/secretdir"]
		| .process.args = ["sh", "-c", "ls -A /secretdir | wc -l"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = 0 ]
	# masking must not touch the rootfs on the host
	[ -e "$BUNDLE/rootfs/secretdir/a" ]
}

@test "maskedPaths: the default entries that exist on this host are masked" {
	local p files=() dirs=()
	for p in $(jq -r '.linux.maskedPaths[]' "$BUNDLE/config.json"); do
		if [ -f "$p" ]; then files+=("$p"); elif [ -d "$p" ]; then dirs+=("$p"); fi
	done
	[ ${#files[@]} -gt 0 ] || [ ${#dirs[@]} -gt 0 ] || skip "no default masked path exists here"
	update_config '.process.args = ["sh", "-c", "for f in $FILES; do echo \"$f $(cat $f | wc -c)\"; done; for d in $DIRS; do echo \"$d $(ls -A $d | wc -l)\"; done"]
		| .process.env += ["FILES=" + $f, "DIRS=" + $d]' --arg f "${files[*]}" --arg d "${dirs[*]}"
	run_fg "$CID"
	assert_status 0
	local l
	for l in "${lines[@]}"; do
		[[ "$l" == *" 0" ]] || fail "not masked: $l (all: $output)"
	done
	[ "${#lines[@]}" -eq $((${#files[@]} + ${#dirs[@]})) ] || fail "$output"
}

@test "maskedPaths: a path that does not exist is ignored" {
	update_config '.linux.maskedPaths += ["/does/not/exist"] | .process.args = ["echo", "ok"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = ok ]
}

@test "readonlyPaths: writes fail, reads work" {
	mkdir -p "$BUNDLE/rootfs/rodir"
	echo "ro-content" >"$BUNDLE/rootfs/rodir/f"
	update_config '.linux.readonlyPaths += ["/rodir"]
		| .process.args = ["sh", "-c", "cat /rodir/f; touch /rodir/new 2>&1; echo rw >/rwfile && echo rw-ok"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains ro-content "Read-only file system" rw-ok
	[ ! -e "$BUNDLE/rootfs/rodir/new" ]
}

@test "readonlyPaths: the default /proc/sys is read-only" {
	update_config '.process.args = ["sh", "-c", "echo 1 >/proc/sys/kernel/domainname 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "Read-only file system"
}

@test "linux.sysctl: net.ipv4.ip_forward in the container's network namespace" {
	local host_before
	host_before="$(cat /proc/sys/net/ipv4/ip_forward)"
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}
		| .process.args = ["cat", "/proc/sys/net/ipv4/ip_forward"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = 1 ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_before" ]
}

@test "linux.sysctl: kernel.shmmax in the container's ipc namespace" {
	local host_before
	host_before="$(cat /proc/sys/kernel/shmmax)"
	update_config '.linux.sysctl = {"kernel.shmmax": "123456789"}
		| .process.args = ["cat", "/proc/sys/kernel/shmmax"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = 123456789 ]
	[ "$(cat /proc/sys/kernel/shmmax)" = "$host_before" ]
}

@test "pivot_root: the host's root is gone from the container" {
	update_config '.process.args = ["sh", "-c", "ls /; echo ---; cat /proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	local listing="${output%%---*}" mi="${output#*---}"
	grep -qx bin <<<"$listing" || fail "$output"
	! grep -qx work <<<"$listing" || fail "host root visible: $output"
	# exactly one mount at / and nothing of the host's outside the rootfs
	[ "$(awk '$5 == "/"' <<<"$mi" | wc -l)" -eq 1 ] || fail "$mi"
	! awk '{print $5}' <<<"$mi" | grep -q '^/work' || fail "$mi"
}

@test "--no-pivot: the container still runs in its rootfs" {
	update_config '.process.args = ["sh", "-c", "ls /; cat /etc/passwd"]'
	run_fg "$CID" --no-pivot
	assert_status 0
	grep -qx bin <<<"$output" || fail "$output"
	! grep -qx work <<<"$output" || fail "host root visible: $output"
	assert_output_contains "user:x:1000:1000"
}

@test "root.path may be absolute and outside the bundle" {
	mv "$BUNDLE/rootfs" "$TEST_DIR/elsewhere-rootfs"
	update_config '.root.path = $p | .process.args = ["cat", "/etc/group"]' --arg p "$TEST_DIR/elsewhere-rootfs"
	run_fg "$CID"
	assert_status 0
	assert_output_contains "extra:x:2000"
}

@test "linux.rootfsPropagation shared: / is a shared mount inside" {
	update_config '.linux.rootfsPropagation = "shared"
		| .process.args = ["sh", "-c", "awk \"\\$5 == \\\"/\\\"\" /proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	[[ "$output" == *" shared:"* ]] || fail "/ is not shared: $output"
}

@test "linux.rootfsPropagation private: / is a private mount inside" {
	update_config '.linux.rootfsPropagation = "private"
		| .process.args = ["sh", "-c", "awk \"\\$5 == \\\"/\\\"\" /proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	[ -n "$output" ]
	[[ "$output" != *" shared:"* && "$output" != *" master:"* ]] || fail "/ is not private: $output"
}

@test "linux.rootfsPropagation rshared: detaching the old root unmounts nothing on the host" {
	# a shared host mount with a submount: the container's copy of it is
	# a peer, so an unmount that propagated would take the host's away
	local peer="$TEST_DIR/peer"
	mkdir -p "$peer"
	mount -t tmpfs peer "$peer"
	on_teardown "umount -R '$peer'"
	mount --make-shared "$peer"
	mkdir "$peer/sub"
	mount -t tmpfs sub "$peer/sub"
	for mode in rshared shared; do
		update_config '.linux.rootfsPropagation = $m | .process.args = ["true"]' --arg m "$mode"
		run_fg "$CID-$mode"
		assert_status 0
		mountpoint -q "$peer/sub" || fail "rootfsPropagation $mode: the host's $peer/sub was unmounted by the container's start"
	done
}

@test "the host's mount table never shows the container's mounts" {
	local before after
	before="$(grep -c . /proc/self/mountinfo)"
	create_container "$CID"
	! grep -F "$TEST_DIR" /proc/self/mountinfo || fail "mounts visible on the host after create"
	myrunc -0 start "$CID"
	wait_for_status "$CID" running
	! grep -F "$TEST_DIR" /proc/self/mountinfo || fail "mounts visible on the host while running"
	myrunc -0 delete -f "$CID"
	! grep -F "$TEST_DIR" /proc/self/mountinfo || fail "mounts visible on the host after delete"
}

@test "the container's mount namespace has the spec's mounts" {
	run_detached "$CID"
	local pid mi d
	pid="$(container_pid "$CID")"
	mi="$(cat "/proc/$pid/mountinfo")"
	for d in / /proc /dev /dev/pts /dev/shm /dev/mqueue /sys; do
		awk -v d="$d" '$5 == d { found = 1 } END { exit !found }' <<<"$mi" || fail "no mount at $d: $mi"
	done
}
