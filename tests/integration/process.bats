#!/usr/bin/env bats
# process: args, env, cwd, user, groups, umask, rlimits, oom score,
# noNewPrivileges, capabilities, preserved fds.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "args are passed verbatim, with spaces and quotes" {
	update_config '.process.args = ["sh", "-c", "for a in \"$@\"; do echo \"[$a]\"; done", "argv0", "a b", "", "it'"'"'s", "$HOME", "*"]'
	run_fg "$CID"
	assert_status 0
	local want
	want="$(printf '%s\n' "[a b]" "[]" "[it's]" '[$HOME]' '[*]')"
	[ "$output" = "$want" ] || fail "got: $output"
}

@test "argv[0] is args[0]" {
	update_config '.process.args = ["sh", "-c", "echo $0", "my-argv0"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = my-argv0 ]
}

@test "env: variables from config.json are set" {
	update_config '.process.env += ["FOO=bar", "WITH_SPACE=a b c", "EMPTY="]
		| .process.args = ["sh", "-c", "echo \"$FOO|$WITH_SPACE|${EMPTY-unset}|\""]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = "bar|a b c||" ]
}

@test "env: nothing of the runtime's environment leaks in" {
	update_config '.process.env = ["PATH=/bin", "ONLY=this"] | .process.args = ["env"]'
	MYRUNC_LEAK_CHECK=leaked run_fg "$CID"
	assert_status 0
	assert_output_not_contains MYRUNC_LEAK_CHECK
	assert_output_contains "ONLY=this" "PATH=/bin"
}

@test "env: PATH from config.json is used to find the command" {
	mkdir -p "$BUNDLE/rootfs/opt/tools"
	printf '#!/bin/sh\necho found-in-opt\n' >"$BUNDLE/rootfs/opt/tools/mytool"
	chmod 755 "$BUNDLE/rootfs/opt/tools/mytool"
	update_config '.process.env = ["PATH=/opt/tools:/bin"] | .process.args = ["mytool"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = found-in-opt ]
}

@test "env: HOME is set from /etc/passwd when not given" {
	update_config '.process.env = ["PATH=/bin"] | .process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["sh", "-c", "echo $HOME"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = /home/user ]
}

@test "cwd: the process starts in process.cwd" {
	mkdir -p "$BUNDLE/rootfs/work/dir"
	update_config '.process.cwd = "/work/dir" | .process.args = ["pwd"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = /work/dir ]
}

@test "cwd: a cwd that does not exist in the rootfs is created" {
	update_config '.process.cwd = "/not/yet/there" | .process.args = ["pwd"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = /not/yet/there ]
}

@test "user: uid and gid" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.args = ["sh", "-c", "id -u; id -g; id -un"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = 1000 ] && [ "${lines[1]}" = 1000 ] && [ "${lines[2]}" = user ] || fail "$output"
}

@test "user: a uid with no /etc/passwd entry works" {
	update_config '.process.user = {"uid": 4242, "gid": 4343} | .process.args = ["sh", "-c", "id -u; id -g"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = 4242 ] && [ "${lines[1]}" = 4343 ] || fail "$output"
}

@test "user: the host sees the same uid and gid" {
	update_config '.process.user = {"uid": 65534, "gid": 65534}'
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	retry 5 grep -q sleep "/proc/$pid/cmdline"
	read -ra uid <<<"$(grep '^Uid:' "/proc/$pid/status")"
	read -ra gid <<<"$(grep '^Gid:' "/proc/$pid/status")"
	[ "${uid[1]}" = 65534 ] && [ "${uid[2]}" = 65534 ] && [ "${uid[3]}" = 65534 ] || fail "${uid[*]}"
	[ "${gid[1]}" = 65534 ] || fail "${gid[*]}"
}

@test "user: additionalGids" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000, 3000]}
		| .process.args = ["id", "-G"]'
	run_fg "$CID"
	assert_status 0
	[ "$(tr ' ' '\n' <<<"$output" | sort -n | tr '\n' ' ')" = "1000 2000 3000 " ] || fail "$output"
}

@test "user: without additionalGids the process has no supplementary groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.args = ["grep", "^Groups:", "/proc/self/status"]'
	run_fg "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "Groups:" ] || [ "$(squeeze "$output")" = "Groups: 1000" ] || fail "$output"
}

@test "umask from process.user.umask" {
	update_config '.process.user.umask = 23 | .process.args = ["sh", "-c", "umask; touch /tmp/f; stat -c %a /tmp/f"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = 0027 ] || fail "$output"
	[ "${lines[1]}" = 640 ] || fail "$output"
}

@test "umask defaults to 0022, whatever the caller's umask" {
	update_config '.process.args = ["sh", "-c", "umask"]'
	run -0 bash -c 'umask 077; exec "$1" --root "$2" run --bundle "$3" "$4" </dev/null' _ "$MYRUNC" "$ROOT" "$BUNDLE" "$CID"
	[ "$output" = 0022 ]
}

