#!/bin/sh
# suite.sh — myrunc on a pure cgroup v2 host.
#
#   sh suite.sh prepare DIR   on the host (POSIX sh + jq): writes one bundle
#                             config per test, DIR/b/NAME/config.json, from
#                             DIR/base/config.json (scripts/mkbundle.sh)
#   sh suite.sh run [DIR]     in the cg2vm guest (busybox sh), DIR holding
#                             myrunc, base/ and b/ (default: the current dir)
#
# tests/cgroup2/run.sh does both. Each test prints one PASS, FAIL (with
# every failed check) or SKIP line and deletes its containers; the last line
# is "N passed, M failed"; the exit status is 0 iff no test failed.
#
# Every bundle shares base/rootfs (read-only) and has its own cgroupsPath,
# /cg2-NAME, so a container a failed test leaves behind cannot disturb the
# next test.

# ------------------------------------------------------------ bundles (host)

# bundle NAME JQ: b/NAME/config.json is base's config with the rootfs, the
# cgroup path and `sleep 1000` as the process, then JQ applied.
bundle() {
	mkdir -p "$DIR/b/$1"
	jq --arg root "$DIR/base/rootfs" --arg cg "/cg2-$1" \
		".root.path = \$root | .linux.cgroupsPath = \$cg | .process.args = [\"sleep\", \"1000\"] | $2" \
		"$DIR/base/config.json" >"$DIR/b/$1/config.json" || exit 1
}

MKNOD='.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
MAKE_K='["sh", "-c", "mknod /dev/k c 1 11 && { echo hi >/dev/k && echo write-ok || echo write-refused; }"]'
# /dev/kmsg listed in linux.devices, CAP_SYSLOG (reading it wants that):
# open it for reading, then for writing, and say how each went
LIST_KMSG='.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 420}]
	| .process.capabilities |= with_entries(.value += ["CAP_SYSLOG"])'
OPEN_KMSG='["sh", "-c", "e=$( (: </dev/kmsg) 2>&1) && echo r-ok || echo \"r: $e\"; e=$( (: >/dev/kmsg) 2>&1) && echo w-ok || echo \"w: $e\""]'

