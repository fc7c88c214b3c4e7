#!/usr/bin/env bats
# OCI hooks: prestart, createRuntime, createContainer, startContainer,
# poststart, poststop: when they run, where, what they get, and what a
# failure or a timeout does.

load helpers

setup() {
	setup_test
	setup_bundle sh -c 'echo ran >/marker; exec sleep 100'
	HOOKS="$TEST_DIR/hooks"
	mkdir -p "$HOOKS"
	# A host-side hook: records its stdin, argv, env and mount namespace
	# under $HOOKS/NAME.*, appends NAME to $HOOKS/order; "fail" in NAME
	# makes it exit 2, "slow" makes it sleep. Needs no PATH.
	cat >"$HOOKS/hook.sh" <<-EOF
		#!/bin/sh
		bb=$BUSYBOX
		name="\$1"
		d=$HOOKS
		\$bb cat >"\$d/\$name.state"
		\$bb tr '\\0' ' ' </proc/\$\$/cmdline >"\$d/\$name.argv"
		\$bb env >"\$d/\$name.env"
		\$bb readlink /proc/self/ns/mnt >"\$d/\$name.mntns"
		[ -e "$BUNDLE/rootfs/marker" ] && echo yes >"\$d/\$name.marker"
		echo "\$name" >>"\$d/order"
		case "\$name" in
		*slow*) echo \$\$ >"\$d/\$name.pid"; exec \$bb sleep 30 ;;
		*fail*) echo "hook \$name failing on purpose" >&2; exit 2 ;;
		esac
		exit 0
	EOF
	chmod 755 "$HOOKS/hook.sh"
	# the startContainer hook lives in the container: its path is
	# resolved there, and it runs there
	cat >"$BUNDLE/rootfs/bin/start-hook" <<-'EOF'
		#!/bin/sh
		name="$1"
		cat >"/$name.state"
		hostname >"/$name.hostname"
		readlink /proc/self/ns/mnt >"/$name.mntns"
		[ -e /marker ] && echo yes >"/$name.marker"
		case "$name" in *fail*) exit 3 ;; esac
		exit 0
	EOF
	chmod 755 "$BUNDLE/rootfs/bin/start-hook"
	update_config '.hostname = "hook-test-host"'
}
teardown() { teardown_test; }

# add_hook KIND NAME [TIMEOUT]: a host-side hook of KIND
add_hook() {
	local t="${3:-}"
	update_config '.hooks[$k] += [{"path": "/bin/sh", "args": ["hook-argv0", $s, $n, "extra arg"],
			"env": ["HOOK_NAME=" + $n, "HOOK_VAR=with space"]}
			+ (if $t == "" then {} else {"timeout": ($t | tonumber)} end)]' \
		--arg k "$1" --arg n "$2" --arg s "$HOOKS/hook.sh" --arg t "$t"
}

# add_start_hook NAME: a startContainer hook inside the container
add_start_hook() {
	update_config '.hooks.startContainer += [{"path": "/bin/start-hook", "args": ["start-hook", $n], "env": ["PATH=/bin"]}]' \
		--arg n "$1"
}

add_all_hooks() {
	add_hook prestart prestart
	add_hook createRuntime createRuntime
	add_hook createContainer createContainer
	add_start_hook startContainer
	add_hook poststart poststart
	add_hook poststop poststop
}

order() { tr '\n' ' ' <"$HOOKS/order" 2>/dev/null | sed 's/ $//'; }

# before A B: in the order file, A ran before B
before() {
	local a b
	a="$(grep -nx "$1" "$HOOKS/order" | cut -d: -f1)"
	b="$(grep -nx "$2" "$HOOKS/order" | cut -d: -f1)"
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || fail "$1 did not run before $2: $(order)"
}

@test "hooks run at the right step: create, start, delete" {
	add_all_hooks
	create_container "$CID"
	# create: prestart, createRuntime, createContainer; nothing of start
	local o
	o=" $(order) "
	[[ "$o" == *" prestart "* && "$o" == *" createRuntime "* && "$o" == *" createContainer "* ]] || fail "after create: $o"
	[[ "$o" != *" poststart "* && "$o" != *" poststop "* ]] || fail "after create: $o"
	[ ! -e "$BUNDLE/rootfs/startContainer.state" ] || fail "startContainer ran at create"
	before createRuntime createContainer
	before prestart createContainer
	[ "$(grep -c . "$HOOKS/order")" -eq 3 ] || fail "hooks ran more than once: $(order)"

	myrunc -0 start "$CID"
	wait_for_status "$CID" running
	wait_for_file "$HOOKS/poststart.state"
	[ -e "$BUNDLE/rootfs/startContainer.state" ] || fail "startContainer did not run"
	[ ! -e "$HOOKS/poststop.state" ] || fail "poststop ran at start"
	before createContainer poststart

	myrunc -0 delete -f "$CID"
	[ -e "$HOOKS/poststop.state" ] || fail "poststop did not run at delete"
	before poststart poststop
	[ "$(grep -c . "$HOOKS/order")" -eq 5 ] || fail "hooks ran more than once: $(order)"
}

