# Helpers for the engine's kill -9 tests (engine_faults*.bats): timed
# kills of engine commands on the lab's host, what a user runs after a
# crash (ls, inspect, rm -f, the prunes), and the checks that the lab's
# host and the data root are back to where they started.

load engine_helpers

# setup_faults: a lab and busybox (setup_engine), a warm-up run, and the
# data root's before-snapshot
setup_faults() {
	setup_engine
	# one container run and gone makes the stores' empty directories and
	# the default bridge's record: the state every later cleanup returns to
	MR container run --rm busybox true </dev/null >/dev/null || fail "warm-up run failed"
	MR network prune -f </dev/null >/dev/null || fail "warm-up prune failed"
	data_snapshot "$TEST_DIR/data.before"
	# MARK: in the command line of every process the test starts in a
	# container, so procs_left finds those still running
	MARK=$((7000000 + RANDOM))
}

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
	sleep_ms "$ms"
	kill -9 "$pid" 2>/dev/null || true
	# 137: the kill landed before the command finished (a finished but
	# unreaped one still takes the signal, so kill's status says nothing)
	local rc=0
	wait "$pid" 2>/dev/null || rc=$?
	if [ "$rc" = 137 ]; then
		KILLED=$((KILLED + 1))
	elif [ -n "${RUN_MS:-}" ] && [ $((ms * 10 / 9)) -lt "$RUN_MS" ]; then
		# it ended before the kill, faster than when it was timed: the
		# next kills come before this one did
		RUN_MS=$((ms * 10 / 9))
	fi
}

sleep_ms() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

# random_ms [MAX]: 10..MAX (200) milliseconds
random_ms() { echo $((10 + RANDOM % (${1:-200} - 9))); }

# time_cmd ARGS...: myrunc ARGS on the lab's host, started as kill_at
# starts it but not killed; it must succeed. RUN_MS: how long it took,
# the span the kills of the same command are then spread over. Fixed
# windows do not work: the same command takes 20 ms on a quiet machine
# and ten times that on a loaded one, and a kill after it ended checks
# nothing.
time_cmd() {
	local t0=${EPOCHREALTIME//[^0-9]/} t1 rc=0
	"${HOST_ENTER[@]}" "$MYRUNC" --root "$ROOT" --data-root "$DATA" "$@" </dev/null >"$TEST_DIR/timed.out" 2>&1 3>&- || rc=$?
	t1=${EPOCHREALTIME//[^0-9]/}
	RUN_MS=$(((t1 - t0) / 1000)) TIMED_MS=$(((t1 - t0) / 1000))
	[ "$rc" = 0 ] || fail "unkilled $*: status $rc: $(cat "$TEST_DIR/timed.out")"
}

# calibrated_ms: a kill delay spread evenly over 5-90% of RUN_MS (the
# timed run, less if a kill came after the command ended)
calibrated_ms() {
	local lo=$((RUN_MS * 5 / 100)) hi=$((RUN_MS * 90 / 100))
	echo $((lo + ((RANDOM << 15) | RANDOM) % (hi - lo + 1)))
}

# kill_rounds NAME MIN MAX ROUND: runs ROUND 1, ROUND 2, ... (each kills
# one command with kill_at "$(calibrated_ms)") until MIN kills landed or
# MAX rounds ran, then prints the count (landed)
kill_rounds() {
	local name=$1 min=$2 max=$3 round=$4 n=0
	KILLED=0
	while [ "$KILLED" -lt "$min" ] && [ "$n" -lt "$max" ]; do
		n=$((n + 1))
		"$round" "$n"
	done
	landed "$name" "$n"
}

# landed NAME ROUNDS: prints the kills that landed to the TAP stream, and
# fails if none did: the test would have checked nothing
landed() {
	echo "# $1: killed $KILLED of $2${TIMED_MS:+ (unkilled: $TIMED_MS ms)}" >&3
	[ "$KILLED" -gt 0 ] || fail "$1: no kill landed in $2 rounds"
}

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
	run MR volume prune -a -f </dev/null
	[ "$status" = 0 ] || fail "volume prune: $output"
}

# procs_left: processes of this test still running: an engine command or
# monitor (its command line names the test's directory), a process the
# test started in a container ($MARK), or one in a cgroup of an engine
# container (its path holds a 64-hex ID the data root recorded)
procs_left() {
	local p cmd
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" != "$$" ] || continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case "$cmd" in
		*"$TEST_DIR"* | *" $MARK"*) echo "${p#/proc/}: $cmd" ;;
		esac
	done
}

# assert_back_to_start: the checks after cleanup_all
assert_back_to_start() {
	local m d p
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
	p=$(procs_left)
	[ -z "$p" ] || fail "processes left: $p"
	m=$(lab_unchanged) || fail "$m"
	data_snapshot "$TEST_DIR/data.after"
	diff "$TEST_DIR/data.before" "$TEST_DIR/data.after" >"$TEST_DIR/data.diff" ||
		fail "data root differs from after the base image load: $(cat "$TEST_DIR/data.diff")"
}

# held_addresses: IPAM addresses some owner holds, in every network
held_addresses() {
	cat "$DATA"/network/networks/*.json 2>/dev/null | jq -c '.. | objects | select(has("owners")) | .owners' | grep -v '^{}$' || true
}
