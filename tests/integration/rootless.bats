#!/usr/bin/env bats
# Rootless: an unprivileged user runs containers with `spec --rootless`,
# state under $XDG_RUNTIME_DIR, no cgroup of its own; ranges beyond its own
# ids come from /etc/subuid and /etc/subgid through newuidmap/newgidmap.

load helpers

setup_file() {
	RL_USER="myrunc-rl-$$"
	useradd -M -d /nonexistent -s /bin/sh "$RL_USER"
	# subordinate ids, as a distribution would give a new user
	echo "$RL_USER:300000:65536" >>/etc/subuid
	echo "$RL_USER:300000:65536" >>/etc/subgid
	export RL_USER
}

teardown_file() {
	userdel "$RL_USER" 2>/dev/null || true
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
}

setup() {
	setup_test
	make_rootfs "$TEST_DIR/rl/rootfs"
	RL_DIR="$TEST_DIR/rl"
	cp "$MYRUNC" "$RL_DIR/myrunc"
	mkdir -p "$RL_DIR/xdg"
	chown -R "$RL_USER:$RL_USER" "$RL_DIR"
	chmod 0700 "$RL_DIR/xdg"
	as_user spec --rootless --bundle "$RL_DIR"
	[ "$status" -eq 0 ] || fail "spec --rootless: $output"
	jq '.process.terminal = false | .process.args = ["sleep", "100"]' "$RL_DIR/config.json" >"$RL_DIR/c" &&
		mv "$RL_DIR/c" "$RL_DIR/config.json" && chown "$RL_USER:" "$RL_DIR/config.json"
}

teardown() {
	local id left rc=0
	for id in $(su "$RL_USER" -c "XDG_RUNTIME_DIR='$RL_DIR/xdg' '$RL_DIR/myrunc' list -q" 2>/dev/null); do
		as_user delete -f "$id"
	done
	left="$(ls "$RL_DIR/xdg/myrunc" 2>/dev/null)"
	teardown_test || rc=$?
	# a leak fails the test, after the clean-up above has run
	if [ -n "$left" ]; then
		fail "rootless state left after delete -f of every container: $left"
		return 1
	fi
	return $rc
}

# as_user ARGS...: myrunc as the unprivileged user, in $RL_DIR
as_user() {
	run su "$RL_USER" -c "cd '$RL_DIR' && XDG_RUNTIME_DIR='$RL_DIR/xdg' exec ./myrunc $(printf '%q ' "$@")"
}

# as_user_detached ARGS...: the same with stdio in files: a detached
# container keeps its stdio, which must not be bats' capture pipe
as_user_detached() {
	status=0
	su "$RL_USER" -c "cd '$RL_DIR' && XDG_RUNTIME_DIR='$RL_DIR/xdg' exec ./myrunc $(printf '%q ' "$@") </dev/null >'$RL_DIR/out' 2>&1" || status=$?
	output="$(cat "$RL_DIR/out")"
}

rl_config() {
	jq "$@" "$RL_DIR/config.json" >"$RL_DIR/c" && mv "$RL_DIR/c" "$RL_DIR/config.json" && chown "$RL_USER:" "$RL_DIR/config.json"
}

@test "rootless: spec --rootless maps the user to root and drops what needs privilege" {
	run jq -r '[.linux.namespaces[].type] | join(" ")' "$RL_DIR/config.json"
	[[ " $output " == *" user "* ]] || fail "no user namespace: $output"
	[[ " $output " != *" network "* ]] || fail "a network namespace in a rootless spec: $output"
	[ "$(jq -r '.linux.uidMappings[0].hostID' "$RL_DIR/config.json")" = "$(id -u "$RL_USER")" ]
	[ "$(jq -r '.linux.uidMappings[0].containerID' "$RL_DIR/config.json")" = 0 ]
}

@test "rootless: run as root of the container, the user on the host" {
	rl_config '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map"]'
	as_user run rl1
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = 0 ] || fail "$output"
	[[ "$(squeeze "${lines[1]}")" == "0 $(id -u "$RL_USER") 1" ]] || fail "uid_map: ${lines[1]}"
	[ -z "$(ls "$RL_DIR/xdg/myrunc")" ] || fail "state left after run"
}

@test "rootless: run -d, state under XDG_RUNTIME_DIR, exec, kill, delete" {
	as_user_detached run -d rl2
	[ "$status" -eq 0 ] || fail "$output"
	[ -f "$RL_DIR/xdg/myrunc/rl2/state.json" ] || fail "no state under \$XDG_RUNTIME_DIR/myrunc"
	as_user state rl2
	[ "$(jq -r .status <<<"$output")" = running ] || fail "$output"
	local pid
	pid="$(jq -r .pid <<<"$output")"
	read -ra uid <<<"$(grep '^Uid:' "/proc/$pid/status")"
	[ "${uid[1]}" = "$(id -u "$RL_USER")" ] || fail "host uid: ${uid[*]}"
	as_user exec rl2 sh -c 'id -u; exit 6'
	[ "$status" -eq 6 ] || fail "exec: $status $output"
	[ "${lines[0]}" = 0 ]
	# a user namespace that denies setgroups cannot give the groups
	# /etc/group implies: they are left out, not a failure
	sed -i 's/^extra:x:2000:user$/extra:x:2000:user,root/' "$RL_DIR/rootfs/etc/group"
	as_user exec --user root rl2 id -u
	[ "$status" -eq 0 ] && [ "$output" = 0 ] || fail "exec --user root: $output"
	as_user kill rl2 KILL
	[ "$status" -eq 0 ] || fail "$output"
	retry 10 bash -c "su '$RL_USER' -c \"XDG_RUNTIME_DIR='$RL_DIR/xdg' '$RL_DIR/myrunc' state rl2\" | grep -q stopped"
	as_user delete rl2
	[ "$status" -eq 0 ] || fail "$output"
	[ ! -e "$RL_DIR/xdg/myrunc/rl2" ]
}