@test "startContainer runs before the user process" {
	add_start_hook startContainer
	create_container "$CID"
	myrunc -0 start "$CID"
	wait_for_file "$BUNDLE/rootfs/startContainer.state"
	wait_for_file "$BUNDLE/rootfs/marker"
	[ ! -e "$BUNDLE/rootfs/startContainer.marker" ] || fail "user process ran before startContainer"
	wait_for_status "$CID" running
}

@test "every hook gets the container state on stdin" {
	add_all_hooks
	create_container "$CID" --pid-file "$TEST_DIR/pid"
	myrunc -0 start "$CID"
	wait_for_file "$HOOKS/poststart.state"
	myrunc -0 delete -f "$CID"
	local pid h f
	pid="$(cat "$TEST_DIR/pid")"
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		f="$HOOKS/$h.state"
		[ "$h" = startContainer ] && f="$BUNDLE/rootfs/$h.state"
		jq -e . "$f" >/dev/null || fail "$h: stdin is not JSON: $(cat "$f")"
		[ "$(jq -r .id "$f")" = "$CID" ] || fail "$h: id: $(cat "$f")"
		[ "$(jq -r .bundle "$f")" = "$BUNDLE" ] || fail "$h: bundle: $(cat "$f")"
		[[ "$(jq -r .ociVersion "$f")" =~ ^1\. ]] || fail "$h: ociVersion: $(cat "$f")"
		if [ "$h" != poststop ]; then
			local got
			got="$(jq -r .pid "$f")"
			case "$h" in
			createContainer | startContainer)
				# these run inside the container's pid namespace: the spec's
				# pid is the host's, runc gives the namespace's own (1)
				[ "$got" = "$pid" ] || [ "$got" = 1 ] || fail "$h: pid $got, init is $pid" ;;
			*) [ "$got" = "$pid" ] || fail "$h: pid $got, init is $pid" ;;
			esac
		fi
	done
	[ "$(jq -r .status "$HOOKS/poststop.state")" = stopped ] || fail "poststop: $(cat "$HOOKS/poststop.state")"
	[ "$(jq -r .status "$HOOKS/poststart.state")" = running ] || fail "poststart: $(cat "$HOOKS/poststart.state")"
}

@test "hooks get their args (argv[0] included) and only their env" {
	add_hook prestart prestart
	add_hook poststop poststop
	export MYRUNC_LEAK_CHECK=leaked
	create_container "$CID"
	myrunc -0 delete -f "$CID"
	unset MYRUNC_LEAK_CHECK
	local h
	for h in prestart poststop; do
		[ "$(cat "$HOOKS/$h.argv")" = "hook-argv0 $HOOKS/hook.sh $h extra arg " ] || fail "$h argv: $(cat "$HOOKS/$h.argv")"
		grep -qx "HOOK_NAME=$h" "$HOOKS/$h.env" || fail "$h env: $(cat "$HOOKS/$h.env")"
		grep -qx "HOOK_VAR=with space" "$HOOKS/$h.env" || fail "$h env: $(cat "$HOOKS/$h.env")"
		! grep -q MYRUNC_LEAK_CHECK "$HOOKS/$h.env" || fail "$h got the runtime's env: $(cat "$HOOKS/$h.env")"
	done
}

@test "prestart, createRuntime, poststart and poststop run in the runtime's mount namespace" {
	add_hook prestart prestart
	add_hook createRuntime createRuntime
	add_hook poststart poststart
	add_hook poststop poststop
	create_container "$CID"
	myrunc -0 start "$CID"
	wait_for_file "$HOOKS/poststart.mntns"
	myrunc -0 delete -f "$CID"
	local h
	for h in prestart createRuntime poststart poststop; do
		[ "$(cat "$HOOKS/$h.mntns")" = "$(host_ns mnt)" ] || fail "$h ran in $(cat "$HOOKS/$h.mntns")"
	done
}

@test "createContainer runs in the container's mount namespace, with a host path" {
	add_hook createContainer createContainer
	create_container "$CID"
	local pid
	pid="$(container_pid "$CID")"
	[ "$(cat "$HOOKS/createContainer.mntns")" != "$(host_ns mnt)" ] || fail "createContainer ran in the host's mount namespace"
	[ "$(cat "$HOOKS/createContainer.mntns")" = "$(readlink "/proc/$pid/ns/mnt")" ] || fail "not the container's mount namespace"
}

