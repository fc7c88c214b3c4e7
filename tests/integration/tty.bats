#!/usr/bin/env bats
# Terminals: process.terminal with --console-socket, and run/exec in the
# foreground attached to the caller's terminal (script(1) gives us one).

load helpers

setup() {
	setup_test
	setup_bundle
	RECVTTY="$BATS_TEST_DIRNAME/bin/recvtty.py"
}
teardown() { teardown_test; }

# in_terminal CMD...: run CMD with a pty as its terminal, output in $output
in_terminal() {
	run timeout 30 script -qec "$(printf '%q ' "$@")" /dev/null
}

@test "run with a terminal: the process has a pty as stdio and controlling tty" {
	update_config '.process.terminal = true
		| .process.args = ["sh", "-c", "tty; test -t 0 && echo stdin-is-tty; test -t 1 && echo stdout-is-tty; ls /dev/console; exit 4"]'
	in_terminal "$MYRUNC" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	assert_status 4
	assert_output_contains "/dev/pts/" stdin-is-tty stdout-is-tty /dev/console
	# no doubled carriage returns: the container's pty does not add them
	[[ "$output" != *$'\r\r'* ]] || fail "double CR in: $(cat -A <<<"$output")"
}

@test "run with a terminal gets the caller's window size" {
	update_config '.process.terminal = true | .process.args = ["stty", "size"]'
	in_terminal sh -c "stty rows 33 cols 77; exec '$MYRUNC' --root '$ROOT' run --bundle '$BUNDLE' '$CID'"
	assert_status 0
	assert_output_contains "33 77"
}

@test "run with a terminal restores the caller's terminal" {
	update_config '.process.terminal = true | .process.args = ["true"]'
	in_terminal sh -c "stty -g > '$TEST_DIR/before'; '$MYRUNC' --root '$ROOT' run --bundle '$BUNDLE' '$CID'; stty -g > '$TEST_DIR/after'"
	assert_status 0
	diff "$TEST_DIR/before" "$TEST_DIR/after" || fail "terminal settings changed"
}

@test "--console-socket receives the pty master; the container's output comes through it" {
	update_config '.process.terminal = true
		| .process.args = ["sh", "-c", "tty; test -t 0 && echo stdin-is-tty; echo done"]'
	python3 "$RECVTTY" "$TEST_DIR/console.sock" "$TEST_DIR/tty.out" &
	local recv=$!
	on_teardown "kill $recv"
	retry 5 test -S "$TEST_DIR/console.sock"
	create_container "$CID" --console-socket "$TEST_DIR/console.sock"
	myrunc start "$CID"
	assert_status 0
	retry 10 grep -q done "$TEST_DIR/tty.out" || fail "output: $(cat "$TEST_DIR/tty.out")"
	grep -q '^/dev/pts/' "$TEST_DIR/tty.out" || fail "no pty name sent: $(cat "$TEST_DIR/tty.out")"
	grep -q stdin-is-tty "$TEST_DIR/tty.out"
	wait "$recv"
}

@test "exec --tty with --console-socket and in the foreground" {
	update_config '.process.args = ["sleep", "100"]'
	run_detached "$CID"
	python3 "$RECVTTY" "$TEST_DIR/console.sock" "$TEST_DIR/tty.out" &
	local recv=$!
	on_teardown "kill $recv"
	retry 5 test -S "$TEST_DIR/console.sock"
	myrunc_detached exec -d --tty --console-socket "$TEST_DIR/console.sock" "$CID" sh -c 'tty; echo exec-done'
	assert_status 0
	retry 10 grep -q exec-done "$TEST_DIR/tty.out" || fail "output: $(cat "$TEST_DIR/tty.out")"
	grep -q '/dev/pts/' "$TEST_DIR/tty.out"
	in_terminal "$MYRUNC" --root "$ROOT" exec -t "$CID" sh -c 'tty; exit 5'
	assert_status 5
	assert_output_contains /dev/pts/
}

@test "a terminal without a console socket is an error for create and run -d" {
	update_config '.process.terminal = true'
	myrunc create --bundle "$BUNDLE" "$CID"
	assert_status 1
	assert_output_contains "console-socket"
	myrunc run -d --bundle "$BUNDLE" "$CID"
	assert_status 1
	assert_output_contains "console-socket"
	assert_nothing_left
}

@test "--console-socket without process.terminal is an error" {
	myrunc create --bundle "$BUNDLE" --console-socket "$TEST_DIR/none.sock" "$CID"
	assert_status 1
	assert_output_contains "console-socket" "terminal"
}
