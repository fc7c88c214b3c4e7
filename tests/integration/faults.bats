#!/usr/bin/env bats
# Faults mid-flight: the runtime or the container's init killed at every
# phase of create, start, exec and delete. After each, `state` and `list`
# must tell the truth and `delete --force` must remove everything.
#
# The phases are the --trace names; MYRUNC_TEST_KILL_AT=<phase> makes the
# runtime SIGKILL itself at the end of one, MYRUNC_TEST_KILL_AT=init:<step>
# the container's init after one of its steps (internal/trace/fault.go).
# Timed kills over many runs cover the moments in between.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# phases_of ARGS...: the runtime's --trace phases of `myrunc ARGS` (which
# must succeed), one a line; init steps as "init:<step>"
phases_of() {
	"$MYRUNC" --root "$ROOT" --trace "$@" </dev/null 2>"$TEST_DIR/trace" >/dev/null 3>&- ||
		fail "--trace $*: $(cat "$TEST_DIR/trace")"
	sed -nE 's/^trace +[0-9.]+ms +[-+ ][0-9.]+ms  //p' "$TEST_DIR/trace" | sed 's/^init: /init:/' |
		grep -vxE 'start|end|init:main|exec: .*'
}

# killed_at PHASE ARGS...: run `myrunc ARGS` with the fault hook at PHASE;
# sets status (137 when the hook fired in the runtime)
killed_at() {
	local phase="$1"
	shift
	status=0
	MYRUNC_TEST_KILL_AT="$phase" timeout "$MYRUNC_TIMEOUT" "$MYRUNC" --root "$ROOT" "$@" \
		</dev/null >"$TEST_DIR/out" 2>&1 3>&- || status=$?
	output="$(cat "$TEST_DIR/out")"
}

# truthful ID STATUS...: `state ID` exits 0 with one of STATUS (or, for
# "gone", fails with "does not exist"), and `list` agrees
truthful() {
	local id="$1" st
	shift
	if [ "$1" = gone ]; then
		myrunc state "$id"
		assert_error
		assert_output_contains "does not exist"
		myrunc list -q
		[[ " $(squeeze "$output") " != *" $id "* ]] || fail "list shows deleted $id: $output"
		return
	fi
	myrunc state "$id"
	assert_status 0
	st="$(jq -r .status <<<"$output")"
	[[ " $* " == *" $st "* ]] || fail "$id: status $st, expected one of: $*"
	myrunc list --format json
	[ "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .status' <<<"$output")" = "$st" ] ||
		fail "list disagrees with state ($st): $output"
	if [ "$st" = stopped ]; then
		[ "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .pid' <<<"$output")" = 0 ] ||
			fail "a stopped container shows a pid: $output"
	fi
}

# removed ID: delete --force succeeds and nothing of the test is left
removed() {
	myrunc delete --force "$1"
	assert_status 0
	retry 5 _no_leaked_pids || true
	assert_nothing_left
}

@test "faults: kill -9 of create at every phase" {
	local phases phase want n=0
	phases="$(phases_of create --bundle "$BUNDLE" "$CID")"
	myrunc delete --force "$CID"
	while IFS= read -r -u 5 phase; do
		n=$((n + 1))
		killed_at "$phase" create --bundle "$BUNDLE" "$CID"
		[ "$status" -eq 137 ] || fail "phase '$phase': create exited $status, not killed: $output"
		case "$phase" in
		"loaded config.json") want=gone ;;
		committed) want=created ;;
		*) want=stopped ;;
		esac
		echo "# killed at '$phase': expect $want"
		truthful "$CID" $want
		if [ "$want" = stopped ]; then
			# an init left without its creator exits by itself
			retry 5 _no_leaked_pids || fail "phase '$phase': the init outlived its creator: $(leaked_pids)"
		fi
		removed "$CID"
	done 5< <(grep -v '^init:' <<<"$phases")
	[ "$n" -ge 8 ] || fail "only $n phases found in: $phases"
}