bundles() {
	bundle lifecycle '.'
	bundle memory '.linux.resources.memory = {"limit": 67108864}'
	bundle oom '.linux.resources.memory = {"limit": 33554432} | .process.args = ["tail", "/dev/zero"]'
	bundle oomevents '.linux.resources.memory = {"limit": 33554432}'
	bundle pids '.linux.resources.pids = {"limit": 10}'
	bundle pids0 '.linux.resources.pids = {"limit": 0}'
	bundle cpu '.linux.resources.cpu = {"shares": 2048, "quota": 50000, "period": 100000}'
	bundle cpuset '.linux.resources.cpu = {"cpus": "0", "mems": "0"}'
	bundle io '.linux.resources.blockIO = {"weight": 500}'
	bundle devnull '.process.args = ["sh", "-c", "echo x >/dev/null && echo null-ok"]'
	bundle devdeny "$MKNOD | .process.args = $MAKE_K"
	bundle devallow "$MKNOD | .process.args = $MAKE_K
		| .linux.resources.devices += [{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"w\"}]"
	bundle devkmsgdeny "$LIST_KMSG | .process.args = $OPEN_KMSG"
	bundle devkmsgallow "$LIST_KMSG | .process.args = $OPEN_KMSG
		| .linux.resources.devices += [{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 11, \"access\": \"rw\"}]"
	bundle devnulldeny '.process.args = ["sh", "-c", "echo x >/dev/null && echo null-ok || echo null-refused"]
		| .linux.resources.devices += [{"allow": false, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]'
	bundle freeze '.'
	bundle update '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}
		| .linux.resources.cpu = {"shares": 1024, "quota": 50000, "period": 100000}'
	bundle unified '.linux.resources.unified = {"memory.high": "50000000", "pids.max": "42"}'
	bundle exec '.'
	bundle killall '.'
	bundle cgns '.linux.namespaces += [{"type": "cgroup"}] | .linux.resources.memory = {"limit": 67108864}
		| .process.args = ["sh", "-c", "cat /proc/self/cgroup; cat /sys/fs/cgroup/memory.max"]'
	bundle stats '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}'
	resource_bundles
}



# the resource tests beyond the basics, beside this file
. "$(dirname "$0")/resources.sh"

# ------------------------------------------------------------ helpers (guest)

CG=/sys/fs/cgroup
P=0 F=0 S=0

# myrunc with a time limit: no command may hang the suite
m() { timeout 60 "$DIR/myrunc" "$@"; }

# begin TITLE: a new test; bad MSG records a failed check; finish prints
# the verdict and deletes the test's containers (those up/track named).
begin() { T=$1 ERRS='' CTRS=''; }
bad() { ERRS="$ERRS
    - $*"; }
eq() { [ "$2" = "$3" ] || bad "$1: got '$2', want '$3'"; }
track() { CTRS="$CTRS $1"; }
finish() {
	for c in $CTRS; do m delete --force "$c" >/dev/null 2>&1; done
	for c in $CTRS; do
		[ ! -d "$CG/cg2-$c" ] || { rmdir "$CG/cg2-$c" 2>/dev/null; bad "cgroup $CG/cg2-$c left after delete --force"; }
	done
	if [ -z "$ERRS" ]; then
		echo "PASS $T"; P=$((P + 1))
	else
		echo "FAIL $T$ERRS"; F=$((F + 1))
	fi
}
skip() { echo "SKIP $T: $*"; S=$((S + 1)); }

# rd FILE: a file of a cgroup below /sys/fs/cgroup
rd() { cat "$CG/$1" 2>/dev/null || echo "<no $1>"; }
# kv FILE KEY: the value of KEY in a flat-keyed cgroup file (memory.events)
kv() { sed -n "s/^$2 //p" "$CG/$1" 2>/dev/null; }

status() { m state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' | head -n 1; }
initpid() { m state "$1" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -n 1; }

# waitfor SECONDS CMD...: poll CMD every 0.1 s until it succeeds
waitfor() {
	_n=$(($1 * 10)); shift
	while [ $_n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1; _n=$((_n - 1))
	done
	return 1
}
is_status() { [ "$(status "$1")" = "$2" ]; }
in_procs() { grep -qx "$2" "$CG/$1/cgroup.procs" 2>/dev/null; }
not_in_procs() { ! in_procs "$@"; }
procs_empty() { [ ! -s "$CG/$1/cgroup.procs" ]; }
nonzero() { [ -n "$1" ] && [ "$1" != 0 ]; }
# exited PID: PID is gone or a zombie
exited() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }
hit_pids_max() { nonzero "$(kv cg2-pids/pids.events max)"; }

# up ID: run container ID from bundle b/ID detached; fails (and records
# why) unless it ends up running.
up() {
	track "$1"
	if ! m run -d --bundle "$DIR/b/$1" "$1" </dev/null >"$LOGS/$1.out" 2>&1; then
		bad "run -d $1 failed: $(cat "$LOGS/$1.out")"; return 1
	fi
	waitfor 10 is_status "$1" running || { bad "$1 is $(status "$1"), not running"; return 1; }
}

# fg ID [RUN-FLAGS]: run container ID from b/ID in the foreground; its
# output in $OUT, exit status in $RC
fg() {
	_id=$1; shift
	m run "$@" --bundle "$DIR/b/$_id" "$_id" </dev/null >"$LOGS/$_id.out" 2>&1
	RC=$?
	OUT=$(cat "$LOGS/$_id.out")
}

# ------------------------------------------------------------ tests (guest)

t_lifecycle() {
	begin "create/start: the init is in its cgroup; delete removes the cgroup"
	track lifecycle
	if ! m create --bundle "$DIR/b/lifecycle" lifecycle </dev/null >"$LOGS/lifecycle.out" 2>&1; then
		bad "create: $(cat "$LOGS/lifecycle.out")"; finish; return
	fi
	pid=$(initpid lifecycle)
	eq "/proc/<init>/cgroup" "$(cat "/proc/$pid/cgroup" 2>&1)" "0::/cg2-lifecycle"
	in_procs cg2-lifecycle "$pid" || bad "init $pid not in cg2-lifecycle/cgroup.procs ($(rd cg2-lifecycle/cgroup.procs))"
	for c in cpu memory pids; do
		grep -qw "$c" "$CG/cg2-lifecycle/cgroup.controllers" 2>/dev/null || bad "controller $c not in cgroup.controllers"
	done
	m start lifecycle >/dev/null 2>&1 || bad "start failed"
	eq status "$(status lifecycle)" running
	m kill lifecycle KILL || bad "kill KILL failed"
	waitfor 10 is_status lifecycle stopped || bad "not stopped after SIGKILL: $(status lifecycle)"
	m delete lifecycle || bad "delete failed"
	[ ! -d "$CG/cg2-lifecycle" ] || bad "delete left $CG/cg2-lifecycle"
	m state lifecycle >/dev/null 2>&1 && bad "state still works after delete"
	finish
}

t_memory() {
	begin "memory.limit -> memory.max"
	up memory && eq memory.max "$(rd cg2-memory/memory.max)" 67108864
	finish
}

t_oom() {
	begin "a process over memory.max is OOM-killed: exit 137, memory.events oom_kill"
	track oom
	fg oom --keep
	eq "exit status of run" "$RC" 137
	nonzero "$(kv cg2-oom/memory.events oom_kill)" ||
		bad "memory.events: $(tr '\n' ' ' <"$CG/cg2-oom/memory.events" 2>&1)"
	finish
}

t_oom_events() {
	begin "events reports the OOM kill of an exec'd process (exit 137)"
	up oomevents || { finish; return; }
	m events --interval 1s oomevents >"$LOGS/oomevents.ev" 2>&1 &
	ev=$!
	waitfor 10 grep -qs '"type":"stats"' "$LOGS/oomevents.ev" || bad "no stats event: $(cat "$LOGS/oomevents.ev")"
	m exec oomevents tail /dev/zero </dev/null >/dev/null 2>&1
	eq "exit status of exec" "$?" 137
	waitfor 10 grep -qs '"type":"oom"' "$LOGS/oomevents.ev" ||
		bad "no oom event: $(grep -v '"type":"stats"' "$LOGS/oomevents.ev")"
	nonzero "$(kv cg2-oomevents/memory.events oom_kill)" || bad "memory.events oom_kill is not > 0"
	m kill oomevents KILL
	waitfor 10 exited "$ev" || { bad "events did not end with the container"; kill "$ev"; }
	wait "$ev" 2>/dev/null
	finish
}

t_pids() {
	begin "pids.limit -> pids.max; a fork bomb stops at it (pids.events max)"
	up pids || { finish; return; }
	eq pids.max "$(rd cg2-pids/pids.max)" 10
	# shellcheck disable=SC2016 # expanded by the container's sh
	m exec -d pids sh -c 'i=0; while [ $i -lt 50 ]; do sleep 1000 & i=$((i + 1)); done; wait' \
		</dev/null >"$LOGS/pids.bomb" 2>&1
	waitfor 10 hit_pids_max || bad "pids.events max stays 0 ($(rd cg2-pids/pids.events))"
	cur=$(rd cg2-pids/pids.current)
	[ "$cur" -le 10 ] 2>/dev/null || bad "pids.current $cur > pids.max 10"
	[ "$cur" -ge 5 ] 2>/dev/null || bad "pids.current $cur: the bomb did not run"
	finish
}

# runtime-spec 1.3: pids.limit 0 is a limit of 0 (nothing can fork), -1
# is max; the init still starts (the limit lands when it is ready)
t_pids0() {
	begin "pids.limit 0 -> pids.max 0 at create and update; -1 -> max"
	up pids0 || { finish; return; }
	eq pids.max "$(rd cg2-pids0/pids.max)" 0
	m exec pids0 sh -c '/bin/true && echo forked' >"$LOGS/pids0.exec" 2>&1
	case $(cat "$LOGS/pids0.exec") in *forked*) bad "forked under pids.max 0" ;; esac
	m update --pids-limit -1 pids0 >"$LOGS/pids0.up" 2>&1 || bad "update -1: $(cat "$LOGS/pids0.up")"
	eq "pids.max after -1" "$(rd cg2-pids0/pids.max)" max
	m update --pids-limit 0 pids0 >"$LOGS/pids0.up" 2>&1 || bad "update 0: $(cat "$LOGS/pids0.up")"
	eq "pids.max after 0" "$(rd cg2-pids0/pids.max)" 0
	finish
}

t_cpu() {
	begin "cpu quota/period -> cpu.max, shares 2048 -> cpu.weight 174"
	up cpu || { finish; return; }
	eq cpu.max "$(rd cg2-cpu/cpu.max)" "50000 100000"
	eq cpu.weight "$(rd cg2-cpu/cpu.weight)" 174
	finish
}

t_cpuset() {
	begin "cpu.cpus/mems -> cpuset.cpus/mems, and the init's affinity"
	up cpuset || { finish; return; }
	eq cpuset.cpus "$(rd cg2-cpuset/cpuset.cpus)" 0
	eq cpuset.mems "$(rd cg2-cpuset/cpuset.mems)" 0
	eq "Cpus_allowed_list in the container" \
		"$(m exec cpuset sh -c 'sed -n "s/^Cpus_allowed_list:[[:space:]]*//p" /proc/self/status' 2>&1)" 0
	finish
}

t_io() {
	begin "blockIO.weight 500 -> io.weight (default 4950) or io.bfq.weight (500)"
	mkdir "$CG/cg2-ioprobe" 2>/dev/null
	has_bfq='' has_iow=''
	[ -e "$CG/cg2-ioprobe/io.bfq.weight" ] && has_bfq=1
	[ -e "$CG/cg2-ioprobe/io.weight" ] && has_iow=1
	rmdir "$CG/cg2-ioprobe" 2>/dev/null
	if [ -z "$has_bfq$has_iow" ]; then
		skip "the VM's cgroups have neither io.weight nor io.bfq.weight"; return
	fi
	if up io; then
		if [ -n "$has_bfq" ]; then
			eq io.bfq.weight "$(sed -n 's/^default //p' "$CG/cg2-io/io.bfq.weight")" 500
		else
			eq io.weight "$(rd cg2-io/io.weight)" "default 4950"
		fi
	fi
	finish
}

t_devices_default() {
	begin "devices: the default config allows /dev/null"
	track devnull
	fg devnull
	eq "exit status" "$RC" 0
	eq output "$OUT" null-ok
	finish
}

t_devices_ebpf() {
	begin "devices (eBPF): c 1:11 denied without a rule, writable with an allow rule"
	track devdeny
	fg devdeny
	eq "deny: exit status" "$RC" 0
	case $OUT in
	*"Operation not permitted"*write-refused) ;;
	*) bad "deny: got '$OUT', want 'Operation not permitted' and write-refused" ;;
	esac
	track devallow
	fg devallow
	eq "allow: exit status" "$RC" 0
	eq "allow: output" "$OUT" write-ok
	finish
}

t_devices_listed() {
	begin "devices (eBPF): /dev/kmsg listed in linux.devices stays denied, even with CAP_SYSLOG; an allow rule opens it"
	track devkmsgdeny
	fg devkmsgdeny
	eq "deny: exit status" "$RC" 0
	case $OUT in
	"r: "*"Operation not permitted"*"w: "*"Operation not permitted") ;;
	*) bad "deny: got '$OUT', want r and w refused with 'Operation not permitted'" ;;
	esac
	track devkmsgallow
	fg devkmsgallow
	eq "allow: exit status" "$RC" 0
	eq "allow: output" "$OUT" "r-ok
w-ok"
	finish
}

# Not a pass/fail test: myrunc (like runc) appends its default rules, which
# allow /dev/null, after the spec's, so a spec rule cannot deny /dev/null.
note_devnull_deny() {
	track devnulldeny
	fg devnulldeny
	echo "NOTE devices: with a deny rule for c 1:3 in linux.resources.devices, 'echo >/dev/null' gives: $OUT (exit $RC)"
	m delete --force devnulldeny >/dev/null 2>&1
}

t_freeze() {
	begin "pause -> cgroup.freeze 1, status paused; resume -> 0, running"
	up freeze || { finish; return; }
	m pause freeze || bad "pause failed"
	eq "cgroup.freeze after pause" "$(rd cg2-freeze/cgroup.freeze)" 1
	eq "cgroup.events frozen after pause" "$(kv cg2-freeze/cgroup.events frozen)" 1
	eq "status after pause" "$(status freeze)" paused
	pid=$(initpid freeze)
	m resume freeze || bad "resume failed"
	eq "cgroup.freeze after resume" "$(rd cg2-freeze/cgroup.freeze)" 0
	eq "cgroup.events frozen after resume" "$(kv cg2-freeze/cgroup.events frozen)" 0
	eq "status after resume" "$(status freeze)" running
	eq "exec after resume" "$(m exec freeze echo alive 2>&1)" alive
	{ [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || bad "init '$pid' gone"
	finish
}

t_update() {
	begin "update changes memory.max, pids.max, cpu.max, cpu.weight, cpuset.cpus, unified live"
	up update || { finish; return; }
	eq "memory.max before" "$(rd cg2-update/memory.max)" 67108864
	if m update --memory 128m --pids-limit 30 --cpu-quota 20000 --cpu-share 512 --cpuset-cpus 0 update \
		>"$LOGS/update.1" 2>&1; then
		eq memory.max "$(rd cg2-update/memory.max)" 134217728
		eq pids.max "$(rd cg2-update/pids.max)" 30
		eq cpu.max "$(rd cg2-update/cpu.max)" "20000 100000"
		eq "cpu.weight (shares 512)" "$(rd cg2-update/cpu.weight)" 59
		eq cpuset.cpus "$(rd cg2-update/cpuset.cpus)" 0
	else
		bad "update with flags: $(cat "$LOGS/update.1")"
	fi
	if echo '{"memory": {"limit": -1}, "pids": {"limit": -1}, "cpu": {"quota": -1}}' |
		m update --resources - update >"$LOGS/update.2" 2>&1; then
		eq "memory.max (-1)" "$(rd cg2-update/memory.max)" max
		eq "pids.max (-1)" "$(rd cg2-update/pids.max)" max
		eq "cpu.max (quota -1)" "$(rd cg2-update/cpu.max)" "max 100000"
	else
		bad "update --resources -: $(cat "$LOGS/update.2")"
	fi
	if echo '{"unified": {"memory.high": "80000000"}}' | m update -r - update >"$LOGS/update.3" 2>&1; then
		eq "memory.high (unified)" "$(rd cg2-update/memory.high)" $((80000000 / 4096 * 4096))
	else
		bad "update unified: $(cat "$LOGS/update.3")"
	fi
	finish
}

t_unified() {
	begin "linux.resources.unified: memory.high and pids.max written"
	if up unified; then
		# the kernel rounds memory.high down to whole pages
		eq memory.high "$(rd cg2-unified/memory.high)" $((50000000 / 4096 * 4096))
		eq pids.max "$(rd cg2-unified/pids.max)" 42
	fi
	finish
}

t_exec() {
	begin "exec joins the container's cgroup"
	up exec || { finish; return; }
	eq "/proc/self/cgroup of exec" "$(m exec exec cat /proc/self/cgroup 2>&1)" "0::/cg2-exec"
	rm -f "$LOGS/exec.pid"
	m exec -d --pid-file "$LOGS/exec.pid" exec sleep 1000 </dev/null >/dev/null 2>&1 || bad "exec -d failed"
	pid=$(cat "$LOGS/exec.pid" 2>/dev/null)
	in_procs cg2-exec "$pid" || bad "exec'd pid '$pid' not in cgroup.procs ($(rd cg2-exec/cgroup.procs))"
	ps=$(m ps --format json exec 2>&1)
	case $ps in *"$pid"*) ;; *) bad "ps --format json: '$ps' lacks $pid" ;; esac
	# exec --cgroup: a sub-cgroup of the container's (no controllers are
	# enabled below it, so a process may live there)
	mkdir "$CG/cg2-exec/sub"
	eq "/proc/self/cgroup of exec --cgroup sub" "$(m exec --cgroup sub exec cat /proc/self/cgroup 2>&1)" "0::/cg2-exec/sub"
	eq "exec --cgroup with the v2 controller prefix" "$(m exec --cgroup :sub exec cat /proc/self/cgroup 2>&1)" "0::/cg2-exec/sub"
	out=$(m exec --cgroup missing exec true 2>&1) && bad "exec --cgroup missing succeeded"
	case $out in *missing*) ;; *) bad "exec --cgroup missing: '$out' does not name it" ;; esac
	out=$(m exec --cgroup ../escape exec true 2>&1) && bad "exec --cgroup ../escape succeeded"
	rmdir "$CG/cg2-exec/sub" || bad "sub-cgroup left busy: $(rd cg2-exec/sub/cgroup.procs)"
	finish
}

