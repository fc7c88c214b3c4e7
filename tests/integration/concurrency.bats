#!/usr/bin/env bats
# Concurrency at scale: many lifecycles of different containers at once,
# and many commands racing on one id. No state may be corrupt, every
# loser must get a clear error, and nothing may be left.

load helpers

setup() {
	setup_test
	setup_bundle sh -c 'exec sleep 100'
	PAR="$TEST_DIR/par"
	mkdir -p "$PAR"
}
teardown() { teardown_test; }

# bundle_for I: a bundle of its own config (sharing $BUNDLE's rootfs) with
# a fresh cgroupsPath
bundle_for() {
	local b="$TEST_DIR/b$1" cg
	cg="$(new_cgroup_path)"
	mkdir -p "$b"
	jq --arg cg "$cg" --arg root "$BUNDLE/rootfs" '.linux.cgroupsPath = $cg | .root.path = $root' \
		"$BUNDLE/config.json" >"$b/config.json"
	echo "$b"
}

# clear_error FILE: the output of a command that lost a race says why, in
# words a caller can match, and shows no panic
clear_error() {
	! grep -qE '^(panic: |goroutine [0-9]+ \[|fatal error: )' "$1" &&
		grep -qE 'already exists|does not exist|being created|not running|cannot (start|kill|delete|exec) container|it is (creating|created|running|stopped|paused)|its init is gone' "$1"
}

# lifecycle I: create, start, kill, wait, delete container I; the exit
# code of the first step that failed, in $PAR/rc.I
lifecycle() {
	local i="$1" id="$ID_BASE-l$1" b rc=0
	b="$(bundle_for "$i")"
	{
		"$MYRUNC" --root "$ROOT" create --bundle "$b" "$id" </dev/null &&
			"$MYRUNC" --root "$ROOT" start "$id" &&
			"$MYRUNC" --root "$ROOT" kill "$id" KILL &&
			retry 30 _status_is "$id" stopped &&
			"$MYRUNC" --root "$ROOT" delete "$id"
	} >"$PAR/out.$i" 2>&1 3>&- || rc=$?
	echo "$rc" >"$PAR/rc.$i"
}

@test "concurrency: 50 lifecycles of different containers at once all succeed and leave nothing" {
	local i bad=()
	for i in $(seq 1 50); do
		lifecycle "$i" 3>&- &
	done
	wait
	for i in $(seq 1 50); do
		[ "$(cat "$PAR/rc.$i")" = 0 ] || bad+=("$i: $(cat "$PAR/out.$i")")
	done
	[ ${#bad[@]} -eq 0 ] || fail "${#bad[@]} lifecycles failed: $(printf '%s\n' "${bad[@]}")"
	assert_nothing_left
}

# race N OP...: run each OP (a quoted myrunc argument list) N times, all
# at once; exit code and output of run J in $PAR/rc.J / out.J, and the
# operation in op.J
race() {
	local n="$1" j=0 op k
	shift
	rm -f "$PAR"/rc.* "$PAR"/out.* "$PAR"/op.*
	for k in $(seq 1 "$n"); do
		for op in "$@"; do
			j=$((j + 1))
			echo "$op" >"$PAR/op.$j"
			(
				rc=0
				# shellcheck disable=SC2086
				"$MYRUNC" --root "$ROOT" $op </dev/null >"$PAR/out.$j" 2>&1 3>&- || rc=$?
				echo "$rc" >"$PAR/rc.$j"
			) 3>&- &
		done
	done
	wait
}

# check_race: every run exited 0 or 1, and every failure is clear; prints
# how many creates won
check_race() {
	local f j won=0 bad=()
	for f in "$PAR"/rc.*; do
		j="${f##*.}"
		case "$(cat "$f")" in
		0) [[ "$(cat "$PAR/op.$j")" == create* ]] && won=$((won + 1)) ;;
		1) clear_error "$PAR/out.$j" || bad+=("$(cat "$PAR/op.$j"): $(cat "$PAR/out.$j")") ;;
		*) bad+=("$(cat "$PAR/op.$j") exited $(cat "$f"): $(cat "$PAR/out.$j")") ;;
		esac
	done
	[ ${#bad[@]} -eq 0 ] || fail "$(printf '%s\n' "${bad[@]}")"
	echo "$won"
}

# intact ID: the container is gone, or its state is whole and true
intact() {
	if [ ! -e "$ROOT/$1" ]; then
		return 0
	fi
	myrunc state "$1"
	assert_status 0
	assert_output_not_contains corrupt
	jq -e '.status' <<<"$output" >/dev/null || fail "state of $1: $output"
}

@test "concurrency: 20 commands racing on one id: exactly one create wins, the others get clear errors" {
	local won
	race 5 "create --bundle $BUNDLE $CID" "state $CID" "kill $CID KILL" "create --bundle $BUNDLE $CID"
	won="$(check_race)" || fail "$won"
	[ "$won" -eq 1 ] || fail "$won creates won: $(for f in "$PAR"/out.*; do cat "$f"; done)"
	intact "$CID"
	[ "$(root_entries)" = "$CID" ] || fail "under --root: $(root_entries)"
	# only the winner's init is in the cgroup (none if a kill won too)
	local pid want
	pid="$(container_pid "$CID")"
	want="$pid"
	[ "$pid" = 0 ] && want=""
	retry 5 sh -c "[ \"\$(cat '$CGROUP_MNT/pids$CGROUPS_PATH/cgroup.procs')\" = '$want' ]" ||
		fail "cgroup holds $(cat "$CGROUP_MNT/pids$CGROUPS_PATH/cgroup.procs"), the init is $pid"
}

@test "concurrency: create, delete, kill and state racing on one id, 5 rounds: no corrupt state, clear errors, nothing left" {
	local round
	for round in 1 2 3 4 5; do
		race 5 "create --bundle $BUNDLE $CID" "delete --force $CID" "kill $CID KILL" "state $CID"
		check_race >/dev/null || fail "round $round: $(check_race)"
		intact "$CID"
	done
	myrunc delete --force "$CID"
	assert_status 0
	retry 5 _no_leaked_pids || true
	assert_nothing_left
}
