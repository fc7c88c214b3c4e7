#!/usr/bin/env bash
# engine.sh — the engine's start and removal next to Podman's, in one run,
# inside a netlab lab (so both engines' bridges and NAT live in a netns):
#   run -d -p 80   `container run -d -p PORT:80 busybox httpd -f -p 80`,
#                  timed until the command returns (both return once the
#                  container runs)
#   rm -f          `container rm -f` of that running container
#   run -d none    the same with --network none (no bridge, no port)
# The same busybox image (tests/tools/mkimage.sh) is loaded into both.
# Rounds alternate myrunc and podman so load on the machine hits both alike;
# prints medians and the myrunc/podman ratio. BENCH_ENGINE_N=10 rounds.
# Podman runs with its own --root/--runroot under a temporary directory,
# --cgroup-manager cgroupfs, its CNI backend, runc as its runtime; without podman only myrunc
# is measured.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
MYRUNC=$(readlink -f "${MYRUNC:-$repo/myrunc}")
N=${BENCH_ENGINE_N:-10}
NETLAB="$repo/tests/tools/netlab.sh"
[ "$(id -u)" = 0 ] || { echo "bench-engine: must run as root" >&2; exit 2; }

LAB=benchengine$$
WORK=$(mktemp -d /tmp/myrunc-bench-engine.XXXXXX)
cleanup() {
	set +e
	"${M[@]}" container rm -f $("${M[@]}" container ls -aq 2>/dev/null) >/dev/null 2>&1
	[ -n "${P:-}" ] && "${P[@]}" rm -af >/dev/null 2>&1
	[ -n "${P:-}" ] && "${P[@]}" system reset -f >/dev/null 2>&1
	"${M[@]}" network prune -f >/dev/null 2>&1
	"$NETLAB" down "$LAB" >/dev/null 2>&1
	umount -R "$WORK" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
eval "$("$NETLAB" up "$LAB")"
H=(nsenter "--net=/run/netns/$NETLAB_HOST_NS")
M=("${H[@]}" "$MYRUNC" --root "$WORK/run" --data-root "$WORK/data")
"$repo/tests/tools/mkimage.sh" "$WORK/busybox.tar" --format docker-archive --tag busybox:latest >/dev/null
"${M[@]}" image load -q -i "$WORK/busybox.tar" >/dev/null
# runc, and rlimits podman may set here: crun refuses hybrid cgroups and
# both fail to raise RLIMIT_NOFILE/NPROC without CAP_SYS_RESOURCE
PODMAN_RUN=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
P=
if command -v podman >/dev/null; then
	P=("${H[@]}" podman --root "$WORK/podman" --runroot "$WORK/podman-run" --cgroup-manager cgroupfs
		--events-backend file --cni-config-dir "$WORK/cni")
	mkdir -p "$WORK/cni"
	"${P[@]}" load -q -i "$WORK/busybox.tar" >/dev/null
	# one warm-up each: podman makes its network config on first use
	"${P[@]}" run --pull never "${PODMAN_RUN[@]}" -d --name warm -p 18999:80 localhost/busybox:latest httpd -f -p 80 >/dev/null
	"${P[@]}" rm -f -t 0 warm >/dev/null
else
	echo "bench-engine: podman not installed: myrunc alone (apt-get install podman)"
fi
"${M[@]}" container run -d --name warm -p 18999:80 busybox httpd -f -p 80 >/dev/null
"${M[@]}" container rm -f warm >/dev/null
# an anchor container keeps myrunc's default bridge up, as Podman's CNI
# bridge (and Docker's docker0) stay up between containers: otherwise each
# round would time making and removing the bridge and its NAT rules
"${M[@]}" container run -d --name anchor busybox sleep 100000 >/dev/null

now() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# one ENGINE NAME ARGS...: time run -d, then rm -f; appends to WORK/ENGINE.run|.rm
one() {
	local engine=$1 name=$2 kind=$3
	shift 3
	local -a cmd
	local -a pull=() rmargs=(-f)
	if [ "$engine" = myrunc ]; then
		cmd=("${M[@]}" container)
	else
		# podman 4's rm -f stops with the stop signal and its timeout first
		cmd=("${P[@]}") pull=(--pull never "${PODMAN_RUN[@]}") rmargs=(-f -t 0)
	fi
	local img=busybox
	[ "$engine" = podman ] && img=localhost/busybox:latest
	local t0 t1 t2
	t0=$(now)
	"${cmd[@]}" run "${pull[@]}" -d --name "$name" "$@" "$img" httpd -f -p 80 >/dev/null
	t1=$(now)
	"${cmd[@]}" rm "${rmargs[@]}" "$name" >/dev/null
	t2=$(now)
	ms "$t0" "$t1" >>"$WORK/$engine.$kind.run"
	ms "$t1" "$t2" >>"$WORK/$engine.$kind.rm"
}

for i in $(seq "$N"); do
	one myrunc "m$i" port -p "$((20000 + i)):80"
	[ -n "$P" ] && one podman "p$i" port -p "$((21000 + i)):80"
	one myrunc "mn$i" none --network none
	[ -n "$P" ] && one podman "pn$i" none --network none
done

row() {
	local what=$1 file=$2 m p ratio="n/a"
	m=$(median <"$WORK/myrunc.$file")
	p="n/a"
	[ -n "$P" ] && p=$(median <"$WORK/podman.$file")
	[ "$p" != n/a ] && ratio=$(awk -v a="$m" -v b="$p" 'BEGIN { printf "%.2fx", a / b }')
	printf '%-26s %10s %10s %10s\n' "$what" "$m" "$p" "$ratio"
}
echo "engine: median ms of $N rounds (load average $(cut -d' ' -f1 /proc/loadavg))"
printf '%-26s %10s %10s %10s\n' "" myrunc podman ratio
row "run -d -p 80 (bridge)" port.run
row "rm -f (bridge, port)" port.rm
row "run -d --network none" none.run
row "rm -f (none)" none.rm
