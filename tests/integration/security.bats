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

# CVE-2024-21626: a host descriptor leaked into the container (runc leaked
# one of /sys/fs/cgroup) lets a process.cwd or exec --cwd of
# /proc/self/fd/N land the process outside its root. The probe, run last
# by the container's process, says whether its cwd is inside its root
# (walking up ".." must end at "/"; from outside it would end at the
# host's root), then becomes `ls -l` of its own fd directory: the
# descriptors it was given, plus ls's one on that directory.
PROBE='d=.; while [ "$(stat -c %d:%i "$d")" != "$(stat -c %d:%i "$d/..")" ]; do d="$d/.."; done
[ "$(stat -c %d:%i "$d")" = "$(stat -c %d:%i /)" ] && echo cwd=inside || echo "cwd=outside: $(pwd -P)"
echo probe=$$; exec ls -l /proc/$$/fd'

# assert_probe FDS: the probe's output shows exactly FDS and a cwd inside the root
assert_probe() {
	[[ "$output" == *cwd=inside* ]] || fail "the cwd is outside the container's root: $output"
	local fds
	fds=$(awk '$1 ~ /^probe=/ {sub(/^probe=/, "", $1); self = "/proc/" $1 "/fd"}
		$10 == "->" && $11 != self {print $9}' <<<"$output" | sort -n | tr '\n' ' ')
	[ "$fds" = "$1 " ] || fail "descriptors besides $1 reached the container: $output"
}

@test "CVE-2024-21626: run: only fds 0-2 reach the process, and its cwd is inside the root" {
	local cwd
	for cwd in / /tmp; do
		update_config '.process.cwd = $c | .process.args = ["sh", "-c", $p]' --arg c "$cwd" --arg p "$PROBE"
		run_fg "$CID"
		assert_status 0
		assert_probe "0 1 2"
	done
}

@test "CVE-2024-21626: run: process.cwd /proc/self/fd/N fails or stays inside the root" {
	touch "$TEST_DIR/host-marker"
	local n
	for n in 3 4 5 6 7 8 9; do
		update_config '.process.cwd = $c | .process.args = ["sh", "-c", "ls -a; ls -a ..; " + $p]' --arg c "/proc/self/fd/$n" --arg p "$PROBE"
		run_fg "$CID-$n"
		[[ "$output" != *host-marker* && "$output" != *state.json* ]] || fail "cwd /proc/self/fd/$n reached the host: $output"
		if [ "$status" -eq 0 ]; then
			assert_probe "0 1 2"
		else
			[[ "$output" == *"/proc/self/fd/$n"* ]] || fail "cwd /proc/self/fd/$n: an error not naming it: $output"
		fi
	done
}

@test "CVE-2024-21626: run --preserve-fds 1: fds 0-3 reach the process, nothing else" {
	echo kept >"$TEST_DIR/preserved"
	update_config '.process.args = ["sh", "-c", "cat <&3; " + $p]' --arg p "$PROBE"
	run timeout "$MYRUNC_TIMEOUT" "$MYRUNC" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$CID" 3<"$TEST_DIR/preserved"
	assert_status 0
	assert_probe "0 1 2 3"
	[[ "$output" == *kept* ]] || fail "fd 3 is not the preserved file: $output"
}

@test "CVE-2024-21626: exec: only fds 0-2 reach the process, its cwd is inside the root, --cwd /proc/self/fd/N too" {
	update_config '.process.args = ["sleep", "100"]'
	run_detached "$CID"
	myrunc exec "$CID" sh -c "$PROBE"
	assert_status 0
	assert_probe "0 1 2"
	myrunc exec --cwd /tmp "$CID" sh -c "$PROBE"
	assert_status 0
	assert_probe "0 1 2"
	echo kept >"$TEST_DIR/preserved"
	run timeout "$MYRUNC_TIMEOUT" "$MYRUNC" --root "$ROOT" exec --preserve-fds 1 "$CID" sh -c "cat <&3; $PROBE" 3<"$TEST_DIR/preserved"
	assert_status 0
	assert_probe "0 1 2 3"
	[[ "$output" == *kept* ]] || fail "fd 3 is not the preserved file: $output"
	# the exec init moves its own descriptors above the preserved ones
	local n
	for n in $(seq 3 15); do
		myrunc exec --cwd "/proc/self/fd/$n" "$CID" sh -c "$PROBE"
		if [ "$status" -eq 0 ]; then
			assert_probe "0 1 2"
		else
			[[ "$output" == *"/proc/self/fd/$n"* ]] || fail "exec --cwd /proc/self/fd/$n: an error not naming it: $output"
		fi
	done
}
