#!/usr/bin/env bats
# The engine's container commands that reach into a container: exec, a
# terminal (-ti), stdin (-i), signals in the foreground, top, stats, cp,
# commit, and the flags that shape the container (resources, security,
# user, workdir, env, --init, --read-only). Each test in its own lab.

load engine_helpers

setup() { setup_engine; }
teardown() { teardown_engine; }

# cg_value CTR CONTROLLER FILE: a cgroup v1 file of the container
cg_value() {
	cat "/sys/fs/cgroup/$2/myrunc/$(field "$1" '{{.Id}}')/$3"
}

@test "exec: output, exit code, -e, -u, -w, -d; errors for a stopped container and a missing command" {
	rund --name x busybox sleep 1000
	ctr -0 exec x sh -c 'echo out; echo err >&2'
	assert_output_contains out err
	ctr -3 exec x sh -c 'exit 3'
	ctr -0 exec -e FOO=bar -u nobody -w /tmp x sh -c 'echo $FOO $(id -u) $(pwd)'
	[ "$output" = "bar 65534 /tmp" ]
	ctr -0 exec -d x sh -c 'echo detached >/tmp/d'
	retry 5 in_lab "$MYRUNC" --root "$ROOT" --data-root "$DATA" container exec x test -s /tmp/d
	ctr -127 exec x no-such-command
	assert_output_contains "executable file not found"
	ctr -0 stop -t 0 x
	ctr -1 exec x true
	assert_output_contains "is not running"
}

@test "-i forwards stdin; without -i the container's stdin is empty" {
	run bash -c "echo through-stdin | $MRX container run -i --rm busybox cat"
	[ "$output" = through-stdin ]
	run bash -c "echo ignored | $MRX container run --rm busybox cat"
	[ "$status" = 0 ] && [ -z "$output" ]
	rund --name si -i busybox cat
	sleep 0.3
	[ "$(field si '{{.State.Status}} {{.Config.OpenStdin}}')" = "running true" ]
	ctr -0 exec -i si true </dev/null
}

@test "-ti gives a terminal: a pty, raw mode, the window size, and its output in the log" {
	command -v script >/dev/null || skip "script (util-linux) not installed"
	# exec: a shell that forks would leave timeout(1) in MRX a background
	# process group, stopped by SIGTTOU when it sets the terminal raw
	run timeout 30 script -qec "stty rows 33 cols 101; exec $MRX container run -ti --name tt busybox sh -c 'tty; stty size; echo \$TERM'" /dev/null </dev/null
	echo "$output"
	assert_output_contains /dev/pts/0 "33 101" xterm
	ctr -0 logs tt
	assert_output_contains /dev/pts/0
	[ "$(field tt '{{.Config.Tty}} {{.State.ExitCode}}')" = "true 0" ]
	rund --name tx busybox sleep 1000
	run timeout 30 script -qec "stty rows 22 cols 77; exec $MRX container exec -ti tx stty size" /dev/null </dev/null
	assert_output_contains "22 77"
	run timeout 30 script -qec "exec $MRX container exec -ti nosuch tty" /dev/null </dev/null
	assert_output_contains "No such container"
}

@test "Ctrl-C on a foreground run reaches the container (with --init, sleep dies of it)" {
	"$MRX" container run --init --name fg busybox sleep 1000 >"$TEST_DIR/fg.out" 2>&1 &
	local cli=$!
	wait_status fg running
	kill -INT "$cli"
	wait "$cli" || status=$?
	[ "$status" = 130 ]
	[ "$(field fg '{{.State.Status}} {{.State.ExitCode}}')" = "exited 130" ]
	# a Ctrl-C that comes before docker-init catches signals (its start is
	# slow on a loaded machine; the hook makes it so) is held until it does
	"$MRX" container run --init --name fg3 -e MYRUNC_TEST_INIT_DELAY_MS=700 busybox sleep 1000 >/dev/null 2>&1 &
	cli=$!
	wait_status fg3 running
	kill -INT "$cli"
	status=0
	timeout 10 tail --pid="$cli" -f /dev/null || fail "the Ctrl-C was lost: the CLI still runs"
	wait "$cli" || status=$?
	[ "$status" = 130 ]
	# the CLI killed with -9 leaves the container running, as Docker's
	"$MRX" container run --name fg2 busybox sleep 1000 >/dev/null 2>&1 &
	cli=$!
	wait_status fg2 running
	kill -9 "$cli"
	sleep 0.3
	[ "$(field fg2 '{{.State.Status}}')" = running ]
}

