#!/usr/bin/env bats
# SCMP_ACT_NOTIFY: the runtime hands each filter's listener, with the
# container process state, to the agent at linux.seccomp.listenerPath.

load helpers

setup() {
	setup_test
	setup_bundle
	[ "$(uname -m)" = x86_64 ] || skip "the test agent knows x86_64's structs only"
	AGENT_SOCK="$TEST_DIR/agent.sock"
	AGENT_OUT="$TEST_DIR/agent"
}
teardown() { teardown_test; }

# start_agent ANSWER: run bin/seccomp_agent.py on $AGENT_SOCK (see there)
start_agent() {
	mkdir -p "$AGENT_OUT"
	(cd / && exec python3 "$BATS_TEST_DIRNAME/bin/seccomp_agent.py" "$AGENT_SOCK" "$AGENT_OUT" "$1" \
		</dev/null >/dev/null 2>"$AGENT_OUT/agent.err" 3>&-) &
	AGENT_PID=$!
	on_teardown "kill $AGENT_PID"
	wait_for_file "$AGENT_OUT/ready"
}

# notify_profile JQ-NAMES [NNP]: mkdir/mkdirat (or the given names) notify
notify_profile() {
	update_config '.process.noNewPrivileges = $nnp
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
			"listenerMetadata": "meta for the agent",
			"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
			"syscalls": [{"names": $names, "action": "SCMP_ACT_NOTIFY"}]}' \
		--arg sock "$AGENT_SOCK" --argjson names "${1:-[\"mkdir\", \"mkdirat\"]}" --argjson nnp "${2:-true}"
}

@test "seccomp notify: the agent's answer is what the container sees" {
	start_agent errno:122
	notify_profile
	update_config '.process.args = ["sh", "-c", "mkdir /tmp/x; echo rc=$?; test -d /tmp/x || echo absent"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "Disk quota exceeded" "rc=1" "absent"
	grep -q '^1 [0-9]* 83$\|^1 [0-9]* 258$' "$AGENT_OUT/notify.log" || fail "notifications: $(cat "$AGENT_OUT/notify.log")"
}

@test "seccomp notify: the agent can fake a success" {
	start_agent ok
	notify_profile
	update_config '.process.args = ["sh", "-c", "mkdir /tmp/x && echo made; test -d /tmp/x || echo absent"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "made" "absent"
}

# state_is FIELD VALUE: state.1.json's FIELD (a jq path) is VALUE
state_is() {
	local got
	got="$(jq -c "$1" "$AGENT_OUT/state.${3:-1}.json")"
	[ "$got" = "$2" ] || fail "state.${3:-1}.json $1 = $got, want $2: $(cat "$AGENT_OUT/state.${3:-1}.json")"
}

check_create_state() {
	create_container "$CID"
	wait_for_file "$AGENT_OUT/state.1.json"
	local pid
	pid="$(container_pid "$CID")"
	state_is .pid "$pid"
	state_is .fds '["seccompFd"]'
	state_is .metadata '"meta for the agent"'
	state_is '.ociVersion | test("^1\\.")' true
	state_is .state.id "\"$CID\""
	state_is .state.status '"creating"'
	state_is .state.pid "$pid"
	state_is .state.bundle "\"$BUNDLE\""
	myrunc start "$CID"
	assert_status 0
	wait_for_content "$STDOUT_FILE" "rc=1"
	grep -q "Disk quota exceeded" "$STDERR_FILE" "$STDOUT_FILE" || fail "output: $(cat "$STDERR_FILE" "$STDOUT_FILE")"
	[ "$(container_status "$CID")" = running ]
}

@test "seccomp notify: the agent gets the init's state at create (noNewPrivileges)" {
	start_agent errno:122
	notify_profile '["mkdir", "mkdirat"]' true
	update_config '.process.args = ["sh", "-c", "mkdir /tmp/x; echo rc=$?; exec sleep 100"]'
	check_create_state
}

@test "seccomp notify: the agent gets the init's state at create (without noNewPrivileges, with hooks)" {
	start_agent errno:122
	notify_profile '["mkdir", "mkdirat"]' false
	# the listener comes after the hooks in the handshake
	update_config '.process.args = ["sh", "-c", "mkdir /tmp/x; echo rc=$?; exec sleep 100"]
		| .hooks = {"prestart": [{"path": "/bin/true"}], "createRuntime": [{"path": "/bin/true"}]}'
	check_create_state
}

