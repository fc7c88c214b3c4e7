#!/usr/bin/env bats
# list: table, json and quiet formats.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# two containers: CID running, CID2 created
make_two() {
	run_detached "$CID"
	fresh_cgroup
	create_container "$CID2"
}

@test "list with no containers prints only the header" {
	myrunc -0 list
	[ "${#lines[@]}" -eq 1 ] || fail "expected only a header: $output"
	[[ "${lines[0]}" == ID* ]]
}

@test "list table: header and one row per container" {
	make_two
	myrunc -0 list
	[[ "${lines[0]}" == ID* ]] || fail "header: ${lines[0]}"
	read -ra hdr <<<"${lines[0]}"
	[ "${hdr[*]}" = "ID PID STATUS BUNDLE CREATED OWNER" ] || fail "columns: ${hdr[*]}"
	[ "${#lines[@]}" -eq 3 ]
	local row
	row="$(grep "^$CID " <<<"$output")"
	read -ra f <<<"$row"
	[ "${f[0]}" = "$CID" ]
	[ "${f[1]}" = "$(container_pid "$CID")" ]
	[ "${f[2]}" = running ]
	[ "${f[3]}" = "$BUNDLE" ]
	[[ "${f[4]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]] || fail "created: ${f[4]}"
	[ "${f[5]}" = root ]
	row="$(grep "^$CID2 " <<<"$output")"
	read -ra f <<<"$row"
	[ "${f[2]}" = created ]
}

@test "list --format json: an array of objects with id, pid, status, bundle, created" {
	make_two
	myrunc -0 list --format json
	jq -e 'type == "array" and length == 2' <<<"$output" >/dev/null || fail "not an array of 2: $output"
	local c
	c="$(jq -c --arg id "$CID" '.[] | select(.id == $id)' <<<"$output")"
	[ "$(jq -r .status <<<"$c")" = running ]
	[ "$(jq -r .pid <<<"$c")" = "$(container_pid "$CID")" ]
	[ "$(jq -r .bundle <<<"$c")" = "$BUNDLE" ]
	[[ "$(jq -r .created <<<"$c")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$ ]] ||
		fail "created: $(jq -r .created <<<"$c")"
	c="$(jq -c --arg id "$CID2" '.[] | select(.id == $id)' <<<"$output")"
	[ "$(jq -r .status <<<"$c")" = created ]
	[ "$(jq -r .pid <<<"$c")" -gt 0 ]
}

@test "list -f json is --format json" {
	make_two
	myrunc -0 list -f json
	jq -e 'type == "array" and length == 2' <<<"$output" >/dev/null
}

@test "list --quiet and -q print only the ids" {
	make_two
	myrunc -0 list --quiet
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "$CID" "$CID2" | sort)" ]
	myrunc -0 list -q
	[ "$(sort <<<"$output")" = "$(printf '%s\n' "$CID" "$CID2" | sort)" ]
}

@test "list shows a stopped container as stopped" {
	update_config '.process.args = ["true"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc -0 list --format json
	[ "$(jq -r --arg id "$CID" '.[] | select(.id == $id) | .status' <<<"$output")" = stopped ]
}

@test "list does not show deleted containers" {
	make_two
	myrunc -0 delete -f "$CID"
	myrunc -0 list -q
	[ "$output" = "$CID2" ]
}

@test "list --format json with no containers is empty" {
	myrunc -0 list --format json
	# runc prints null here; an empty array is what a reader expects
	[ "$output" = "[]" ] || [ "$output" = null ] || fail "output: $output"
}

@test "list with an unknown --format fails" {
	myrunc list --format yaml
	[ "$status" -ne 0 ]
}
