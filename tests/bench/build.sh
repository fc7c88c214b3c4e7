#!/usr/bin/env bash
# build.sh — `image build` next to `podman build`, in one run:
#   cold     a 4-step Dockerfile (FROM, COPY, RUN, CMD) with --no-cache
#   cached   the same build again: every step from the cache
# Both build with --network none (no bridge, no lab needed) from the same
# busybox image (tests/tools/mkimage.sh). Rounds alternate myrunc and
# podman so load on the machine hits both alike; prints medians and the
# myrunc/podman ratio. BENCH_BUILD_N=10 rounds. Podman runs with its own
# --root/--runroot under a temporary directory, the overlay driver,
# --cgroup-manager cgroupfs and runc (crun refuses hybrid cgroups); without
# podman only myrunc is measured.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
MYRUNC=$(readlink -f "${MYRUNC:-$repo/myrunc}")
N=${BENCH_BUILD_N:-10}
[ "$(id -u)" = 0 ] || { echo "bench-build: must run as root" >&2; exit 2; }

WORK=$(mktemp -d /tmp/myrunc-bench-build.XXXXXX)
cleanup() {
	set +e
	[ -n "${P:-}" ] && "${P[@]}" system reset -f >/dev/null 2>&1
	umount -R "$WORK" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
M=("$MYRUNC" --root "$WORK/run" --data-root "$WORK/data")
"$repo/tests/tools/mkimage.sh" "$WORK/busybox.tar" --format docker-archive --tag busybox:latest >/dev/null
"${M[@]}" image load -q -i "$WORK/busybox.tar" >/dev/null
mkdir "$WORK/ctx"
echo hello >"$WORK/ctx/greeting"
printf '%s\n' 'FROM busybox' 'COPY greeting /srv/' 'RUN wc -c /srv/greeting >/srv/size' \
	'CMD ["cat", "/srv/size"]' >"$WORK/ctx/Dockerfile"
P=
if command -v podman >/dev/null; then
	P=(podman --root "$WORK/podman" --runroot "$WORK/podman-run" --storage-driver overlay
		--cgroup-manager cgroupfs --events-backend file --runtime runc)
	"${P[@]}" load -q -i "$WORK/busybox.tar" >/dev/null
else
	echo "bench-build: podman not installed: myrunc alone (apt-get install podman)"
fi

now() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# one ENGINE KIND [FLAGS...]: time one build; appends to WORK/ENGINE.KIND
one() {
	local engine=$1 kind=$2
	shift 2
	local -a cmd=("${M[@]}" image build)
	[ "$engine" = podman ] && cmd=("${P[@]}" build)
	local t0 t1
	t0=$(now)
	"${cmd[@]}" --network none "$@" -t bench:1 "$WORK/ctx" >/dev/null
	t1=$(now)
	ms "$t0" "$t1" >>"$WORK/$engine.$kind"
}

for i in $(seq "$N"); do
	one myrunc cold --no-cache
	[ -n "$P" ] && one podman cold --no-cache
	one myrunc cached
	[ -n "$P" ] && one podman cached
done

row() {
	local what=$1 file=$2 m p="n/a" ratio="n/a"
	m=$(median <"$WORK/myrunc.$file")
	[ -n "$P" ] && p=$(median <"$WORK/podman.$file")
	[ "$p" != n/a ] && ratio=$(awk -v a="$m" -v b="$p" 'BEGIN { printf "%.2fx", a / b }')
	printf '%-26s %10s %10s %10s\n' "$what" "$m" "$p" "$ratio"
}
echo "build: median ms of $N rounds (load average $(cut -d' ' -f1 /proc/loadavg))"
printf '%-26s %10s %10s %10s\n' "" myrunc podman ratio
row "4 steps, --no-cache" cold
row "4 steps, all cached" cached
