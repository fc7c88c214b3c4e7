#!/usr/bin/env bats
# Namespaces: new ones of each type, and joining existing ones by path.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# ns_of_container ID TYPE: the namespace of TYPE the container's init is in
ns_of_container() {
	readlink "/proc/$(container_pid "$1")/ns/$2"
}

@test "pid namespace: the container's process is pid 1 and sees only its own processes" {
	update_config '.process.args = ["sh", "-c", "echo pid=$$; sleep 100 & ps -o pid,args; kill $!"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = "pid=1" ] || fail "$output"
	# header + sh (pid 1) + sleep + ps
	[ "${#lines[@]}" -eq 5 ] || fail "container sees other processes: $output"
	[[ "${lines[2]}" =~ ^[[:space:]]*1[[:space:]]+sh ]] || fail "$output"
}

@test "pid namespace: the host pid differs from the container pid" {
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	[ "$pid" -gt 1 ]
	grep -q '^NSpid:.*[[:space:]]1$' "/proc/$pid/status" || fail "$(grep NSpid "/proc/$pid/status")"
	[ "$(ns_of_container "$CID" pid)" != "$(host_ns pid)" ]
}

@test "without a pid namespace the container shares the host's" {
	update_config '.linux.namespaces -= [{"type": "pid"}]'
	run_detached "$CID"
	[ "$(ns_of_container "$CID" pid)" = "$(host_ns pid)" ]
}

@test "uts namespace: hostname from config.json" {
	update_config '.hostname = "ctr-host-name"
		| .process.args = ["sh", "-c", "hostname; cat /proc/sys/kernel/hostname"]'
	local before
	before="$(hostname)"
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = ctr-host-name ] && [ "${lines[1]}" = ctr-host-name ] || fail "$output"
	[ "$(hostname)" = "$before" ]
}

@test "uts namespace: domainname from config.json" {
	update_config '.domainname = "ctr.example.test"
		| .process.args = ["cat", "/proc/sys/kernel/domainname"]'
	local before
	before="$(cat /proc/sys/kernel/domainname)"
	run_fg "$CID"
	assert_status 0
	[ "$output" = ctr.example.test ]
	[ "$(cat /proc/sys/kernel/domainname)" = "$before" ]
}

@test "uts namespace is new" {
	run_detached "$CID"
	[ "$(ns_of_container "$CID" uts)" != "$(host_ns uts)" ]
}

@test "ipc namespace is new, and shared with the host without one" {
	run_detached "$CID"
	[ "$(ns_of_container "$CID" ipc)" != "$(host_ns ipc)" ]
	fresh_cgroup
	update_config '.linux.namespaces -= [{"type": "ipc"}]'
	run_detached "$CID2"
	[ "$(ns_of_container "$CID2" ipc)" = "$(host_ns ipc)" ]
}

@test "mount namespace is new" {
	run_detached "$CID"
	[ "$(ns_of_container "$CID" mnt)" != "$(host_ns mnt)" ]
}

@test "network namespace: only a loopback interface" {
	update_config '.process.args = ["sh", "-c", "ls /sys/class/net; echo ---; ip -o link"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = lo ] && [ "${lines[1]}" = --- ] || fail "$output"
	[ "${#lines[@]}" -eq 3 ] || fail "more than lo: $output"
	[[ "${lines[2]}" == *" lo: "* ]] || fail "$output"
	[[ "${lines[2]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]] || fail "lo is not up: $output"
}

@test "network namespace is new, and shared with the host without one" {
	run_detached "$CID"
	[ "$(ns_of_container "$CID" net)" != "$(host_ns net)" ]
	fresh_cgroup
	update_config '.linux.namespaces -= [{"type": "network"}]'
	run_detached "$CID2"
	[ "$(ns_of_container "$CID2" net)" = "$(host_ns net)" ]
}

@test "cgroup namespace: /proc/self/cgroup shows / paths" {
	update_config '.linux.namespaces += [{"type": "cgroup"}] | .process.args = ["cat", "/proc/self/cgroup"]'
	run_fg "$CID"
	assert_status 0
	[ "${#lines[@]}" -gt 0 ]
	local l
	for l in "${lines[@]}"; do
		[[ "$l" == *:/ ]] || fail "not a / path: $l (all: $output)"
	done
}

@test "without a cgroup namespace /proc/self/cgroup shows the cgroupsPath" {
	update_config '.process.args = ["cat", "/proc/self/cgroup"]'
	run_fg "$CID"
	assert_status 0
	grep -q ":pids:$CGROUPS_PATH\$" <<<"$output" || fail "$output"
}

@test "user namespace: root in the container is the mapped uid on the host" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]
		| .process.args = ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; exec sleep 100"]'
	myrunc_detached run -d --bundle "$BUNDLE" "$CID"
	assert_status 0
	retry 5 grep -q 200000 "$STDOUT_FILE" || fail "output: $(cat "$STDOUT_FILE" "$STDERR_FILE")"
	mapfile -t out <"$STDOUT_FILE"
	[ "${out[0]}" = 0 ] && [ "${out[1]}" = 0 ] || fail "id: ${out[*]}"
	[[ "$(squeeze "${out[2]}")" == "0 100000 65536" ]] || fail "uid_map: ${out[2]}"
	[[ "$(squeeze "${out[3]}")" == "0 200000 65536" ]] || fail "gid_map: ${out[3]}"
	local pid
	pid="$(container_pid "$CID")"
	retry 5 grep -q sleep "/proc/$pid/cmdline"
	read -ra uid <<<"$(grep '^Uid:' "/proc/$pid/status")"
	read -ra gid <<<"$(grep '^Gid:' "/proc/$pid/status")"
	[ "${uid[1]}" = 100000 ] || fail "host uid: ${uid[*]}"
	[ "${gid[1]}" = 200000 ] || fail "host gid: ${gid[*]}"
	[ "$(ns_of_container "$CID" user)" != "$(host_ns user)" ]
}