@test "faults: kill -9 of the container init after each of its steps" {
	local phases phase n=0
	phases="$(phases_of create --bundle "$BUNDLE" "$CID")"
	myrunc delete --force "$CID"
	while IFS= read -r -u 5 phase; do
		n=$((n + 1))
		killed_at "$phase" create --bundle "$BUNDLE" "$CID"
		if [ "$status" -eq 0 ]; then
			# the init died after create had it on record
			truthful "$CID" stopped
		else
			[ "$status" -eq 1 ] || fail "init killed at $phase: create exited $status: $output"
			assert_output_contains "container init"
			truthful "$CID" gone
		fi
		removed "$CID"
	done 5< <(grep '^init:' <<<"$phases")
	[ "$n" -ge 15 ] || fail "only $n init steps found in: $phases"
}

@test "faults: kill -9 of start at every phase" {
	local phases phase
	create_container "$CID"
	phases="$(phases_of start "$CID")"
	myrunc delete --force "$CID"
	[ -n "$phases" ] || fail "no phases of start"
	while IFS= read -r -u 5 phase; do
		create_container "$CID"
		killed_at "$phase" start "$CID"
		[ "$status" -eq 137 ] || fail "phase '$phase': start exited $status: $output"
		# the init was released: it runs, whatever start did not finish
		wait_for_status "$CID" running 5
		truthful "$CID" running
		removed "$CID"
	done 5<<<"$phases"
}

@test "faults: kill -9 of exec at every phase leaves the container as it was" {
	local phases phase
	run_detached "$CID"
	phases="$(phases_of exec "$CID" true)"
	[ -n "$phases" ] || fail "no phases of exec"
	while IFS= read -r -u 5 phase; do
		killed_at "$phase" exec "$CID" sleep 50
		[ "$status" -eq 137 ] || fail "phase '$phase': exec exited $status: $output"
		truthful "$CID" running
		# no half-made exec process stays: at most the one that ran
		myrunc ps "$CID"
		[ "$(grep -c 'sleep 50' <<<"$output")" -le 1 ] || fail "exec processes left: $output"
		myrunc exec "$CID" true
		assert_status 0
	done 5<<<"$phases"
	removed "$CID"
}

@test "faults: kill -9 of delete at every phase" {
	local phases phase want
	run_detached "$CID"
	phases="$(phases_of delete --force "$CID")"
	while IFS= read -r -u 5 phase; do
		run_detached "$CID"
		killed_at "$phase" delete --force "$CID"
		[ "$status" -eq 137 ] || fail "phase '$phase': delete exited $status: $output"
		want=stopped
		[ "$phase" = "removed state" ] && want=gone
		truthful "$CID" $want
		removed "$CID"
	done 5<<<"$phases"
}

# timed_kills N CMD...: run CMD in the background N times (with $i in it
# replaced by the run's number), SIGKILL each after 2 to 40 ms
timed_kills() {
	local n="$1" i pid
	shift
	for i in $(seq 1 "$n"); do
		fresh_cgroup
		"$MYRUNC" --root "$ROOT" "${@//\$i/$i}" </dev/null >/dev/null 2>&1 3>&- &
		pid=$!
		sleep "0.0$(printf '%02d' $((2 + RANDOM % 38)))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done 2>/dev/null # bash's "Killed" notices
}

@test "faults: 30 creates killed at random moments: none reads as creating, delete --force removes all" {
	local i st
	timed_kills 30 create --bundle "$BUNDLE" "$ID_BASE-\$i"
	for i in $(seq 1 30); do
		st="$(container_status "$ID_BASE-$i")"
		[ "$st" != creating ] || fail "$ID_BASE-$i reads as creating after its creator died"
		myrunc delete --force "$ID_BASE-$i"
		assert_status 0
	done
	retry 5 _no_leaked_pids || true
	assert_nothing_left
}

@test "faults: 20 deletes killed at random moments: delete --force finishes the job" {
	local i
	for i in $(seq 1 20); do
		fresh_cgroup
		run_detached "$ID_BASE-$i"
	done
	for i in $(seq 1 20); do
		"$MYRUNC" --root "$ROOT" delete --force "$ID_BASE-$i" </dev/null >/dev/null 2>&1 3>&- &
		local pid=$!
		sleep "0.00$((1 + RANDOM % 9))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done 2>/dev/null
	for i in $(seq 1 20); do
		[ "$(container_status "$ID_BASE-$i")" != creating ] || fail "$ID_BASE-$i reads as creating"
		myrunc delete --force "$ID_BASE-$i"
		assert_status 0
	done
	retry 5 _no_leaked_pids || true
	assert_nothing_left
}

