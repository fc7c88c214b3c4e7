#!/usr/bin/env bats
# exec: a new process in a running container.

load helpers

setup() {
	setup_test
	setup_bundle sleep 100
	run_detached "$CID"
	INIT_PID="$(container_pid "$CID")"
}
teardown() { teardown_test; }

@test "exec runs a command and passes its output and exit code" {
	myrunc exec "$CID" sh -c 'echo from-exec; echo to-stderr >&2; exit 3'
	assert_status 3
	assert_output_contains from-exec to-stderr
}

@test "exec passes stdin" {
	run -0 bash -c 'echo piped-in | "$1" --root "$2" exec "$3" cat' _ "$MYRUNC" "$ROOT" "$CID"
	[ "$output" = piped-in ]
}

@test "exec joins every namespace and the cgroup of the container" {
	myrunc_detached exec -d --pid-file "$TEST_DIR/exec.pid" "$CID" sleep 100
	assert_status 0
	local pid t
	pid="$(cat "$TEST_DIR/exec.pid")"
	[ -d "/proc/$pid" ] || fail "no process $pid"
	for t in pid net ipc uts mnt; do
		[ "$(readlink "/proc/$pid/ns/$t")" = "$(readlink "/proc/$INIT_PID/ns/$t")" ] || fail "$t namespace not joined"
	done
	diff <(cat "/proc/$INIT_PID/cgroup") <(cat "/proc/$pid/cgroup") || fail "cgroup not joined"
	# the process sees the container's processes and root
	myrunc exec "$CID" sh -c 'ps -o args | grep -c "^sleep 100"; test -e /bin/busybox && echo in-rootfs'
	assert_output_contains 2 in-rootfs
}

@test "exec --env --cwd --user --additional-gids" {
	myrunc exec --env FOO=bar --env PATH=/bin --cwd /tmp --user 1000:1000 --additional-gids 2000 "$CID" \
		sh -c 'echo $FOO; echo $PATH; pwd; id -u; id -g; id -G'
	assert_status 0
	[ "${lines[0]}" = bar ] && [ "${lines[1]}" = /bin ] && [ "${lines[2]}" = /tmp ] || fail "$output"
	[ "${lines[3]}" = 1000 ] && [ "${lines[4]}" = 1000 ] || fail "$output"
	[[ " ${lines[5]} " == *" 2000 "* ]] || fail "groups: ${lines[5]}"
}

