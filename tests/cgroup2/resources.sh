#!/bin/sh
# resources.sh — suite.sh's tests of the resources beyond the basics (nested
# paths, checkBeforeUpdate, cpu burst/idle/realtime, io.max and per-device
# weights, memory.low/swap/hugetlb, v1-only fields, rootless). Sourced by
# suite.sh, on the host (prepare) and in the guest (run); same helpers.

resource_bundles() {
	bundle nested '.linux.cgroupsPath = "/cg2-nested/a/b" | .linux.resources.memory = {"limit": 67108864}'
	bundle checkmem '.linux.resources.memory = {"limit": 268435456, "checkBeforeUpdate": true}
		| .process.args = ["sh", "-c", "dd if=/dev/zero of=/dev/shm/big bs=1M count=40 2>/dev/null; echo ready >/dev/shm/ready; sleep 1000"]'
	bundle burst '.linux.resources.cpu = {"quota": 50000, "period": 100000, "burst": 20000}'
	bundle idle '.linux.resources.cpu = {"idle": 1}'
	bundle rt '.linux.resources.cpu = {"realtimeRuntime": 10000, "realtimePeriod": 1000000}'
	# loop0 (7:0): the guest's loop module makes it; run attaches a file
	bundle iomax '.linux.resources.blockIO = {
		"throttleReadBpsDevice": [{"major": 7, "minor": 0, "rate": 1048576}],
		"throttleWriteBpsDevice": [{"major": 7, "minor": 0, "rate": 2097152}],
		"throttleReadIOPSDevice": [{"major": 7, "minor": 0, "rate": 100}],
		"throttleWriteIOPSDevice": [{"major": 7, "minor": 0, "rate": 200}]}'
	bundle nodev '.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": 250, "minor": 250, "rate": 1}]}'
	bundle memmore '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 100663296}
		| .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	bundle wdev '.linux.resources.blockIO = {"weightDevice": [{"major": 7, "minor": 0, "weight": 200}]}'
	for f in 'memory = {"swappiness": 10}' 'memory = {"disableOOMKiller": true}' 'memory = {"useHierarchy": false}' \
		'memory = {"kernelTCP": 1048576}' 'network = {"classID": 42}' 'network = {"priorities": [{"name": "eth0", "priority": 1}]}' \
		'blockIO = {"leafWeight": 300}'; do
		V1ONLY=$((${V1ONLY:-0} + 1))
		bundle "v1only$V1ONLY" ".linux.resources.$f"
	done
	bundle v1defaults '.linux.resources.memory = {"disableOOMKiller": false, "useHierarchy": true, "kernelTCP": 0, "kernel": 1048576}
		| .linux.resources.network = {"classID": 0}'
	# what `myrunc spec --rootless` writes for uid/gid 1000 (spec.ToRootless),
	# in a cgroup below one delegated to the user, with a pids limit
	bundle rootless "$ROOTLESS"
}

ROOTLESS='.linux.namespaces = ([.linux.namespaces[] | select(.type != "network" and .type != "user")] + [{"type": "user"}])
	| .linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]
	| .linux.gidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]
	| .mounts |= map(if .destination == "/sys"
		then {"destination": "/sys", "type": "none", "source": "/sys", "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]}
		else (.options |= (if . then map(select(startswith("uid=") or startswith("gid=") | not)) else . end)) end)
	| .linux.cgroupsPath = "/cg2-rl/c" | .linux.resources.pids = {"limit": 20}'

t_nested() {
	begin "nested cgroupsPath /a/b: every controller enabled along the path, so update of an unset one works"
	track nested
	if up nested; then
		for d in "" /cg2-nested /cg2-nested/a; do
			for c in cpu io memory pids; do
				grep -qw "$c" "$CG$d/cgroup.subtree_control" 2>/dev/null ||
					bad "$c not in $CG$d/cgroup.subtree_control ($(cat "$CG$d/cgroup.subtree_control" 2>&1))"
			done
		done
		eq memory.max "$(rd cg2-nested/a/b/memory.max)" 67108864
		[ -e "$CG/cg2-nested/a/b/cpu.max" ] || bad "no cpu.max in the leaf (cpu not enabled)"
		if m update --cpu-quota 20000 --pids-limit 9 nested >"$LOGS/nested.up" 2>&1; then
			eq "cpu.max after update" "$(rd cg2-nested/a/b/cpu.max)" "20000 100000"
			eq "pids.max after update" "$(rd cg2-nested/a/b/pids.max)" 9
		else
			bad "update of cpu and pids: $(cat "$LOGS/nested.up")"
		fi
	fi
	m delete --force nested >/dev/null 2>&1
	[ ! -d "$CG/cg2-nested/a/b" ] || bad "delete left $CG/cg2-nested/a/b"
	rmdir "$CG/cg2-nested/a/b" "$CG/cg2-nested/a" "$CG/cg2-nested" 2>/dev/null
	finish
}

has_ready() { m exec "$1" cat /dev/shm/ready >/dev/null 2>&1; }

t_check_before_update() {
	begin "memory.checkBeforeUpdate: a limit below the usage is refused, the old one kept, nothing OOM-killed"
	up checkmem || { finish; return; }
	waitfor 10 has_ready checkmem || bad "the container did not fill /dev/shm"
	cur=$(rd cg2-checkmem/memory.current)
	[ "$cur" -gt 33554432 ] 2>/dev/null || bad "memory.current $cur, want > 32 MiB"
	if m update --memory 16m checkmem >"$LOGS/checkmem.1" 2>&1; then
		bad "update --memory 16m below the usage succeeded"
	else
		case $(cat "$LOGS/checkmem.1") in
		*"below the container's memory usage"*checkBeforeUpdate*) ;;
		*) bad "unclear error: $(cat "$LOGS/checkmem.1")" ;;
		esac
	fi
	eq "memory.max kept" "$(rd cg2-checkmem/memory.max)" 268435456
	eq "oom_kill" "$(kv cg2-checkmem/memory.events oom_kill)" 0
	eq status "$(status checkmem)" running
	m update --memory 128m checkmem >"$LOGS/checkmem.2" 2>&1 || bad "update above the usage: $(cat "$LOGS/checkmem.2")"
	eq "memory.max above the usage" "$(rd cg2-checkmem/memory.max)" 134217728
	finish
}

