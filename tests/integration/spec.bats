#!/usr/bin/env bats
# spec: writes a default config.json, like `runc spec`.

load helpers

setup() {
	setup_test
	SPEC_DIR="$TEST_DIR/specdir"
	mkdir -p "$SPEC_DIR"
}
teardown() { teardown_test; }

@test "spec --bundle DIR writes a valid default config.json" {
	run -0 "$MYRUNC" spec --bundle "$SPEC_DIR"
	[ -f "$SPEC_DIR/config.json" ]
	jq -e . "$SPEC_DIR/config.json" >/dev/null
	[ "$(jq -c .process.args "$SPEC_DIR/config.json")" = '["sh"]' ]
	[ "$(jq -r .process.terminal "$SPEC_DIR/config.json")" = true ]
	[ "$(jq -r .root.path "$SPEC_DIR/config.json")" = rootfs ]
	[[ "$(jq -r .ociVersion "$SPEC_DIR/config.json")" =~ ^1\.[0-9]+\.[0-9]+ ]]
	[ "$(jq -r .process.cwd "$SPEC_DIR/config.json")" = / ]
	[ "$(jq -r .process.user.uid "$SPEC_DIR/config.json")" = 0 ]
}

@test "spec default config has pid, network, ipc, uts and mount namespaces" {
	run -0 "$MYRUNC" spec --bundle "$SPEC_DIR"
	local ns
	ns="$(jq -r '[.linux.namespaces[].type] | sort | join(",")' "$SPEC_DIR/config.json")"
	for t in ipc mount network pid uts; do
		[[ ",$ns," == *",$t,"* ]] || fail "namespace $t missing: $ns"
	done
	[[ ",$ns," != *",user,"* ]] || fail "default spec must not have a user namespace: $ns"
}

@test "spec default config has /proc, /dev, /dev/pts, /sys mounts and a PATH" {
	run -0 "$MYRUNC" spec --bundle "$SPEC_DIR"
	local dests
	dests="$(jq -r '.mounts[].destination' "$SPEC_DIR/config.json")"
	for d in /proc /dev /dev/pts /sys; do
		grep -qx "$d" <<<"$dests" || fail "mount $d missing: $dests"
	done
	jq -e '.process.env | map(select(startswith("PATH="))) | length == 1' "$SPEC_DIR/config.json" >/dev/null
}

@test "spec without --bundle writes config.json in the current directory" {
	run -0 bash -c 'cd "$1" && "$2" spec' _ "$SPEC_DIR" "$MYRUNC"
	[ -f "$SPEC_DIR/config.json" ]
	jq -e . "$SPEC_DIR/config.json" >/dev/null
}

@test "spec refuses to overwrite an existing config.json" {
	echo '{"keep": "me"}' >"$SPEC_DIR/config.json"
	run "$MYRUNC" spec --bundle "$SPEC_DIR"
	[ "$status" -ne 0 ]
	assert_output_contains "exists"
	[ "$(cat "$SPEC_DIR/config.json")" = '{"keep": "me"}' ]
}

@test "spec --rootless adds a user namespace mapping the current user" {
	run -0 "$MYRUNC" spec --rootless --bundle "$SPEC_DIR"
	local cfg="$SPEC_DIR/config.json"
	jq -e '[.linux.namespaces[].type] | index("user") != null' "$cfg" >/dev/null ||
		fail "no user namespace: $(jq -c .linux.namespaces "$cfg")"
	jq -e --argjson u "$(id -u)" '.linux.uidMappings | any(.containerID == 0 and .hostID == $u and .size >= 1)' "$cfg" >/dev/null ||
		fail "uidMappings: $(jq -c .linux.uidMappings "$cfg")"
	jq -e --argjson g "$(id -g)" '.linux.gidMappings | any(.containerID == 0 and .hostID == $g and .size >= 1)' "$cfg" >/dev/null ||
		fail "gidMappings: $(jq -c .linux.gidMappings "$cfg")"
	# a rootless container cannot create a network namespace it could use
	jq -e '[.linux.namespaces[].type] | index("network") == null' "$cfg" >/dev/null ||
		fail "rootless spec keeps a network namespace"
}

@test "spec output runs: a default bundle with args changed runs a command" {
	setup_bundle echo spec-ok
	run_fg "$CID"
	assert_status 0
	[ "$output" = spec-ok ]
}
