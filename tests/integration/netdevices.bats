#!/usr/bin/env bats
# linux.netDevices (runtime-spec 1.3): create moves host network devices
# into the container's network namespace, renamed when asked, with their
# permanent global addresses, and sets them up. Each test runs myrunc
# inside its own netlab "host" netns (tests/tools/netlab.sh); the "host
# device" is one end of a veth pair made there. Nothing touches the real
# host's network.
#
# At delete the runtime leaves the devices alone, as the spec requires
# ("MUST NOT attempt to move the interface out of the namespace before
# deletion"): the kernel moves physical devices back to the initial netns
# and destroys virtual ones (a veth takes its peer with it). A create that
# fails gives the devices back under their own names.

load lab_helpers

setup() {
	setup_test
	lab_up
}

teardown() { lab_teardown netdevices_cleanup; }

netdevices_cleanup() {
	local id
	for id in $(ls "$ROOT" 2>/dev/null); do
		timeout 20 "${HOST_ENTER[@]}" "$MYRUNC" --root "$ROOT" delete -f "$id" </dev/null >/dev/null 2>&1 3>&- || true
	done
	# a failed test may leave the pair in the lab: not a leak of ours
	"${HOST_ENTER[@]}" ip link del nd0 >/dev/null 2>&1 || true
	retry 20 lab_settled || true
}

H() { "${HOST_ENTER[@]}" "$@"; }

# the kernel destroys a dead netns's veths from a work queue
lab_settled() { ! H ip link show nd0 >/dev/null 2>&1 && ! H ip link show nd0p >/dev/null 2>&1; }

# host_device: the veth pair nd0 (the device to move, 10.77.0.1/24, up)
# <-> nd0p in the lab's host netns
host_device() {
	H ip link add nd0 type veth peer name nd0p || fail "veth pair"
	H ip addr add 10.77.0.1/24 dev nd0 || fail "address"
	H ip link set nd0 up && H ip link set nd0p up || fail "link up"
}

@test "netDevices: a host device is moved in, renamed, with its address, up; delete leaves it to the kernel" {
	host_device
	setup_bundle sleep 1000
	update_config '.linux.netDevices = {"nd0": {"name": "ctr0"}}'
	MR run -d --bundle "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/run.out" 2>&1 || fail "run: $(cat "$TEST_DIR/run.out")"
	cexec "$CID" 'ip -o addr show ctr0; cat /sys/class/net/ctr0/operstate; ls /sys/class/net'
	[ "$status" -eq 0 ] || fail "no ctr0 in the container"
	assert_output_contains "inet 10.77.0.1/24" "up"
	assert_output_not_contains "nd0"
	H ip link show nd0 >/dev/null 2>&1 && fail "nd0 is still on the lab's host"
	# the peer stayed on the host: traffic crosses the moved device
	H ip addr add 10.77.0.2/24 dev nd0p || fail "peer address"
	H "${BUSYBOX:-/bin/busybox}" ping -c1 -W2 10.77.0.1 >/dev/null || fail "no answer from ctr0 in the container"
	H ip addr del 10.77.0.2/24 dev nd0p
	mr -0 kill "$CID" KILL
	retry 20 sh -c "! '$MYRUNC' --root '$ROOT' state '$CID' 2>/dev/null | grep -q running"
	mr -0 delete "$CID"
	# the netns is gone: the kernel destroyed the veth and its peer
	retry 20 lab_settled || fail "nd0/nd0p still exist after delete: $(H ip -o link)"
	assert_nothing_left
}

@test "netDevices: a create that fails after the move gives the device back under its own name" {
	host_device
	setup_bundle sleep 1000
	update_config '.linux.netDevices = {"nd0": {"name": "ctr0"}}
		| .hooks.createRuntime = [{"path": "/bin/false"}]'
	mr ! create --bundle "$BUNDLE" "$CID"
	assert_output_contains "createRuntime"
	run H ip -o addr show nd0
	echo "$output"
	[ "$status" -eq 0 ] || fail "nd0 did not come back to the lab's host"
	assert_output_contains "inet 10.77.0.1/24"
	H ip -o link show nd0 | grep -q "state UP" || fail "nd0 is not up again: $(H ip -o link show nd0)"
	H ip link show ctr0 >/dev/null 2>&1 && fail "ctr0 is on the lab's host"
	assert_nothing_left
}

@test "netDevices: a missing host device fails create, naming it, with nothing left" {
	setup_bundle sleep 1000
	update_config '.linux.netDevices = {"nope0": {}}'
	mr ! create --bundle "$BUNDLE" "$CID"
	# (the log quotes the message: its quotes come escaped)
	assert_output_contains 'linux.netDevices[\"nope0\"]: no network device \"nope0\" in the runtime'
	[ ! -e "$ROOT/$CID" ] || fail "state dir left"
	assert_nothing_left
}

@test "netDevices: without a network namespace of its own, create fails naming the field" {
	host_device
	setup_bundle sleep 1000
	update_config '.linux.netDevices = {"nd0": {}} | .linux.namespaces |= map(select(.type != "network"))'
	mr ! create --bundle "$BUNDLE" "$CID"
	assert_output_contains "linux.netDevices: requires a network namespace"
	H ip link show nd0 >/dev/null 2>&1 || fail "nd0 left the lab's host"
	assert_nothing_left
	H ip link del nd0
}

@test "netDevices: into a joined network namespace, with a %d template name; delete leaves the device there" {
	host_device
	local ns="${ID_BASE}-ctr"
	ip netns add "$ns" || fail "ip netns add"
	on_teardown "ip netns del '$ns'"
	setup_bundle sleep 1000
	update_config '.linux.netDevices = {"nd0": {"name": "cx%d"}}
		| .linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "/run/netns/$ns"
	MR run -d --bundle "$BUNDLE" "$CID" </dev/null >"$TEST_DIR/run.out" 2>&1 || fail "run: $(cat "$TEST_DIR/run.out")"
	run nsenter "--net=/run/netns/$ns" ip -o addr show cx0
	echo "$output"
	[ "$status" -eq 0 ] || fail "no cx0 in the joined netns"
	assert_output_contains "inet 10.77.0.1/24"
	mr -0 delete -f "$CID"
	# the namespace outlives the container, and so does the device in it
	nsenter "--net=/run/netns/$ns" ip link show cx0 >/dev/null || fail "cx0 left the joined netns at delete"
	H ip link show nd0 >/dev/null 2>&1 && fail "nd0 came back to the lab's host"
	ip netns del "$ns"
	retry 20 lab_settled || fail "nd0p still on the lab's host after its peer's netns went"
	assert_nothing_left
}