@test "rlimits: RLIMIT_NOFILE soft and hard" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 2048}]
		| .process.args = ["sh", "-c", "ulimit -n; ulimit -Hn"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = 1024 ] && [ "${lines[1]}" = 2048 ] || fail "$output"
}

@test "rlimits: several limits at once" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 512}, {"type": "RLIMIT_NPROC", "soft": 300, "hard": 400}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]
		| .process.args = ["sh", "-c", "ulimit -n; ulimit -u; ulimit -Hu; ulimit -c"]'
	run_fg "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "512 300 400 0" ] || fail "$output"
}

@test "oomScoreAdj" {
	update_config '.process.oomScoreAdj = 500 | .process.args = ["cat", "/proc/self/oom_score_adj"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = 500 ]
}

@test "oomScoreAdj does not change the caller's own score" {
	local before
	before="$(cat /proc/self/oom_score_adj)"
	update_config '.process.oomScoreAdj = 300'
	run_detached "$CID"
	[ "$(cat "/proc/$(container_pid "$CID")/oom_score_adj")" = 300 ]
	[ "$(cat /proc/self/oom_score_adj)" = "$before" ]
}

@test "noNewPrivileges true sets NoNewPrivs" {
	update_config '.process.noNewPrivileges = true | .process.args = ["grep", "^NoNewPrivs:", "/proc/self/status"]'
	run_fg "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "NoNewPrivs: 1" ] || fail "$output"
}

@test "noNewPrivileges false leaves NoNewPrivs 0" {
	update_config '.process.noNewPrivileges = false | .process.args = ["grep", "^NoNewPrivs:", "/proc/self/status"]'
	run_fg "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "NoNewPrivs: 0" ] || fail "$output"
}

@test "capabilities: the default spec's set (AUDIT_WRITE, KILL, NET_BIND_SERVICE)" {
	update_config '.process.args = ["grep", "^Cap", "/proc/self/status"]'
	local want=0000000020000420
	run_fg "$CID"
	assert_status 0
	local l
	for l in CapEff CapPrm CapBnd; do
		grep -q "^$l:[[:space:]]*$want\$" <<<"$output" || fail "$l: $output"
	done
}

@test "capabilities: an empty set drops everything" {
	update_config '.process.capabilities = {"bounding": [], "effective": [], "permitted": [], "inheritable": [], "ambient": []}
		| .process.args = ["sh", "-c", "grep ^CapBnd /proc/self/status; touch /tmp/x; chown 1000 /tmp/x 2>&1; true"]'
	run_fg "$CID"
	assert_status 0
	grep -q "^CapBnd:[[:space:]]*0000000000000000$" <<<"$output" || fail "$output"
	assert_output_contains "Operation not permitted"
}

@test "capabilities: CAP_CHOWN allows chown" {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_CHOWN"])
		| .process.args = ["sh", "-c", "touch /tmp/x && chown 1000 /tmp/x && stat -c %u /tmp/x"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = 1000 ]
}

@test "--preserve-fds 1: fd 3 is readable in the container" {
	update_config '.process.args = ["sh", "-c", "cat <&3"]'
	echo "through-fd-3" >"$TEST_DIR/fd3"
	run -0 bash -c 'exec 3<"$1"; exec "$2" --root "$3" run --preserve-fds 1 --bundle "$4" "$5" </dev/null' \
		_ "$TEST_DIR/fd3" "$MYRUNC" "$ROOT" "$BUNDLE" "$CID"
	[ "$output" = through-fd-3 ]
}

@test "--preserve-fds 2: fds 3 and 4, and nothing above" {
	update_config '.process.args = ["sh", "-c", "cat <&3; cat <&4; ls /proc/self/fd | sort -n | tr \"\\n\" \" \""]'
	echo three >"$TEST_DIR/fd3"
	echo four >"$TEST_DIR/fd4"
	run -0 bash -c 'exec 3<"$1" 4<"$2" 5<"$2"; exec "$3" --root "$4" run --preserve-fds 2 --bundle "$5" "$6" </dev/null' \
		_ "$TEST_DIR/fd3" "$TEST_DIR/fd4" "$MYRUNC" "$ROOT" "$BUNDLE" "$CID"
	[ "${lines[0]}" = three ] && [ "${lines[1]}" = four ] || fail "$output"
	# ls itself opens one fd for /proc/self/fd
	[[ "${lines[2]}" =~ ^0\ 1\ 2\ 3\ 4\ ([0-9]+\ )?$ ]] || fail "fds: ${lines[2]} (fd 5 must not be passed)"
}

@test "without --preserve-fds only stdio reaches the container" {
	update_config '.process.args = ["sh", "-c", "ls /proc/self/fd | wc -l"]'
	run -0 bash -c 'exec 3<"$1" 4<"$1"; exec "$2" --root "$3" run --bundle "$4" "$5" </dev/null' \
		_ "$BUNDLE/config.json" "$MYRUNC" "$ROOT" "$BUNDLE" "$CID"
	# 0 1 2 and the one ls opens to read the directory
	[ "$output" -le 4 ] || fail "$output fds"
}