@test "rootless: no cgroup is needed; pause says why it cannot" {
	as_user_detached run -d rl3
	[ "$status" -eq 0 ] || fail "$output"
	as_user pause rl3
	[ "$status" -ne 0 ] || fail "pause succeeded without a cgroup"
	[[ "$output" == *cgroup* ]] || fail "$output"
}

# rl_subid_maps UID_RANGE_HOST GID_RANGE_HOST: map root to the user, and
# ids 1..65536 to the given subordinate ranges (newuidmap/newgidmap write them)
rl_subid_maps() {
	rl_config --argjson u "$(id -u "$RL_USER")" --argjson g "$(id -g "$RL_USER")" \
		--argjson su "$1" --argjson sg "$2" '.root.readonly = false
		| .linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $su, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $sg, size: 65536}]'
}

@test "rootless: subordinate ids from /etc/subuid are mapped; chown to one reaches the host" {
	rl_subid_maps 300000 300000
	# the default process may not chown: give it the capability
	rl_config '.process.capabilities |= with_entries(.value += ["CAP_CHOWN"])
		| .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/f && chown 1000:1000 /tmp/f && echo chowned"]'
	as_user run rl5
	[ "$status" -eq 0 ] || fail "$output"
	[ "${lines[0]}" = 0 ] || fail "not root in the container: $output"
	local u g
	u="$(id -u "$RL_USER")" g="$(id -g "$RL_USER")"
	[ "$(squeeze "${lines[1]}")" = "0 $u 1" ] || fail "uid_map: $output"
	[ "$(squeeze "${lines[2]}")" = "1 300000 65536" ] || fail "uid_map: $output"
	[ "$(squeeze "${lines[3]}")" = "0 $g 1" ] || fail "gid_map: $output"
	[ "$(squeeze "${lines[4]}")" = "1 300000 65536" ] || fail "gid_map: $output"
	[ "${lines[5]}" = chowned ] || fail "$output"
	# container id 1000 is host id 300000 + 999
	[ "$(stat -c %u:%g "$RL_DIR/rootfs/tmp/f")" = 300999:300999 ] || fail "host owner: $(stat -c %u:%g "$RL_DIR/rootfs/tmp/f")"
}

@test "rootless: exec joins a container with subordinate ids, as root and as a mapped user" {
	rl_subid_maps 300000 300000
	as_user_detached run -d rl6
	[ "$status" -eq 0 ] || fail "$output"
	as_user exec rl6 sh -c 'id -u; cat /proc/self/uid_map'
	[ "$status" -eq 0 ] || fail "exec: $output"
	[ "${lines[0]}" = 0 ] || fail "$output"
	[ "$(squeeze "${lines[2]}")" = "1 300000 65536" ] || fail "uid_map seen by exec: $output"
	as_user exec --user 1000:1000 rl6 sh -c 'id -u; id -g; touch /tmp/g'
	[ "$status" -eq 0 ] || fail "exec --user 1000:1000: $output"
	[ "$(squeeze "$output")" = "1000 1000" ] || fail "$output"
	[ "$(stat -c %u:%g "$RL_DIR/rootfs/tmp/g")" = 300999:300999 ] || fail "host owner: $(stat -c %u:%g "$RL_DIR/rootfs/tmp/g")"
	# a name, with its groups: newgidmap left setgroups allowed for granted ranges
	as_user exec --user user rl6 sh -c 'id -u; id -G'
	[ "$status" -eq 0 ] || fail "exec --user user: $output"
	[ "${lines[0]}" = 1000 ] && [[ " ${lines[1]} " == *" 2000 "* ]] || fail "$output"
}

@test "rootless: ranges not granted in /etc/subuid or /etc/subgid, or no root in the map, fail clearly, leaving nothing" {
	rl_subid_maps 400000 300000
	as_user run rl7
	[ "$status" -ne 0 ] || fail "an ungranted uid range was mapped: $output"
	[[ "$output" == *newuidmap*"not allowed"* ]] || fail "no newuidmap error: $output"
	[[ "$output" == *linux.uidMappings* ]] || fail "$output"
	[ -z "$(ls "$RL_DIR/xdg/myrunc" 2>/dev/null)" ] || fail "state left: $(ls "$RL_DIR/xdg/myrunc")"
	[ -z "$(leaked_pids)" ] || fail "processes left: $(leaked_pids)"

	rl_subid_maps 300000 400000
	as_user run rl7
	[ "$status" -ne 0 ] || fail "an ungranted gid range was mapped: $output"
	[[ "$output" == *newgidmap*"not allowed"* ]] || fail "no newgidmap error: $output"
	[ -z "$(ls "$RL_DIR/xdg/myrunc" 2>/dev/null)" ] || fail "state left: $(ls "$RL_DIR/xdg/myrunc")"
	[ -z "$(leaked_pids)" ] || fail "processes left: $(leaked_pids)"

	# the init starts as root of its namespace: id 0 must be mapped
	rl_config '.linux.uidMappings = [{containerID: 1, hostID: 300000, size: 65536}]'
	as_user run rl7
	[ "$status" -ne 0 ] || fail "a map without root was accepted: $output"
	[[ "$output" == *"linux.uidMappings: must map container id 0"* ]] || fail "$output"
	[ -z "$(ls "$RL_DIR/xdg/myrunc" 2>/dev/null)" ] || fail "state left: $(ls "$RL_DIR/xdg/myrunc")"
}
