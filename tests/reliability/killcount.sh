#!/usr/bin/env bash
# killcount.sh MYRUNC N CMD DELAY_MS_MIN DELAY_MS_MAX
# Kills `CMD` (create or delete) with SIGKILL after a random delay, N times,
# then counts what was left (state dirs, dirs without state.json, cgroup
# dirs, live processes), runs `delete --force` on every container and
# counts again. Prints "before: ..." and "after: ..." lines: the figures
# for the closing note of a fix (run it against the old and new binary).
# Needs root, jq, busybox-static.
set -u
myrunc=$1 n=$2 cmd=$3 lo=$4 hi=$5
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/killcount.XXXXXX)
cd "$work" || exit 1
root=$work/root
bundle=$work/bundle
prefix=kc$$
CGROUPS_PATH= QUIET=1 MYRUNC=$myrunc "$here/scripts/mkbundle.sh" "$bundle" sleep 100 >/dev/null
tmp=$(mktemp) && jq --arg p "/$prefix" '.linux.cgroupsPath = $p' "$bundle/config.json" >"$tmp" && mv "$tmp" "$bundle/config.json"

our_pids() {
	find /proc/[0-9]*/cwd /proc/[0-9]*/root -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
		awk -v d="$work" -v me="$$" '$2 == d || index($2, d "/") == 1 { split($1, a, "/"); if (a[3] != me) print a[3] }' |
		sort -u | while read -r p; do
			# inits and runtimes; not this script's own helpers
			{ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q '^myrunc init' && echo "$p"
		done
}

count() {
	local dirs nostate cgs procs
	dirs=$(find "$root" -mindepth 1 -maxdepth 1 -type d ! -name '.cache' 2>/dev/null | wc -l)
	nostate=0
	for d in "$root"/*/; do [ -d "$d" ] && [ ! -e "$d/state.json" ] && nostate=$((nostate + 1)); done
	cgs=$(find /sys/fs/cgroup/*/ -maxdepth 1 -name "$prefix-*" -type d 2>/dev/null | wc -l)
	procs=$(cat /sys/fs/cgroup/*/"$prefix"-*/cgroup.procs 2>/dev/null | sort -u | wc -l)
	# every process of ours has its cwd or root under $work (the inits
	# start in it), whether it joined a cgroup or not
	local loose
	loose=$(our_pids | wc -l)
	echo "state_dirs=$dirs without_state_json=$nostate cgroup_dirs=$cgs procs_in_cgroups=$procs procs=$loose"
}

for i in $(seq 1 "$n"); do
	id=$prefix-$i
	# each container its own cgroup
	jq --arg p "/$id" '.linux.cgroupsPath = $p' "$bundle/config.json" >"$bundle/c.json" && mv "$bundle/c.json" "$bundle/config.json"
	d=$(( lo + RANDOM % (hi - lo + 1) ))
	if [ "$cmd" = delete ]; then
		"$myrunc" --root "$root" run -d --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1
		"$myrunc" --root "$root" delete --force "$id" </dev/null >/dev/null 2>&1 &
	else
		"$myrunc" --root "$root" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>&1 &
	fi
	pid=$!
	sleep "$(printf '0.%03d' "$d")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
sleep 0.5
echo "before: $(count)"
fails=0
for i in $(seq 1 "$n"); do
	id=$prefix-$i
	timeout 30 "$myrunc" --root "$root" delete --force "$id" </dev/null >/dev/null 2>"$work/err" || { fails=$((fails+1)); echo "delete --force $id: $(cat "$work/err")"; }
done
sleep 0.5
echo "after: $(count) delete_failures=$fails"
# clean up by hand whatever is left
for f in /sys/fs/cgroup/*/"$prefix"-*/cgroup.procs; do [ -f "$f" ] && xargs -r kill -9 <"$f" 2>/dev/null; done
for p in $(our_pids); do kill -9 "$p" 2>/dev/null; done
sleep 0.3
find /sys/fs/cgroup/*/ -maxdepth 1 -name "$prefix-*" -type d -exec rmdir {} \; 2>/dev/null
rm -rf "$work"
