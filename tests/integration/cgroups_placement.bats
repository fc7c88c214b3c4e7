#!/usr/bin/env bats
# Where a container's cgroup goes: v1 hierarchies as the mount table has
# them, and never a cgroup that is in use (processes in it, or frozen).

load helpers

setup() {
	setup_test
	setup_bundle
	[ -d "$CGROUP_MNT/freezer" ] || skip "needs cgroup v1 hierarchies (this host's layout)"
}
teardown() { teardown_test; }

@test "cgroups v1: a plain directory under /sys/fs/cgroup is not a controller" {
	# in a private mount namespace, /sys/fs/cgroup is a fresh tmpfs with
	# the host's hierarchies bound into it, and a plain net_cls directory
	# as some tools make (net_cls is not mounted on this host)
	[ ! -e "$CGROUP_MNT/net_cls" ] || skip "net_cls exists on this host"
	cat >"$TEST_DIR/in-ns.sh" <<-EOF
		set -e
		mkdir -p "$TEST_DIR/real"
		mount --rbind /sys/fs/cgroup "$TEST_DIR/real"
		mount -t tmpfs -o mode=755 fake-cgroup-root /sys/fs/cgroup
		for d in "$TEST_DIR"/real/*; do
			n=\${d##*/}
			if [ -L "\$d" ]; then cp -P "\$d" /sys/fs/cgroup/; continue; fi
			mkdir /sys/fs/cgroup/\$n
			mount --bind "\$d" /sys/fs/cgroup/\$n
		done
		mkdir /sys/fs/cgroup/net_cls /sys/fs/cgroup/net_prio
		"$MYRUNC" --root "$ROOT" run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$TEST_DIR/run.err"
		echo "in net_cls: \$(find /sys/fs/cgroup/net_cls /sys/fs/cgroup/net_prio -mindepth 1 | wc -l)"
		"$MYRUNC" --root "$ROOT" delete -f "$CID"
		echo deleted
	EOF
	run timeout 60 unshare -m --propagation private bash "$TEST_DIR/in-ns.sh" 3>&-
	echo "$output"
	cat "$TEST_DIR/run.err" || true
	assert_status 0
	assert_output_contains "in net_cls: 0" deleted
	assert_nothing_left
}

@test "create into a cgroup that already has processes fails, and leaves that cgroup alone" {
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	myrunc_detached create --bundle "$BUNDLE" "$CID2"
	assert_error
	assert_output_contains "linux.cgroupsPath $CGROUPS_PATH: the cgroup already has 1 processes"
	[ "$(container_status "$CID")" = running ]
	grep -qx "$pid" "$CGROUP_MNT/pids$CGROUPS_PATH/cgroup.procs" || fail "the first container's cgroup was changed"
	[ ! -d "$ROOT/$CID2" ] || fail "state of the failed create left"
}

@test "create into a frozen cgroup fails at once" {
	local cg="$CGROUP_MNT/freezer$CGROUPS_PATH"
	mkdir -p "$cg"
	on_teardown "rmdir '$cg'"
	echo FROZEN >"$cg/freezer.state"
	on_teardown "echo THAWED >'$cg/freezer.state'"
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "linux.cgroupsPath $CGROUPS_PATH: the cgroup is frozen"
	[ "$(cat "$cg/freezer.state")" = FROZEN ] || fail "the cgroup was thawed or removed"
	[ ! -d "$ROOT/$CID" ] || fail "state of the failed create left"

	# a new cgroup under a frozen parent would start frozen too
	CGROUPS_PATH="$CGROUPS_PATH/child"
	update_config '.linux.cgroupsPath = $cg' --arg cg "$CGROUPS_PATH"
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "linux.cgroupsPath $CGROUPS_PATH: the cgroup would be frozen: ${CGROUPS_PATH%/child} above it is frozen"
	[ ! -d "$cg/child" ] || fail "the child cgroup made under the frozen parent is left"
}
