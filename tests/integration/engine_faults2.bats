#!/usr/bin/env bats
# The engine under kill -9, continued from engine_faults.bats: image
# pull (from a registry in the lab), image build (RUN and COPY), volume
# create / rm and a run that fills a new named volume, container create,
# exec, stop, image rm and image prune are killed at random moments of
# their run (each command is timed once unkilled first, and the kills
# are spread over 5-90% of that time), and the monitor is killed during
# a stop and during its container's exit. After the kills, ls, inspect,
# rm -f and the prunes must bring the lab's host back to where it
# started: no mount under the data root, no process, link, address or
# nft rule, no layer, temp dir, volume or record beyond the loaded base
# image. Only kills that landed (exit 137, or a monitor alive when
# killed) are counted; rounds go on until enough landed, and a case
# where none did fails.

load engine_fault_helpers

setup() {
	setup_faults
	REGISTRY_SH="$BATS_TEST_DIRNAME/../tools/registry.sh"
}
teardown() { teardown_engine; }

# list_images: REFS, every REPO:TAG in the store (a plain statement,
# so that a failed image ls fails the test). The list is read whole
# before it is searched: a reader that stops at the first match (grep -q
# in a pipe) kills image ls with SIGPIPE as it writes the next line.
list_images() {
	REFS=$(MR image ls --format '{{.Repository}}:{{.Tag}}' </dev/null) || fail "image ls failed: $REFS"
}

pull_round() {
	kill_at "$(calibrated_ms)" image pull -q "$ref"
	list_images
	if grep -qxF "$ref" <<<"$REFS"; then
		run MR container run --rm "$ref" cat /layers/30 </dev/null
		[ "$output" = 30 ] || fail "a listed $ref is not whole: $output"
		run MR image rm "$ref" </dev/null
		[ "$status" = 0 ] || fail "image rm: $output"
	fi
}

@test "image pull killed with -9 at random moments: no half image, the store is clean, a new pull works" {
	command -v docker-registry >/dev/null || skip "docker-registry not installed"
	command -v skopeo >/dev/null || skip "skopeo not installed"
	local reg ref
	# the registry serves on the lab host's loopback, where the engine runs
	reg=$(mktemp -d /tmp/myrunc-reg.XXXXXX)
	on_teardown "'$REGISTRY_SH' stop '$reg' >/dev/null 2>&1; rm -rf '$reg'"
	eval "$(in_lab "$REGISTRY_SH" start "$reg" 3>&-)" || fail "registry start failed"
	"$MKIMAGE" "$TEST_DIR/big" --format oci-layout --layers 30 --file /big="$(rand_hex 32)" >/dev/null || fail "mkimage failed"
	in_lab "$REGISTRY_SH" push "$reg" "$TEST_DIR/big" pull/big:1 >/dev/null 3>&- || fail "push failed"
	ref="$REGISTRY/pull/big:1"
	time_cmd image pull -q "$ref"
	MR image rm "$ref" </dev/null >/dev/null || fail "image rm after the timed pull failed"
	kill_rounds "image pull" 4 8 pull_round
	cleanup_all
	assert_back_to_start
	run MR image pull -q "$ref" </dev/null
	[ "$status" = 0 ] || fail "a pull after the kills failed: $output"
	run MR container run --rm "$ref" cat /layers/30 </dev/null
	[ "$output" = 30 ]
	run MR image rm "$ref" </dev/null
	cleanup_all
	assert_back_to_start
}

build_round() {
	# a new context each round: no cached step hides the work
	echo "$1" >"$ctx/a.txt"
	kill_at "$(calibrated_ms)" image build -t "built:$1" "$ctx"
	list_images
	if grep -qx "built:$1" <<<"$REFS"; then
		run MR container run --rm "built:$1" cat /r1 </dev/null
		[ "$output" = "$(printf '%s\nran' "$1")" ] || fail "a listed built:$1 is not whole: $output"
		run MR image rm "built:$1" </dev/null
		[ "$status" = 0 ] || fail "image rm: $output"
	fi
}

@test "image build (COPY, RUN) killed with -9 at random moments: no build container, mount or layer left, a new build works" {
	local ctx="$TEST_DIR/ctx"
	# every build leaves the (empty) directory of its steps' work dirs
	mkdir -p "$ctx" "$DATA/build"
	data_snapshot "$TEST_DIR/data.before"
	echo 0 >"$ctx/a.txt"
	rand_hex 4096 >"$ctx/b.bin"
	cat >"$ctx/Dockerfile" <<-'EOF2'
		FROM busybox
		COPY a.txt /a.txt
		RUN cat /a.txt >/r1 && echo ran >>/r1
		COPY b.bin /b.bin
		RUN sha1sum /b.bin >/r2
	EOF2
	time_cmd image build -t built:0 "$ctx"
	MR image rm built:0 </dev/null >/dev/null || fail "image rm after the timed build failed"
	kill_rounds "image build" 4 10 build_round
	cleanup_all
	[ -z "$(ls -A "$DATA/build" 2>/dev/null)" ] || fail "build directories left: $(ls "$DATA/build")"
	assert_back_to_start
	echo ok >"$ctx/a.txt"
	run MR image build -t built:ok "$ctx" </dev/null
	[ "$status" = 0 ] || fail "a build after the kills failed: $output"
	run MR container run --rm built:ok cat /r1 </dev/null
	[ "$output" = "$(printf 'ok\nran')" ]
	run MR image rm built:ok </dev/null
	cleanup_all
	assert_back_to_start
}

