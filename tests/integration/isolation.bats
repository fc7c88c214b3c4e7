#!/usr/bin/env bats
# What a container made from the default spec (`myrunc spec`) cannot see or
# do to the host: other processes, kernel modules, host-wide /proc and /sys.

load helpers

setup() {
	setup_test
	setup_bundle
}
teardown() { teardown_test; }

# in_container SCRIPT: run SCRIPT with sh in a container, output in $output
in_container() {
	update_config '.process.args = ["sh", "-c", $s]' --arg s "$1"
	run_fg "$CID"
}

@test "isolation: ps and /proc show only the container's processes" {
	in_container 'ps -o pid,comm; echo --; ls -d /proc/[0-9]*'
	assert_status 0
	# pid 1 is the shell, the other is ps or ls; nothing of the host
	local pids
	pids="$(sed -n '/^--$/,$p' <<<"$output" | grep -c '^/proc/[0-9]')"
	[ "$pids" -le 2 ] || fail "container sees $pids processes: $output"
	grep -Eq '^ *1 +sh$' <<<"$output" || fail "pid 1 is not the container's shell: $output"
	[ "$(grep -cE '^ *[0-9]+ ' <<<"$output")" -le 2 ] || fail "ps lists more than the container: $output"
}

@test "isolation: /proc/1 is the container's init, not the host's" {
	in_container 'tr "\0" " " </proc/1/cmdline; echo; readlink /proc/1/exe'
	assert_status 0
	[ "${lines[0]}" = "sh -c $(jq -r '.process.args[2]' "$BUNDLE/config.json") " ] || fail "/proc/1/cmdline: ${lines[0]}"
	[ "${lines[1]}" = /bin/busybox ] || fail "/proc/1/exe: ${lines[1]}"
}

@test "isolation: a host process cannot be signalled by its host pid" {
	sleep 1000 &
	local victim=$!
	on_teardown "kill $victim"
	in_container "kill -0 $victim && echo SEES-IT; kill -9 $victim && echo KILLED; echo rc=\$?"
	assert_output_not_contains SEES-IT KILLED
	assert_output_contains "rc=1"
	kill -0 "$victim" || fail "the host process $victim is gone"
	kill "$victim"
}

# open_for_write FILE...: in the container, open each FILE for appending
# without writing a byte (harmless even where it succeeds); prints
# "WRITABLE FILE" or the error
OPEN_FOR_WRITE='for f in "$@"; do [ -e "$f" ] || continue; ( exec 3>>"$f" ) 2>&1 && echo "WRITABLE $f"; done'

@test "isolation: kernel modules cannot be loaded" {
	in_container 'grep CapBnd /proc/self/status; echo garbage >/tmp/m.ko; insmod /tmp/m.ko; echo insmod=$?'
	assert_status 0
	local bnd
	bnd="$(awk '/CapBnd/ {print $2}' <<<"$output")"
	# CAP_SYS_MODULE is bit 16
	(((0x$bnd >> 16) & 1)) && fail "CapBnd $bnd has CAP_SYS_MODULE"
	assert_output_not_contains "insmod=0"
	# EPERM; a kernel built without modules (this one) refuses with ENOSYS
	[[ "$output" == *"not permitted"* || "$output" == *"does not support"* ]] || fail "insmod: $output"
}

@test "isolation: /proc/sys is read-only, so no sysctl (modprobe, core_pattern) can be changed" {
	update_config '.process.args = ["sh", "-c", $s, "sh", "/proc/sys/kernel/modprobe", "/proc/sys/kernel/core_pattern", "/proc/sys/vm/drop_caches", "/proc/sys/kernel/domainname"]' \
		--arg s "$OPEN_FOR_WRITE"
	run_fg "$CID"
	assert_output_not_contains WRITABLE
	assert_output_contains "core_pattern: Read-only file system" "domainname: Read-only file system"
}

@test "isolation: masked /proc and /sys paths show nothing" {
	local script='for p in "$@"; do [ -e "$p" ] || continue; if [ -d "$p" ]; then echo "$p $(ls -A "$p" | wc -l)"; else echo "$p $(head -c 64 "$p" | wc -c)"; fi; done'
	# what `myrunc spec` masks, listed here so that a spec masking less fails
	update_config '.process.args = ["sh", "-c", $s, "sh", "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]' --arg s "$script"
	run_fg "$CID"
	assert_status 0
	local n=0 p size
	while read -r p size; do
		[ "$size" = 0 ] || fail "masked $p shows $size entries or bytes"
		n=$((n + 1))
	done <<<"$output"
	# this host has at least /proc/keys, /proc/timer_list, /sys/firmware
	[ "$n" -ge 3 ] || fail "only $n masked paths checked: $output"
}

@test "isolation: /sys is read-only" {
	update_config '.process.args = ["sh", "-c", "grep \" /sys \" /proc/self/mountinfo; touch /sys/x; echo touch=$?; mkdir /sys/fs/cgroup/x; echo mkdir=$?; " + $s,
		"sh", "/sys/kernel/mm/transparent_hugepage/enabled", "/sys/power/state", "/sys/kernel/uevent_helper"]' --arg s "$OPEN_FOR_WRITE"
	run_fg "$CID"
	grep -Eq '^[0-9]+ [0-9]+ [^ ]+ [^ ]+ /sys (ro|[^ ]*,ro)[, ]' <<<"$output" || fail "/sys not mounted read-only: $output"
	assert_output_contains "touch=1" "mkdir=1" "Read-only file system"
	assert_output_not_contains WRITABLE
}
