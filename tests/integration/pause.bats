#!/usr/bin/env bats
# pause / resume: the cgroup freezer.

load helpers

COUNTER='i=0; while :; do i=$((i+1)); echo $i >/tmp/c.new; mv /tmp/c.new /tmp/c; done'

setup() {
	setup_test
	# a busy process: the counter in /tmp/c moves all the time it runs
	# (renamed into place: a reader never sees it empty)
	setup_bundle sh -c "$COUNTER"
}
teardown() { teardown_test; }

# counter: the counter's value now
counter() {
	cat "$BUNDLE/rootfs/tmp/c"
}

start_counter() {
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/tmp/c"
}

# freezer_state: the container's v1 freezer.state, or its v2 cgroup.freeze
freezer_state() {
	if [ -e "$CGROUP_MNT/freezer$CGROUPS_PATH/freezer.state" ]; then
		cat "$CGROUP_MNT/freezer$CGROUPS_PATH/freezer.state"
	else
		cat "$CGROUP_MNT$CGROUPS_PATH/cgroup.freeze"
	fi
}
frozen_value() { [ -d "$CGROUP_MNT/freezer" ] && echo FROZEN || echo 1; }

_counter_moves() {
	local a b
	a="$(counter)"
	sleep 0.1
	b="$(counter)"
	[ "$a" != "$b" ]
}

@test "pause freezes the container, resume thaws it" {
	start_counter
	retry 5 _counter_moves || fail "counter does not move before pause"
	myrunc -0 pause "$CID"
	[ -z "$output" ]
	# frozen when pause returns, not merely freezing
	[ "$(freezer_state)" = "$(frozen_value)" ] || fail "freezer: $(freezer_state)"
	[ "$(container_status "$CID")" = paused ]
	myrunc -0 list
	assert_output_contains paused
	local a b
	a="$(counter)"
	sleep 0.5
	b="$(counter)"
	[ "$a" = "$b" ] || fail "counter moved while paused: $a -> $b"
	[ "$(awk '/^State:/ {print $2}' "/proc/$(container_pid "$CID")/status")" != R ]

	myrunc -0 resume "$CID"
	[ -z "$output" ]
	[ "$(container_status "$CID")" = running ]
	[ "$(freezer_state)" != "$(frozen_value)" ]
	retry 5 _counter_moves || fail "counter does not move after resume"
	[ "$(counter)" -gt "$b" ]
}

@test "pause and resume again and again" {
	start_counter
	local i
	for i in 1 2 3; do
		myrunc -0 pause "$CID"
		[ "$(container_status "$CID")" = paused ]
		myrunc -0 resume "$CID"
		[ "$(container_status "$CID")" = running ]
	done
	retry 5 _counter_moves
}

@test "pause freezes every process, not only the init" {
	update_config '.process.args = ["sh", "-c", "(" + $c + ") & wait"]' --arg c "$COUNTER"
	start_counter
	myrunc -0 pause "$CID"
	local a b
	a="$(counter)"
	sleep 0.5
	b="$(counter)"
	[ "$a" = "$b" ] || fail "child's counter moved while paused: $a -> $b"
	myrunc -0 ps --format json "$CID"
	# sh, the subshell and maybe an mv caught by the freeze
	[ "$(jq length <<<"$output")" -ge 2 ] || fail "ps of a paused container: $output"
	myrunc -0 resume "$CID"
	retry 5 _counter_moves
}

@test "pause of a paused container and resume of a running one fail" {
	start_counter
	myrunc resume "$CID"
	assert_error
	assert_output_contains "cannot resume container" "$CID" "it is running"
	myrunc -0 pause "$CID"
	myrunc pause "$CID"
	assert_error
	assert_output_contains "cannot pause container" "$CID" "it is paused"
	# still paused, and resume works
	[ "$(container_status "$CID")" = paused ]
	myrunc -0 resume "$CID"
	myrunc resume "$CID"
	assert_error
	assert_output_contains "it is running"
}

