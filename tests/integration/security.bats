#!/usr/bin/env bats
# Known runtime escapes, each tried for real.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# CVE-2019-5736: a container process that holds /proc/<init>/exe reopens it
# for writing once the init has exec'd, to overwrite the runtime binary.
@test "CVE-2019-5736: a container cannot overwrite the runtime through /proc/<init>/exe" {
	# attack a copy, so a failure cannot break the binary under test
	cp "$MYRUNC" "$TEST_DIR/myrunc-victim"
	MYRUNC="$TEST_DIR/myrunc-victim"
	local before
	before="$(sha256sum <"$MYRUNC")"
	update_config '.process.args = ["sleep", "100"]'
	create_container "$CID"
	# the init runs from the slim init kept under --root, when this build has one
	local slim_before
	slim_before="$(cat "$ROOT"/.cache/init/* 2>/dev/null | sha256sum)"
	local pid
	pid="$(container_pid "$CID")"
	# the attacker shares the pid namespace, so it sees the waiting init as
	# pid 1; with CAP_DAC_OVERRIDE, file modes do not stop it: only the seal
	fresh_cgroup
	update_config '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)
		| .process.capabilities |= with_entries(.value += ["CAP_DAC_OVERRIDE"])
		| .process.args = ["sh", "-c", "exec 3</proc/1/exe || exit 9; echo holding; while [ ! -e /go ]; do sleep 0.05; done; echo pwned >>/proc/self/fd/3; echo rc=$?"]' \
		--arg p "/proc/$pid/ns/pid"
	myrunc_detached run -d --bundle "$BUNDLE" "$CID2"
	assert_status 0
	retry 10 grep -q holding "$STDOUT_FILE" || fail "attacker did not get /proc/1/exe: $(cat "$STDOUT_FILE" "$STDERR_FILE")"
	# start: the init execs the user process and no longer runs the binary
	myrunc start "$CID"
	assert_status 0
	touch "$BUNDLE/rootfs/go"
	retry 10 grep -q 'rc=' "$STDOUT_FILE" || fail "attacker did not finish: $(cat "$STDOUT_FILE" "$STDERR_FILE")"
	grep -q 'rc=[1-9]' "$STDOUT_FILE" || fail "the write succeeded: $(cat "$STDOUT_FILE")"
	grep -qi 'read-only file system' "$STDERR_FILE" || fail "unexpected error: $(cat "$STDERR_FILE")"
	[ "$(sha256sum <"$MYRUNC")" = "$before" ] || fail "the runtime binary changed"
	[ "$(cat "$ROOT"/.cache/init/* 2>/dev/null | sha256sum)" = "$slim_before" ] || fail "the slim init changed"
}

# CVE-2024-21626: a process.cwd of /proc/self/fd/N must not land the process
# in a host directory through a descriptor leaked into the container.
@test "CVE-2024-21626: process.cwd through /proc/self/fd cannot reach the host" {
	touch "$TEST_DIR/host-marker"
	local n
	for n in 3 4 5 6 7 8 9; do
		update_config '.process.cwd = $c | .process.args = ["sh", "-c", "ls -a; ls -a .."]' --arg c "/proc/self/fd/$n"
		run_fg "$CID-$n"
		[[ "$output" != *host-marker* ]] || fail "cwd /proc/self/fd/$n reached the host: $output"
		[[ "$output" != *state.json* ]] || fail "cwd /proc/self/fd/$n reached the state dir: $output"
	done
}

# CVE-2024-21626 too: only stdio and --preserve-fds reach the container.
@test "no runtime descriptor reaches the container process" {
	update_config '.process.args = ["sh", "-c", "ls /proc/self/fd"]'
	run_fg "$CID"
	assert_status 0
	# ls itself opens one directory fd
	[ "$(squeeze "$(echo $output)")" = "0 1 2 3" ] || fail "fds in the container: $output"
}
