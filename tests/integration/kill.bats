#!/usr/bin/env bats
# kill: signals by name and number, --all.

load helpers

setup() {
	setup_test
	# pid 1 with a handler for the signals we send: it records them in /sig
	setup_bundle sh -c 'for s in TERM USR1 USR2 HUP; do trap "echo $s >>/sig" $s; done; echo ready >/ready; while :; do sleep 0.05; done'
}
teardown() { teardown_test; }

start_trapper() {
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
}

@test "kill without a signal sends SIGTERM" {
	start_trapper
	myrunc -0 kill "$CID"
	wait_for_content "$BUNDLE/rootfs/sig" '^TERM$'
}

@test "kill accepts signal names with and without SIG" {
	start_trapper
	myrunc -0 kill "$CID" USR1
	wait_for_content "$BUNDLE/rootfs/sig" '^USR1$'
	myrunc -0 kill "$CID" SIGUSR2
	wait_for_content "$BUNDLE/rootfs/sig" '^USR2$'
	myrunc -0 kill "$CID" SIGTERM
	wait_for_content "$BUNDLE/rootfs/sig" '^TERM$'
	myrunc -0 kill "$CID" HUP
	wait_for_content "$BUNDLE/rootfs/sig" '^HUP$'
	[ "$(container_status "$CID")" = running ]
}

@test "kill accepts signal numbers" {
	start_trapper
	myrunc -0 kill "$CID" 15
	wait_for_content "$BUNDLE/rootfs/sig" '^TERM$'
	myrunc -0 kill "$CID" 1
	wait_for_content "$BUNDLE/rootfs/sig" '^HUP$'
}

@test "kill KILL stops the container" {
	start_trapper
	myrunc -0 kill "$CID" KILL
	wait_for_status "$CID" stopped
}

@test "kill SIGKILL and 9 stop the container" {
	start_trapper
	myrunc -0 kill "$CID" SIGKILL
	wait_for_status "$CID" stopped
	myrunc -0 delete "$CID"
	run_detached "$CID"
	myrunc -0 kill "$CID" 9
	wait_for_status "$CID" stopped
}

@test "kill of a created container stops it" {
	create_container "$CID"
	myrunc -0 kill "$CID" KILL
	wait_for_status "$CID" stopped
	[ ! -e "$BUNDLE/rootfs/ready" ] || fail "user process ran"
}

@test "kill with an unknown signal fails and leaves the container running" {
	start_trapper
	myrunc kill "$CID" NOSUCHSIGNAL
	[ "$status" -ne 0 ]
	myrunc kill "$CID" 99999
	[ "$status" -ne 0 ]
	[ "$(container_status "$CID")" = running ]
	[ ! -e "$BUNDLE/rootfs/sig" ]
}

@test "kill of a stopped container fails with 'container not running'" {
	update_config '.process.args = ["true"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc kill "$CID" KILL
	assert_error
	assert_output_contains "container not running"
}

@test "kill of an unknown container fails with 'does not exist'" {
	myrunc kill "${ID_BASE}-nope" KILL
	assert_error
	assert_output_contains "does not exist"
}

# Without a pid namespace, killing the init leaves its children alive:
# that is what --all is for.
all_setup() {
	update_config '.linux.namespaces -= [{"type": "pid"}]
		| .process.args = ["sh", "-c", "sleep 100 & sleep 100 & echo ready >/ready; wait"]'
	run_detached "$CID"
	wait_for_file "$BUNDLE/rootfs/ready"
	local d="$CGROUP_MNT/pids$CGROUPS_PATH"
	retry 5 _nprocs_is "$d" 3 || fail "expected 3 processes in $d: $(cat "$d/cgroup.procs")"
	PROCS="$(cat "$d/cgroup.procs")"
}
_nprocs_is() { [ "$(grep -c . "$1/cgroup.procs")" -eq "$2" ]; }

@test "kill --all KILL kills every process in the container's cgroup" {
	all_setup
	myrunc -0 kill --all "$CID" KILL
	local p
	for p in $PROCS; do wait_for_exit "$p"; done
	retry 5 _nprocs_is "$CGROUP_MNT/pids$CGROUPS_PATH" 0
	wait_for_status "$CID" stopped
}

@test "kill -a is --all" {
	all_setup
	myrunc -0 kill -a "$CID" 9
	local p
	for p in $PROCS; do wait_for_exit "$p"; done
	wait_for_status "$CID" stopped
}

@test "kill without --all only signals the init" {
	all_setup
	local init
	init="$(container_pid "$CID")"
	myrunc -0 kill "$CID" KILL
	wait_for_exit "$init"
	local p
	for p in $PROCS; do
		[ "$p" = "$init" ] && continue
		kill -0 "$p" || fail "child $p was killed too"
	done
	# delete --force still has to get rid of them
	myrunc -0 delete -f "$CID"
	for p in $PROCS; do wait_for_exit "$p"; done
	assert_nothing_left
}