volume_create_round() { kill_at "$(calibrated_ms)" volume create "vc$1"; }
volume_rm_round() {
	MR volume create "vr$1" </dev/null >/dev/null || fail "volume create vr$1 failed"
	kill_at "$(calibrated_ms)" volume rm "vr$1"
}
volume_fill_round() { kill_at "$(calibrated_ms)" container run -v "vf$1:/fill" fill:1 true; }

@test "volume create, volume rm and a run filling a new named volume killed with -9: no half-filled volume, volume prune leaves nothing" {
	local n files=() f
	time_cmd volume create vc0
	kill_rounds "volume create" 4 8 volume_create_round
	MR volume create vr0 </dev/null >/dev/null || fail "volume create vr0 failed"
	time_cmd volume rm vr0
	kill_rounds "volume rm" 4 8 volume_rm_round
	# an image whose /fill holds 800 files: the copy into a new volume
	# takes long enough for some kills to cut it
	for n in $(seq 800); do files+=(--file "/fill/f$n=$n"); done
	"$MKIMAGE" "$TEST_DIR/fill.tar" --format docker-archive --tag fill:1 "${files[@]}" >/dev/null || fail "mkimage failed"
	MR image load -q -i "$TEST_DIR/fill.tar" </dev/null >/dev/null || fail "image load failed"
	time_cmd container run -v vf0:/fill fill:1 true
	kill_rounds "run -v named:/fill" 4 8 volume_fill_round
	# a volume a killed run made is filled whole on its next use, or was
	for f in $(MR volume ls -q </dev/null | grep '^vf'); do
		ctr -0 run --rm -v "$f:/fill" fill:1 sh -c 'ls /fill | wc -l'
		[ "$output" = 800 ] || fail "volume $f holds $output of the image's 800 files"
	done
	# the killed runs' containers go first: they use fill:1
	cleanup_all
	MR image rm fill:1 </dev/null >/dev/null || fail "image rm fill:1 failed"
	cleanup_all
	assert_back_to_start
}

create_round() { kill_at "$(calibrated_ms)" container create --name "c$1" -p "$((18300 + $1)):80" busybox sleep "$MARK"; }

@test "container create killed with -9 at random moments: ls, inspect and rm -f handle what is left, a create with the same name works" {
	time_cmd container create --name c0 -p 18300:80 busybox sleep "$MARK"
	ctr -0 rm -f c0
	kill_rounds "container create" 5 10 create_round
	cleanup_all
	[ -z "$(held_addresses)" ] || fail "addresses held after cleanup: $(held_addresses)"
	assert_back_to_start
	ctr -0 create --name c1 -p 18301:80 busybox sleep "$MARK"
	ctr -0 start c1
	wait_status c1 running
	ctr -0 rm -f c1
	cleanup_all
	assert_back_to_start
}

# the exec'd sleep never ends by itself: the kills are spread over the
# time an exec of true takes, where the exec is being set up
exec_round() { kill_at "$(calibrated_ms)" container exec e sleep "$MARK"; }

@test "container exec killed with -9 at random moments: the exec'd process is in the container, rm -f removes it" {
	rund --name e busybox sleep 1000
	time_cmd container exec e true
	kill_rounds "container exec" 6 10 exec_round
	# each exec'd process still running is in the container: top lists
	# every one the host has before and after it (some end as they lose
	# their client)
	local before after p
	before=$(procs_left | sed -n "s/^\([0-9]*\): sleep $MARK $/\1/p")
	ctr -0 top e
	after=$(procs_left | sed -n "s/^\([0-9]*\): sleep $MARK $/\1/p")
	for p in $(comm -12 <(sort <<<"$before") <(sort <<<"$after")); do
		grep -qw "$p" <<<"$output" || fail "exec'd process $p is not in the container's top: $output"
	done
	ctr -0 exec e true
	ctr -0 rm -f e
	cleanup_all
	assert_back_to_start
}

stop_round() {
	local st
	rund --name "s$1" busybox sleep "$MARK"
	kill_at "$(calibrated_ms)" container stop -t 1 "s$1"
	st=$(field "s$1" '{{.State.Status}}') || fail "inspect s$1 after a killed stop failed"
	case "$st" in running | exited) ;; *) fail "s$1: status $st after a killed stop" ;; esac
}