@test "seccomp notify: an agent that closes the listener leaves ENOSYS, and the container runs on" {
	start_agent close
	notify_profile
	update_config '.process.args = ["sh", "-c", "mkdir /tmp/x; echo rc=$?; exec sleep 100"]'
	run_detached "$CID"
	wait_for_content "$STDOUT_FILE" "rc=1"
	grep -q "Function not implemented" "$STDERR_FILE" || fail "stderr: $(cat "$STDERR_FILE")"
	[ "$(container_status "$CID")" = running ]
	[ -s "$AGENT_OUT/state.1.json" ]
}

@test "seccomp notify: an exec'd process's listener goes to the agent too" {
	start_agent errno:122
	notify_profile
	run_detached "$CID"
	wait_for_file "$AGENT_OUT/state.1.json"
	myrunc exec --pid-file "$TEST_DIR/exec.pid" "$CID" mkdir /tmp/y
	assert_status 1
	assert_output_contains "Disk quota exceeded"
	local pid
	pid="$(cat "$TEST_DIR/exec.pid")"
	state_is .pid "$pid" 2
	state_is .state.status '"running"' 2
	state_is .state.pid "$(container_pid "$CID")" 2
	state_is .state.id "\"$CID\"" 2
	state_is .metadata '"meta for the agent"' 2
	grep -q "^2 $pid " "$AGENT_OUT/notify.log" || fail "notifications: $(cat "$AGENT_OUT/notify.log")"

	# with the agent gone, exec fails and says where it looked
	kill "$AGENT_PID"
	wait_for_exit "$AGENT_PID"
	myrunc exec "$CID" true
	assert_error
	assert_output_contains "linux.seccomp.listenerPath $AGENT_SOCK:" "connection refused"
	[ "$(container_status "$CID")" = running ]
	# the exec'd process was killed: only the init is in the container
	"$MYRUNC" --root "$ROOT" ps --format json "$CID" 3>&- | jq -e 'length == 1' >/dev/null ||
		fail "left in the container: $("$MYRUNC" --root "$ROOT" ps "$CID" 3>&-)"
}

@test "seccomp notify: the container does not hold the listener" {
	start_agent errno:122
	notify_profile '["mkdir", "mkdirat"]' false
	update_config '.process.args = ["sh", "-c", "ls -l /proc/self/fd/ /proc/1/fd/"]'
	run_fg "$CID"
	assert_status 0
	assert_output_not_contains "seccomp"
	[ -s "$AGENT_OUT/state.1.json" ]
}

@test "seccomp notify: an unreachable listenerPath fails create, naming it, and leaves nothing" {
	notify_profile
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "linux.seccomp.listenerPath $AGENT_SOCK:" "connect to the seccomp agent" "no such file or directory"
	assert_nothing_left
	# a path that is not a socket
	: >"$AGENT_SOCK"
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "$AGENT_SOCK" "connection refused"
	assert_nothing_left
}

@test "seccomp notify: SCMP_ACT_NOTIFY without listenerPath, as the default action or on write is refused" {
	notify_profile
	update_config 'del(.linux.seccomp.listenerPath)'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "linux.seccomp.listenerPath: must be set when SCMP_ACT_NOTIFY is used"
	assert_nothing_left

	notify_profile
	update_config '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | .linux.seccomp.syscalls[0].action = "SCMP_ACT_ALLOW"'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"
	assert_nothing_left

	notify_profile '["mkdir", "write"]'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for write"
	assert_nothing_left
}

@test "seccomp notify: a listenerPath without SCMP_ACT_NOTIFY is ignored" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}' --arg sock "$AGENT_SOCK"
	update_config '.process.args = ["sh", "-c", "mkdir /tmp/x; echo rc=$?"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "Operation not permitted" "rc=1"
}

@test "seccomp notify: features lists SCMP_ACT_NOTIFY" {
	myrunc features
	assert_status 0
	echo "$output" | jq -e '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")' >/dev/null || fail "actions: $output"
}

# init_syscalls: what the init itself does after it loaded the filter (it
# hands the listener over, closes its copy, reads, stats, execs...), with
# the calls the Go runtime makes under it (fcntl on new files, futex, mmap)
init_syscalls='["execve", "openat", "open", "read", "close", "fcntl", "futex", "mmap", "newfstatat", "rt_sigprocmask"]'

