# lib-e2e.sh - helpers sourced by e2e-*.sh (not executable on its own).
#
# Provides: pass/fail/check helpers, a per-run logging wrapper around the
# runtime under test, summary of the runtime calls seen, timing, and a
# timeout wrapper for engine commands.

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# (the shared tools keep runtime-logger.sh one level up; this copy keeps it
# beside the scripts)
LOGGER="$E2E_DIR/runtime-logger.sh"

PASSED=0
FAILED=0
FAILED_NAMES=()
T0=$(date +%s.%N)

pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() {
	FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1"); echo "FAIL: $1"
	if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 15 | sed 's/^/      | /'; fi
}

# check NAME EXPECTED ACTUAL [extra-diagnostics]
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected: $(printf %q "$2")
got:      $(printf %q "$3")${4:+
$4}"; fi
}
# check_contains NAME NEEDLE HAYSTACK
check_contains() {
	case "$3" in *"$2"*) pass "$1" ;; *) fail "$1" "expected to contain: $2
got: $3" ;; esac
}

# t SECONDS CMD... : run with a timeout so a wedged engine/runtime cannot hang
# the test run; rc 124 = timed out.
t() { local s="$1"; shift; timeout --kill-after=5 "$s" "$@"; }

# wait_for SECONDS CMD... : poll CMD every 0.1s until it succeeds
wait_for() {
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}

# make_wrapper ENGINE RUNTIME_BINARY -> prints path of a logging wrapper whose
# basename equals the runtime's basename (podman keys features off the name).
# Set NO_WRAP=1 to test the binary directly (no call log).
WRAP_DIR=""   # set by setup_wrapper; removed by remove_wrapper
make_wrapper() {
	local engine="$1" rt="$2"
	[ -n "$rt" ] || return 1
	if [ -n "${NO_WRAP:-}" ]; then echo "$rt"; return; fi
	local d="/tmp/clients/wrappers/e2e-$engine-$$"
	mkdir -p "$d"
	local w="$d/$(basename "$rt")"
	cat >"$w" <<EOF
#!/bin/sh
RUNTIME_LOG='$CALL_LOG' RUNTIME_LOG_TAG='$engine' REAL_RUNTIME='$rt' exec '$LOGGER' "\$@"
EOF
	chmod +x "$w"
	echo "$w"
}

# setup_wrapper ENGINE RUNTIME : sets W (what the engine is given) and WRAP_DIR
setup_wrapper() {
	W="$(make_wrapper "$1" "$2")" || { echo "cannot create wrapper" >&2; exit 2; }
	[ -z "${NO_WRAP:-}" ] && WRAP_DIR="/tmp/clients/wrappers/e2e-$1-$$"
	return 0
}
remove_wrapper() {
	case "$WRAP_DIR" in /tmp/clients/wrappers/e2e-*-[0-9]*) rm -rf "$WRAP_DIR" ;; esac
	rmdir /tmp/clients/wrappers 2>/dev/null
	return 0
}

resolve_runtime() {
	local rt="$1"
	[ -n "$rt" ] || { echo "usage: $0 RUNTIME_BINARY" >&2; exit 2; }
	case "$rt" in
	/*) ;;
	*/*) rt="$(cd "$(dirname "$rt")" && pwd)/$(basename "$rt")" ;;
	*) rt="$(command -v "$rt" || true)" ;;
	esac
	[ -x "$rt" ] || { echo "runtime binary not found/executable: $1" >&2; exit 2; }
	echo "$rt"
}

# summarize_calls: distinct "subcommand + flags" (values stripped) seen in
# CALL_LOG, with counts
summarize_calls() {
	[ -s "$CALL_LOG" ] || { echo "(no runtime calls logged)"; return; }
	echo "--- runtime calls seen (flags only, values elided) ---"
	sed 's/.*argv: //' "$CALL_LOG" | awk '
	{
		out=""; sub_seen=0
		for (i=1;i<=NF;i++) {
			a=$i
			if (a ~ /^-/) {
				# flags that take a separate value in runc CLI
				if (a ~ /^--(root|log|log-format|bundle|pid-file|console-socket|process|resources|format|criu|image-path|work-path)$/ || a == "-b" || a == "-p") {
					if (a=="--log-format"||a=="--format") { out=out" "a" "$(i+1) } else { out=out" "a" X" }
					i++
				} else { sub(/=.*/, "=X", a); if (a ~ /log-format=X/) a="--log-format=json"; out=out" "a }
			} else if (!sub_seen) { out=out" ["a"]"; sub_seen=1 }
			else if (a ~ /^[0-9]+$/ || a ~ /^SIG/) { out=out" SIG" }
			else { out=out" ID" }
		}
		print out
	}' | sed 's/ ID SIG/ ID SIGNAL/' | sort | uniq -c | sort -rn
}

# rm_cgroup_parents REL... : remove the given per-run parent cgroups (paths
# relative to each hierarchy root, deepest first) in every hierarchy under
# /sys/fs/cgroup. Only ever called with names unique to this run; rmdir never
# removes a real cgroup that still has tasks or children.
# Podman's cgroupfs code (v1) also creates *plain directories* with a
# "tasks" file under /sys/fs/cgroup/{hugetlb,net_cls,net_prio,perf_event}
# (controllers listed in /proc/cgroups but not mounted here); those are on the
# tmpfs, so the file must go before rmdir.
rm_cgroup_parents() {
	local rel h fst
	for rel in "$@"; do
		case "$rel" in ""|/|*..*) continue ;; esac
		for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
			[ -d "$h/$rel" ] || continue
			fst=$(stat -f -c %T "$h/$rel" 2>/dev/null)
			if [ "$fst" = tmpfs ]; then
				rm -f "$h/$rel/tasks" "$h/$rel/cgroup.procs"
				rmdir "$h/$rel" 2>/dev/null
				continue
			fi
			# a just-exited conmon/shim may still be listed for a moment
			for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$h/$rel" 2>/dev/null && break; sleep 0.2; done
		done
	done
	return 0
}

# Engines leave a few host paths behind even with private roots
# (/run/containerd/{s,fifo} from shims/ctr, /run/docker/plugins,
# /var/lib/containers/cache/blob-info-cache-v1.boltdb and /run/containers
# from podman).  host_residue_begin records which of them did not exist;
# host_residue_end removes those again (given files, then empty dirs only).
HOST_RESIDUE_NEW=()
host_residue_begin() {
	local p
	for p in "$@"; do [ -e "$p" ] || HOST_RESIDUE_NEW+=("$p"); done
}
host_residue_end() {
	local p
	for p in "${HOST_RESIDUE_NEW[@]}"; do
		[ -e "$p" ] || continue
		if [ -d "$p" ]; then find "$p" -depth -type d -empty -delete 2>/dev/null
		else rm -f "$p"; fi
	done
	return 0
}

finish() {
	local t1; t1=$(date +%s.%N)
	echo
	summarize_calls
	echo "call log: $CALL_LOG"
	awk -v a="$T0" -v b="$t1" 'BEGIN{printf "elapsed: %.1fs\n", b-a}'
	if [ $FAILED -gt 0 ]; then echo "failed: ${FAILED_NAMES[*]}"; fi
	echo "$PASSED passed, $FAILED failed"
}