@test "container stop killed with -9 at random moments: the container is running or exited, rm -f removes it" {
	# sleep as pid 1 ignores SIGTERM: stop -t 1 ends with SIGKILL
	rund --name s0 busybox sleep "$MARK"
	time_cmd container stop -t 1 s0
	kill_rounds "container stop" 4 6 stop_round
	# a stop after the kill works
	ctr -0 stop -t 1 s1
	[ "$(field s1 '{{.State.Status}}')" = exited ]
	cleanup_all
	assert_back_to_start
}

load_many() {
	local j
	for j in 1 2 3 4; do MR image load -q -i "$TEST_DIR/v$j.tar" </dev/null >/dev/null || fail "load failed"; done
}

image_rm_round() {
	local j
	load_many
	kill_at "$(calibrated_ms)" image rm many:1 many:2 many:3 many:4
	list_images
	for j in 1 2 3 4; do
		grep -qx "many:$j" <<<"$REFS" || continue
		run MR container run --rm "many:$j" cat /v </dev/null
		[ "$output" = "$j" ] || fail "many:$j is not whole after a killed image rm: $output"
	done
	MR image rm many:1 many:2 many:3 many:4 </dev/null >/dev/null 2>&1 || true
}

# load_dangling: four loads under the same tag, each leaving the one
# before dangling; dangle:1 is the last, its /d holds 4
load_dangling() {
	local j
	for j in 1 2 3 4; do
		MR image load -q -i "$TEST_DIR/d$j.tar" </dev/null >/dev/null || fail "load failed"
	done
}

image_prune_round() {
	load_dangling
	kill_at "$(calibrated_ms)" image prune -f
	run MR container run --rm dangle:1 cat /d </dev/null
	[ "$output" = 4 ] || fail "dangle:1 is not whole after a killed prune: $output"
	MR image rm dangle:1 </dev/null >/dev/null || fail "image rm dangle:1 failed"
}

@test "image rm and image prune killed with -9 at random moments: the images left are whole, image prune leaves only busybox" {
	local n
	for n in 1 2 3 4; do
		"$MKIMAGE" "$TEST_DIR/v$n.tar" --format docker-archive --tag "many:$n" --layers 12 --file /v="$n" >/dev/null || fail "mkimage failed"
		"$MKIMAGE" "$TEST_DIR/d$n.tar" --format docker-archive --tag dangle:1 --layers 8 --file /d="$n" >/dev/null || fail "mkimage failed"
	done
	load_many
	time_cmd image rm many:1 many:2 many:3 many:4
	kill_rounds "image rm" 3 6 image_rm_round
	cleanup_all
	assert_back_to_start
	load_dangling
	time_cmd image prune -f
	MR image rm dangle:1 </dev/null >/dev/null || fail "image rm dangle:1 failed"
	kill_rounds "image prune" 3 6 image_prune_round
	cleanup_all
	assert_back_to_start
}

@test "the monitor killed with -9 during a stop: the stop ends, ls and inspect say exited, rm -f removes everything" {
	local n KILLED=0 mon pid stop
	for n in $(seq 5); do
		rund --name "m$n" busybox sleep "$MARK"
		mon=$(monitor_pid "m$n")
		MR container stop -t 1 "m$n" </dev/null >/dev/null 2>&1 &
		stop=$!
		sleep_ms "$(random_ms 1200)"
		! kill -9 "$mon" 2>/dev/null || KILLED=$((KILLED + 1))
		wait "$stop" || true
		ctr -0 ls -a --format '{{.Names}} {{.State}}'
		ctr -0 inspect "m$n"
		[ "$(field "m$n" '{{.State.Status}}')" = exited ] || fail "m$n: not exited after its stop"
	done
	landed "monitor during stop" 5
	# it starts again
	ctr -0 start m1
	wait_status m1 running
	cleanup_all
	assert_back_to_start
}

@test "the monitor killed with -9 as its container exits (run -d and run -d --rm): rm -f and the prunes leave nothing" {
	local n KILLED=0 mon rm
	for n in $(seq 10); do
		rm=()
		[ $((n % 2)) = 0 ] || rm=(--rm)
		run MR container run -d "${rm[@]}" -v /anon busybox sh -c 'sleep 0.5; exit 3' </dev/null
		[ "$status" = 0 ] || fail "run -d after $((n - 1)) monitor kills: $output"
		CTR=${lines[-1]}
		mon=$(monitor_pid "$CTR") || continue
		sleep_ms "$((300 + RANDOM % 500))"
		! kill -9 "$mon" 2>/dev/null || KILLED=$((KILLED + 1))
		run MR container ls -a </dev/null
		[ "$status" = 0 ] || fail "ls after the monitor's kill: $output"
		run MR container inspect -f '{{.State.Status}}' "$CTR" </dev/null
		[ "$status" != 0 ] || [ "$output" = exited ] || [ "$output" = running ] || fail "status $output after the monitor's kill"
	done
	landed "monitor as the container exits" 10
	cleanup_all
	assert_back_to_start
}