@test "pause of a created or a stopped container fails" {
	create_container "$CID"
	myrunc pause "$CID"
	assert_error
	assert_output_contains "cannot pause container" "$CID" "it is created"
	myrunc resume "$CID"
	assert_error
	assert_output_contains "cannot resume container" "$CID" "it is created"
	myrunc -0 kill "$CID" KILL
	wait_for_status "$CID" stopped
	myrunc pause "$CID"
	assert_error
	assert_output_contains "cannot pause container" "$CID" "it is stopped"
	myrunc resume "$CID"
	assert_error
	assert_output_contains "it is stopped"
}

@test "pause and resume of an unknown container fail with 'does not exist'" {
	myrunc pause "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
	myrunc resume "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
	myrunc pause
	assert_error
}

@test "kill KILL of a paused container ends it" {
	start_counter
	local pid
	pid="$(container_pid "$CID")"
	myrunc -0 pause "$CID"
	myrunc -0 kill "$CID" KILL
	wait_for_exit "$pid"
	wait_for_status "$CID" stopped
	myrunc -0 delete "$CID"
	assert_nothing_left
}

@test "kill --all KILL of a paused container ends every process" {
	update_config '.linux.namespaces -= [{"type": "pid"}]
		| .process.args = ["sh", "-c", "sleep 100 & sleep 100 & wait"]'
	run_detached "$CID"
	local d="$CGROUP_MNT/pids$CGROUPS_PATH"
	retry 5 _nprocs_is "$d" 3 || fail "expected 3 processes in $d: $(cat "$d/cgroup.procs")"
	local procs p
	procs="$(cat "$d/cgroup.procs")"
	myrunc -0 pause "$CID"
	myrunc -0 kill --all "$CID" 9
	for p in $procs; do wait_for_exit "$p"; done
	wait_for_status "$CID" stopped
	myrunc -0 delete "$CID"
	assert_nothing_left
}
_nprocs_is() { [ "$(grep -c . "$1/cgroup.procs")" -eq "$2" ]; }

@test "a signal other than KILL to a paused container waits for resume" {
	update_config '.process.args = ["sh", "-c", "trap \"echo TERM >/sig; exit 0\" TERM; echo ready >/ready; while :; do sleep 0.05; done"]'
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
	myrunc -0 pause "$CID"
	myrunc -0 kill "$CID" TERM
	sleep 0.3
	[ ! -e "$BUNDLE/rootfs/sig" ] || fail "a frozen process handled a signal"
	[ "$(container_status "$CID")" = paused ]
	myrunc -0 resume "$CID"
	wait_for_content "$BUNDLE/rootfs/sig" '^TERM$'
	wait_for_status "$CID" stopped
}

@test "delete --force of a paused container ends it and leaves nothing" {
	start_counter
	local pid
	pid="$(container_pid "$CID")"
	myrunc -0 pause "$CID"
	myrunc delete "$CID"
	assert_error
	assert_output_contains "paused"
	myrunc -0 delete --force "$CID"
	wait_for_exit "$pid"
	assert_nothing_left
	myrunc state "$CID"
	assert_error
	assert_output_contains "does not exist"
}

@test "a pause that cannot finish freezing gives up, thaws back and says why" {
	# a process waiting in a memory cgroup OOM with the OOM killer off
	# sleeps killable but not freezable: the freezer stays FREEZING for as
	# long as it waits, which is forever
	[ -d "$CGROUP_MNT/freezer" ] || skip "no v1 freezer"
	# shellcheck disable=SC2016 # for the container's sh
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432, "disableOOMKiller": true}
		| .process.args = ["sh", "-c", "echo ready >/ready; a=0123456789; while :; do a=$a$a; done"]'
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
	retry 10 grep -qx 'under_oom 1' "$CGROUP_MNT/memory$CGROUPS_PATH/memory.oom_control" ||
		fail "never under OOM: $(cat "$CGROUP_MNT/memory$CGROUPS_PATH/memory.oom_control")"
	local start=$SECONDS
	myrunc pause "$CID"
	assert_error
	assert_output_contains "freezing did not finish within" "thawed again"
	[ $((SECONDS - start)) -lt 30 ] || fail "pause took $((SECONDS - start)) s"
	[ "$(freezer_state)" = THAWED ] || fail "freezer: $(freezer_state)"
	[ "$(container_status "$CID")" = running ]
	# still controllable: delete --force ends it
	myrunc -0 delete --force "$CID"
	assert_nothing_left
}
