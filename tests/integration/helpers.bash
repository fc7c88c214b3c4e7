# Shared helpers for myrunc's bats integration suite.
#
# Every test gets its own directory ($TEST_DIR, mode 0755 so that a mapped
# user namespace can reach the rootfs), its own state root ($ROOT) and
# unique container ids and cgroup paths, and a teardown that removes every
# container, checks that nothing leaked (state dirs, cgroup dirs, mounts,
# processes) and then cleans up whatever did.
#
# Run as root:   bats tests/integration
# Against runc:  MYRUNC=/usr/sbin/runc bats tests/integration

bats_require_minimum_version 1.5.0

MYRUNC="${MYRUNC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/myrunc}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"
# no single runtime command may hang the suite
MYRUNC_TIMEOUT="${MYRUNC_TIMEOUT:-60}"
# cgroup hierarchies mounted on this host (v1 controllers, name=systemd, unified)
CGROUP_MNT=/sys/fs/cgroup

# rand_hex N: N random hex characters
rand_hex() {
	local n="${1:-8}"
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c "1-$n"
}

# ---------------------------------------------------------------- setup ---

# setup_test: per-test state. Call from each file's setup().
setup_test() {
	[ "$(id -u)" -eq 0 ] || skip "integration tests need root"
	[ -x "$MYRUNC" ] || fail "runtime binary not found: $MYRUNC (build it or set MYRUNC)"
	TEST_DIR="$(mktemp -d "${BATS_TMPDIR:-/tmp}/myrunc-it.XXXXXXXX")"
	chmod 0755 "$TEST_DIR"
	ROOT="$TEST_DIR/root"
	mkdir -p "$ROOT"
	# ids are unique per test so a leak never collides with another test
	ID_BASE="mr$(rand_hex 8)"
	CID="${ID_BASE}-a"
	CID2="${ID_BASE}-b"
	CID3="${ID_BASE}-c"
	BUNDLE=""
	BUNDLE_SEQ=0
	STDIO_SEQ=0
	: >"$TEST_DIR/.cgroups"
	: >"$TEST_DIR/.cleanup"
}

# on_teardown CMD...: run CMD (as a shell string) during teardown, after
# the containers are deleted and before the leak checks. Runs in reverse
# order of registration.
on_teardown() {
	printf '%s\n' "$*" >>"$TEST_DIR/.cleanup"
}