@test "user namespace: a non-root container user maps too" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["sleep", "100"]'
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	retry 5 grep -q sleep "/proc/$pid/cmdline"
	read -ra uid <<<"$(grep '^Uid:' "/proc/$pid/status")"
	[ "${uid[1]}" = 101000 ] || fail "host uid: ${uid[*]}"
}

@test "time namespace: monotonic and boottime offsets" {
	[ -e /proc/self/ns/time ] || skip "kernel has no time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 172800, "nanosecs": 0}}
		| .process.args = ["cat", "/proc/uptime"]'
	local before after inside
	before="$(cut -d. -f1 /proc/uptime)"
	run_fg "$CID"
	assert_status 0
	after="$(cut -d. -f1 /proc/uptime)"
	inside="$(cut -d. -f1 <<<"$output")"
	[[ "$inside" =~ ^[0-9]+$ ]] || fail "output: $output"
	# /proc/uptime is boottime
	[ "$inside" -ge $((before + 172800)) ] && [ "$inside" -le $((after + 172800 + 1)) ] ||
		fail "uptime inside $inside, host $before..$after, offset 172800"
}

@test "time namespace is new and has the configured offsets" {
	[ -e /proc/self/ns/time ] || skip "kernel has no time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 1000, "nanosecs": 500}}
		| .process.args = ["sh", "-c", "cat /proc/self/timens_offsets; exec sleep 100"]'
	run_detached "$CID"
	[ "$(ns_of_container "$CID" time)" != "$(host_ns time)" ]
	retry 5 grep -q boottime "$STDOUT_FILE" || fail "output: $(cat "$STDOUT_FILE" "$STDERR_FILE")"
	grep -Eq '^monotonic[[:space:]]+1000[[:space:]]+500$' "$STDOUT_FILE" || fail "offsets: $(cat "$STDOUT_FILE")"
	grep -Eq '^boottime[[:space:]]+0[[:space:]]+0$' "$STDOUT_FILE" || fail "offsets: $(cat "$STDOUT_FILE")"
}

@test "join a network namespace made with ip netns add" {
	local ns
	ns="myrunc-test-$(rand_hex 8)"
	ip netns add "$ns"
	on_teardown "ip netns delete $ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add 127.0.0.42/32 dev lo
	ip -n "$ns" link add mrtest0 type veth peer name mrtest1
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)
		| .process.args = ["sh", "-c", "ip -o link show dev lo; ip -o addr show dev lo; ls /sys/class/net; readlink /proc/self/ns/net"]' \
		--arg p "/run/netns/$ns"
	run_fg "$CID"
	assert_status 0
	assert_output_contains "127.0.0.42" "mrtest0" "mrtest1" "<LOOPBACK,UP,LOWER_UP>"
	[ "${lines[-1]}" = "$(ip netns exec "$ns" readlink /proc/self/ns/net)" ] || fail "$output"
	# the namespace is still there and untouched after the container is gone
	ip -n "$ns" -o addr show dev lo | grep -q 127.0.0.42
}

