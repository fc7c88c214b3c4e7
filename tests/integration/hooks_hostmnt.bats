#!/usr/bin/env bats
# Hooks of a container that shares the host's mount namespace (no mount
# namespace of its own): every kind runs, each where the runtime-spec
# puts it, and a failed create leaves no mount on the host.

load helpers

setup() {
	setup_test
	setup_bundle
	HOOK="$TEST_DIR/hook.sh"
	# a hook records its kind, the container's status and where it ran
	cat >"$HOOK" <<-'EOF2'
		#!/bin/sh
		read -r state
		status=$(echo "$state" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
		echo "$1 $status root=$(readlink /proc/self/root)" >>"$2"
	EOF2
	chmod 755 "$HOOK"
	# the container's own copy, for the hooks that run inside it
	mkdir -p "$BUNDLE/rootfs$TEST_DIR"
	cp "$HOOK" "$BUNDLE/rootfs$HOOK"
	update_config '.linux.namespaces |= map(select(.type != "mount"))
		| .root.readonly = false | del(.linux.maskedPaths) | del(.linux.readonlyPaths)
		| .mounts = [.mounts[] | select(.destination == "/proc")]'
}
teardown() { teardown_test; }

# hook KIND: the hook entry for KIND, logging to $TEST_DIR/hooks.log (as
# seen from where it runs: the host, or the container's root)
hook() {
	jq -nc --arg p "$HOOK" --arg k "$1" --arg log "$TEST_DIR/hooks.log" '{path: $p, args: ["hook", $k, $log]}'
}

@test "hooks in the host's mount namespace: all six kinds run, in order" {
	update_config ".process.args = [\"true\"] | .hooks = {
		prestart: [$(hook prestart)], createRuntime: [$(hook createRuntime)],
		createContainer: [$(hook createContainer)], startContainer: [$(hook startContainer)],
		poststart: [$(hook poststart)], poststop: [$(hook poststop)]}"
	run_fg "$CID"
	assert_status 0
	cat "$TEST_DIR/hooks.log"
	# startContainer runs in the container: it logged into the rootfs
	cat "$BUNDLE/rootfs$TEST_DIR/hooks.log"
	[ "$(cut -d' ' -f1,2 "$TEST_DIR/hooks.log" | tr '\n' ,)" = \
		"prestart creating,createRuntime creating,createContainer creating,poststart running,poststop stopped," ] ||
		fail "host hooks: $(cat "$TEST_DIR/hooks.log")"
	[ "$(cut -d' ' -f1,2 "$BUNDLE/rootfs$TEST_DIR/hooks.log")" = "startContainer running" ] ||
		fail "startContainer: $(cat "$BUNDLE/rootfs$TEST_DIR/hooks.log" 2>&1)"
	assert_nothing_left
}

@test "hooks in the host's mount namespace: a failing createContainer hook leaves no mount on the host" {
	update_config '.hooks = {createContainer: [{path: "/bin/false"}]}'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "error running createContainer hook #0"
	assert_nothing_left
	! grep -q " $BUNDLE/rootfs" /proc/self/mountinfo || fail "mounts left: $(grep " $BUNDLE/rootfs" /proc/self/mountinfo)"
}
