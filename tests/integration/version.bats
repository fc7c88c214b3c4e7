#!/usr/bin/env bats
# --version / -v: three lines, name + version, commit, runtime-spec version.

load helpers

setup() { setup_test; }
teardown() { teardown_test; }

check_version_output() {
	[ "${#lines[@]}" -eq 3 ] || fail "expected 3 lines, got ${#lines[@]}: $output"
	[[ "${lines[0]}" =~ ^myrunc\ version\ [^[:space:]]+ ]] || fail "line 1: ${lines[0]}"
	[[ "${lines[1]}" =~ ^commit:\ [^[:space:]]+ ]] || fail "line 2: ${lines[1]}"
	[[ "${lines[2]}" =~ ^spec:\ 1\.[0-9]+\.[0-9]+ ]] || fail "line 3: ${lines[2]}"
}

@test "--version prints name and version, commit and spec version" {
	run -0 "$MYRUNC" --version
	check_version_output
}

@test "-v is the same as --version" {
	run -0 "$MYRUNC" --version
	local long="$output"
	run -0 "$MYRUNC" -v
	[ "$output" = "$long" ]
	check_version_output
}

@test "--version does not need or touch --root" {
	run -0 "$MYRUNC" --root "$TEST_DIR/never-created" --version
	check_version_output
	[ ! -e "$TEST_DIR/never-created" ]
}
