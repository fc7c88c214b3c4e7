#!/usr/bin/env bash
# soak.sh MYRUNC [N] [EVERY]
#
# N lifecycles in a row (default 2000): run -d, exec, pause, resume,
# update, delete. Every EVERY (default 100) it samples what a leak would
# grow: mounts (the host's, and this run's: under its work dir), cgroup
# dirs (this run's, and the host's), open file handles, threads and
# network namespaces of the host, processes of this run left (in its
# work dir or its cgroups), and the runtime's peak RSS (of `list` and of
# `run -d`). Prints a table and the slope of each per 1000 lifecycles.
# The host-wide counts move with whatever else runs on the machine; the
# run's own must be zero at the end, or it fails.
# Needs root, jq, a static busybox.
set -u

myrunc=$(readlink -f "$1")
n=${2:-2000}
every=${3:-100}
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/soak.XXXXXX)
chmod 755 "$work"
root=$work/root
prefix=soak-$$
bundle=$work/bundle
CGROUPS_PATH="" QUIET=1 MYRUNC=$myrunc "$here/scripts/mkbundle.sh" "$bundle" sleep 1000 >/dev/null || exit 1
# the runtime runs from its own dir, so that a process of it left behind
# is found by its cwd (this script stays out of there)
mkdir "$work/rt" || exit 1

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local d
	for d in "$root"/*; do [ -d "$d" ] && "$myrunc" --root "$root" delete -f "${d##*/}" >/dev/null 2>&1; done
	find /sys/fs/cgroup/*/ -maxdepth 1 -name "$prefix" -type d 2>/dev/null | while read -r d; do
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

r() { (cd "$work/rt" && exec "$myrunc" --root "$root" "$@"); }

lifecycle() {
	local id="s$1"
	jq --arg cg "/$prefix/$id" '.linux.cgroupsPath = $cg' "$bundle/config.json" >"$bundle/c.json"
	mv "$bundle/c.json" "$bundle/config.json"
	r run -d --bundle "$bundle" "$id" </dev/null >/dev/null 2>"$work/err" || { echo "run $id: $(cat "$work/err")" >&2; return 1; }
	r exec "$id" true && r pause "$id" && r resume "$id" && r update --memory 64m --pids-limit 100 "$id" &&
		r delete --force "$id"
}

# peak KiB of one runtime command (its output to a file: a detached
# container keeps its stdio)
runtime_rss() {
	(cd "$work/rt" && exec /usr/bin/time -f %M -o "$work/rss" "$myrunc" --root "$root" "$@" </dev/null >"$work/rss.out" 2>&1)
	tail -1 "$work/rss"
}

# processes of this run still alive: run from its dir or in its cgroups.
# A killed container process may linger as a zombie until pid 1 reaps it:
# that is not ours to count.
live_left() {
	local p n=0
	for p in $( (find /proc/[0-9]*/cwd -maxdepth 0 -lname "$work/rt*" -printf '%h\n' 2>/dev/null
		grep -l "/$prefix/" /proc/[0-9]*/cgroup 2>/dev/null | xargs -r -n1 dirname) | sort -u); do
		[ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" = Z ] || [ ! -e "$p/stat" ] || { n=$((n + 1)); echo "left: ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" >>"$work/left"; }
	done
	echo "$n"
}

sample() {
	local i=$1 mounts mnt_ours cg_ours cg_all files threads netns left rss_state rss_run
	mounts=$(wc -l </proc/self/mountinfo)
	mnt_ours=$(awk -v w="$work/" 'index($5, w) == 1' /proc/self/mountinfo | wc -l)
	cg_ours=$(find /sys/fs/cgroup/*/ -path "*/$prefix/*" -type d 2>/dev/null | wc -l)
	cg_all=$(find /sys/fs/cgroup/ -mindepth 2 -maxdepth 3 -type d 2>/dev/null | wc -l)
	files=$(cut -f1 /proc/sys/fs/file-nr)
	threads=$(find /proc/[0-9]*/task -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	netns=$(find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%l\n' 2>/dev/null | sort -u | wc -l)
	left=$(live_left)
	rss_state=$(runtime_rss list)
	jq --arg cg "/$prefix/rss" '.linux.cgroupsPath = $cg' "$bundle/config.json" >"$bundle/c.json"
	mv "$bundle/c.json" "$bundle/config.json"
	rss_run=$(runtime_rss run -d --bundle "$bundle" rss)
	r delete -f rss
	printf '%6d %7d %7d %6d %7d %8d %8d %6d %5d %9d %9d\n' "$i" "$mounts" "$mnt_ours" "$cg_ours" "$cg_all" "$files" "$threads" "$netns" "$left" "$rss_state" "$rss_run" | tee -a "$work/samples"
}

echo "soak: $n lifecycles (run -d, exec, pause, resume, update, delete), a sample every $every; runtime $myrunc"
printf '%6s %7s %7s %6s %7s %8s %8s %6s %5s %9s %9s\n' 'done' mounts mnt_run cg_run cg_host files threads netns left rss_list rss_run
# one lifecycle first: the first run fills the runtime's caches (slim
# init, seccomp), which is not growth
lifecycle 0 || { echo "soak: warm-up lifecycle failed" >&2; exit 1; }
sample 0
start=$SECONDS
for i in $(seq 1 "$n"); do
	lifecycle "$i" || { echo "soak: lifecycle $i failed" >&2; exit 1; }
	if [ $((i % every)) -eq 0 ]; then sample "$i"; fi
done
echo "soak: $n lifecycles in $((SECONDS - start)) s"

# slope per 1000 lifecycles of each column (least squares)
awk 'BEGIN { split("done mounts mnt_run cg_run cg_host files threads netns left rss_list rss_run", name) }
	{ n++; for (c = 1; c <= 11; c++) v[n, c] = $c }
	END {
		for (c = 2; c <= 11; c++) {
			sx = sy = sxx = sxy = 0
			for (i = 1; i <= n; i++) { x = v[i, 1]; y = v[i, c]; sx += x; sy += y; sxx += x * x; sxy += x * y }
			d = n * sxx - sx * sx
			slope = d ? (n * sxy - sx * sy) / d * 1000 : 0
			printf "slope per 1000 lifecycles: %-9s %+10.2f   (first %s, last %s)\n", name[c], slope, v[1, c], v[n, c]
		}
	}' "$work/samples"

fail=0
last=$(tail -1 "$work/samples")
read -r _ _ mnt_ours cg_ours _ _ _ _ left _ _ <<<"$last"
[ "$mnt_ours" -eq 0 ] || { echo "soak: $mnt_ours mounts of this run left" >&2; fail=1; }
# .cache holds the runtime's sealed inits, kept on purpose
entries=$(find "$root" -mindepth 1 -maxdepth 1 ! -name .cache 2>/dev/null | wc -l)
[ "$cg_ours" -eq 0 ] || { echo "soak: $cg_ours cgroup dirs of this run left" >&2; fail=1; }
[ "$left" -eq 0 ] || { echo "soak: $left processes left" >&2; fail=1; }
[ "$entries" -eq 0 ] || { echo "soak: $entries state dirs left" >&2; fail=1; }
exit "$fail"
