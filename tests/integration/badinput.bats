#!/usr/bin/env bats
# Bad input: create (and run) must fail with exit 1 and a message naming
# the problem, and leave nothing behind: no state dir, no cgroup dir, no
# mount, no process.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# create_fails: create $CID from $BUNDLE must fail with exit 1 and leave
# nothing behind; the output is in $output
create_fails() {
	myrunc_detached create --bundle "$BUNDLE" "$@" "$CID"
	assert_error
	assert_nothing_left
}

@test "missing config.json" {
	rm "$BUNDLE/config.json"
	create_fails
	assert_output_contains "config.json"
}

@test "config.json that cannot be read (a directory)" {
	rm "$BUNDLE/config.json"
	mkdir "$BUNDLE/config.json"
	create_fails
	assert_output_contains "config.json"
}

@test "config.json with invalid JSON" {
	echo '{"ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
	create_fails
	assert_output_contains "invalid JSON"
}

@test "config.json that is not a JSON object" {
	echo '["not", "an", "object"]' >"$BUNDLE/config.json"
	create_fails
}

@test "ociVersion 2.0.0 is refused" {
	update_config '.ociVersion = "2.0.0"'
	create_fails
	assert_output_contains "ociVersion"
}

@test "missing rootfs" {
	rm -rf "$BUNDLE/rootfs"
	create_fails
	assert_output_contains "root.path"
}

@test "root.path that is a file, not a directory" {
	update_config '.root.path = "config.json"'
	create_fails
	assert_output_contains "root.path"
}

@test "empty process.args" {
	update_config '.process.args = []'
	create_fails
	assert_output_contains "process.args"
}

@test "missing process" {
	update_config 'del(.process)'
	create_fails
	assert_output_contains "process"
}

@test "absolute path to a command that does not exist" {
	update_config '.process.args = ["/bin/nonexistent"]'
	create_fails
	assert_output_contains "/bin/nonexistent"
	[[ "$output" == *"no such file or directory"* || "$output" == *"executable file not found"* ]] ||
		fail "message: $output"
}

@test "bare command name not found in PATH" {
	update_config '.process.args = ["nonexistent"]'
	create_fails
	assert_output_contains "nonexistent" "executable file not found"
}

@test "bare command name when PATH is not set" {
	update_config '.process.args = ["nonexistent"] | .process.env = ["HOME=/root"]'
	create_fails
	assert_output_contains "nonexistent" "executable file not found"
}

@test "command that is not executable" {
	update_config '.process.args = ["/etc/passwd"]'
	create_fails
	assert_output_contains "permission denied"
}

@test "command that is a directory" {
	update_config '.process.args = ["/tmp"]'
	create_fails
	assert_output_contains "permission denied"
}

@test "run with a missing command fails the same way and removes everything" {
	update_config '.process.args = ["nonexistent"]'
	myrunc_detached run --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "nonexistent" "executable file not found"
	assert_nothing_left
}

@test "run -d with a missing command fails and removes everything" {
	update_config '.process.args = ["/bin/nonexistent"]'
	myrunc_detached run -d --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "/bin/nonexistent"
	assert_nothing_left
}

@test "relative process.cwd" {
	update_config '.process.cwd = "tmp"'
	create_fails
	grep -qi cwd <<<"$output" || fail "message does not name cwd: $output"
}

@test "unknown namespace type" {
	update_config '.linux.namespaces += [{"type": "bogusns"}]'
	create_fails
	assert_output_contains "bogusns"
}

@test "namespace path that does not exist" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = "/nonexistent/netns" else . end)'
	create_fails
	assert_output_contains "/nonexistent/netns"
}

@test "unknown rlimit type" {
	update_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	create_fails
	assert_output_contains "RLIMIT_BOGUS"
}

@test "bind mount of a source that does not exist" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent-src", "options": ["bind"]}]'
	create_fails
	assert_output_contains "/nonexistent-src"
}

@test "unknown sysctl" {
	update_config '.linux.sysctl = {"bogus.sysctl.name": "1"}'
	create_fails
	assert_output_contains "bogus.sysctl.name"
}

