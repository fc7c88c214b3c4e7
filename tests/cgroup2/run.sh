#!/usr/bin/env bash
# run.sh [MYRUNC] — myrunc's cgroup v2 tests, in a throw-away VM.
#
# This host may well be cgroup v1 or hybrid; run-in-cg2vm.sh (beside this
# file) boots a small QEMU VM whose /sys/fs/cgroup is a pure cgroup v2
# hierarchy with every controller enabled. run.sh makes a directory with
#   myrunc        MYRUNC (default: ./myrunc of this repo); it must be static,
#                 the guest has no libc
#   base/         a busybox bundle from scripts/mkbundle.sh (rootfs shared by
#                 every test)
#   b/NAME/       one config.json per test (suite.sh prepare, needs jq)
#   suite.sh      the tests (and resources.sh, which it sources)
# then runs `sh suite.sh run` in the VM. Exit status: suite.sh's (0 iff
# every test passed); 124 if the VM timed out, 125 if it did not come up.
#
# Environment:
#   CG2VM_*       see run-in-cg2vm.sh; CG2VM_TIMEOUT defaults to 300 s here
#   BUSYBOX=PATH  static busybox for the rootfs (default /bin/busybox)
#   KEEP=1        keep the directory (its path is printed)
# Needs root (run-in-cg2vm.sh installs qemu-system-x86 and busybox-static if
# missing), jq, xz, dpkg-deb, and apt access the first time (kernel package).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
myrunc=${1:-$repo/myrunc}
die() { echo "test-cgroup2: $*" >&2; exit 125; }

[ -x "$myrunc" ] || die "$myrunc: no such executable (make build, or give MYRUNC)"
myrunc=$(readlink -f "$myrunc")
# ldd fails on a static binary ("not a dynamic executable")
if ldd "$myrunc" >/dev/null 2>&1; then
	die "$myrunc is dynamically linked; the VM has no libc (build it as the Makefile does: -extldflags -static)"
fi
command -v jq >/dev/null || die "jq not found (apt-get install jq)"

work=$(mktemp -d /tmp/myrunc-cg2.XXXXXX)
if [ "${KEEP:-0}" = 1 ]; then
	echo "test-cgroup2: keeping $work" >&2
else
	trap 'rm -rf "$work"' EXIT
fi
chmod 0755 "$work"
cp "$myrunc" "$work/myrunc"
cp "$here/suite.sh" "$here/resources.sh" "$work/"
SPEC_BIN=$myrunc CGROUPS_PATH='' QUIET=1 "$repo/scripts/mkbundle.sh" "$work/base"
sh "$work/suite.sh" prepare "$work"

export CG2VM_TIMEOUT=${CG2VM_TIMEOUT:-300}
start=$(date +%s)
set +e
"$here/run-in-cg2vm.sh" "$work" 'sh suite.sh run'
rc=$?
set -e
echo "test-cgroup2: VM done in $(($(date +%s) - start)) s, exit $rc"
exit $rc
