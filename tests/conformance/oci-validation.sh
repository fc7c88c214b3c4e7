#!/usr/bin/env bash
# oci-validation.sh RUNTIME_BINARY [REGEX]
#
# myrunc's copy of the workplace conformance runner (`make conformance`,
# `make conformance-check` through check.sh). Additions: its own SUITES,
# OCI_BUDGET, clean-up of the run's containers on any exit, pruned logs,
# exit status 2 for a setup error (1: some test failed).
#
# Runs the OCI runtime-tools validation suite (validation/*/*.go, TAP output)
# against RUNTIME_BINARY.  Everything is (re)created under $SUITES
# (default /tmp/myrunc-suites) from the Go module proxy; nothing is written
# elsewhere except the tests' own containers, bundles (under $SUITES/oci-tmp)
# and test cgroups (/cgrouptest, testdir/cgrouptest/...).
#
# Optional REGEX restricts which tests run (matched against the test name,
# e.g. 'linux_cgroups|hooks').
#
# Env knobs:
#   SUITES=/tmp/myrunc-suites     work dir
#   OCI_RT_VERSION=<module ver>   runtime-tools version.  Default: upstream main
#                                 of 2025-05-23 (0ea5ed0), built on runtime-spec
#                                 v1.1.0, so configs say ociVersion 1.1.0 (crun
#                                 1.8.1 rejects 1.3.0 with "unknown version
#                                 specified").  Newest main that the module proxy
#                                 serves: v0.9.1-0.20251205004911-5e639034dcdc
#                                 (runtime-spec 1.3.0; its pids-limit check
#                                 compares two *int64 pointers and always fails).
#   OCI_TEST_TIMEOUT=120          per-test timeout in seconds
#   OCI_BUDGET=0                  seconds for the whole run (0: no limit);
#                                 tests not started by then count as FAIL
#                                 ("over budget")
#   OCI_KEEP_LOGS=5               runs whose logs are kept under $SUITES/oci-logs
#   HIDE_CGROUP_UNIFIED=1         run the runtime through a wrapper that execs it
#                                 in a private (slave) mount namespace with
#                                 /sys/fs/cgroup/unified unmounted, so it sees a
#                                 pure cgroup-v1 host.  Needed for crun 1.8.1,
#                                 which refuses every container on this hybrid
#                                 host ("cgroups in hybrid mode not supported,
#                                 drop all controllers from cgroupv2").
#   OCI_VERBOSE=1                 print the "not ok" lines of failing tests
set -u -o pipefail

RUNTIME_BIN=${1:?usage: $0 RUNTIME_BINARY [REGEX]}
FILTER=${2:-}
SUITES=${SUITES:-/tmp/myrunc-suites}
OCI_RT_VERSION=${OCI_RT_VERSION:-v0.9.1-0.20250523060157-0ea5ed0382a2}
OCI_TEST_TIMEOUT=${OCI_TEST_TIMEOUT:-120}
OCI_BUDGET=${OCI_BUDGET:-0}
OCI_KEEP_LOGS=${OCI_KEEP_LOGS:-5}
MOD=github.com/opencontainers/runtime-tools
SRC=$SUITES/runtime-tools-$OCI_RT_VERSION
STAMP=$SRC/.built-$OCI_RT_VERSION

RUNTIME_BIN=$(readlink -f "$(command -v "$RUNTIME_BIN" || echo "$RUNTIME_BIN")")
[ -x "$RUNTIME_BIN" ] || { echo "runtime binary '$1' not found/executable" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "must run as root" >&2; exit 2; }
if [ "${HIDE_CGROUP_UNIFIED:-0}" = 1 ]; then
	mkdir -p "$SUITES/bin"
	w=$SUITES/bin/$(basename "$RUNTIME_BIN")-nounified
	cat >"$w.tmp" <<EOF
#!/bin/sh
exec unshare -m --propagation slave sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec "\$0" "\$@"' "$RUNTIME_BIN" "\$@"
EOF
	chmod +x "$w.tmp" && mv "$w.tmp" "$w"
	RUNTIME_BIN=$w
fi

export PATH=/usr/local/go/bin:$PATH

make_busybox_rootfs() { # $1 = output tarball
	local out=$1 r
	r=$(mktemp -d "$SUITES/rootfs.XXXXXX")
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var,run}
	cp /bin/busybox "$r/bin/busybox"
	for a in $("$r/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
	chmod 1777 "$r/tmp"
	tar -C "$r" -czf "$out" .
	rm -rf "$r"
}

