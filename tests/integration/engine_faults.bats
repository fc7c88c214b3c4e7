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

load engine_helpers

setup() {
	setup_engine
	# one container run and gone makes the stores' empty directories and
	# the default bridge's record: the state every later cleanup returns to
	MR container run --rm busybox true </dev/null >/dev/null || fail "warm-up run failed"
	MR network prune -f </dev/null >/dev/null || fail "warm-up prune failed"
	data_snapshot "$TEST_DIR/data.before"
}
teardown() { teardown_engine; }

# data_snapshot FILE: the data root's directories and files, less the
# engine's bookkeeping that may legitimately change (lock files, name
# index, the network store's allocation file is checked by address reuse)
data_snapshot() {
	(cd "$DATA" && find . -mindepth 1 \( -name '*.lock' -o -name .names \) -prune -o -print | LC_ALL=C sort) >"$1"
}

# kill_at MS ARGS...: myrunc ARGS on the lab's host, killed with -9 after
# MS milliseconds (nsenter execs myrunc, so $! is the engine command)
kill_at() {
	local ms=$1
	shift
	"${HOST_ENTER[@]}" "$MYRUNC" --root "$ROOT" --data-root "$DATA" "$@" </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null || true
	# 137: the kill landed before the command finished (a finished but
	# unreaped one still takes the signal, so kill's status says nothing)
	local rc=0
	wait "$pid" 2>/dev/null || rc=$?
	[ "$rc" != 137 ] || KILLED=$((KILLED + 1))
}

# random_ms [MAX]: 10..MAX (200) milliseconds
random_ms() { echo $((10 + RANDOM % (${1:-200} - 9))); }

# cleanup_all: what a user runs after a crash; every command must succeed
cleanup_all() {
	local ids id
	ctr -0 ls -a
	ids=$(MR container ls -aq --no-trunc </dev/null) || fail "ls -aq failed"
	for id in $ids; do
		ctr -0 inspect "$id"
	done
	[ -z "$ids" ] || ctr -0 rm -f -v $ids
	run MR image prune -f </dev/null
	[ "$status" = 0 ] || fail "image prune: $output"
	run MR network prune -f </dev/null
	[ "$status" = 0 ] || fail "network prune: $output"
	run MR volume prune -f </dev/null
	[ "$status" = 0 ] || fail "volume prune: $output"
}

# assert_back_to_start: the checks after cleanup_all
assert_back_to_start() {
	local m d
	# a create killed before its record leaves an empty directory that ls
	# takes for a create in progress for a minute: age them, as a minute
	# would, and the next ls must remove them
	for d in "$DATA"/containers/*; do
		[ -e "$d/config.json" ] || [ ! -d "$d" ] || touch -d '2 minutes ago' "$d"
	done
	ctr -0 ls -a
	[ -z "$output" ] || [ "${#lines[@]}" = 1 ] || fail "containers left: $output"
	m=$(grep -F " $DATA/" /proc/self/mountinfo) && fail "mounts left under the data root: $m"
	[ -z "$(ls "$ROOT")" ] || fail "runtime state left: $(ls "$ROOT")"
	m=$(lab_unchanged) || fail "$m"
	data_snapshot "$TEST_DIR/data.after"
	diff "$TEST_DIR/data.before" "$TEST_DIR/data.after" >"$TEST_DIR/data.diff" ||
		fail "data root differs from after the base image load: $(cat "$TEST_DIR/data.diff")"
}

# held_addresses: IPAM addresses some owner holds, in every network
held_addresses() {
	cat "$DATA"/network/networks/*.json 2>/dev/null | jq -c '.. | objects | select(has("owners")) | .owners' | grep -v '^{}$' || true
}

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
