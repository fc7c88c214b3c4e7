#!/usr/bin/env bats
# myrunc check: what this host can and cannot do, each problem with a fix.

load helpers

setup() { setup_test; }
teardown() { teardown_test; }

@test "check reports cgroups, overlayfs, namespaces, seccomp, nftables and the id-map helpers, and exits 0 here" {
	run "$MYRUNC" --data-root "$TEST_DIR/data" check
	echo "$output"
	[ "$status" = 0 ]
	for area in user kernel cgroups overlayfs namespaces seccomp nftables newuidmap; do
		grep -qE "^\[(ok  |info|warn|FAIL)\] $area " <<<"$output" || fail "no $area line"
	done
	# every warn and FAIL line is followed by its fix
	run awk '/^\[(warn|FAIL)\]/ { getline n; if (n !~ /fix: /) { print "no fix for: " $0; bad=1 } } END { exit bad }' <<<"$output"
	[ "$status" = 0 ]
	run "$MYRUNC" --data-root "$TEST_DIR/data" check -q
	! grep -q '^\[ok' <<<"$output"
	# nothing left but the engine program's cache (engine commands run it from there)
	[ -z "$(ls -A "$TEST_DIR/data" 2>/dev/null | grep -v '^\.cache$')" ]
}

@test "check fails, with a fix, when the data root is on a filesystem overlayfs cannot use" {
	mkdir -p "$TEST_DIR"/{l,u,w,m}
	mount -t overlay overlay -o "lowerdir=$TEST_DIR/l,upperdir=$TEST_DIR/u,workdir=$TEST_DIR/w" "$TEST_DIR/m"
	on_teardown "umount '$TEST_DIR/m'"
	run "$MYRUNC" --data-root "$TEST_DIR/m/data" check
	echo "$output"
	[ "$status" = 1 ]
	grep -q '^\[FAIL\] overlayfs' <<<"$output"
	assert_output_contains "fix: put --data-root on ext4 or xfs" "cannot run containers"
}
