#!/usr/bin/env bats
# Concurrent operations on one container must not interleave.

load helpers

N=5

setup() {
	setup_test
	setup_bundle sh -c 'echo ran >>/marker; exec sleep 100'
	PAR="$TEST_DIR/par"
	mkdir -p "$PAR"
}
teardown() { teardown_test; }

# parallel N ARGS...: run `$MYRUNC --root $ROOT ARGS` N times at once;
# exit codes in $PAR/rc.I, output in $PAR/out.I
parallel() {
	local n="$1" i
	shift
	rm -f "$PAR"/rc.* "$PAR"/out.*
	for i in $(seq 1 "$n"); do
		(
			rc=0
			"$MYRUNC" --root "$ROOT" "$@" </dev/null >"$PAR/out.$i" 2>&1 3>&- || rc=$?
			echo "$rc" >"$PAR/rc.$i"
		) 3>&- &
	done
	wait
}

# count_rc CODE: how many of the parallel runs exited with CODE
count_rc() {
	grep -lx "$1" "$PAR"/rc.* 2>/dev/null | wc -l
}

dump() {
	local i
	for i in "$PAR"/rc.*; do
		echo "${i##*.}: rc=$(cat "$i") $(cat "$PAR/out.${i##*.}")"
	done
}

@test "parallel delete -f of one running container: all succeed, it is gone" {
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	parallel $N delete -f "$CID"
	local i bad=()
	for i in $(seq 1 $N); do
		if [ "$(cat "$PAR/rc.$i")" != 0 ] && ! grep -q "does not exist" "$PAR/out.$i"; then
			bad+=("$i")
		fi
	done
	[ ${#bad[@]} -eq 0 ] || fail "failed deletes: $(dump)"
	wait_for_exit "$pid"
	myrunc state "$CID"
	assert_output_contains "does not exist"
	assert_nothing_left
}

@test "parallel creates with one id: exactly one succeeds, it is intact" {
	parallel $N create --bundle "$BUNDLE" "$CID"
	[ "$(count_rc 0)" -eq 1 ] || fail "$(count_rc 0) creates succeeded: $(dump)"
	local i
	for i in $(seq 1 $N); do
		[ "$(cat "$PAR/rc.$i")" = 0 ] && continue
		[ "$(cat "$PAR/rc.$i")" = 1 ] || fail "create $i exited $(cat "$PAR/rc.$i"): $(dump)"
	done
	[ "$(root_entries)" = "$CID" ] || fail "under --root: $(root_entries); $(dump)"
	myrunc -0 state "$CID"
	[ "$(jq -r .status <<<"$output")" = created ]
	local pid
	pid="$(jq -r .pid <<<"$output")"
	kill -0 "$pid"
	# only the winner's init is in the cgroup
	[ "$(cat "$CGROUP_MNT/pids$CGROUPS_PATH/cgroup.procs")" = "$pid" ] ||
		fail "cgroup has: $(cat "$CGROUP_MNT/pids$CGROUPS_PATH/cgroup.procs"), init is $pid"
	myrunc -0 start "$CID"
	wait_for_status "$CID" running
	wait_for_file "$BUNDLE/rootfs/marker"
	[ "$(grep -c . "$BUNDLE/rootfs/marker")" -eq 1 ]
}

@test "parallel starts of one created container: one succeeds, the process runs once" {
	create_container "$CID"
	parallel $N start "$CID"
	[ "$(count_rc 0)" -eq 1 ] || fail "$(count_rc 0) starts succeeded: $(dump)"
	local i
	for i in $(seq 1 $N); do
		[ "$(cat "$PAR/rc.$i")" = 0 ] && continue
		[ "$(cat "$PAR/rc.$i")" = 1 ] || fail "start $i: $(dump)"
	done
	wait_for_status "$CID" running
	wait_for_file "$BUNDLE/rootfs/marker"
	sleep 0.2
	[ "$(grep -c . "$BUNDLE/rootfs/marker")" -eq 1 ] || fail "the process ran $(grep -c . "$BUNDLE/rootfs/marker") times"
}

@test "state while other commands run always prints whole JSON" {
	create_container "$CID"
	local i
	for i in $(seq 1 10); do
		(
			"$MYRUNC" --root "$ROOT" state "$CID" >"$PAR/state.$i" 2>&1 3>&- || true
		) 3>&- &
	done
	"$MYRUNC" --root "$ROOT" start "$CID" 3>&- &
	wait
	for i in $(seq 1 10); do
		jq -e '.id' "$PAR/state.$i" >/dev/null || fail "state $i printed: $(cat "$PAR/state.$i")"
	done
	wait_for_status "$CID" running
}

@test "parallel kill and delete -f: the container ends up gone" {
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	(
		"$MYRUNC" --root "$ROOT" kill "$CID" KILL >/dev/null 2>&1 3>&- || true
	) 3>&- &
	parallel 3 delete -f "$CID"
	wait
	[ "$(count_rc 0)" -ge 1 ] || fail "no delete succeeded: $(dump)"
	wait_for_exit "$pid"
	assert_nothing_left
}

@test "parallel creates with different ids all succeed" {
	local i ids=()
	for i in $(seq 1 $N); do
		local cg
		cg="$(new_cgroup_path)"
		mkdir -p "$TEST_DIR/b$i"
		cp -a "$BUNDLE/rootfs" "$TEST_DIR/b$i/rootfs"
		jq --arg cg "$cg" '.linux.cgroupsPath = $cg' "$BUNDLE/config.json" >"$TEST_DIR/b$i/config.json"
		(
			rc=0
			"$MYRUNC" --root "$ROOT" create --bundle "$TEST_DIR/b$i" "${ID_BASE}-p$i" </dev/null >"$PAR/out.$i" 2>&1 3>&- || rc=$?
			echo "$rc" >"$PAR/rc.$i"
		) 3>&- &
	done
	wait
	[ "$(count_rc 0)" -eq $N ] || fail "$(dump)"
	[ "$(root_entries | wc -l)" -eq $N ]
	myrunc -0 list -q
	[ "${#lines[@]}" -eq $N ]
}