# setup_bundle [CMD...]: make a bundle in $TEST_DIR, set $BUNDLE to it.
# rootfs: busybox + applet links, /etc/passwd, /etc/group, /tmp.
# config.json: from `$MYRUNC spec`, then terminal=false, root.readonly=false
# (so the container can leave files in its rootfs for the test to read),
# args=CMD (default `sleep 100`) and a unique absolute cgroupsPath (also in
# $CGROUPS_PATH).
setup_bundle() {
	BUNDLE_SEQ=$((BUNDLE_SEQ + 1))
	local dir="$TEST_DIR/bundle$BUNDLE_SEQ"
	[ "$BUNDLE_SEQ" -eq 1 ] && dir="$TEST_DIR/bundle"
	make_rootfs "$dir/rootfs"
	"$MYRUNC" spec --bundle "$dir" 3>&- || fail "$MYRUNC spec --bundle $dir failed"
	[ -f "$dir/config.json" ] || fail "spec did not write $dir/config.json"
	local cg
	cg="$(new_cgroup_path)"
	BUNDLE="$dir"
	CGROUPS_PATH="$cg"
	local args='["sleep","100"]'
	if [ $# -gt 0 ]; then
		args="$(jq -cn '$ARGS.positional' --args -- "$@")"
	fi
	update_config '.process.terminal = false
		| .root.readonly = false
		| .process.args = $args
		| .linux.cgroupsPath = $cg' --argjson args "$args" --arg cg "$cg"
}

# new_cgroup_path: print a fresh absolute cgroupsPath, registered for the
# leak check and cleanup
new_cgroup_path() {
	local cg
	cg="/myrunc-test-$(rand_hex 12)"
	echo "$cg" >>"$TEST_DIR/.cgroups"
	echo "$cg"
}

# fresh_cgroup: give $BUNDLE's config a fresh cgroupsPath (for another
# container from the same bundle); sets CGROUPS_PATH
fresh_cgroup() {
	CGROUPS_PATH="$(new_cgroup_path)"
	update_config '.linux.cgroupsPath = $cg' --arg cg "$CGROUPS_PATH"
}

# make_rootfs DIR: a minimal busybox root file system (a copy of a
# template built once per bats run).
make_rootfs() {
	local r="$1"
	mkdir -p "$(dirname "$r")"
	chmod 0755 "$(dirname "$r")"
	cp -a "$(rootfs_template)" "$r"
}

# rootfs_template: print the path of the template rootfs, building it
# first if needed (atomically, so parallel bats jobs can share it)
rootfs_template() {
	local t="${BATS_RUN_TMPDIR:-${BATS_TMPDIR:-/tmp}}/myrunc-rootfs-template"
	if [ ! -d "$t" ]; then
		local r="$t.$$.$RANDOM" a
		mkdir -p "$r"/{bin,etc,tmp,root,proc,sys,dev,home/user}
		chmod 0755 "$r"
		chmod 1777 "$r/tmp"
		cp "$BUSYBOX" "$r/bin/busybox"
		for a in $("$BUSYBOX" --list); do
			[ "$a" = busybox ] && continue
			[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
		done
		cat >"$r/etc/passwd" <<-'EOF'
			root:x:0:0:root:/root:/bin/sh
			user:x:1000:1000:user:/home/user:/bin/sh
			nobody:x:65534:65534:nobody:/nonexistent:/bin/false
		EOF
		cat >"$r/etc/group" <<-'EOF'
			root:x:0:
			user:x:1000:
			extra:x:2000:user
			nogroup:x:65534:
		EOF
		chown 1000:1000 "$r/home/user"
		mv -T "$r" "$t" 2>/dev/null || rm -rf "$r"
	fi
	echo "$t"
}

# update_config JQ-EXPR [JQ-ARGS...]: edit $BUNDLE/config.json in place.
update_config() {
	local expr="$1"
	shift
	local cfg="$BUNDLE/config.json"
	jq "$@" "$expr" "$cfg" >"$cfg.new" || fail "jq failed on: $expr"
	mv "$cfg.new" "$cfg"
}

# put_device_probe: write /probe into $BUNDLE's rootfs. `sh /probe DEV
# ACCESS...` opens DEV for each ACCESS (r: for reading, w: for writing) and
# prints "ACCESS ok" or "ACCESS: ERROR". Opening is where the devices
# cgroup decides (EPERM: "Operation not permitted"); nothing is read or
# written, so a probe of /dev/kmsg leaves the host's kernel log alone.
put_device_probe() {
	cat >"$BUNDLE/rootfs/probe" <<-'EOF'
		dev=$1
		shift
		for a in "$@"; do
			case $a in
			r) e=$( (: <"$dev") 2>&1) ;;
			w) e=$( (: >"$dev") 2>&1) ;;
			esac && echo "$a ok" || echo "$a: $e"
		done
	EOF
}

# assert_device_refused ACCESS...: the probe's $output says the devices
# cgroup refused each ACCESS
assert_device_refused() {
	local a
	for a in "$@"; do
		grep -qx "$a: .*Operation not permitted" <<<"$output" || fail "$a not refused with EPERM: $output"
	done
}

# ------------------------------------------------------------- running ---

# myrunc [-N|!] ARGS...: bats `run` of `$MYRUNC --root $ROOT ARGS`.
# Only for commands that do not leave a container holding their stdout
# (not for create / run -d: use myrunc_detached).
myrunc() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" timeout "$MYRUNC_TIMEOUT" "$MYRUNC" --root "$ROOT" "$@" 3>&-
	echo "# myrunc $* -> status $status"
	echo "$output"
}

# myrunc_detached ARGS...: run `$MYRUNC --root $ROOT ARGS` with stdin from
# /dev/null and stdout/stderr to files (a detached container keeps them
# open, which would block bats' `run`). Sets status, output (stderr then
# stdout at the time the command returned), lines, and STDOUT_FILE /
# STDERR_FILE (where the container's later output also goes).
myrunc_detached() {
	STDIO_SEQ=$((STDIO_SEQ + 1))
	STDOUT_FILE="$TEST_DIR/stdio$STDIO_SEQ.out"
	STDERR_FILE="$TEST_DIR/stdio$STDIO_SEQ.err"
	status=0
	timeout "$MYRUNC_TIMEOUT" "$MYRUNC" --root "$ROOT" "$@" </dev/null >"$STDOUT_FILE" 2>"$STDERR_FILE" 3>&- || status=$?
	output="$(cat "$STDERR_FILE" "$STDOUT_FILE")"
	mapfile -t lines <<<"$output"
	echo "# myrunc $* -> status $status"
	echo "$output"
}

# create_container ID [CREATE-ARGS...]: create from $BUNDLE, must succeed.
create_container() {
	local id="$1"
	shift
	myrunc_detached create --bundle "$BUNDLE" "$@" "$id"
	[ "$status" -eq 0 ] || fail "create $id failed ($status): $output"
}

