#!/usr/bin/env bats
# CVE-2025-31133: maskedPaths bind /dev/null over files such as /proc/kcore or /proc/timer_list.
# If the container's /dev/null is not the null device (a symlink to a procfs
# file, a plain file, another device), that bind would hand the container
# a writable view of whatever it points to. The container must fail to
# start with a clear error instead.
#
# The symlink targets an attack could use are host-wide (core_pattern,
# sysrq-trigger); the tests that look for a successful redirect use
# kernel.domainname, which the container's own UTS namespace holds, so a
# runtime without the protection changes nothing outside the container.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# image_dev: /dev comes from the rootfs (no tmpfs mount), as in an image
# that ships its own device files
image_dev() {
	update_config '.mounts |= map(select(.destination != "/dev"))'
	mkdir -p "$BUNDLE/rootfs/dev"
}

# attack_via_masked: the container writes the masked /proc/timer_list (on
# every host, unlike /proc/kcore)
# and reports kernel.domainname, which a redirected mask would change
attack_via_masked() {
	update_config '.process.args = ["sh", "-c", "echo pwned >/proc/timer_list; cat /proc/sys/kernel/domainname"]'
}

# assert_refused WHAT: the run failed, saying /dev/null is WHAT, and
# left nothing behind
assert_refused() {
	assert_error
	assert_output_contains "/dev/null" "$1"
	[[ "$output" != *pwned* ]] || fail "the container ran: $output"
	assert_nothing_left
}

@test "CVE-2025-31133: image /dev/null symlink to a procfs file is not bound over masked paths" {
	image_dev
	ln -s /proc/sys/kernel/domainname "$BUNDLE/rootfs/dev/null"
	attack_via_masked
	run_fg "$CID"
	assert_refused "is a symlink"
}

@test "CVE-2025-31133: image /dev/null symlink to core_pattern or sysrq-trigger is refused" {
	image_dev
	local target
	for target in /proc/sys/kernel/core_pattern /proc/sysrq-trigger; do
		ln -sfn "$target" "$BUNDLE/rootfs/dev/null"
		# only read: a runtime without the protection must not harm the host
		update_config '.process.args = ["cat", "/proc/timer_list"]'
		run_fg "$CID"
		assert_refused "is a symlink"
	done
}

@test "CVE-2025-31133: /dev/null symlink in a bind-mounted /dev directory is refused" {
	mkdir "$TEST_DIR/devdir"
	ln -s /proc/sys/kernel/domainname "$TEST_DIR/devdir/null"
	update_config '.mounts |= map(if .destination == "/dev" then {"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]} else . end)' \
		--arg d "$TEST_DIR/devdir"
	attack_via_masked
	run_fg "$CID"
	assert_refused "is a symlink"
	[ -L "$TEST_DIR/devdir/null" ] || fail "the bound /dev directory changed"
}

@test "CVE-2025-31133: /dev/null replaced by a symlink from a createContainer hook is refused" {
	# the hook runs in the container's mount namespace, after /dev is populated
	update_config '.hooks.createContainer = [{"path": "/bin/sh",
		"args": ["sh", "-c", "ln -sfn /proc/sys/kernel/domainname \"$0/dev/null\"", $r]}]' \
		--arg r "$BUNDLE/rootfs"
	attack_via_masked
	run_fg "$CID"
	assert_refused "is a symlink"
}

@test "CVE-2025-31133: a procfs file bound over /dev/null by an earlier mount is refused" {
	image_dev
	mknod -m 666 "$BUNDLE/rootfs/dev/null" c 1 3
	update_config '.mounts += [{"destination": "/dev/null", "type": "bind", "source": "/proc/sys/kernel/domainname", "options": ["bind"]}]'
	attack_via_masked
	run_fg "$CID"
	assert_refused "regular file"
}

@test "CVE-2025-31133: a regular file at /dev/null is not bound over masked paths" {
	image_dev
	echo secret-left-by-image >"$BUNDLE/rootfs/dev/null"
	update_config '.process.args = ["cat", "/proc/timer_list"]'
	run_fg "$CID"
	assert_refused "regular file"
}

@test "CVE-2025-31133: another device at /dev/null is not bound over masked paths" {
	image_dev
	# /dev/zero's numbers: harmless if bound, and visible as zeroes
	mknod -m 666 "$BUNDLE/rootfs/dev/null" c 1 5
	update_config '.process.args = ["sh", "-c", "head -c 4 /proc/timer_list | od -An -tx1"]'
	run_fg "$CID"
	assert_refused "device 1:5"
}

@test "CVE-2025-31133: the image's real null device masks files" {
	image_dev
	mknod -m 666 "$BUNDLE/rootfs/dev/null" c 1 3
	update_config '.process.args = ["sh", "-c", "wc -c </proc/timer_list; echo x >/proc/timer_list && cat /proc/timer_list; grep -c timer_list /proc/self/mountinfo"]'
	run_fg "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "0 1" ] || fail "/proc/timer_list not masked by the null device: $output"
}
