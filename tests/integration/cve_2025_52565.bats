#!/usr/bin/env bats
# CVE-2025-52565: the /dev/console bind of a process.terminal container,
# and the device binds of a user-namespaced one, happen before masked and
# read-only paths are applied. When /dev comes from the image, a symlink
# there must not send the bind onto another file (the console over
# /proc/sysrq-trigger) or bind another file in (a procfs file as the
# console, writable).
#
# The redirect targets that would be host-wide are only looked at; the
# writes go to kernel.domainname, which the container's UTS namespace owns.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# proc_victim: a host-wide procfs file a redirected bind would cover (some
# kernels lack sysrq); only looked at, never written
proc_victim() {
	if [ -e /proc/sysrq-trigger ]; then echo /proc/sysrq-trigger; else echo /proc/sys/kernel/core_pattern; fi
}

# in_terminal CMD...: run CMD with a pty as its terminal, output in $output
in_terminal() {
	run timeout 30 script -qec "$(printf '%q ' "$@")" /dev/null
}

# image_dev: /dev from the rootfs, with the null device (masked paths need
# it) and no tmpfs
image_dev() {
	update_config '.mounts |= map(select(.destination != "/dev"))'
	mkdir -p "$BUNDLE/rootfs/dev"
	mknod -m 666 "$BUNDLE/rootfs/dev/null" c 1 3
}

@test "CVE-2025-52565: a /dev/console symlink does not put the console over its target" {
	image_dev
	ln -s pts/ptmx "$BUNDLE/rootfs/dev/ptmx"
	ln -s "$(proc_victim)" "$BUNDLE/rootfs/dev/console"
	update_config '.process.terminal = true
		| .process.args = ["sh", "-c", "test -c \"$0\" && echo REDIRECTED; echo ran", $v]' --arg v "$(proc_victim)"
	in_terminal "$MYRUNC" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	assert_output_not_contains REDIRECTED ran
	assert_output_contains "/dev/console is a symlink"
	[ "$status" -ne 0 ] || fail "the container ran: $output"
	assert_nothing_left
}

@test "CVE-2025-52565: a symlink at /dev/pts/N is not bound in as the console" {
	# the pty comes from a devpts at /dev/pts2 (the image's /dev/ptmx
	# points there), while the name the kernel gives it, /dev/pts/N, is a
	# directory of the image's
	image_dev
	update_config '.mounts |= map(if .destination == "/dev/pts" then .destination = "/dev/pts2" else . end)'
	ln -s pts2/ptmx "$BUNDLE/rootfs/dev/ptmx"
	mkdir "$BUNDLE/rootfs/dev/pts"
	local n
	for n in $(seq 0 63); do
		ln -s /proc/sys/kernel/domainname "$BUNDLE/rootfs/dev/pts/$n"
	done
	update_config '.process.terminal = true
		| .process.args = ["sh", "-c", "echo pwned >/dev/console; echo domainname=$(cat /proc/sys/kernel/domainname); test -c /dev/console && echo console-is-a-tty"]'
	in_terminal "$MYRUNC" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	assert_output_not_contains "domainname=pwned"
	assert_status 0
	assert_output_contains "domainname=(none)" console-is-a-tty
}

@test "CVE-2025-52565: a symlink at a device path is not followed by the user namespace device bind" {
	mkdir "$TEST_DIR/devdir"
	mknod -m 666 "$TEST_DIR/devdir/null" c 1 3
	ln -s "$(proc_victim)" "$TEST_DIR/devdir/full"
	# the image's /dev, owned by the container's root
	chown -hR 100000:100000 "$TEST_DIR/devdir"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts |= map(if .destination == "/dev" then {"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]} else . end)
		| .linux.devices = [{"path": "/dev/full", "type": "c", "major": 1, "minor": 7}]
		| .process.args = ["sh", "-c", "test -c \"$0\" && echo REDIRECTED; test -c /dev/full && echo full-is-a-device", $v]' \
		--arg d "$TEST_DIR/devdir" --arg v "$(proc_victim)"
	run_fg "$CID"
	assert_output_not_contains REDIRECTED
	assert_status 0
	assert_output_contains full-is-a-device
}
