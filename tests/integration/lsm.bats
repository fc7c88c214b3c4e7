#!/usr/bin/env bats
# AppArmor and SELinux fields. myrunc applies neither (features says so),
# and like runc on a host without them it refuses process.apparmorProfile
# and process.selinuxLabel, and ignores linux.mountLabel.

load helpers

setup() {
	setup_test
	# the messages below are for a host without either LSM, like this one
	if grep -q Y /sys/module/apparmor/parameters/enabled 2>/dev/null || [ -e /sys/fs/selinux/enforce ]; then
		skip "the host enforces AppArmor or SELinux"
	fi
	setup_bundle
}
teardown() { teardown_test; }

@test "lsm: features says neither AppArmor nor SELinux is available" {
	myrunc features
	assert_status 0
	[ "$(jq -c '[.linux.apparmor.enabled, .linux.selinux.enabled]' <<<"$output")" = '[false,false]' ] ||
		fail "features: $(jq -c '.linux | {apparmor, selinux}' <<<"$output")"
}

@test "lsm: process.apparmorProfile is refused before anything is created" {
	update_config '.process.apparmorProfile = "docker-default"'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "process.apparmorProfile: AppArmor profile" docker-default "is set, but AppArmor is not enabled on this host"
	assert_nothing_left
	run_fg "$CID"
	assert_error
	assert_output_contains "process.apparmorProfile"
	assert_nothing_left
}

@test "lsm: process.selinuxLabel is refused before anything is created" {
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "process.selinuxLabel: SELinux label" "system_u:system_r:container_t:s0:c1,c2" "is set, but SELinux is disabled or not supported on this host"
	assert_nothing_left
}

@test "lsm: linux.mountLabel is ignored without SELinux" {
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"
		| .process.args = ["sh", "-c", "grep -c context= /proc/self/mountinfo; echo ran"]'
	run_fg "$CID"
	assert_status 0
	[ "$(squeeze "$output")" = "0 ran" ] || fail "output: $output"
}

@test "lsm: exec --apparmor, --process-label and a --process file with either are refused" {
	run_detached "$CID"
	myrunc exec --apparmor docker-default "$CID" true
	assert_error
	assert_output_contains "process.apparmorProfile" "AppArmor is not enabled"
	myrunc exec --process-label system_u:system_r:container_t:s0 "$CID" true
	assert_error
	assert_output_contains "process.selinuxLabel" "SELinux is disabled or not supported"
	jq '.process | .args = ["true"] | .apparmorProfile = "unconfined"' "$BUNDLE/config.json" >"$TEST_DIR/process.json"
	myrunc exec --process "$TEST_DIR/process.json" "$CID"
	assert_error
	assert_output_contains "process.apparmorProfile"
	# the container is unharmed
	myrunc exec "$CID" echo still-fine
	assert_status 0
	assert_output_contains still-fine
}