@test "--init runs an init as pid 1 that reaps and passes on the exit status" {
	ctr -0 run --rm --init busybox sh -c 'ps -o pid,comm | sed -n 2p'
	[ "$(squeeze "$output")" = "1 docker-init" ]
	ctr -5 run --rm --init busybox sh -c 'exit 5'
}

@test "top lists the container's processes, stats its numbers" {
	rund --name tp busybox sh -c 'sleep 1000 & sleep 999'
	ctr -0 top tp
	[[ ${lines[0]} == UID*PID*CMD ]]
	assert_output_contains "sleep 1000" "sleep 999"
	[ "${#lines[@]}" = 3 ] # sh execs its last command
	ctr -0 stats --no-stream tp
	[[ ${lines[0]} == "CONTAINER ID"*"NAME"*"CPU %"*"MEM USAGE / LIMIT"*PIDS ]]
	[[ ${lines[1]} == "${CTR:0:12}"*tp*%*B*" 2" ]]
	ctr -0 stats --no-stream --format '{{.Name}} {{.PIDs}}'
	[ "$output" = "tp 2" ]
	ctr -0 stop -t 0 tp
	ctr -1 top tp
}

@test "cp copies files and directories both ways, running or stopped" {
	rund --name cp1 busybox sh -c 'mkdir -p /d/sub; echo a >/d/a; echo b >/d/sub/b; ln -s a /d/link; sleep 1000'
	retry 5 in_lab "$MYRUNC" --root "$ROOT" --data-root "$DATA" container exec cp1 test -L /d/link
	ctr -0 cp cp1:/d "$TEST_DIR/out"
	[ "$(cat "$TEST_DIR/out/sub/b")" = b ] && [ "$(readlink "$TEST_DIR/out/link")" = a ]
	mkdir "$TEST_DIR/into"
	ctr -0 cp cp1:/d/a "$TEST_DIR/into"
	[ "$(cat "$TEST_DIR/into/a")" = a ]
	ctr -0 cp cp1:/d/. "$TEST_DIR/into"
	[ -f "$TEST_DIR/into/sub/b" ]
	mkdir -p "$TEST_DIR/up/x"
	echo host >"$TEST_DIR/up/x/h"
	ctr -0 cp "$TEST_DIR/up" cp1:/tmp
	ctr -0 exec cp1 cat /tmp/up/x/h
	[ "$output" = host ]
	ctr -1 cp cp1:/no/such "$TEST_DIR/x"
	assert_output_contains "Could not find the file /no/such"
	ctr -0 stop -t 0 cp1
	ctr -0 cp "$TEST_DIR/up/x/h" cp1:/stopped
	ctr -0 cp cp1:/stopped "$TEST_DIR/back"
	[ "$(cat "$TEST_DIR/back")" = host ]
	! grep -q "$DATA/containers" /proc/self/mountinfo
	# a symlink cannot lead a copy out of the container's root
	ctr -0 start cp1
	ctr -0 exec cp1 ln -s /../../../../../etc /esc
	ctr -1 cp "$TEST_DIR/up/x/h" cp1:/esc/escaped
	[ ! -e /etc/escaped ]
}

