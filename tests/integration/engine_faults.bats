#!/usr/bin/env bats
# The engine under kill -9: container run -d -p, container rm -f, image
# load, network create/rm and container commit are killed at random
# moments (from 10 ms to a bound near the command's usual run time:
# 60-400 ms, 200 ms for run -d -p), several rounds each; then ls,
# inspect, rm -f and the prune commands must bring the lab's host back
# to exactly where it started: no mount under the data root, no link,
# address or nft rule beyond the before-snapshot, no IPAM address held,
# no layer or temp dir beyond the loaded base image. Each test in its
# own network lab; the kills that landed are printed to the TAP stream.

load engine_fault_helpers

setup() { setup_faults; }
teardown() { teardown_engine; }

@test "container run -d -p killed with -9 at 10-200 ms: rm -f and the prunes leave nothing, no address held" {
	local i KILLED=0
	for i in $(seq 12); do
		kill_at "$(random_ms)" container run -d -p "$((18000 + i)):80" busybox sleep 1000
	done
	echo "# run -d -p: killed $KILLED of 12" >&3
	cleanup_all
	[ -z "$(held_addresses)" ] || fail "addresses held after cleanup: $(held_addresses)"
	# a new container is served, published, and removed cleanly
	rund -p 18100:80 busybox sleep 1000
	ctr -0 rm -f "$CTR"
	MR network prune -f >/dev/null
	assert_back_to_start
}

@test "container rm -f killed with -9 at 10-80 ms: a second rm -f removes everything" {
	local i KILLED=0 ids=()
	for i in $(seq 6); do
		rund -p "$((18200 + i)):80" busybox sleep 1000
		ids+=("$CTR")
	done
	for i in "${ids[@]}"; do
		kill_at "$(random_ms 80)" container rm -f "$i"
	done
	echo "# rm -f: killed $KILLED of ${#ids[@]}" >&3
	cleanup_all
	[ -z "$(held_addresses)" ] || fail "addresses held after cleanup: $(held_addresses)"
	assert_back_to_start
}

@test "image load killed with -9 at 10-400 ms: no half image, a new load works" {
	local i KILLED=0 tar="$TEST_DIR/big.tar"
	"$MKIMAGE" "$tar" --format docker-archive --tag big:1 --layers 40 --file /big="$(rand_hex 32)" >/dev/null || fail "mkimage failed"
	for i in $(seq 8); do
		kill_at "$(random_ms 400)" image load -q -i "$tar"
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
	done
	echo "# image load: killed $KILLED of 8" >&3
	run MR image load -q -i "$tar" </dev/null
	[ "$status" = 0 ] || fail "a new load after the kills failed: $output"
	run MR container run --rm big:1 cat /layers/40 </dev/null
	[ "$output" = 40 ]
	run MR image rm big:1 </dev/null
	[ "$status" = 0 ]
	cleanup_all
	assert_back_to_start
}

@test "network create and network rm killed with -9 at 10-60 ms: network prune leaves nothing" {
	local i KILLED=0
	for i in $(seq 10); do
		kill_at "$(random_ms 60)" network create --subnet "10.199.$i.0/24" "n$i"
	done
	echo "# network create: killed $KILLED of 10" >&3
	KILLED=0
	for i in $(seq 10); do
		MR network create --subnet "10.198.$i.0/24" "m$i" >/dev/null 2>&1 || true
		kill_at "$(random_ms 60)" network rm "m$i"
	done
	echo "# network rm: killed $KILLED of 10" >&3
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

@test "container commit killed with -9 at 10-80 ms: rm -f and image prune leave only the base image" {
	local i KILLED=0
	rund --name src busybox sh -c 'echo data >/made; exec sleep 1000'
	for i in $(seq 8); do
		kill_at "$(random_ms 80)" container commit src "snap:$i"
	done
	echo "# commit: killed $KILLED of 8" >&3
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