t_killall() {
	begin "kill --all signals every process (the init ignores SIGTERM, the rest die)"
	up killall || { finish; return; }
	init=$(initpid killall)
	pids=
	for i in 1 2 3; do
		rm -f "$LOGS/killall.$i"
		m exec -d --pid-file "$LOGS/killall.$i" killall sleep 100$i </dev/null >/dev/null 2>&1
		pids="$pids $(cat "$LOGS/killall.$i" 2>/dev/null)"
	done
	eq "processes in cgroup.procs" "$(wc -l <"$CG/cg2-killall/cgroup.procs")" 4
	m kill killall TERM
	sleep 0.5
	for p in $pids; do in_procs cg2-killall "$p" || bad "kill without --all reached exec'd pid $p"; done
	m kill --all killall TERM || bad "kill --all TERM failed"
	for p in $pids; do waitfor 10 not_in_procs cg2-killall "$p" || bad "pid $p survived kill --all TERM"; done
	in_procs cg2-killall "$init" || bad "init $init died of SIGTERM (a pid namespace init ignores it)"
	m kill --all killall KILL || bad "kill --all KILL failed"
	waitfor 10 procs_empty cg2-killall || bad "cgroup.procs not empty after kill --all KILL: $(rd cg2-killall/cgroup.procs)"
	waitfor 10 is_status killall stopped || bad "status $(status killall) after kill --all KILL"
	finish
}

