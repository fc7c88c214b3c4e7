#!/usr/bin/env bats
# ps: the container's processes, as a JSON list of host pids or as the
# host's ps table filtered to them.

load helpers

setup() {
	setup_test
	# init sh plus two sleeps: 3 processes (busybox sh would exec a last
	# foreground command, so both sleeps run in the background)
	setup_bundle sh -c 'sleep 100 & sleep 100 & wait'
}
teardown() { teardown_test; }

# start_three: run the container and wait until its cgroup holds 3
# processes; PROCS is their sorted host pids, one per line.
start_three() {
	run_detached "$CID"
	local d="$CGROUP_MNT/pids$CGROUPS_PATH"
	retry 5 _nprocs_is "$d" 3 || fail "expected 3 processes in $d: $(cat "$d/cgroup.procs")"
	PROCS="$(sort -n "$d/cgroup.procs")"
}
_nprocs_is() { [ "$(grep -c . "$1/cgroup.procs")" -eq "$2" ]; }

# table_pids COLUMN: the pids in column COLUMN of $lines[1:], sorted
table_pids() {
	printf '%s\n' "${lines[@]:1}" | awk -v c="$1" '{ print $c }' | sort -n
}

@test "ps --format json lists the host pids of every process" {
	start_three
	myrunc -0 ps --format json "$CID"
	[ "${#lines[@]}" -eq 1 ] || fail "expected one line of JSON: $output"
	[ "$(jq -r 'type' <<<"$output")" = array ] || fail "not a JSON array: $output"
	[ "$(jq -r '.[] | type' <<<"$output" | sort -u)" = number ] || fail "not numbers: $output"
	[ "$(jq -r '.[]' <<<"$output" | sort -n)" = "$PROCS" ] || fail "pids $output, cgroup has $PROCS"
	jq -e --argjson p "$(container_pid "$CID")" 'index($p) != null' <<<"$output" >/dev/null ||
		fail "init pid missing from $output"
}

@test "ps -f json is --format json" {
	start_three
	myrunc -0 ps -f json "$CID"
	[ "$(jq -r '.[]' <<<"$output" | sort -n)" = "$PROCS" ]
}

@test "ps prints the host's ps -ef header and only the container's lines" {
	start_three
	myrunc -0 ps "$CID"
	[ "${#lines[@]}" -eq 4 ] || fail "expected a header and 3 lines: $output"
	[[ "${lines[0]}" =~ ^UID\ +PID\ +PPID\ .*CMD$ ]] || fail "not ps -ef's header: ${lines[0]}"
	[ "$(table_pids 2)" = "$PROCS" ] || fail "pids in table: $(table_pids 2), cgroup has $PROCS"
	[ "$(grep -c ' sleep 100$' <<<"$output")" -eq 2 ]
	# same as --format table
	local before="$output"
	myrunc -0 ps --format table "$CID"
	[ "$(table_pids 2)" = "$PROCS" ]
	[ "${lines[0]}" = "$(head -1 <<<"$before")" ]
}

@test "ps passes options after -- to the host's ps and finds PID wherever it is" {
	start_three
	myrunc -0 ps "$CID" -- -o comm,pid
	[ "${#lines[@]}" -eq 4 ] || fail "expected a header and 3 lines: $output"
	[[ "${lines[0]}" =~ ^COMMAND\ +PID$ ]] || fail "header: ${lines[0]}"
	[ "$(table_pids 2)" = "$PROCS" ]
	[ "$(squeeze "$(table_pids 1 | sort | uniq -c)")" = "1 sh 2 sleep" ] || fail "commands: $output"
	# args with spaces before the PID column
	myrunc -0 ps "$CID" -- -o args,pid
	[ "${#lines[@]}" -eq 4 ] || fail "expected a header and 3 lines: $output"
	[ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $NF }' | sort -n)" = "$PROCS" ]
	# without -- too, like runc
	myrunc -0 ps "$CID" aux
	[ "${#lines[@]}" -eq 4 ] || fail "expected a header and 3 lines: $output"
	[[ "${lines[0]}" =~ ^USER\ +PID\ +%CPU ]] || fail "not ps aux's header: ${lines[0]}"
	[ "$(table_pids 2)" = "$PROCS" ]
}

@test "ps with ps options that print no PID column fails" {
	start_three
	myrunc ps "$CID" -- -o comm
	assert_error
	assert_output_contains "PID"
}

@test "ps of a stopped container: an empty list, a bare header" {
	update_config '.process.args = ["true"]'
	run_detached "$CID"
	wait_for_status "$CID" stopped
	myrunc -0 ps --format json "$CID"
	[ "$output" = "[]" ]
	myrunc -0 ps "$CID"
	[ "${#lines[@]}" -eq 1 ] || fail "expected only the header: $output"
	[[ "${lines[0]}" =~ ^UID\ +PID ]]
}

@test "ps of a created container lists its init" {
	create_container "$CID"
	myrunc -0 ps --format json "$CID"
	[ "$output" = "[$(container_pid "$CID")]" ]
}

@test "ps of an unknown container fails with 'does not exist'" {
	myrunc ps --format json "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
	myrunc ps "${ID_BASE}-nope"
	assert_error
	assert_output_contains "does not exist"
}

@test "ps rejects an unknown --format and a missing id" {
	start_three
	myrunc ps --format yaml "$CID"
	assert_error
	assert_output_contains "yaml"
	myrunc ps
	assert_error
}