t_cpu_burst_idle_rt() {
	begin "cpu.burst -> cpu.max.burst, cpu.idle -> cpu.idle; realtime is a clear error"
	if up burst; then
		eq cpu.max.burst "$(rd cg2-burst/cpu.max.burst)" 20000
		m update --cpu-burst 10000 burst >"$LOGS/burst.up" 2>&1 || bad "update --cpu-burst: $(cat "$LOGS/burst.up")"
		eq "cpu.max.burst after update" "$(rd cg2-burst/cpu.max.burst)" 10000
		# a quota below the current burst, with a lower burst in the same update
		m update --cpu-quota 8000 --cpu-burst 5000 burst >"$LOGS/burst.up2" 2>&1 || bad "update quota below burst: $(cat "$LOGS/burst.up2")"
		eq "cpu.max after lowering" "$(rd cg2-burst/cpu.max)" "8000 100000"
		eq "cpu.max.burst after lowering" "$(rd cg2-burst/cpu.max.burst)" 5000
	fi
	if up idle; then
		eq cpu.idle "$(rd cg2-idle/cpu.idle)" 1
		m update --cpu-idle 0 idle >"$LOGS/idle.up" 2>&1 || bad "update --cpu-idle: $(cat "$LOGS/idle.up")"
		eq "cpu.idle after update" "$(rd cg2-idle/cpu.idle)" 0
	fi
	track rt
	if m create --bundle "$DIR/b/rt" rt </dev/null >"$LOGS/rt.out" 2>&1; then
		bad "realtimeRuntime on cgroup v2 was accepted"
	else
		case $(cat "$LOGS/rt.out") in *realtimeRuntime*) ;; *) bad "unclear error: $(cat "$LOGS/rt.out")" ;; esac
	fi
	[ ! -d "$CG/cg2-rt" ] || bad "a refused create left $CG/cg2-rt"
	finish
}

t_io_max() {
	begin "blockIO throttle read/write bps/iops -> io.max of a loop device, weightDevice -> io.weight; a missing device is a clear error"
	dd if=/dev/zero of=/tmp/cg2-disk bs=1M count=8 2>/dev/null
	if ! losetup /dev/loop0 /tmp/cg2-disk 2>"$LOGS/losetup"; then
		skip "losetup /dev/loop0: $(cat "$LOGS/losetup")"; rm -f /tmp/cg2-disk; return
	fi
	if up iomax; then
		eq io.max "$(grep '^7:0 ' "$CG/cg2-iomax/io.max")" "7:0 rbps=1048576 wbps=2097152 riops=100 wiops=200"
	fi
	# a per-device weight: io.bfq.weight wants the device on BFQ, io.weight
	# wants io.cost enabled for it; either it is set or the error says which
	echo bfq >/sys/block/loop0/queue/scheduler 2>/dev/null
	echo "7:0 enable=1" >"$CG/io.cost.qos" 2>/dev/null
	track wdev
	if m run -d --bundle "$DIR/b/wdev" wdev </dev/null >"$LOGS/wdev.out" 2>&1; then
		w=$(grep -h '^7:0 ' "$CG/cg2-wdev/io.bfq.weight" "$CG/cg2-wdev/io.weight" 2>/dev/null)
		case $w in "7:0 200" | "7:0 1920") ;; *) bad "weightDevice 7:0 200: got '$w'" ;; esac
	else
		case $(cat "$LOGS/wdev.out") in *"neither the BFQ scheduler nor io.cost"*) echo "NOTE weightDevice: $(cat "$LOGS/wdev.out")" ;;
		*) bad "weightDevice: unclear error: $(cat "$LOGS/wdev.out")" ;; esac
	fi
	m delete --force wdev >/dev/null 2>&1
	echo "7:0 enable=0" >"$CG/io.cost.qos" 2>/dev/null
	track nodev
	if m create --bundle "$DIR/b/nodev" nodev </dev/null >"$LOGS/nodev.out" 2>&1; then
		bad "a throttle for 250:250 was accepted"
	else
		case $(cat "$LOGS/nodev.out") in *"250:250 is not a block device"*) ;; *) bad "unclear error: $(cat "$LOGS/nodev.out")" ;; esac
	fi
	m delete --force iomax >/dev/null 2>&1
	losetup -d /dev/loop0
	rm -f /tmp/cg2-disk
	finish
}

