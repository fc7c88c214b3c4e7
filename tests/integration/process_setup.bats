#!/usr/bin/env bats
# The process as runc sets it up: cwd, environment, capabilities.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

@test "cwd the user cannot reach is entered while still privileged" {
	mkdir -m 0700 "$BUNDLE/rootfs/secret"
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/secret"
		| .process.args = ["sh", "-c", "echo cwd=$(pwd) uid=$(id -u)"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "cwd=/secret uid=1000"
}

@test "env: a variable given twice appears once, the last value winning; an empty HOME comes from /etc/passwd" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.env = ["A=first", "PATH=/bin", "HOME=", "A=last"]
		| .process.args = ["env"]'
	run_fg "$CID"
	assert_status 0
	[ "$(grep -c '^A=' <<<"$output")" -eq 1 ] || fail "A appears more than once: $output"
	assert_output_contains "A=last" "HOME=/home/user"
	[ "${lines[0]}" = "A=last" ] || fail "A is not where it was first given: $output"
}

@test "unknown capability names are ignored with a warning; ambient ones not inheritable are left out with one" {
	update_config '.process.capabilities.bounding += ["CAP_FUTURE_THING"]
		| .process.capabilities.permitted += ["CAP_FUTURE_THING", "CAP_NET_RAW"]
		| .process.capabilities.effective += ["CAP_NET_RAW"]
		| .process.capabilities.bounding += ["CAP_NET_RAW"]
		| .process.capabilities.inheritable = []
		| .process.capabilities.ambient = ["CAP_NET_RAW"]
		| .process.args = ["sh", "-c", "grep CapAmb /proc/self/status"]'
	run_fg "$CID"
	assert_status 0
	assert_output_contains "unknown capabilities [CAP_FUTURE_THING] ignored" \
		"ambient capabilities [CAP_NET_RAW] left out" "CapAmb:	0000000000000000"
}

# cap_bit NAME: the bit of capability NAME in /proc/PID/status masks
cap_bit() {
	case "$1" in
	CAP_SYS_ADMIN) echo 21 ;;
	CAP_NET_ADMIN) echo 12 ;;
	esac
}

# has_cap STATUS-LINE NAME: the mask on the line has the capability
has_cap() {
	local mask
	mask="$(awk '{print $2}' <<<"$1")"
	(((16#$mask >> $(cap_bit "$2")) & 1))
}

@test "exec --cap adds to the effective, permitted and bounding sets, not to inheritable" {
	run_detached "$CID"
	myrunc exec --cap CAP_SYS_ADMIN "$CID" grep ^Cap /proc/self/status
	assert_status 0
	local set
	for set in CapEff CapPrm CapBnd; do
		has_cap "$(grep "^$set" <<<"$output")" CAP_SYS_ADMIN || fail "$set lacks CAP_SYS_ADMIN: $output"
	done
	! has_cap "$(grep ^CapInh <<<"$output")" CAP_SYS_ADMIN || fail "CapInh has CAP_SYS_ADMIN: $output"
}

@test "a user with CAP_DAC_OVERRIDE runs a file only its owner, root, may execute" {
	mkdir "$BUNDLE/rootfs/owner-only"
	cp "$BUSYBOX" "$BUNDLE/rootfs/owner-only/busybox"
	chown 0:0 "$BUNDLE/rootfs/owner-only/busybox"
	chmod 0744 "$BUNDLE/rootfs/owner-only/busybox"
	update_config '.process.user = {"uid": 1000, "gid": 100}
		| .process.args = ["/owner-only/busybox", "echo", "ran"]'
	myrunc run --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "permission denied"
	myrunc delete -f "$CID"
	update_config '.process.capabilities |= with_entries(.value += ["CAP_DAC_OVERRIDE"])'
	run_fg "$CID"
	assert_status 0
	assert_output_contains ran
}

# nofile_run SOFT:HARD-OF-THE-CALLER CMD...: run the container with the
# caller's RLIMIT_NOFILE set (the runtime, in Go, raises its own soft limit)
nofile_run() {
	local lim="$1"
	shift
	run prlimit --nofile="$lim" timeout 60 "$MYRUNC" --root "$ROOT" "$@" 3>&-
	echo "$output"
}

@test "RLIMIT_NOFILE: the spec's limit, or the caller's own when none is given, never one the runtime raised" {
	update_config '.process.args = ["sh", "-c", "echo nofile=$(ulimit -Sn):$(ulimit -Hn)"] | del(.process.rlimits)'
	nofile_run 1024:20000 run --bundle "$BUNDLE" "$CID"
	assert_status 0
	assert_output_contains "nofile=1024:20000"
	# equal to the runtime's hard limit, which it raised its soft one to
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 20000, "hard": 20000}]'
	nofile_run 1024:20000 run --bundle "$BUNDLE" "$CID"
	assert_status 0
	assert_output_contains "nofile=20000:20000"
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1999, "hard": 1999}]'
	nofile_run 1024:20000 run --bundle "$BUNDLE" "$CID"
	assert_output_contains "nofile=1999:1999"
	# exec: the container's limit
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 20000, "hard": 20000}] | .process.args = ["sleep", "100"]'
	run_detached "$CID"
	nofile_run 1024:20000 exec "$CID" sh -c 'echo nofile=$(ulimit -Sn):$(ulimit -Hn)'
	assert_status 0
	assert_output_contains "nofile=20000:20000"
}