@test "startContainer runs inside the container: path, hostname, mount namespace" {
	[ ! -e /bin/start-hook ] || skip "/bin/start-hook exists on the host"
	add_start_hook startContainer
	create_container "$CID"
	myrunc -0 start "$CID"
	wait_for_file "$BUNDLE/rootfs/startContainer.hostname"
	[ "$(cat "$BUNDLE/rootfs/startContainer.hostname")" = hook-test-host ]
	[ "$(cat "$BUNDLE/rootfs/startContainer.mntns")" = "$(readlink "/proc/$(container_pid "$CID")/ns/mnt")" ]
}

@test "several hooks of one kind run in the order given" {
	add_hook prestart pre-one
	add_hook prestart pre-two
	add_hook prestart pre-three
	create_container "$CID"
	[ "$(order)" = "pre-one pre-two pre-three" ] || fail "order: $(order)"
}

@test "a failing prestart hook fails create and leaves nothing behind" {
	add_hook prestart prestart-fail
	add_hook prestart prestart-after
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	[ -e "$HOOKS/prestart-fail.state" ] || fail "hook did not run"
	[ ! -e "$HOOKS/prestart-after.state" ] || fail "hooks after the failing one ran"
	[ ! -e "$BUNDLE/rootfs/marker" ]
	assert_nothing_left
}

@test "a failing createRuntime hook fails create and leaves nothing behind" {
	add_hook createRuntime createRuntime-fail
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	[ -e "$HOOKS/createRuntime-fail.state" ] || fail "hook did not run"
	assert_nothing_left
}

@test "a failing createContainer hook fails create and leaves nothing behind" {
	add_hook createContainer createContainer-fail
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	[ -e "$HOOKS/createContainer-fail.state" ] || fail "hook did not run"
	assert_nothing_left
}

@test "a failing createRuntime hook fails run and leaves nothing behind" {
	add_hook createRuntime createRuntime-fail
	myrunc_detached run --bundle "$BUNDLE" "$CID"
	assert_error
	[ ! -e "$BUNDLE/rootfs/marker" ]
	assert_nothing_left
}

@test "poststop runs when a foreground run removes the container" {
	add_hook poststop poststop
	update_config '.process.args = ["true"]'
	run_fg "$CID"
	assert_status 0
	[ -e "$HOOKS/poststop.state" ] || fail "poststop did not run when run removed the container"
	[ "$(jq -r .id "$HOOKS/poststop.state")" = "$CID" ]
}

@test "a failing startContainer hook fails start and the user process never runs" {
	add_start_hook startContainer-fail
	create_container "$CID"
	myrunc start "$CID"
	[ "$status" -ne 0 ] || fail "start succeeded"
	[ -e "$BUNDLE/rootfs/startContainer-fail.state" ] || fail "hook did not run"
	sleep 0.3
	[ ! -e "$BUNDLE/rootfs/marker" ] || fail "the user process ran"
	local st
	st="$(container_status "$CID")"
	[ "$st" = stopped ] || [ "$st" = unknown ] || fail "status after a failed startContainer: $st"
}

@test "a failing poststart hook only warns: the container keeps running" {
	add_hook poststart poststart-fail
	add_hook poststart poststart-after
	create_container "$CID"
	myrunc start "$CID"
	assert_status 0
	[ -e "$HOOKS/poststart-fail.state" ] || fail "hook did not run"
	[ -e "$HOOKS/poststart-after.state" ] || fail "the hooks after the failing one did not run"
	wait_for_status "$CID" running
	wait_for_file "$BUNDLE/rootfs/marker"
}

@test "a failing poststop hook only warns: delete succeeds and the rest run" {
	add_hook poststop poststop-fail
	add_hook poststop poststop-after
	create_container "$CID"
	myrunc -0 start "$CID"
	wait_for_status "$CID" running
	myrunc delete -f "$CID"
	assert_status 0
	[ -e "$HOOKS/poststop-fail.state" ] || fail "hook did not run"
	[ -e "$HOOKS/poststop-after.state" ] || fail "the hooks after the failing one did not run"
	assert_nothing_left
}

@test "a hook that exceeds its timeout is killed and fails create" {
	add_hook createRuntime createRuntime-slow 1
	local t0=$SECONDS
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	[ $((SECONDS - t0)) -lt 15 ] || fail "create took $((SECONDS - t0))s with a 1s hook timeout"
	local hpid
	hpid="$(cat "$HOOKS/createRuntime-slow.pid")"
	wait_for_exit "$hpid" 5
	assert_nothing_left
}

@test "a prestart hook that exceeds its timeout is killed and fails create" {
	add_hook prestart prestart-slow 1
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	wait_for_exit "$(cat "$HOOKS/prestart-slow.pid")" 5
	assert_nothing_left
}

@test "a hook that finishes within its timeout is fine" {
	add_hook prestart prestart 5
	create_container "$CID"
	[ "$(container_status "$CID")" = created ]
}

@test "a hook whose path does not exist fails create and leaves nothing behind" {
	update_config '.hooks.prestart = [{"path": "/nonexistent/hook"}]'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_nothing_left
}