@test "join another container's net, ipc, uts and pid namespaces" {
	update_config '.hostname = "first-ctr"'
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	fresh_cgroup
	update_config 'del(.hostname)
		| .linux.namespaces |= map(if (.type | IN("network", "ipc", "uts", "pid")) then .path = ($p + "/" + ({"network": "net"}[.type] // .type)) else . end)' \
		--arg p "/proc/$pid/ns"
	update_config '.process.args = ["sh", "-c", "hostname >/joined.out; exec sleep 100"]'
	run_detached "$CID2"
	local pid2 t
	pid2="$(container_pid "$CID2")"
	for t in net ipc uts pid; do
		[ "$(readlink "/proc/$pid2/ns/$t")" = "$(readlink "/proc/$pid/ns/$t")" ] || fail "$t namespace not joined"
	done
	[ "$(readlink "/proc/$pid2/ns/mnt")" != "$(readlink "/proc/$pid/ns/mnt")" ] || fail "mnt namespace shared"
	wait_for_file "$BUNDLE/rootfs/joined.out"
	[ "$(cat "$BUNDLE/rootfs/joined.out")" = first-ctr ]
	# in the joined pid namespace, the first container's init is pid 1
	grep -q '^NSpid:.*[[:space:]]1$' "/proc/$pid/status"
	! grep -q '^NSpid:.*[[:space:]]1$' "/proc/$pid2/status" || fail "second container is pid 1 of its own namespace"
}

@test "join another container's user namespace (and make new ones inside it)" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .process.args = ["sleep", "100"]'
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	fresh_cgroup
	# joined by path: no mappings of our own; pid, mount, net, ipc, uts are new
	update_config '.linux.namespaces |= map(if .type == "user" then .path = $p else . end)
		| del(.linux.uidMappings, .linux.gidMappings)
		| .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; echo pid=$$; exec sleep 100"]' \
		--arg p "/proc/$pid/ns/user"
	myrunc_detached run -d --bundle "$BUNDLE" "$CID2"
	assert_status 0
	retry 5 grep -q pid= "$STDOUT_FILE" || fail "output: $(cat "$STDOUT_FILE" "$STDERR_FILE")"
	mapfile -t out <"$STDOUT_FILE"
	[ "${out[0]}" = 0 ] || fail "id: ${out[*]}"
	[[ "$(squeeze "${out[1]}")" == "0 100000 65536" ]] || fail "uid_map: ${out[1]}"
	[ "${out[2]}" = pid=1 ] || fail "not pid 1 of a new pid namespace: ${out[2]}"
	local pid2
	pid2="$(container_pid "$CID2")"
	[ "$(readlink "/proc/$pid2/ns/user")" = "$(readlink "/proc/$pid/ns/user")" ] || fail "user namespace not joined"
	for t in pid mnt net; do
		[ "$(readlink "/proc/$pid2/ns/$t")" != "$(readlink "/proc/$pid/ns/$t")" ] || fail "$t namespace shared"
	done
	read -ra uid <<<"$(grep '^Uid:' "/proc/$pid2/status")"
	[ "${uid[1]}" = 100000 ] || fail "host uid: ${uid[*]}"
	# state and kill know the real init, not the process that joined
	[ "$(container_state "$CID2" | jq -r .pid)" = "$pid2" ]
	myrunc kill "$CID2" KILL
	assert_status 0
	wait_for_status "$CID2" stopped
}

@test "join a mount namespace by path" {
	# a private mount namespace that has one more mount inside the rootfs
	mkdir -p "$BUNDLE/rootfs/mnt/marker"
	unshare --mount --propagation private sh -c \
		"mount -t tmpfs tmpfs '$BUNDLE/rootfs/mnt/marker' && echo only-there >'$BUNDLE/rootfs/mnt/marker/f' && exec sleep 100" &
	local holder=$!
	on_teardown "kill -9 $holder"
	retry 5 nsenter -t "$holder" -m test -e "$BUNDLE/rootfs/mnt/marker/f"
	update_config '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)
		| .process.args = ["cat", "/mnt/marker/f"]' --arg p "/proc/$holder/ns/mnt"
	run_fg "$CID"
	assert_status 0
	[ "$output" = only-there ] || fail "output: $output"
	[ ! -e "$BUNDLE/rootfs/mnt/marker/f" ] || fail "the holder's mount leaked to the host"
}

@test "join another container's time namespace by path" {
	[ -e /proc/self/ns/time ] || skip "kernel has no time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 172800, "nanosecs": 0}}
		| .process.args = ["sleep", "100"]'
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	fresh_cgroup
	update_config '.linux.namespaces |= map(if .type == "time" then .path = $p else . end)
		| del(.linux.timeOffsets) | .process.args = ["cat", "/proc/uptime"]' --arg p "/proc/$pid/ns/time"
	local before inside
	before="$(cut -d. -f1 /proc/uptime)"
	run_fg "$CID2"
	assert_status 0
	inside="$(cut -d. -f1 <<<"$output")"
	[ "$inside" -ge $((before + 172800)) ] || fail "uptime inside $inside, host $before, offset 172800"
}

@test "join another container's cgroup namespace by path" {
	update_config '.linux.namespaces += [{"type": "cgroup"}] | .process.args = ["sleep", "100"]'
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	fresh_cgroup
	update_config '.linux.namespaces |= map(if .type == "cgroup" then .path = $p else . end)' \
		--arg p "/proc/$pid/ns/cgroup"
	run_detached "$CID2"
	[ "$(readlink "/proc/$(container_pid "$CID2")/ns/cgroup")" = "$(readlink "/proc/$pid/ns/cgroup")" ]
}

@test "joining a namespace path that is not a namespace fails cleanly" {
	update_config '.linux.namespaces |= map(if .type == "mount" then .path = "/etc/hostname" else . end)'
	myrunc create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ] || fail "create succeeded"
	assert_nothing_left
}