@test "faults: a state dir without state.json (an older create, or a delete cut short) is stopped and removable" {
	mkdir "$ROOT/$CID"
	truthful "$CID" stopped
	removed "$CID"
}

@test "faults: a create killed before its state dir was renamed into place is swept by delete --force and by the next create" {
	mkdir "$ROOT/.$CID.new"
	myrunc delete --force "$CID"
	assert_status 0
	[ ! -e "$ROOT/.$CID.new" ] || fail "abandoned .$CID.new left"
	mkdir "$ROOT/.$CID.new"
	create_container "$CID"
	[ ! -e "$ROOT/.$CID.new" ] || fail "abandoned .$CID.new left by create"
	truthful "$CID" created
}

@test "faults: state.json truncated to zero or garbage: state judges by the cgroup, other verbs refuse, delete --force removes all" {
	local garbage
	for garbage in "" "not json at all" '{"id": "other"}' '{"id": "'"$CID"'", "cgroupPath": "/"}'; do
		run_detached "$CID"
		printf '%s' "$garbage" >"$ROOT/$CID/state.json"
		myrunc state "$CID"
		assert_status 0
		assert_output_contains "corrupt"
		[ "$(container_status "$CID")" = running ] || fail "a container whose cgroup has processes: $(container_status "$CID")"
		myrunc list
		assert_status 0
		assert_output_contains "$CID"
		myrunc kill "$CID" KILL
		assert_error
		assert_output_contains "corrupt"
		myrunc exec "$CID" true
		assert_error
		myrunc delete "$CID"
		assert_error
		# a state naming the root cgroup must not make delete kill the host
		removed "$CID"
	done
}

@test "faults: a full disk under --root fails create cleanly at every point, and leaves nothing" {
	local free ok=0
	mount -t tmpfs -o size=64k tmpfs "$ROOT"
	on_teardown "umount -l '$ROOT'"
	for free in 0 1 2 3 4 6 8; do
		rm -f "$ROOT/filler"
		# leave $free pages of 4k: the record, config.json, state.json and
		# the temporary files of atomic writes need one each
		head -c $(((16 - free) * 4096)) /dev/zero >"$ROOT/filler" 2>/dev/null || true
		myrunc_detached create --bundle "$BUNDLE" "$CID"
		if [ "$status" -eq 0 ]; then
			ok=$((ok + 1))
			truthful "$CID" created
			myrunc delete --force "$CID"
			assert_status 0
		else
			assert_error
			assert_output_contains "no space left on device"
		fi
		retry 5 _no_leaked_pids || true
		[ "$(ls "$ROOT")" = filler ] || fail "with $free pages free: state left: $(ls "$ROOT")"
		[ -z "$(leaked_cgroups)" ] || fail "with $free pages free: cgroups left: $(leaked_cgroups)"
		[ -z "$(leaked_pids)" ] || fail "with $free pages free: processes left: $(leaked_pids)"
		[ "$(leaked_mounts)" = "$ROOT" ] || fail "with $free pages free: mounts left: $(leaked_mounts)"
	done
	[ "$ok" -gt 0 ] || fail "create never succeeded, even with 32k free"
}

@test "faults: a read-only --root: state and list work, create fails clearly and leaves nothing" {
	run_detached "$CID"
	mount --bind "$ROOT" "$ROOT"
	mount -o remount,bind,ro "$ROOT"
	on_teardown "umount -l '$ROOT'"
	truthful "$CID" running
	fresh_cgroup
	myrunc_detached create --bundle "$BUNDLE" "$CID2"
	assert_error
	assert_output_contains "read-only file system"
	[ ! -e "$ROOT/$CID2" ] || fail "state dir of $CID2 made"
	[ -z "$(cgroup_dirs "$CGROUPS_PATH")" ] || fail "cgroup of $CID2 made"
	umount "$ROOT"
	removed "$CID"
}

@test "faults: a lock left by a process killed while holding it does not block the container" {
	run_detached "$CID"
	# the lock's holder is this one process: killed, it is gone with it
	(exec 9<"$ROOT/$CID" && flock --exclusive 9 && exec sleep 1000) &
	local holder=$!
	retry 5 sh -c "! flock --nonblock '$ROOT/$CID' true" || fail "the lock was never taken"
	kill -9 "$holder"
	wait "$holder" 2>/dev/null || true
	myrunc state "$CID"
	assert_status 0
	removed "$CID"
}