@test "--bundle that does not exist" {
	myrunc_detached create --bundle "$TEST_DIR/no-such-bundle" "$CID"
	assert_error
	assert_output_contains "no-such-bundle"
	assert_nothing_left
}

@test "ids with characters outside [A-Za-z0-9_.+-] are refused" {
	# a victim directory an id must never reach
	mkdir -p "$TEST_DIR/victim"
	touch "$TEST_DIR/victim/keep"
	local id bad=()
	for id in "a/b" "../victim" "../../$ID_BASE-x" ".." "." "a b" " lead" "a:b" 'a$b' 'a;b' 'a*b' 'a?b' 'a"b' "a'b" 'a\b' 'a|b' 'a<b' 'a@b' 'a#b' 'ä' $'a\nb' $'a\tb'; do
		myrunc_detached create --bundle "$BUNDLE" "$id"
		if [ "$status" -ne 1 ] || [[ "$output" != *invalid* ]]; then
			bad+=("'$id' -> status $status: $output")
		fi
	done
	[ ${#bad[@]} -eq 0 ] || fail "$(printf '%s\n' "${bad[@]}")"
	assert_nothing_left
	[ "$(ls -A "$TEST_DIR/victim")" = keep ] || fail "victim changed: $(ls -A "$TEST_DIR/victim")"
	[ ! -e "$(dirname "$TEST_DIR")/$ID_BASE-x" ] || fail "created $(dirname "$TEST_DIR")/$ID_BASE-x"
	local extra
	extra="$(ls -A "$TEST_DIR" | grep -vxE '\.cgroups|\.cleanup|bundle|root|victim|stdio[0-9]+\.(out|err)' || true)"
	[ -z "$extra" ] || fail "something appeared in $TEST_DIR: $extra"
	[ "$(ls -A "$BUNDLE" | sort | tr '\n' ' ')" = "config.json rootfs " ] || fail "bundle changed: $(ls -A "$BUNDLE")"
}

@test "ids made of allowed characters work" {
	local id="${ID_BASE}_A.b+c-9"
	create_container "$id"
	[ "$(container_status "$id")" = created ]
	[ -d "$ROOT/$id" ]
}

@test "an empty id is refused" {
	myrunc_detached create --bundle "$BUNDLE" ""
	[ "$status" -ne 0 ]
	assert_nothing_left
}

@test "a missing id is refused" {
	myrunc_detached create --bundle "$BUNDLE"
	[ "$status" -ne 0 ]
	assert_nothing_left
}

@test "state, kill, start and delete refuse invalid ids and touch nothing outside --root" {
	mkdir -p "$TEST_DIR/victim"
	touch "$TEST_DIR/victim/keep"
	local cmd bad=()
	for cmd in "state" "start" "kill" "delete" "delete -f"; do
		# shellcheck disable=SC2086
		myrunc $cmd "../victim"
		[ "$status" -ne 0 ] || bad+=("$cmd ../victim succeeded")
		# shellcheck disable=SC2086
		myrunc $cmd "a/b"
		[ "$status" -ne 0 ] || bad+=("$cmd a/b succeeded")
	done
	[ -e "$TEST_DIR/victim/keep" ] || fail "../victim was removed"
	[ ${#bad[@]} -eq 0 ] || fail "$(printf '%s\n' "${bad[@]}")"
}

@test "state, kill, start and delete of an unknown container fail with 'does not exist'" {
	local cmd bad=()
	for cmd in state start kill delete; do
		myrunc $cmd "${ID_BASE}-nope"
		if [ "$status" -ne 1 ] || [[ "$output" != *"does not exist"* ]]; then
			bad+=("$cmd -> $status: $output")
		fi
	done
	[ ${#bad[@]} -eq 0 ] || fail "$(printf '%s\n' "${bad[@]}")"
}

@test "a cgroup setting the kernel refuses fails create and leaves no cgroup in any hierarchy" {
	# cpuset is made after several other hierarchies: they must be removed too
	update_config '.linux.resources.cpu.cpus = "999"'
	myrunc create --bundle "$BUNDLE" "$CID"
	assert_status 1
	assert_output_contains cpuset
	assert_nothing_left
}

@test "config.json values of the wrong type name the field with its index or key" {
	update_config '.mounts[2].options = 5'
	create_fails
	assert_output_contains "mounts[2].options"
	update_config '.mounts[2].options = ["nosuid"] | .annotations = {"org.example": 1}'
	create_fails
	assert_output_contains 'annotations[' 'org.example'
}

@test "a kernel-refused mount fails create naming the mount, and leaves nothing" {
	update_config '.mounts += [{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=lots"]}]'
	create_fails
	assert_output_contains "mounts[7]"
}

@test "a bind mount of a missing source fails before anything is made" {
	update_config '.mounts += [{"destination": "/x", "type": "bind", "source": "/nonexistent-source", "options": ["rbind"]}]'
	create_fails
	assert_output_contains "mounts[7].source" "does not exist"
}

@test "a namespace path that is not a namespace fails before anything is made" {
	echo x >"$TEST_DIR/plain"
	update_config '.linux.namespaces += [{"type": "cgroup", "path": $p}]' --arg p "$TEST_DIR/plain"
	create_fails
	assert_output_contains "linux.namespaces[5].path" "not a namespace file"
	ln -s "$TEST_DIR/loop" "$TEST_DIR/loop"
	update_config '.linux.namespaces[5].path = $p' --arg p "$TEST_DIR/loop"
	create_fails
	assert_output_contains "linux.namespaces[5].path" "symbolic links"
}

@test "exec --process: a wrong type or a null document names the field, starts nothing" {
	run_detached "$CID"
	echo '{"args": ["true"], "cwd": "/", "user": {"uid": "root"}}' >"$TEST_DIR/p.json"
	myrunc exec --process "$TEST_DIR/p.json" "$CID"
	assert_error
	assert_output_contains "process.user.uid"
	echo null >"$TEST_DIR/p.json"
	myrunc exec --process "$TEST_DIR/p.json" "$CID"
	assert_error
	assert_output_contains "process" "null"
	myrunc ps "$CID"
	[ "${#lines[@]}" -le 3 ] || fail "exec left processes: $output"
}

@test "update --resources: values the kernel would refuse name the field and change nothing" {
	run_detached "$CID"
	local before
	before="$(cat "$CGROUP_MNT/cpu$CGROUPS_PATH/cpu.cfs_quota_us")"
	echo '{"cpu": {"quota": 500, "period": 100000}}' >"$TEST_DIR/r.json"
	myrunc update --resources "$TEST_DIR/r.json" "$CID"
	assert_error
	assert_output_contains "linux.resources.cpu.quota"
	echo '{"memory": {"limit": "lots"}}' >"$TEST_DIR/r.json"
	myrunc update --resources - "$CID" <"$TEST_DIR/r.json"
	assert_error
	assert_output_contains "linux.resources.memory.limit"
	[ "$(cat "$CGROUP_MNT/cpu$CGROUPS_PATH/cpu.cfs_quota_us")" = "$before" ] || fail "quota changed"
}

@test "linux.resources.unified cannot move a host process into the container's cgroup (cgroup.procs)" {
	# found by make badconfig: an accepted {"cgroup.procs": "1"} moved the
	# host's pid 1 into the container's cgroup, where delete kills
	local mine
	mine="$(cat /proc/self/cgroup)"
	update_config '.linux.resources.unified = {"cgroup.procs": $pid}' --arg pid "$$"
	create_fails
	assert_output_contains 'linux.resources.unified[' 'cgroup.procs'
	update_config 'del(.linux.resources.unified)'
	run_detached "$CID"
	for f in cgroup.procs cgroup.threads; do
		echo "{\"unified\": {\"$f\": \"$$\"}}" >"$TEST_DIR/r.json"
		myrunc update --resources "$TEST_DIR/r.json" "$CID"
		assert_error
		assert_output_contains "$f"
	done
	[ "$(cat /proc/self/cgroup)" = "$mine" ] || fail "this shell was moved: $(cat /proc/self/cgroup)"
}