setup() {
	[ -f "$STAMP" ] && return 0
	echo "# setting up runtime-tools $OCI_RT_VERSION in $SRC" >&2
	mkdir -p "$SUITES"
	local dir
	dir=$(cd "$SUITES" && GOFLAGS=-mod=mod go mod download -json "$MOD@$OCI_RT_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	{ [ -n "$dir" ] && [ -d "$dir" ]; } || { echo "go mod download of $MOD@$OCI_RT_VERSION failed" >&2; exit 2; }
	rm -rf "$SRC"
	cp -r "$dir" "$SRC"
	chmod -R u+w "$SRC"
	# module zips ship only vendor/modules.txt: build in module mode instead
	rm -rf "$SRC/vendor"
	if ! [ -s "$SRC/rootfs-amd64.tar.gz" ]; then
		command -v busybox >/dev/null || apt-get install -y busybox-static >&2
		make_busybox_rootfs "$SRC/rootfs-amd64.tar.gz"
	fi
	(cd "$SRC" && GOFLAGS=-mod=mod make runtimetest validation-executables COMMIT="$OCI_RT_VERSION" >"$SRC.build.log" 2>&1) ||
		{ echo "build failed, see $SRC.build.log" >&2; tail -20 "$SRC.build.log" >&2; exit 2; }
	touch "$STAMP"
}

setup

RUNNAME=$(basename "$RUNTIME_BIN")-$(date +%Y%m%d-%H%M%S)
LOGDIR=$SUITES/oci-logs/$RUNNAME
TMPD=$SUITES/oci-tmp/$RUNNAME
mkdir -p "$LOGDIR" "$TMPD"
# keep the newest $OCI_KEEP_LOGS runs' logs
find "$SUITES/oci-logs" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn |
	tail -n +"$((OCI_KEEP_LOGS + 1))" | cut -d' ' -f2- | while read -r old; do rm -rf -- "$old"; done

containers() { "$RUNTIME_BIN" list -q 2>/dev/null | sort; }
cleanup_after_test() { # kill/delete containers that appeared during this test
	local before=$1 id
	for id in $(comm -13 "$before" <(containers)); do
		"$RUNTIME_BIN" kill "$id" KILL >/dev/null 2>&1
		"$RUNTIME_BIN" delete -f "$id" >/dev/null 2>&1
	done
	# mounts that leaked into our namespace (e.g. rootfsPropagation=shared
	# makes the container's /proc,/sys,/dev show up under the bundle)
	awk -v t="$TMPD/" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r mp; do umount -l "$mp" 2>/dev/null; done
	# bundles the test left behind (tests use os.MkdirTemp under TMPDIR)
	find "$TMPD" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} + 2>/dev/null
}
cleanup_cgroups() { # only the (empty) cgroups these tests create
	local c d own
	# relative cgroupsPath lands under the runtime's own cgroup (e.g. memory)
	for c in /sys/fs/cgroup/*/; do
		own=$(awk -F: -v s="$(basename "$c")" '{n=split($2,a,","); for(i=1;i<=n;i++) if (a[i]==s || "name="s==a[i]) print $3}' /proc/self/cgroup | head -1)
		for d in "$c"testdir/cgrouptest/container "$c"testdir/cgrouptest "$c"testdir "$c"cgrouptest \
			"$c${own#/}/testdir/cgrouptest/container" "$c${own#/}/testdir/cgrouptest" "$c${own#/}/testdir"; do
			[ -d "$d" ] && rmdir "$d" 2>/dev/null
		done
	done
}

# On any exit (also ^C or a test that outlived its timeout): containers that
# appeared during this run, mounts and bundles under $TMPD, test cgroups.
RUN_BEFORE=$(mktemp)
containers >"$RUN_BEFORE"
cleanup_run() {
	cleanup_after_test "$RUN_BEFORE"
	cleanup_cgroups
	rm -f "$RUN_BEFORE"
	rm -rf --one-file-system "$TMPD" 2>/dev/null
	rmdir "$SUITES/oci-tmp" 2>/dev/null
	return 0
}
trap cleanup_run EXIT
trap 'exit 130' INT TERM

cd "$SRC" || exit 2
tests=$(find validation -mindepth 2 -maxdepth 2 -name '*.t' | sort)
[ -n "$FILTER" ] && tests=$(echo "$tests" | grep -E -- "$FILTER")

echo "# runtime: $RUNTIME_BIN ($("$RUNTIME_BIN" --version 2>/dev/null | head -1))"
echo "# runtime-tools: $OCI_RT_VERSION  timeout: ${OCI_TEST_TIMEOUT}s  logs: $LOGDIR"

t_pass=0 t_fail=0 t_skip=0 a_ok=0 a_notok=0 a_skip=0 a_todo=0
failed_list=()
start_all=$(date +%s)
for t in $tests; do
	name=$(basename "$t" .t)
	log=$LOGDIR/$name.tap
	if [ "$OCI_BUDGET" -gt 0 ] && [ $(($(date +%s) - start_all)) -ge "$OCI_BUDGET" ]; then
		t_fail=$((t_fail + 1)); failed_list+=("$name")
		printf '%-4s %-36s %s\n' FAIL "$name" "(over budget: ${OCI_BUDGET}s)"
		continue
	fi
	before=$(mktemp)
	containers >"$before"
	t0=$(date +%s.%N)
	TMPDIR=$TMPD RUNTIME=$RUNTIME_BIN timeout -k 10 "$OCI_TEST_TIMEOUT" "./$t" >"$log" 2>"$LOGDIR/$name.stderr" </dev/null
	rc=$?
	dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
	cleanup_after_test "$before"
	rm -f "$before"
	cleanup_cgroups

	# top-level TAP lines only (nested runtimetest output is indented YAML)
	ok=$(grep -cE '^ok [0-9]+' "$log")
	skip=$(grep -cE '^ok [0-9]+.*# ?SKIP' "$log")
	notok=$(grep -E '^not ok [0-9]+' "$log" | grep -vcE '# ?TODO')
	todo=$(grep -E '^not ok [0-9]+' "$log" | grep -cE '# ?TODO')
	plan=$(grep -oE '^1\.\.[0-9]+' "$log" | head -1 | cut -d. -f3)
	total=$((ok + notok + todo))
	a_ok=$((a_ok + ok)); a_notok=$((a_notok + notok)); a_skip=$((a_skip + skip)); a_todo=$((a_todo + todo))

	why=""
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then why="timeout"
	elif [ $rc -ne 0 ]; then why="exit $rc"
	elif [ "$notok" -gt 0 ]; then why="not ok"
	elif [ "$total" -eq 0 ] && grep -qE '^    "error": ' "$log"; then
		# hook/lifecycle tests report failure only as a YAML diagnostic + "1..0"
		why="error diagnostic"
	elif [ -n "$plan" ] && [ "$plan" -ne "$total" ]; then why="plan $plan != $total results"
	fi
	# note: *_fail tests print nothing at all and exit 0 when the runtime
	# correctly rejected the config, so "no plan" with exit 0 is a pass.
	if [ -n "$why" ]; then
		status=FAIL; t_fail=$((t_fail + 1)); failed_list+=("$name")
	elif [ "$total" -gt 0 ] && [ "$skip" -eq "$total" ]; then
		status=SKIP; t_skip=$((t_skip + 1))
	else
		status=PASS; t_pass=$((t_pass + 1))
	fi
	printf '%-4s %-36s ok=%-4d not_ok=%-3d skip=%-4d %6ss %s\n' "$status" "$name" "$((ok - skip))" "$notok" "$skip" "$dt" "${why:+($why)}"
	if [ "$status" = FAIL ] && [ -n "${OCI_VERBOSE:-}" ]; then
		grep -E '^not ok' "$log" | head -10 | sed 's/^/      /'
		[ "$why" = "error diagnostic" ] && grep -E '^    "error": ' "$log" | head -3 | cut -c1-200 | sed 's/^ */      /'
		[ $rc -ne 0 ] && tail -3 "$LOGDIR/$name.stderr" | sed 's/^/      stderr: /'
	fi
done
rmdir "$TMPD" 2>/dev/null

echo "# elapsed: $(( $(date +%s) - start_all ))s"
[ ${#failed_list[@]} -gt 0 ] && echo "# failed tests: ${failed_list[*]}"
echo "# TAP assertions: $((a_ok - a_skip)) ok, $a_notok not ok, $a_skip skipped, $a_todo todo"
echo "# tests: $t_pass passed, $t_fail failed, $t_skip skipped (of $((t_pass + t_fail + t_skip)))"
echo "$t_pass passed, $t_fail failed, $t_skip skipped"
[ "$t_fail" -eq 0 ] || exit 1