# run_detached ID [RUN-ARGS...]: run -d from $BUNDLE, must succeed.
run_detached() {
	local id="$1"
	shift
	myrunc_detached run -d --bundle "$BUNDLE" "$@" "$id"
	[ "$status" -eq 0 ] || fail "run -d $id failed ($status): $output"
}

# run_fg ID [RUN-ARGS...]: foreground run from $BUNDLE via bats run; the
# container's stdout/stderr end up in $output.
run_fg() {
	local id="$1"
	shift
	myrunc run --bundle "$BUNDLE" "$@" "$id"
}

# container_state ID: print `state ID` JSON (fails the test if state fails)
container_state() {
	"$MYRUNC" --root "$ROOT" state "$1" 3>&-
}

# container_status ID: print the status field, or "unknown"
container_status() {
	"$MYRUNC" --root "$ROOT" state "$1" 2>/dev/null 3>&- | jq -r '.status' 2>/dev/null || echo unknown
}

# container_pid ID: print the host pid of the container's init
container_pid() {
	local pid
	pid="$("$MYRUNC" --root "$ROOT" state "$1" 3>&- | jq -r '.pid')" || return 1
	echo "$pid"
}

# retry TIMEOUT-SECONDS CMD...: run CMD every 50ms until it succeeds.
retry() {
	local timeout="$1"
	shift
	local end=$((SECONDS + timeout))
	while :; do
		if "$@"; then
			return 0
		fi
		if [ "$SECONDS" -ge "$end" ]; then
			return 1
		fi
		sleep 0.05
	done
}

_status_is() { [ "$(container_status "$1")" = "$2" ]; }

# wait_for_status ID STATUS [TIMEOUT]: poll `state` until status matches.
wait_for_status() {
	local id="$1" want="$2" timeout="${3:-10}"
	retry "$timeout" _status_is "$id" "$want" ||
		fail "container $id: status '$(container_status "$id")', wanted '$want' within ${timeout}s"
}

# wait_for_file FILE [TIMEOUT]: wait until FILE exists and is not empty
wait_for_file() {
	retry "${2:-10}" test -s "$1" || fail "file $1 did not appear within ${2:-10}s"
}

# wait_for_exit PID [TIMEOUT]: wait until the process is gone
wait_for_exit() {
	retry "${2:-10}" _not_alive "$1" || fail "process $1 still alive after ${2:-10}s"
}
_not_alive() {
	! kill -0 "$1" 2>/dev/null || [ "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" = Z ]
}

# wait_for_content FILE REGEX [TIMEOUT]
wait_for_content() {
	retry "${3:-10}" grep -Eq -- "$2" "$1" 2>/dev/null ||
		fail "file $1 has no line matching '$2' within ${3:-10}s: $(cat "$1" 2>&1)"
}

# ----------------------------------------------------------- assertions ---

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# assert_output_contains STRING...: $output contains every STRING
assert_output_contains() {
	local s
	for s in "$@"; do
		[[ "$output" == *"$s"* ]] || fail "output does not contain '$s': $output"
	done
}

assert_output_not_contains() {
	local s
	for s in "$@"; do
		[[ "$output" != *"$s"* ]] || fail "output contains '$s': $output"
	done
}

# assert_status N
assert_status() {
	[ "$status" -eq "$1" ] || fail "exit status $status, expected $1; output: $output"
}

# assert_failed: non-zero exit. A runtime error must exit 1.
assert_error() {
	[ "$status" -eq 1 ] || fail "exit status $status, expected 1 (error); output: $output"
}

# squeeze TEXT...: TEXT with runs of white space (newlines too) as one space
squeeze() {
	# shellcheck disable=SC2048,SC2086
	echo $*
}

# host_ns TYPE: the host's namespace of TYPE (as readlink prints it)
host_ns() {
	readlink "/proc/self/ns/$1"
}

# cgroup_dirs PATH: every existing cgroup dir for PATH on this host
cgroup_dirs() {
	local p="$1" h
	for h in "$CGROUP_MNT"/*/; do
		h="${h%/}"
		[ -d "$h$p" ] && echo "$h$p"
	done
	return 0
}

# leaked_pids: pids of processes that belong to this test: in one of the
# test's cgroups, or with their cwd or root in $TEST_DIR.
leaked_pids() {
	local cg pid f
	{
		while read -r cg; do
			[ -n "$cg" ] || continue
			for f in $(cgroup_dirs "$cg"); do
				find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null
			done
		done <"$TEST_DIR/.cgroups"
		find /proc/[0-9]*/cwd /proc/[0-9]*/root -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
			awk -v d="$TEST_DIR" -v me="$$" -v sh="$BASHPID" '
				$2 == d || index($2, d "/") == 1 {
					split($1, a, "/"); if (a[3] != me && a[3] != sh) print a[3]
				}'
	} | sort -un | while read -r pid; do
		# ignore zombies and processes that are gone
		[ -d "/proc/$pid" ] || continue
		[ "$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" = Z ] && continue
		echo "$pid"
	done
}

