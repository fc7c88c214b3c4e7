#!/usr/bin/env bats
# What the container's init holds between create and start: its stdio
# (the console already, with a terminal), the start gate, and the Go
# runtime's own close-on-exec descriptors; nothing of the runtime's caller.

load helpers

setup() {
	setup_test
	setup_bundle
	RECVTTY="$BATS_TEST_DIRNAME/bin/recvtty.py"
}
teardown() { teardown_test; }

# init_fds PID: "N -> TARGET" per descriptor of PID, the Go runtime's
# anon inodes (epoll, eventfd) left out
init_fds() {
	local f
	for f in /proc/"$1"/fd/*; do
		printf '%s -> %s\n' "${f##*/}" "$(readlink "$f")"
	done | grep -v 'anon_inode:\[event' || true
}

# start_recvtty: an engine's console socket at $TEST_DIR/console.sock
start_recvtty() {
	python3 "$RECVTTY" "$TEST_DIR/console.sock" "$TEST_DIR/tty.out" &
	local recv=$!
	on_teardown "kill $recv"
	retry 5 test -S "$TEST_DIR/console.sock"
}

@test "create: the init holds its stdio and the start gate, not what the caller left open" {
	: >"$TEST_DIR/caller-file"
	# fd 7 without close-on-exec, as a shim or shell may leave one
	create_container "$CID" 7<"$TEST_DIR/caller-file"
	local fds
	fds="$(init_fds "$(container_pid "$CID")")"
	echo "$fds"
	[[ "$fds" != *caller-file* ]] || fail "the caller's fd reached the init: $fds"
	[ "$(grep -vc '^[012] -> ' <<<"$fds")" -eq 1 ] || fail "more than the start gate beside stdio: $fds"
	grep -q '^[3-9][0-9]* -> socket:' <<<"$fds" || fail "no start gate socket: $fds"
}

@test "create with a terminal: the init's 0-2 are the console already, and it holds no other copy" {
	update_config '.process.terminal = true'
	start_recvtty
	create_container "$CID" --console-socket "$TEST_DIR/console.sock"
	local fds
	fds="$(init_fds "$(container_pid "$CID")")"
	echo "$fds"
	local n
	for n in 0 1 2; do
		grep -q "^$n -> /dev/pts/[0-9]*$" <<<"$fds" || fail "fd $n is not the console: $fds"
	done
	[ "$(grep -c 'pts' <<<"$fds")" -eq 3 ] || fail "another copy of the console: $fds"
	[ "$(grep -vc '^[012] -> ' <<<"$fds")" -eq 1 ] || fail "more than the start gate beside stdio: $fds"
}

@test "the console belongs to the process's user (the group stays devpts's tty group)" {
	update_config '.process.terminal = true | .process.user = {"uid": 1000, "gid": 100}
		| .process.args = ["sh", "-c", "stat -c owner=%u:%g $(tty)"]'
	start_recvtty
	create_container "$CID" --console-socket "$TEST_DIR/console.sock"
	myrunc start "$CID"
	assert_status 0
	retry 10 grep -q owner= "$TEST_DIR/tty.out" || fail "output: $(cat "$TEST_DIR/tty.out")"
	grep -q "owner=1000:5" "$TEST_DIR/tty.out" || fail "console owner: $(cat "$TEST_DIR/tty.out")"
}

@test "exec -t as a non-root user: the user owns its terminal" {
	run_detached "$CID"
	start_recvtty
	myrunc_detached exec -d -t --console-socket "$TEST_DIR/console.sock" --user 1000:1000 "$CID" \
		sh -c 'stat -c owner=%u $(tty); echo hi >$(tty) && echo writable'
	assert_status 0
	retry 10 grep -q writable "$TEST_DIR/tty.out" || fail "output: $(cat "$TEST_DIR/tty.out")"
	grep -q "owner=1000" "$TEST_DIR/tty.out" || fail "terminal owner: $(cat "$TEST_DIR/tty.out")"
}