t_memory_more() {
	begin "memory reservation -> memory.low, swap -> memory.swap.max (swap less limit), hugepageLimits -> hugetlb.2MB.max"
	if up memmore; then
		eq memory.low "$(rd cg2-memmore/memory.low)" 33554432
		eq memory.swap.max "$(rd cg2-memmore/memory.swap.max)" 33554432
		eq hugetlb.2MB.max "$(rd cg2-memmore/hugetlb.2MB.max)" 4194304
	fi
	finish
}

t_v1_only() {
	begin "v1-only resources (swappiness, disableOOMKiller, useHierarchy false, kernelTCP, net_cls, net_prio, leafWeight) are clear errors; their defaults pass; memory.kernel is ignored with a warning"
	i=1
	for want in memory.swappiness memory.disableOOMKiller memory.useHierarchy memory.kernelTCP \
		network.classID network.priorities blockIO.leafWeight; do
		id=v1only$i
		track "$id"
		if m create --bundle "$DIR/b/$id" "$id" </dev/null >"$LOGS/$id.out" 2>&1; then
			bad "$want was accepted"
		else
			case $(cat "$LOGS/$id.out") in *"$want"*"cgroup v2"*) ;; *) bad "$want: unclear error: $(cat "$LOGS/$id.out")" ;; esac
		fi
		[ ! -d "$CG/cg2-$id" ] || bad "a refused create left $CG/cg2-$id"
		i=$((i + 1))
	done
	if up v1defaults; then
		case $(cat "$LOGS/v1defaults.out") in *"memory.kernel ignored"*) ;; *) bad "no warning for memory.kernel: $(cat "$LOGS/v1defaults.out")" ;; esac
	fi
	finish
}

# rl CMD: CMD as user 1000, in the user's leaf of the delegated cgroup
rl() { su rl -c "$*"; }

t_rootless() {
	begin "rootless on a delegated cgroup: limits applied, no eBPF device filter tried"
	grep -q '^rl:' /etc/passwd || echo 'rl:x:1000:1000::/tmp:/bin/sh' >>/etc/passwd
	# delegation as systemd does it: the directory and its procs,
	# subtree_control and threads files to the user; the user's shell in a
	# leaf of its own, so the container's cgroup is the user's to move into
	mkdir -p "$CG/cg2-rl/shell"
	chown 1000:1000 "$CG/cg2-rl" "$CG/cg2-rl/cgroup.procs" "$CG/cg2-rl/cgroup.subtree_control" "$CG/cg2-rl/cgroup.threads" 		"$CG/cg2-rl/shell" "$CG/cg2-rl/shell/cgroup.procs"
	mkdir -p /tmp/rl-state /tmp/rl-bundle
	cp "$DIR/b/rootless/config.json" /tmp/rl-bundle/
	chown -R 1000:1000 /tmp/rl-state /tmp/rl-bundle
	# "0": the writer itself, the subshell whose child su is
	out=$( (echo 0 >"$CG/cg2-rl/shell/cgroup.procs" &&
		rl "timeout 60 $DIR/myrunc --root /tmp/rl-state run -d --bundle /tmp/rl-bundle rl1 </dev/null >/tmp/rl-state/out 2>&1; echo rc=\$?; cat /tmp/rl-state/out") 2>&1)
	case $out in rc=0*) ;; *) bad "run -d as user 1000: $out" ;; esac
	st=$(rl "$DIR/myrunc --root /tmp/rl-state state rl1" 2>&1)
	pid=$(echo "$st" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$pid" ] || bad "state as user 1000: $st"
	eq "/proc/<init>/cgroup" "$(cat "/proc/$pid/cgroup" 2>&1)" "0::/cg2-rl/c"
	eq "pids.max" "$(rd cg2-rl/c/pids.max)" 20
	case $out in *"linux.resources are not applied"*) bad "ran without a cgroup: $out" ;; esac
	rl "$DIR/myrunc --root /tmp/rl-state delete --force rl1" >/dev/null 2>&1 || bad "delete --force as user 1000 failed"
	[ ! -d "$CG/cg2-rl/c" ] || bad "delete left $CG/cg2-rl/c"
	rmdir "$CG/cg2-rl/c" "$CG/cg2-rl/shell" "$CG/cg2-rl" 2>/dev/null
	rm -rf /tmp/rl-state /tmp/rl-bundle
	finish
}

