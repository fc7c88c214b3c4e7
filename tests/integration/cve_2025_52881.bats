#!/usr/bin/env bats
# CVE-2025-52881: the init writes to /proc after the container's mounts are
# in place (sysctls, oom_score_adj) and names its own descriptors as
# /proc/self/fd/N for mount(2) after pivot_root (masked and read-only
# paths, /dev/console). Mounts from config.json can put other files at
# those paths: another procfs file, a plain file, a whole fake /proc. The
# writes must reach the right procfs file or fail, and the mounts must not
# be sent elsewhere.
#
# The redirect targets are files the container's own namespaces hold
# (kernel.domainname is per UTS namespace, and the init writes from inside
# the container's), so a runtime without the protection harms nothing.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# add_bind SOURCE DEST
add_bind() {
	update_config '.mounts += [{"destination": $d, "type": "bind", "source": $s, "options": ["bind"]}]' --arg s "$1" --arg d "$2"
}

@test "CVE-2025-52881: a sysctl is not written into another procfs file bound over it" {
	add_bind /proc/sys/kernel/domainname /proc/sys/kernel/shmmax
	update_config '.linux.sysctl = {"kernel.shmmax": "12345678"}
		| .process.args = ["sh", "-c", "echo domainname=$(cat /proc/sys/kernel/domainname)"]'
	run_fg "$CID"
	assert_output_not_contains "domainname=12345678"
	assert_status 0
	assert_output_contains "domainname=(none)"
}

@test "CVE-2025-52881: a sysctl is not written into a host file bound over /proc/sys" {
	mkdir -p "$TEST_DIR/fakesys/kernel"
	echo untouched >"$TEST_DIR/fakesys/kernel/shmmax"
	add_bind "$TEST_DIR/fakesys" /proc/sys
	update_config '.linux.sysctl = {"kernel.shmmax": "12345678"} | .process.args = ["true"]'
	run_fg "$CID"
	[ "$(cat "$TEST_DIR/fakesys/kernel/shmmax")" = untouched ] || fail "the sysctl went into the host file"
}

@test "CVE-2025-52881: oom_score_adj is not written into another procfs file bound over it" {
	# /proc/self is the init, pid 1 in the container
	add_bind /proc/sys/kernel/domainname /proc/1/oom_score_adj
	update_config '.process.oomScoreAdj = 123
		| .process.args = ["sh", "-c", "echo domainname=$(cat /proc/sys/kernel/domainname); exec sleep 100"]'
	run_detached "$CID"
	wait_for_content "$STDOUT_FILE" "domainname="
	assert_output_not_contains "domainname=123"
	grep -q "domainname=(none)" "$STDOUT_FILE" || fail "output: $(cat "$STDOUT_FILE")"
	local pid
	pid="$(container_pid "$CID")"
	[ "$(cat "/proc/$pid/oom_score_adj")" = 123 ] || fail "oom_score_adj of the container is $(cat "/proc/$pid/oom_score_adj")"
}

@test "CVE-2025-52881: a /proc that is not procfs receives no writes" {
	mkdir -p "$TEST_DIR/fakeproc/sys/kernel" "$TEST_DIR/fakeproc/self" "$TEST_DIR/fakeproc/1"
	echo untouched >"$TEST_DIR/fakeproc/sys/kernel/shmmax"
	echo untouched >"$TEST_DIR/fakeproc/1/oom_score_adj"
	echo untouched >"$TEST_DIR/fakeproc/self/oom_score_adj"
	update_config '.mounts |= map(if .destination == "/proc" then {"destination": "/proc", "type": "bind", "source": $p, "options": ["rbind"]} else . end)
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .linux.sysctl = {"kernel.shmmax": "12345678"} | .process.oomScoreAdj = 123 | .process.args = ["true"]' \
		--arg p "$TEST_DIR/fakeproc"
	run_fg "$CID"
	assert_error
	assert_output_contains "procfs"
	local f
	for f in sys/kernel/shmmax 1/oom_score_adj self/oom_score_adj; do
		[ "$(cat "$TEST_DIR/fakeproc/$f")" = untouched ] || fail "$f was written"
	done
	assert_nothing_left
}

@test "CVE-2025-52881: a mount over /proc/self/fd cannot send read-only and masked paths elsewhere" {
	# every /proc/self/fd/N the init could use leads to a decoy directory
	# of the container, so the read-only bind of /proc/sys would land there
	mkdir -p "$TEST_DIR/fakefd" "$BUNDLE/rootfs/decoy"
	local n
	for n in $(seq 0 63); do
		ln -s /decoy "$TEST_DIR/fakefd/$n"
	done
	add_bind "$TEST_DIR/fakefd" /proc/self/fd
	update_config '.process.args = ["sh", "-c", "echo pwned >/proc/sys/kernel/domainname && echo WRITABLE; cat /proc/timer_list | head -c 20 | wc -c"]'
	run_fg "$CID"
	assert_output_not_contains WRITABLE
	assert_error
	assert_output_contains "/proc/self/fd"
	assert_nothing_left
}

# exec's init joins the container's mount namespace: its procfs clone is
# made there, of the container's /proc
@test "CVE-2025-52881: exec sets oom_score_adj through the container's procfs" {
	add_bind /proc/sys/kernel/domainname /proc/1/oom_score_adj
	run_detached "$CID"
	jq '.process | .oomScoreAdj = 321 | .args = ["sh", "-c", "cat /proc/self/oom_score_adj; cat /proc/sys/kernel/domainname"]' \
		"$BUNDLE/config.json" >"$TEST_DIR/process.json"
	myrunc exec --process "$TEST_DIR/process.json" "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "321 (none)" ] || fail "output: $output"
}