@test "exec --cap adds a capability, --no-new-privs sets no_new_privs" {
	myrunc exec --cap CAP_SYS_ADMIN --no-new-privs "$CID" sh -c 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'
	assert_status 0
	local eff
	eff="$(awk '/^CapEff/ {print $2}' <<<"$output")"
	# CAP_SYS_ADMIN is bit 21
	(( (16#$eff >> 21) & 1 )) || fail "CAP_SYS_ADMIN missing: $output"
	[[ "$output" == *"NoNewPrivs:"*1* ]] || fail "$output"
}

@test "exec --process takes a runtime-spec process file" {
	cat >"$TEST_DIR/process.json" <<-'JSON'
	{"args": ["sh", "-c", "echo $X; pwd; id -u"], "env": ["X=from-file", "PATH=/bin"], "cwd": "/etc",
	 "user": {"uid": 65534, "gid": 65534}}
	JSON
	myrunc exec --process "$TEST_DIR/process.json" "$CID"
	assert_status 0
	[ "${lines[0]}" = from-file ] && [ "${lines[1]}" = /etc ] && [ "${lines[2]}" = 65534 ] || fail "$output"
}

@test "exec --detach --pid-file returns 0 and the pid is the running process" {
	myrunc_detached exec -d --pid-file "$TEST_DIR/p" "$CID" sh -c 'echo $$ > /tmp/self; exec sleep 100'
	assert_status 0
	local pid
	pid="$(cat "$TEST_DIR/p")"
	retry 5 grep -q "sleep" "/proc/$pid/cmdline"
}

@test "exec of a missing or non-executable command fails with Docker's words" {
	myrunc exec "$CID" no-such-cmd
	assert_status 1
	assert_output_contains no-such-cmd "executable file not found"
	myrunc exec "$CID" /etc/passwd
	assert_status 1
	assert_output_contains "permission denied"
}

@test "exec exits 128+signal when the process is killed" {
	myrunc exec "$CID" sh -c 'kill -9 $$'
	assert_status 137
}

@test "exec --preserve-fds 1 passes fd 3" {
	echo passed-fd >"$TEST_DIR/fd3"
	run bash -c '"$1" --root "$2" exec --preserve-fds 1 "$3" cat /proc/self/fd/3 3<"$4"' _ "$MYRUNC" "$ROOT" "$CID" "$TEST_DIR/fd3"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$output" = passed-fd ]
}

@test "exec into a stopped, paused or unknown container fails" {
	myrunc exec nosuch true
	assert_status 1
	assert_output_contains "does not exist"
	myrunc pause "$CID"
	assert_status 0
	myrunc exec "$CID" true
	assert_status 1
	assert_output_contains paused
	myrunc resume "$CID"
	myrunc kill "$CID" KILL
	wait_for_status "$CID" stopped
	myrunc exec "$CID" true
	assert_status 1
	assert_output_contains stopped
}

@test "exec into a container with a user namespace runs as its root" {
	myrunc delete -f "$CID"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	run_detached "$CID2"
	myrunc_detached exec -d --pid-file "$TEST_DIR/u.pid" "$CID2" sleep 100
	assert_status 0
	local pid
	pid="$(cat "$TEST_DIR/u.pid")"
	[ "$(readlink "/proc/$pid/ns/user")" = "$(readlink "/proc/$(container_pid "$CID2")/ns/user")" ] || fail "user namespace not joined"
	read -ra uid <<<"$(grep '^Uid:' "/proc/$pid/status")"
	[ "${uid[1]}" = 100000 ] || fail "host uid: ${uid[*]}"
	myrunc exec "$CID2" id -u
	[ "$output" = 0 ] || fail "$output"
}

@test "exec --user NAME takes uid, gid, groups and HOME from the container's files" {
	myrunc exec --user user "$CID" sh -c 'id -u; id -g; id -G; echo "$HOME"'
	assert_status 0
	[ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 1000 ] || fail "$output"
	# extra (2000) lists user as a member
	[[ " ${lines[2]} " == *" 2000 "* ]] || fail "groups: $output"
	[ "${lines[3]}" = /home/user ] || fail "HOME: $output"
	# a HOME of the process's own wins; --additional-gids add to the member groups
	myrunc exec --user nobody --env HOME=/mine --additional-gids 1000 "$CID" sh -c 'id -u; id -g; id -G; echo "$HOME"'
	assert_status 0
	[ "${lines[0]}" = 65534 ] && [ "${lines[1]}" = 65534 ] || fail "$output"
	[[ " ${lines[2]} " == *" 1000 "* ]] || fail "groups: $output"
	[ "${lines[3]}" = /mine ] || fail "HOME: $output"
}

@test "exec --user NAME:GROUP and UID:GROUP; numeric ids as before" {
	myrunc exec --user user:root "$CID" sh -c 'id -u; id -g; id -G'
	assert_status 0
	[ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 0 ] || fail "$output"
	# a group given replaces the member groups, as with runc and Docker
	[[ " ${lines[2]} " != *" 2000 "* ]] || fail "groups: $output"
	myrunc exec --user 1000:extra "$CID" sh -c 'id -u; id -g'
	assert_status 0
	[ "$(squeeze "$output")" = "1000 2000" ] || fail "$output"
	myrunc exec --user nobody:1000 "$CID" sh -c 'id -u; id -g'
	assert_status 0
	[ "$(squeeze "$output")" = "65534 1000" ] || fail "$output"
	# numbers need no files: uid alone keeps gid 0, unknown ids are fine
	myrunc exec --user 1000 "$CID" sh -c 'id -u; id -g; id -G'
	assert_status 0
	[ "$(squeeze "$output")" = "1000 0 0" ] || fail "$output"
	myrunc exec --user 4321:4321 "$CID" sh -c 'id -u; id -g'
	assert_status 0
	[ "$(squeeze "$output")" = "4321 4321" ] || fail "$output"
}

@test "exec --user with an unknown user or group fails, naming it and the file" {
	myrunc exec --user bob "$CID" true
	assert_error
	assert_output_contains "no such user bob in the container's /etc/passwd"
	myrunc exec --user user:nosuch "$CID" true
	assert_error
	assert_output_contains "no such group nosuch in the container's /etc/group"
	myrunc exec --user user: "$CID" true
	assert_error
	assert_output_contains "group is empty"
	myrunc exec --user a:b:c "$CID" true
	assert_error
	assert_output_contains "user[:group]"
}

@test "exec --user looks names up inside the container: a symlinked /etc/passwd cannot reach the host" {
	# the same absolute path holds a different user on the host and in the rootfs
	echo "evil:x:4242:4242::/on-host:/bin/sh" >"$TEST_DIR/passwd.target"
	mkdir -p "$BUNDLE/rootfs$TEST_DIR"
	echo "evil:x:1234:1234::/in-container:/bin/sh" >"$BUNDLE/rootfs$TEST_DIR/passwd.target"
	ln -sf "$TEST_DIR/passwd.target" "$BUNDLE/rootfs/etc/passwd"
	myrunc exec --user evil "$CID" sh -c 'id -u; echo "$HOME"'
	assert_status 0
	[ "$(squeeze "$output")" = "1234 /in-container" ] || fail "resolved outside the container: $output"
	# a link to a file only the host has is a missing file, not the host's
	ln -sf /etc/hostname "$BUNDLE/rootfs/etc/passwd"
	myrunc exec --user root "$CID" true
	assert_error
	assert_output_contains "no such user root" "/etc/passwd"
}

@test "exec --user does not hang on a FIFO /etc/group" {
	rm "$BUNDLE/rootfs/etc/group"
	mkfifo "$BUNDLE/rootfs/etc/group"
	# (busybox id -G would block on the FIFO itself: read the kernel's view)
	run timeout 20 "$MYRUNC" --root "$ROOT" exec --user user "$CID" sh -c 'id -u; grep ^Groups: /proc/self/status'
	[ "$status" -eq 0 ] || fail "status $status: $output"
	[ "${lines[0]}" = 1000 ] || fail "$output"
	[[ "$(squeeze "${lines[1]}")" = "Groups:" ]] || fail "groups from a FIFO: $output"
}

@test "exec into a container without a mount namespace runs in its rootfs, not the host's" {
	fresh_cgroup
	update_config '.linux.namespaces |= map(select(.type != "mount"))'
	echo in-rootfs >"$BUNDLE/rootfs/marker"
	run_detached "$CID2"
	myrunc exec "$CID2" cat /marker
	assert_status 0
	[ "$output" = in-rootfs ] || fail "exec did not run in the container's rootfs: $output"
	# the host's root is not what the exec'd process sees
	myrunc exec "$CID2" ls /
	assert_status 0
	assert_output_not_contains lost+found usr
	myrunc exec --user user "$CID2" id -u
	assert_status 0
	[ "$output" = 1000 ] || fail "--user user took the wrong /etc/passwd: $output"
}