@test "seccomp notify: the init's own syscalls under the filter do not hang create, run or exec" {
	start_agent continue
	local nnp
	for nnp in true false; do
		notify_profile "$init_syscalls" "$nnp"
		update_config '.process.args = ["/bin/true"]'
		run_fg "$CID"
		assert_status 0
		myrunc delete -f "$CID"
	done
	notify_profile "$init_syscalls" false
	update_config '.process.args = ["sleep", "100"]'
	run_detached "$CID"
	myrunc exec "$CID" sh -c 'echo exec ran'
	assert_status 0
	assert_output_contains "exec ran"
	grep -q ' 72$' "$AGENT_OUT/notify.log" || fail "no fcntl notified: $(sort -u "$AGENT_OUT/notify.log")"
}

@test "seccomp notify: an agent that never answers fails create after a deadline, with a clear error" {
	start_agent hang
	# the init closes its copy of the listener right after sending it
	notify_profile '["close"]' false
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "after its seccomp listener went to the agent at $AGENT_SOCK" "the agent does not answer its notifications"
	assert_nothing_left
}

@test "seccomp notify: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" {
	start_agent hang
	notify_profile
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]
		| .process.args = ["sh", "-c", "echo started; mkdir /tmp/x"]'
	run_detached "$CID"
	wait_for_content "$STDOUT_FILE" started
	# the agent took the notification: mkdir now waits, and only a fatal
	# signal ends the wait
	retry 10 grep -q ' 83$' "$AGENT_OUT/notify.log" || fail "mkdir not notified: $(cat "$AGENT_OUT/notify.log")"
	myrunc kill "$CID" TERM
	sleep 0.5
	[ "$(container_status "$CID")" = running ] || fail "SIGTERM ended a WAIT_KILLABLE_RECV wait"
	myrunc kill "$CID" KILL
	assert_status 0
	wait_for_status "$CID" stopped
}

# runc_seccompagent: print the path of runc's example agent
# (contrib/cmd/seccompagent), built once from its Go module and cached.
runc_seccompagent() {
	local dir=/tmp/clients/bin version=v1.1.15 bin
	bin="$dir/seccompagent-$version"
	mkdir -p "$dir"
	(
		flock 9
		[ -x "$bin" ] && exit 0
		command -v go >/dev/null || PATH=/usr/local/go/bin:$PATH
		local gobin
		gobin=$(mktemp -d "$dir/gobin.XXXXXX")
		GOBIN="$gobin" GOFLAGS=-mod=mod GOTOOLCHAIN=local timeout 600 go install -tags seccomp \
			"github.com/opencontainers/runc/contrib/cmd/seccompagent@$version" >&2 &&
			mv "$gobin/seccompagent" "$bin"
		rm -rf "$gobin"
		[ -x "$bin" ]
	) 9>"$dir/seccompagent.lock" || return 1
	echo "$bin"
}

start_runc_agent() {
	local bin
	bin="$(runc_seccompagent)" || skip "runc's seccompagent could not be built (no Go module proxy?)"
	mkdir -p "$AGENT_OUT"
	# it logs every failed NOTIF_RECV, and loops on them once a container
	# is gone: keep the start of its log only
	(cd / && exec "$bin" -socketfile "$AGENT_SOCK" </dev/null >/dev/null 2> >(head -c 65536 >"$AGENT_OUT/agent.err"; exec cat >/dev/null) 3>&-) &
	AGENT_PID=$!
	on_teardown "kill $AGENT_PID"
	retry 10 test -S "$AGENT_SOCK" || fail "runc's seccompagent did not listen: $(cat "$AGENT_OUT/agent.err")"
}

@test "seccomp notify: runc's example agent, with the init's own syscalls notified" {
	start_runc_agent
	local nnp
	for nnp in false true; do
		notify_profile '["execve", "openat", "open", "read", "close", "fcntl", "futex"]' "$nnp"
		update_config '.process.args = ["/bin/true"]'
		run_fg "$CID"
		assert_status 0
		myrunc delete -f "$CID"
	done
	# its chmod answer is an error of its own
	notify_profile '["chmod", "fchmod", "fchmodat"]' false
	update_config '.process.args = ["sh", "-c", "touch /tmp/f && chmod 777 /tmp/f"]'
	run_fg "$CID"
	assert_status 1
	assert_output_contains "chmod" "/tmp/f" "No medium found"
}
