#!/usr/bin/env bats
# How a profile is applied, as runc applies it: syscalls newer than the
# profile get ENOSYS, the filter flags the kernel offers, startContainer
# hooks under the filter.

load helpers

setup() {
	setup_test
	setup_bundle
	[ "$(uname -m)" = x86_64 ] || skip "the profiles here are x86_64's"
}
teardown() { teardown_test; }

@test "seccomp: syscalls newer than the profile get ENOSYS, older ones left out the default action" {
	command -v gcc >/dev/null || skip "needs gcc"
	local hdr=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
	[ -f "$hdr" ] || skip "needs $hdr (linux-libc-dev)"
	gcc -static -O2 -o "$BUNDLE/rootfs/seccomp_enosys" "$BATS_TEST_DIRNAME/testdata/seccomp_enosys.c"
	# allow every syscall up to rseq (334), getppid excepted: an EPERM
	# default profile as old as Linux 4.18
	local names
	names="$(awk '$1 == "#define" && $2 ~ /^__NR_/ && $3 <= 334 && $2 != "__NR_getppid" {
		sub(/^__NR_/, "", $2); print $2 }' "$hdr" | jq -Rnc '[inputs]')"
	update_config '.process.args = ["/seccomp_enosys"]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
			"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
			"syscalls": [{"names": $names, "action": "SCMP_ACT_ALLOW"}]}' --argjson names "$names"
	run_fg "$CID"
	assert_status 0
	assert_output_contains "open_tree -1 38" "nr1000 -1 38" "getppid -1 1"

	# a default of ENOSYS, or one that allows, needs no stub: the same answers
	update_config '.linux.seccomp.defaultErrnoRet = 38'
	run_fg "$CID2"
	assert_status 0
	assert_output_contains "open_tree -1 38" "getppid -1 38"
}

# speculation: the Speculation_Store_Bypass line of the container's status
speculation() {
	grep Speculation_Store_Bypass <<<"$output" | cut -f2
}

@test "seccomp: every filter flag the kernel offers; no flags field means SPEC_ALLOW, as with runc" {
	update_config '.process.args = ["sh", "-c", "grep Speculation_Store_Bypass /proc/self/status; mkdir /tmp/x"]
		| .process.noNewPrivileges = false
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	myrunc features
	local flags flag want
	flags="$(jq -r '.linux.seccomp.supportedFlags[]' <<<"$output")"
	[ -n "$flags" ] || fail "features lists no supported flags"
	declare -A bits=([SECCOMP_FILTER_FLAG_TSYNC]=1 [SECCOMP_FILTER_FLAG_LOG]=2
		[SECCOMP_FILTER_FLAG_SPEC_ALLOW]=4 [SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV]=0)
	for flag in $flags; do
		want="${bits[$flag]}"
		[ -n "$want" ] || fail "a flag this test does not know: $flag"
		update_config '.linux.seccomp.flags = [$f]' --arg f "$flag"
		myrunc --debug run --bundle "$BUNDLE" "$CID"
		assert_status 1
		assert_output_contains "Operation not permitted" "seccomp filter flags: $want"
	done
	update_config '.linux.seccomp.flags = []'
	myrunc --debug run --bundle "$BUNDLE" "$CID"
	assert_output_contains "seccomp filter flags: 0"
	local forced
	forced="$(speculation)"
	update_config 'del(.linux.seccomp.flags)'
	myrunc --debug run --bundle "$BUNDLE" "$CID"
	if grep -qx SECCOMP_FILTER_FLAG_SPEC_ALLOW <<<"$flags"; then
		assert_output_contains "seccomp filter flags: 4"
		# on a CPU with the speculative store bypass, the filter forces
		# the mitigation unless SPEC_ALLOW is given
		if [ "$forced" = "thread force mitigated" ]; then
			[ "$(speculation)" != "thread force mitigated" ] || fail "SPEC_ALLOW did not take"
		fi
	fi
}

@test "seccomp: startContainer hooks run under the filter, with or without noNewPrivileges" {
	local nnp
	for nnp in true false; do
		update_config '.process.args = ["true"] | .process.noNewPrivileges = $nnp
			| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
				"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}
			| .hooks = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "mkdir /tmp/hook"]}]}' \
			--argjson nnp "$nnp"
		myrunc run --bundle "$BUNDLE" "$CID"
		assert_error
		assert_output_contains "error running startContainer hook #0" "bad system call"
		[ ! -d "$BUNDLE/rootfs/tmp/hook" ] || fail "the hook's mkdir ran (noNewPrivileges $nnp)"
		myrunc delete -f "$CID"
	done
}
