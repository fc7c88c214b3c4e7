#!/usr/bin/env bats
# The engine under kill -9: container run -d -p, container rm -f, image
# load, network create/rm and container commit are killed at random
# moments of their run (each command is timed once unkilled first, and
# the kills are spread over 5-90% of that time), until enough kills
# landed; then ls, inspect, rm -f and the prune commands must bring the
# lab's host back to exactly where it started: no mount under the data
# root, no link, address or nft rule beyond the before-snapshot, no IPAM
# address held, no layer or temp dir beyond the loaded base image. Each
# test in its own network lab; the kills that landed are printed to the
# TAP stream, and a case where none did fails.

load engine_fault_helpers

setup() { setup_faults; }
teardown() { teardown_engine; }

run_round() { kill_at "$(calibrated_ms)" container run -d -p "$((18000 + $1)):80" busybox sleep 1000; }

@test "container run -d -p killed with -9 at random moments: rm -f and the prunes leave nothing, no address held" {
	time_cmd container run -d -p 18000:80 busybox sleep 1000
	ctr -0 rm -f "$(tail -1 "$TEST_DIR/timed.out")"
	kill_rounds "run -d -p" 6 12 run_round
	cleanup_all
	[ -z "$(held_addresses)" ] || fail "addresses held after cleanup: $(held_addresses)"
	# a new container is served, published, and removed cleanly
	rund -p 18100:80 busybox sleep 1000
	ctr -0 rm -f "$CTR"
	MR network prune -f >/dev/null
	assert_back_to_start
}

rm_round() {
	rund -p "$((18200 + $1)):80" busybox sleep 1000
	kill_at "$(calibrated_ms)" container rm -f "$CTR"
}

@test "container rm -f killed with -9 at random moments: a second rm -f removes everything" {
	rund -p 18200:80 busybox sleep 1000
	time_cmd container rm -f "$CTR"
	kill_rounds "rm -f" 4 8 rm_round
	cleanup_all
	[ -z "$(held_addresses)" ] || fail "addresses held after cleanup: $(held_addresses)"
	assert_back_to_start
}

load_round() {
	kill_at "$(calibrated_ms)" image load -q -i "$tar"
	run MR image ls --format '{{.Repository}}:{{.Tag}}' </dev/null
	[ "$status" = 0 ] || fail "image ls after a killed load: $output"
	if grep -qx big:1 <<<"$output"; then
		# a complete image: it must run, then go
		run MR container run --rm big:1 cat /layers/40 </dev/null
		[ "$output" = 40 ] || fail "a listed big:1 is not whole: $output"
		run MR image rm big:1 </dev/null
		[ "$status" = 0 ] || fail "image rm big:1: $output"
	fi
	cleanup_all
	assert_back_to_start
}

@test "image load killed with -9 at random moments: no half image, a new load works" {
	local tar="$TEST_DIR/big.tar"
	"$MKIMAGE" "$tar" --format docker-archive --tag big:1 --layers 40 --file /big="$(rand_hex 32)" >/dev/null || fail "mkimage failed"
	time_cmd image load -q -i "$tar"
	MR image rm big:1 </dev/null >/dev/null || fail "image rm after the timed load failed"
	cleanup_all
	kill_rounds "image load" 4 8 load_round
	run MR image load -q -i "$tar" </dev/null
	[ "$status" = 0 ] || fail "a new load after the kills failed: $output"
	run MR container run --rm big:1 cat /layers/40 </dev/null
	[ "$output" = 40 ]
	run MR image rm big:1 </dev/null
	[ "$status" = 0 ]
	cleanup_all
	assert_back_to_start
}

network_create_round() { kill_at "$(calibrated_ms)" network create --subnet "10.199.$1.0/24" "n$1"; }
network_rm_round() {
	MR network create --subnet "10.198.$1.0/24" "m$1" >/dev/null 2>&1 || true
	kill_at "$(calibrated_ms)" network rm "m$1"
}

@test "network create and network rm killed with -9 at random moments: network prune leaves nothing" {
	time_cmd network create --subnet 10.199.0.0/24 n0
	MR network rm n0 </dev/null >/dev/null || fail "network rm after the timed create failed"
	kill_rounds "network create" 5 10 network_create_round
	MR network create --subnet 10.198.0.0/24 m0 </dev/null >/dev/null || fail "network create m0 failed"
	time_cmd network rm m0
	kill_rounds "network rm" 5 10 network_rm_round
	run MR network ls </dev/null
	[ "$status" = 0 ] || fail "network ls: $output"
	cleanup_all
	run MR network ls -q </dev/null
	[ "$status" = 0 ]
	# what is left is the predefined networks only, and the lab is as before
	[ "$(grep -c . <<<"$output")" -le 3 ] || fail "networks left: $output"
	# a new network on a used subnet works and goes
	run MR network create --subnet 10.199.1.0/24 again </dev/null
	[ "$status" = 0 ] || fail "network create on a subnet a killed create had: $output"
	run MR network rm again </dev/null
	[ "$status" = 0 ]
	cleanup_all
	assert_back_to_start
}

commit_round() { kill_at "$(calibrated_ms)" container commit src "snap:$1"; }

@test "container commit killed with -9 at random moments: rm -f and image prune leave only the base image" {
	local i
	rund --name src busybox sh -c 'echo data >/made; exec sleep 1000'
	time_cmd container commit src snap:0
	MR image rm snap:0 </dev/null >/dev/null || fail "image rm after the timed commit failed"
	kill_rounds "commit" 4 8 commit_round
	run MR image ls --format '{{.Repository}}:{{.Tag}}' </dev/null
	[ "$status" = 0 ] || fail "image ls: $output"
	for i in $(grep '^snap:' <<<"$output"); do
		run MR container run --rm "$i" cat /made </dev/null
		[ "$output" = data ] || fail "committed image $i is not whole: $output"
		run MR image rm "$i" </dev/null
		[ "$status" = 0 ] || fail "image rm $i: $output"
	done
	# a commit after the kills works
	run MR container commit src snap:ok </dev/null
	[ "$status" = 0 ] || fail "commit after the kills: $output"
	run MR image rm snap:ok </dev/null
	cleanup_all
	assert_back_to_start
}

@test "a monitor killed after its container's network record went: network prune takes the default bridge down" {
	# the phase hook (trace.FaultEnv), which the monitor inherits, kills
	# it in rm -f's teardown between the container's network record's
	# removal and the bridge's: then no container uses the bridge
	MYRUNC_TEST_KILL_AT="network: forgotten" rund -p 18400:80 busybox sleep 1000
	ctr rm -f "$CTR"
	ctr -0 ls -a
	[ "${#lines[@]}" -le 2 ] || fail "containers left: $output"
	"${HOST_ENTER[@]}" ip link show myrunc0 >/dev/null || fail "the bridge went: the monitor was not cut where this test needs"
	cleanup_all
	assert_back_to_start
}
