#!/usr/bin/env bats
# create: the init exists and is blocked before the user process.

load helpers

setup() {
	setup_test
	# the user process leaves a marker, so we can tell whether it ran
	setup_bundle sh -c 'echo ran >/marker; exec sleep 100'
}
teardown() { teardown_test; }

@test "create returns with status created and a live init" {
	create_container "$CID"
	myrunc -0 state "$CID"
	[ "$(jq -r .status <<<"$output")" = created ]
	local pid
	pid="$(jq -r .pid <<<"$output")"
	[ "$pid" -gt 0 ]
	kill -0 "$pid"
}

@test "create does not run the user process until start" {
	create_container "$CID"
	sleep 0.3
	[ ! -e "$BUNDLE/rootfs/marker" ] || fail "user process ran before start"
	local pid
	pid="$(container_pid "$CID")"
	! grep -q sleep "/proc/$pid/cmdline" || fail "init already exec'd the user process"
	myrunc -0 start "$CID"
	wait_for_file "$BUNDLE/rootfs/marker"
	[ "$(cat "$BUNDLE/rootfs/marker")" = ran ]
	wait_for_status "$CID" running
}

@test "create --pid-file writes the host pid of the init" {
	create_container "$CID" --pid-file "$TEST_DIR/pid"
	[ -s "$TEST_DIR/pid" ]
	local pid
	pid="$(cat "$TEST_DIR/pid")"
	[[ "$pid" =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	[ "$pid" = "$(container_pid "$CID")" ]
	kill -0 "$pid"
	# the pid is the host pid of the process that becomes the user process
	myrunc -0 start "$CID"
	wait_for_file "$BUNDLE/rootfs/marker"
	retry 5 grep -q sleep "/proc/$pid/cmdline"
}

@test "create --pid-file with a relative path is relative to the cwd" {
	run -0 bash -c 'cd "$1" && "$2" --root "$3" create --bundle "$4" --pid-file rel.pid "$5" </dev/null >/dev/null 2>&1 3>&-' \
		_ "$TEST_DIR" "$MYRUNC" "$ROOT" "$BUNDLE" "$CID"
	[ -s "$TEST_DIR/rel.pid" ]
	[ "$(cat "$TEST_DIR/rel.pid")" = "$(container_pid "$CID")" ]
}

@test "create without --bundle uses the current directory" {
	run -0 bash -c 'cd "$1" && "$2" --root "$3" create "$4" </dev/null >/dev/null 2>&1 3>&-' \
		_ "$BUNDLE" "$MYRUNC" "$ROOT" "$CID"
	myrunc -0 state "$CID"
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
	[ "$(jq -r .status <<<"$output")" = created ]
}

@test "create with a relative --bundle records the absolute bundle path" {
	run -0 bash -c 'cd "$1" && "$2" --root "$3" create --bundle "$(basename "$4")" "$5" </dev/null >/dev/null 2>&1 3>&-' \
		_ "$TEST_DIR" "$MYRUNC" "$ROOT" "$BUNDLE" "$CID"
	myrunc -0 state "$CID"
	[ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
}

@test "the container's stdio is the stdio given to create" {
	update_config '.process.args = ["sh", "-c", "read line; echo \"out:$line\"; echo err >&2"]'
	echo "from-stdin" >"$TEST_DIR/in"
	"$MYRUNC" --root "$ROOT" create --bundle "$BUNDLE" "$CID" \
		<"$TEST_DIR/in" >"$TEST_DIR/out" 2>"$TEST_DIR/err" 3>&-
	[ ! -s "$TEST_DIR/out" ]
	myrunc -0 start "$CID"
	wait_for_status "$CID" stopped
	[ "$(cat "$TEST_DIR/out")" = "out:from-stdin" ]
	[ "$(cat "$TEST_DIR/err")" = "err" ]
}

@test "the init is reparented to the caller's subreaper" {
	# perl makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER=36,
	# SYS_prctl=157 on x86_64), runs create, then reports the init's parent.
	[ "$(uname -m)" = x86_64 ] || skip "syscall number for prctl is x86_64's"
	run -0 perl -e '
		syscall(157, 36, 1, 0, 0, 0) == 0 or die "prctl: $!";
		my ($rt, $root, $bundle, $id, $pidf) = @ARGV;
		system("$rt --root $root create --bundle $bundle --pid-file $pidf $id </dev/null >/dev/null 2>&1 3>&-") == 0
			or die "create failed";
		open(my $f, "<", $pidf) or die; my $pid = <$f>; chomp $pid;
		open(my $s, "<", "/proc/$pid/status") or die;
		while (<$s>) { print "ppid=$1 self=$$\n" if /^PPid:\s+(\d+)/ }
	' "$MYRUNC" "$ROOT" "$BUNDLE" "$CID" "$TEST_DIR/pid"
	[[ "$output" =~ ppid=([0-9]+)\ self=([0-9]+) ]] || fail "bad output: $output"
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || fail "init's parent is ${BASH_REMATCH[1]}, subreaper was ${BASH_REMATCH[2]}"
}

@test "create --no-pivot runs the container without pivot_root" {
	update_config '.process.args = ["sh", "-c", "ls / >/ls.out; echo ok >/marker"]'
	create_container "$CID" --no-pivot
	myrunc -0 start "$CID"
	wait_for_file "$BUNDLE/rootfs/marker"
	grep -qx bin "$BUNDLE/rootfs/ls.out"
	! grep -qx work "$BUNDLE/rootfs/ls.out" || fail "host root visible: $(cat "$BUNDLE/rootfs/ls.out")"
}

@test "create --no-new-keyring keeps the caller's session keyring" {
	# /proc/keys lists the keys the process can see; a new session keyring
	# is named after the container id.
	update_config '.linux.maskedPaths -= ["/proc/keys"] | .process.args = ["cat", "/proc/keys"]'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_status 0
	myrunc -0 start "$CID"
	wait_for_status "$CID" stopped
	grep -q "keyring.*$CID" "$STDOUT_FILE" || fail "no session keyring named $CID: $(cat "$STDOUT_FILE")"
	myrunc -0 delete "$CID"

	myrunc_detached create --no-new-keyring --bundle "$BUNDLE" "$CID2"
	assert_status 0
	myrunc -0 start "$CID2"
	wait_for_status "$CID2" stopped
	! grep -q "$CID2" "$STDOUT_FILE" || fail "a new session keyring was made: $(cat "$STDOUT_FILE")"
}

@test "create --preserve-fds passes extra fds to the container" {
	update_config '.process.args = ["sh", "-c", "cat <&3 >/fd3.out"]'
	echo "passed-fd" >"$TEST_DIR/fd3"
	"$MYRUNC" --root "$ROOT" create --preserve-fds 1 --bundle "$BUNDLE" "$CID" \
		</dev/null >/dev/null 2>"$TEST_DIR/err" 3<"$TEST_DIR/fd3" || fail "create: $(cat "$TEST_DIR/err")"
	myrunc -0 start "$CID"
	wait_for_status "$CID" stopped
	[ "$(cat "$BUNDLE/rootfs/fd3.out")" = passed-fd ]
}

@test "create with an id that exists fails and leaves the first container alone" {
	create_container "$CID"
	local pid
	pid="$(container_pid "$CID")"
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "exists"
	[ "$(container_status "$CID")" = created ]
	[ "$(container_pid "$CID")" = "$pid" ]
	kill -0 "$pid"
	myrunc -0 start "$CID"
	wait_for_status "$CID" running
}

@test "two containers with different ids from one bundle are independent" {
	create_container "$CID"
	# a second container needs its own cgroup
	cp "$BUNDLE/config.json" "$TEST_DIR/cfg1"
	fresh_cgroup
	create_container "$CID2"
	cp "$TEST_DIR/cfg1" "$BUNDLE/config.json"
	[ "$(container_pid "$CID")" != "$(container_pid "$CID2")" ]
	myrunc -0 start "$CID2"
	wait_for_status "$CID2" running
	[ "$(container_status "$CID")" = created ]
	myrunc -0 delete -f "$CID2"
	[ "$(container_status "$CID")" = created ]
}
