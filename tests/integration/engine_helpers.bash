# Helpers for the engine's tests (container*.bats, volume.bats, ...):
# each test runs the engine inside its own network lab (lab_helpers.bash):
# "the host" is a netns, so the default bridge, its NAT rules and published
# ports never touch the real host's network. Teardown removes every
# container, volume and network the test made, then checks the lab's
# host netns is as before (no link, address, route or nft rule left).

load lab_helpers

MKIMAGE="$BATS_TEST_DIRNAME/../tools/mkimage.sh"

# setup_engine: a lab, a data root with busybox:latest loaded.
setup_engine() {
	setup_test
	DATA="$TEST_DIR/data"
	lab_up
	# $MRX: the same as MR, as a script for pipes, script(1) and &
	MRX="$TEST_DIR/mr"
	printf '#!/bin/sh\nexec timeout %s nsenter --net=/run/netns/%s %s --root %s --data-root %s "$@"\n' \
		"$MYRUNC_TIMEOUT" "$NETLAB_HOST_NS" "$MYRUNC" "$ROOT" "$DATA" >"$MRX"
	chmod 755 "$MRX"
	busybox_image
}

# busybox_image: busybox:latest in $DATA (made once per bats run)
busybox_image() {
	local tar="${BATS_RUN_TMPDIR:-/tmp}/engine-busybox.tar"
	if [ ! -s "$tar" ]; then
		"$MKIMAGE" "$tar.$$" --format docker-archive --tag busybox:latest >/dev/null || fail "mkimage failed"
		mv "$tar.$$" "$tar"
	fi
	MR image load -q -i "$tar" >/dev/null || fail "image load failed"
}

teardown_engine() { lab_teardown engine_cleanup; }

# engine_cleanup: every container (with its volumes), volume and network;
# the runtime root and the container records must be empty after
engine_cleanup() {
	local ids
	ids=$(MR container ls -aq --no-trunc 2>/dev/null)
	[ -z "$ids" ] || MR container rm -f -v $ids >/dev/null 2>&1 || problems+="container rm -f failed; "
	MR volume prune -a -f >/dev/null 2>&1 || true
	MR network prune -f >/dev/null 2>&1 || problems+="network prune failed; "
	# engine containers are under the runtime root too: none may be left
	[ -z "$(ls "$ROOT" 2>/dev/null)" ] || problems+="runtime state left: $(ls "$ROOT"); "
	[ -z "$(ls "$DATA/containers" 2>/dev/null)" ] || problems+="container records left: $(ls "$DATA/containers"); "
}

# ctr [-N|!] ARGS...: bats `run` of `MR container ARGS` (stdin /dev/null)
ctr() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" MR container "$@" </dev/null
	echo "# container $* -> status $status"
	echo "$output"
}

# vol [-N|!] ARGS...: bats `run` of `MR volume ARGS`
vol() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" MR volume "$@" </dev/null
	echo "# volume $* -> status $status"
	echo "$output"
}

# rund ARGS...: container run -d ARGS, must succeed; sets CTR to the ID
rund() {
	ctr -0 run -d "$@"
	CTR="${lines[-1]}"
	[[ $CTR =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed no ID: $output"
}

# field REF TEMPLATE: one inspect value
field() {
	MR container inspect -f "$2" "$1"
}

# wait_status REF STATUS [SECONDS]
wait_status() {
	retry "${3:-10}" _field_is "$1" '{{.State.Status}}' "$2" ||
		fail "container $1: status $(field "$1" '{{.State.Status}}'), wanted $2"
}
_field_is() { [ "$(field "$1" "$2" 2>/dev/null)" = "$3" ]; }

# monitor_pid REF: the container's monitor
monitor_pid() {
	jq -r .MonitorPid "$DATA/containers/$(field "$1" '{{.Id}}')/state.json"
}