@test "commit makes an image of the container's changes, with -c instructions" {
	rund --name cm busybox sh -c 'echo changed >/etc/motd; rm /bin/vi; mkdir /new; echo x >/new/x; sleep 1000'
	retry 5 in_lab "$MYRUNC" --root "$ROOT" --data-root "$DATA" container exec cm test -s /new/x
	ctr -0 commit -c 'CMD ["cat","/etc/motd"]' -c 'ENV COMMITTED=yes' -m "a message" cm committed:1
	[[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
	ctr -0 run --rm committed:1
	[ "$output" = changed ]
	ctr -0 run --rm committed:1 sh -c 'test -e /bin/vi || echo vi-gone; cat /new/x; echo $COMMITTED'
	[ "$output" = "$(printf 'vi-gone\nx\nyes')" ]
	run MR image history committed:1
	assert_output_contains "a message"
	[ "$(MR image inspect -f '{{len .RootFS.Layers}}' committed:1)" = "$(($(MR image inspect -f '{{len .RootFS.Layers}}' busybox) + 1))" ]
	[ "$(field cm '{{.State.Status}}')" = running ]
	ctr -1 commit -c 'RUN true' cm bad:1
	ctr -0 rm -f cm
	ctr -0 run --rm committed:1 true
}

@test "resource flags land in the container's cgroup: -m, --memory-swap, --cpus, --cpu-shares, --cpuset-cpus, --pids-limit" {
	[ -d /sys/fs/cgroup/memory ] || skip "needs the cgroup v1 hierarchy (the VM suite covers v2)"
	rund --name r -m 100m --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 --pids-limit 42 busybox sleep 1000
	[ "$(cg_value r memory memory.limit_in_bytes)" = $((100 * 1024 * 1024)) ]
	[ "$(cg_value r cpu cpu.cfs_quota_us)" = 50000 ]
	[ "$(cg_value r cpu cpu.shares)" = 512 ]
	[ "$(cg_value r cpuset cpuset.cpus)" = 0 ]
	[ "$(cg_value r pids pids.max)" = 42 ]
	[ "$(field r '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}')" = "104857600 500000000 42" ]
	if [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
		rund --name sw -m 64m --memory-swap 128m busybox sleep 1000
		[ "$(cg_value sw memory memory.memsw.limit_in_bytes)" = $((128 * 1024 * 1024)) ]
	fi
}

@test "a container killed by the OOM killer is recorded as OOMKilled with 137" {
	[ -d /sys/fs/cgroup/memory ] || skip "needs the cgroup v1 hierarchy"
	rund --name oom -m 8m --memory-swap 8m busybox sh -c 'x=a; while :; do x=$x$x$x$x; done'
	wait_status oom exited 30
	[ "$(field oom '{{.State.OOMKilled}} {{.State.ExitCode}}')" = "true 137" ]
}

@test "security: Docker's capabilities, seccomp and masked paths; --cap-add/--cap-drop, --privileged, --security-opt, --read-only" {
	ctr -0 run --rm busybox sh -c 'grep CapBnd /proc/self/status; grep Seccomp: /proc/self/status; cat /proc/kcore | wc -c'
	assert_output_contains "CapBnd:	00000000a80425fb" "Seccomp:	2"
	[ "${lines[-1]}" = 0 ]
	ctr -0 run --rm --cap-drop ALL --cap-add NET_BIND_SERVICE busybox grep CapBnd /proc/self/status
	[ "$output" = "CapBnd:	0000000000000400" ]
	ctr -0 run --rm --privileged busybox sh -c 'grep Seccomp: /proc/self/status; grep CapBnd /proc/self/status; ls /dev | wc -l'
	assert_output_contains "Seccomp:	0" "$(grep CapBnd /proc/self/status)"
	[ "${lines[-1]}" -gt 20 ]
	ctr -0 run --rm --security-opt seccomp=unconfined --security-opt no-new-privileges busybox sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status'
	[ "$(squeeze "$output")" = "NoNewPrivs: 1 Seccomp: 0" ]
	# the default profile denies what Docker's denies
	ctr -1 run --rm busybox unshare -U true
	ctr -0 run --rm --read-only busybox sh -c 'touch /x 2>&1; touch /tmp/x 2>&1 || true'
	assert_output_contains "Read-only file system"
	ctr -125 run --rm --cap-add NOPE busybox true
	assert_output_contains "unknown capability"
}

@test "-u, -w, -e, --env-file, --entrypoint, --hostname, --label and the image's own settings" {
	printf '# comment\nFROM_FILE=1\nBOTH=file\n' >"$TEST_DIR/env"
	export FROM_HOST=hostval
	ctr -0 run --rm --env-file "$TEST_DIR/env" -e BOTH=flag -e FROM_HOST -u 1000:2000 -w /made/here --hostname hh busybox \
		sh -c 'echo $FROM_FILE $BOTH $FROM_HOST $(id -u):$(id -g) $(pwd) $(hostname) $HOME'
	[ "$output" = "1 flag hostval 1000:2000 /made/here hh /" ]
	ctr -0 run --rm --entrypoint /bin/echo busybox via entrypoint
	[ "$output" = "via entrypoint" ]
	ctr -0 run --name lb --label a=b busybox true
	[ "$(field lb '{{index .Config.Labels "a"}}')" = b ]
	ctr -125 run --rm -u nosuchuser busybox true
	assert_output_contains "nosuchuser"
}