t_cgns() {
	begin "cgroup namespace: the container sees its cgroup as / and its own memory.max"
	track cgns
	fg cgns
	eq "exit status" "$RC" 0
	eq output "$(echo "$OUT" | tr '\n' ' ')" "0::/ 67108864 "
	finish
}

t_stats() {
	begin "events --stats reads the v2 cgroup (memory limit, pids)"
	up stats || { finish; return; }
	out=$(m events --stats stats 2>&1)
	case $out in *'"type":"stats"'*) ;; *) bad "not a stats event: $out" ;; esac
	case $out in *'"usage":{"limit":67108864'*) ;; *) bad "memory usage.limit is not 67108864: $out" ;; esac
	case $out in *'"pids":{"current":1,"limit":20}'*) ;; *) bad "pids is not current 1, limit 20: $out" ;; esac
	finish
}

run_all() {
	grep -q " $CG cgroup2 " /proc/mounts || { echo "FAIL $CG is not cgroup2"; echo "0 passed, 1 failed"; exit 1; }
	[ -x "$DIR/myrunc" ] || { echo "FAIL no $DIR/myrunc"; echo "0 passed, 1 failed"; exit 1; }
	LOGS=$(mktemp -d /tmp/cg2-suite.XXXXXX)
	echo "myrunc: $("$DIR/myrunc" --version | head -n 1); kernel $(uname -r); controllers: $(cat "$CG/cgroup.controllers")"
	t_lifecycle
	t_memory
	t_oom
	t_oom_events
	t_pids
	t_pids0
	t_cpu
	t_cpuset
	t_io
	t_devices_default
	t_devices_ebpf
	t_devices_listed
	note_devnull_deny
	t_freeze
	t_update
	t_unified
	t_exec
	t_killall
	t_cgns
	t_stats
	t_nested
	t_check_before_update
	t_cpu_burst_idle_rt
	t_io_max
	t_memory_more
	t_v1_only
	t_rootless
	[ $S = 0 ] || echo "$S skipped"
	echo "$P passed, $F failed"
	[ $F = 0 ]
}

case ${1:-} in
prepare)
	[ -f "${2:-}/base/config.json" ] || { echo "usage: $0 prepare DIR (with DIR/base from mkbundle.sh)" >&2; exit 2; }
	DIR=$(cd "$2" && pwd -P)
	command -v jq >/dev/null || { echo "suite.sh: jq not found" >&2; exit 1; }
	bundles
	;;
run)
	DIR=$(cd "${2:-.}" && pwd -P)
	run_all
	;;
*)
	echo "usage: $0 prepare DIR | run [DIR]" >&2
	exit 2
	;;
esac
