#!/usr/bin/env bats
# Which binary the container's init runs: one of the slim inits that
# `make build` embeds (kept sealed under --root/.cache/init): the pure-Go
# one, or, where the init must join namespaces in its C constructor, its
# cgo build (myrunc-nsinit-*); myrunc itself, with a warning, when they
# cannot be used.

load helpers

setup() {
	setup_test
	setup_bundle sleep 100
}
teardown() { teardown_test; }

# slim_file: the slim init kept under --root (one per build)
slim_file() {
	ls "$ROOT"/.cache/init/myrunc-init-* 2>/dev/null
}

@test "create runs the slim init from --root/.cache/init and drops those of other builds" {
	mkdir -p "$ROOT/.cache/init"
	echo stale >"$ROOT/.cache/init/myrunc-init-0123456789abcdef"
	# what a create killed while writing the init leaves
	echo half >"$ROOT/.cache/init/.myrunc-init-0123456789abcdef.tmp-123"
	create_container "$CID"
	[ ! -e "$ROOT/.cache/init/.myrunc-init-0123456789abcdef.tmp-123" ] || fail "a killed write's temporary is left"
	local f pid
	f="$(slim_file | grep -v 0123456789abcdef || true)"
	# make build always embeds it: a build without it is a broken build
	[ -n "$f" ] || fail "no slim init under --root/.cache/init: $MYRUNC was not built by make build"
	[ ! -e "$ROOT/.cache/init/myrunc-init-0123456789abcdef" ] || fail "the init of another build is left"
	[ "$(echo "$f" | wc -l)" -eq 1 ] || fail "more than one slim init: $f"
	[ "$(stat -c %a "$f")" = 555 ] || fail "mode $(stat -c %a "$f")"
	pid="$(container_pid "$CID")"
	[ "$(sha256sum <"/proc/$pid/exe")" = "$(sha256sum <"$f")" ] || fail "the init does not run the slim init"
	# (security.bats: CVE-2019-5736 tries to write it once the init exec'd)
	# a second container reuses the file
	local before
	before="$(stat -c %i "$f")"
	fresh_cgroup
	create_container "$CID2"
	[ "$(stat -c %i "$(slim_file)")" = "$before" ] || fail "the slim init was written again"
}

# The fallback to the runtime's own binary is never silent.
@test "a slim init that cannot be kept: create warns, and the init runs the runtime's binary" {
	mkdir -p "$ROOT/.cache"
	# a file where the directory of kept inits goes
	: >"$ROOT/.cache/init"
	create_container "$CID"
	[[ "$output" == *"slim init cannot be used"* ]] || fail "no warning: $output"
	[[ "$output" == *"$ROOT/.cache/init"* ]] || fail "the warning does not name the path: $output"
	local pid
	pid="$(container_pid "$CID")"
	[ "$(sha256sum <"/proc/$pid/exe")" = "$(sha256sum <"$MYRUNC")" ] || fail "the init does not run the runtime's binary"
}

# time_ns_holder: $CID created with a time namespace of its own (one that
# only nsenter can join, by path); then a fresh cgroup for the next
# container. HOLDER: its init's pid.
time_ns_holder() {
	[ -e /proc/self/ns/time ] || skip "kernel has no time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}]'
	create_container "$CID"
	HOLDER="$(container_pid "$CID")"
	fresh_cgroup
}

@test "an init that joins a namespace in its C constructor is the sealed nsenter init" {
	time_ns_holder
	local pid=$HOLDER
	update_config '.linux.namespaces |= map(if .type == "time" then .path = $p else . end)' \
		--arg p "/proc/$pid/ns/time"
	create_container "$CID2"
	local pid2
	pid2="$(container_pid "$CID2")"
	local ns_init
	ns_init="$(ls "$ROOT"/.cache/init/myrunc-nsinit-*)" || fail "no nsenter init kept under --root"
	[ "$(sha256sum <"/proc/$pid2/exe")" = "$(sha256sum <"$ns_init")" ] || fail "the joining init is not $ns_init"
	[ "$(readlink "/proc/$pid2/ns/time_for_children")" = "$(readlink "/proc/$pid/ns/time")" ] ||
		fail "the time namespace was not joined"
	# CVE-2019-5736: its binary, held past the init's end, cannot be reopened for writing
	run -0 python3 - "$pid2" "$MYRUNC" "$ROOT" "$CID2" <<-'PY'
		import errno, os, subprocess, sys
		pid, myrunc, root, cid = sys.argv[1:]
		fd = os.open(f"/proc/{pid}/exe", os.O_PATH)
		subprocess.run([myrunc, "--root", root, "delete", "--force", cid], check=True)
		try:
		    os.close(os.open(f"/proc/self/fd/{fd}", os.O_WRONLY))
		    print("opened for writing")
		except OSError as e:
		    print(errno.errorcode[e.errno])
	PY
	[ "$output" = EROFS ] || fail "reopening the joining init's binary: $output"
}

# A create that fails after nsenter forked the init (the time namespace
# is joined by path; a prestart hook fails while the init waits for it)
# leaves no cgroup behind, though the init is not the runtime's child to
# reap and is still dying when the cgroup is removed.
@test "a failed create with a forked init leaves nothing behind" {
	time_ns_holder
	local pid=$HOLDER
	update_config '.linux.namespaces |= map(if .type == "time" then .path = $p else . end)
		| .hooks.prestart = [{"path": "/bin/false"}]' --arg p "/proc/$pid/ns/time"
	local i
	for i in 1 2 3 4 5; do
		myrunc_detached create --bundle "$BUNDLE" "$CID2"
		assert_error
		[ -z "$(leaked_cgroups | grep "$CGROUPS_PATH")" ] || fail "try $i left its cgroup: $(leaked_cgroups)"
	done
	myrunc delete -f "$CID"
	assert_nothing_left
}