# leaked_mounts: mount points on the host that mention $TEST_DIR
leaked_mounts() {
	awk -v d="$TEST_DIR" 'index($0, d) { print $5 }' /proc/self/mountinfo
}

# leaked_cgroups: cgroup dirs of this test that still exist
leaked_cgroups() {
	local cg
	while read -r cg; do
		[ -n "$cg" ] && cgroup_dirs "$cg"
	done <"$TEST_DIR/.cgroups"
	return 0
}

# root_entries: the container directories under --root (dot-names there
# are the runtime's own, e.g. .cache, not containers)
root_entries() {
	ls "$ROOT" 2>/dev/null
}

# leaked_state: entries left under --root
leaked_state() {
	root_entries
}

# assert_nothing_left: no state dir, cgroup dir, mount or process of this
# test (use after a failed create, or after delete).
assert_nothing_left() {
	local s c m p
	s="$(leaked_state)"
	c="$(leaked_cgroups)"
	m="$(leaked_mounts)"
	p="$(leaked_pids)"
	[ -z "$s" ] || fail "state left under --root: $s"
	[ -z "$c" ] || fail "cgroup dirs left: $c"
	[ -z "$m" ] || fail "mounts left: $m"
	[ -z "$p" ] || fail "processes left: $(for x in $p; do tr '\0' ' ' <"/proc/$x/cmdline" 2>/dev/null; echo "($x)"; done)"
}

# ------------------------------------------------------------- teardown ---

# teardown_test: delete every container under $ROOT, run on_teardown
# commands, check for leaks, then clean up by force. Fails the test if
# anything leaked.
teardown_test() {
	[ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ] || return 0
	local id ids problems=""
	ids="$( (
		"$MYRUNC" --root "$ROOT" list -q 2>/dev/null 3>&-
		ls "$ROOT" 2>/dev/null
	) | sort -u)"
	for id in $ids; do
		timeout 20 "$MYRUNC" --root "$ROOT" delete -f "$id" </dev/null >/dev/null 2>&1 3>&- ||
			problems+="delete -f $id failed; "
	done
	# custom cleanups, newest first
	if [ -s "$TEST_DIR/.cleanup" ]; then
		local cmd
		while read -r cmd; do
			eval "$cmd" >/dev/null 2>&1 || true
		done < <(tac "$TEST_DIR/.cleanup")
	fi

	# leak checks (give a dying init a moment to leave its cgroup)
	local s c m p
	retry 3 _no_leaked_pids || true
	s="$(leaked_state)"
	c="$(leaked_cgroups)"
	m="$(leaked_mounts)"
	p="$(leaked_pids)"
	[ -z "$s" ] || problems+="state left under --root: $s; "
	[ -z "$c" ] || problems+="cgroup dirs left: ${c//$'\n'/ }; "
	[ -z "$m" ] || problems+="mounts left: ${m//$'\n'/ }; "
	[ -z "$p" ] || problems+="processes left: ${p//$'\n'/ }; "

	# forced cleanup of whatever leaked: only this test's own things
	force_cleanup

	if [ -n "$problems" ]; then
		echo "LEAK after test: $problems" >&2
		return 1
	fi
}

_no_leaked_pids() { [ -z "$(leaked_pids)" ]; }

force_cleanup() {
	local p m cg d i
	for i in 1 2 3; do
		p="$(leaked_pids)"
		[ -z "$p" ] && break
		# shellcheck disable=SC2086
		kill -9 $p 2>/dev/null || true
		sleep 0.1
	done
	for i in 1 2 3; do
		m="$(leaked_mounts | sort -r)"
		[ -z "$m" ] && break
		for d in $m; do umount -l "$d" 2>/dev/null || true; done
	done
	while read -r cg; do
		[ -n "$cg" ] || continue
		for d in $(cgroup_dirs "$cg"); do
			# children first; rmdir only removes empty cgroups
			find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
		done
	done <"$TEST_DIR/.cgroups"
	if [ -z "$(leaked_mounts)" ]; then
		rm -rf "$TEST_DIR"
	else
		echo "not removing $TEST_DIR: mounts remain: $(leaked_mounts)" >&2
	fi
}
