#!/usr/bin/env bats
# The engine's container lifecycle: run (foreground and -d), create,
# start, stop, restart, kill, rm, ls, inspect, logs, wait, rename, pause,
# prune; records, exit codes, names. Each test in its own network lab.

load engine_helpers

setup() { setup_engine; }
teardown() { teardown_engine; }

@test "container run in the foreground: output, exit codes 0, N, 125, 126, 127, and --rm leaves nothing" {
	ctr -0 run --rm busybox echo hello
	[ "$output" = hello ]
	ctr -7 run --rm busybox sh -c 'echo out; echo err >&2; exit 7'
	assert_output_contains out err
	ctr -127 run --rm busybox no-such-command
	assert_output_contains "executable file not found"
	ctr -126 run --rm busybox /etc/passwd
	assert_output_contains "permission denied"
	ctr -125 run --rm no-such-image:1 true
	assert_output_contains "Unable to find image 'no-such-image:1'"
	ctr -125 run --rm --no-such-flag busybox true
	assert_output_contains "no-such-flag"
	ctr -125 run --rm -m lots busybox true
	assert_output_contains "invalid argument \"lots\""
	# --rm with -d: the monitor removes it when it exits
	rund --rm busybox sh -c 'sleep 0.2'
	retry 10 sh -c "[ -z \"\$('$MRX' container ls -aq)\" ]"
	ctr -0 ls -aq
	[ -z "$output" ]
	[ -z "$(ls "$DATA/image/rw")" ]
	[ -z "$(ls "$DATA/image/uses")" ]
}

@test "container run -d: ls, inspect, logs in json-file lines, stop, rm" {
	rund --name web busybox sh -c 'echo started; echo oops >&2; exec sleep 1000'
	wait_status web running
	ctr -0 ls
	[ "${lines[0]}" = "$(squeeze "CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES")" ] || [[ ${lines[0]} == "CONTAINER ID"*"NAMES" ]]
	[[ ${lines[1]} == "${CTR:0:12}"*busybox*'"sh -c echo started;…"'*Up*web ]]
	[ "$(field web '{{.Id}} {{.Name}} {{.Config.Image}} {{.State.Running}} {{.Image}}')" = "$CTR /web busybox true $(MR image inspect -f '{{.Id}}' busybox)" ]
	pid=$(field web '{{.State.Pid}}')
	kill -0 "$pid"
	retry 5 grep -q oops "$DATA/containers/$CTR/$CTR-json.log"
	# two pipes: the order of stdout's and stderr's lines is not fixed
	run grep '"stream":"stdout"' "$DATA/containers/$CTR/$CTR-json.log"
	[[ $output =~ ^\{\"log\":\"started\\n\",\"stream\":\"stdout\",\"time\":\"20[0-9-]+T[0-9:.]+Z\"\}$ ]]
	run grep '"stream":"stderr"' "$DATA/containers/$CTR/$CTR-json.log"
	[[ $output =~ ^\{\"log\":\"oops\\n\",\"stream\":\"stderr\" ]]
	run --separate-stderr MR container logs web
	[ "$output" = started ]
	[ "$stderr" = oops ]
	ctr -0 stop -t 1 web
	[ "$output" = web ]
	[ "$(field web '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}')" = "exited 137 false" ]
	! kill -0 "$pid" 2>/dev/null
	ctr -0 ls -a
	[[ ${lines[1]} == *"Exited (137)"*web ]]
	ctr -0 rm web
	ctr -1 inspect web
	assert_output_contains "No such container: web"
}

@test "stop sends the image's stop signal (TERM) and records the exit; restart and start bring it back with its files and logs" {
	rund --name s busybox sh -c 'trap "echo got-term; exit 5" TERM; echo up; while :; do sleep 0.1; done'
	ctr -0 exec s sh -c 'echo kept >/kept'
	ctr -0 stop s
	[ "$(field s '{{.State.ExitCode}}')" = 5 ]
	ctr -0 logs s
	[ "$output" = "$(printf 'up\ngot-term')" ]
	ctr -0 start s
	[ "$output" = s ]
	wait_status s running
	ctr -0 exec s cat /kept
	[ "$output" = kept ]
	ctr -0 restart -t 5 s
	wait_status s running
	ctr -0 logs s
	[ "$(grep -c up <<<"$output")" = 3 ]
	ctr -0 start s # already running: no-op
	ctr -1 rm s
	assert_output_contains "stop the container before removing or force remove"
	ctr -0 rm -f s
	[ -z "$(ls "$DATA/image/rw")" ]
}

@test "create makes a created container; start runs it; wait prints its exit code" {
	ctr -0 create --name c1 busybox sh -c 'sleep 0.3; exit 42'
	[[ ${lines[-1]} =~ ^[0-9a-f]{64}$ ]]
	[ "$(field c1 '{{.State.Status}} {{.State.Pid}}')" = "created 0" ]
	ctr -0 ls -a --format '{{.Names}} {{.Status}}'
	[ "$output" = "c1 Created" ]
	ctr -0 start c1
	ctr -0 wait c1
	[ "$output" = 42 ]
	[ "$(field c1 '{{.State.Status}} {{.State.ExitCode}}')" = "exited 42" ]
	ctr -42 start -a c1 # attached: its exit code
	ctr -1 wait no-such
}

@test "kill -s, pause and unpause, and the states they leave" {
	rund --name k busybox sh -c 'trap "echo usr1" USR1; while :; do sleep 0.1; done'
	ctr -0 kill -s USR1 k
	retry 5 sh -c "'$MYRUNC' --root '$ROOT' --data-root '$DATA' container logs k | grep -q usr1"
	ctr -0 pause k
	[ "$(field k '{{.State.Status}} {{.State.Paused}}')" = "paused true" ]
	ctr -0 ls --format '{{.Status}}'
	[[ $output == Up*"(Paused)" ]]
	ctr -1 pause k
	ctr -0 unpause k
	[ "$(field k '{{.State.Status}}')" = running ]
	ctr -1 kill -s NOSUCH k
	ctr -0 kill k
	wait_status k exited
	[ "$(field k '{{.State.ExitCode}}')" = 137 ]
	ctr -1 kill k
	assert_output_contains "is not running"
}

@test "names: unique, generated when not given, renamed; ID prefixes work" {
	rund --name one busybox sleep 1000
	id1=$CTR
	ctr -125 run -d --name one busybox true
	assert_output_contains 'The container name "/one" is already in use'
	ctr -125 run -d --name 'bad name' busybox true
	assert_output_contains "Invalid container name"
	rund busybox sleep 1000
	name=$(field "$CTR" '{{.Name}}')
	[[ $name =~ ^/[a-z]+_[a-z]+$ ]]
	ctr -0 rename one two
	[ "$(field "${id1:0:8}" '{{.Name}}')" = /two ]
	ctr -1 inspect one
	rund --name one busybox true
	ctr -0 ls -a --filter name=two -q
	[ "$output" = "${id1:0:12}" ]
}

@test "ls filters, --format and -q" {
	rund --name a1 --label tier=web busybox sleep 1000
	ctr -0 run --name a2 --label tier=db busybox true
	ctr -0 ls --format '{{.Names}}'
	[ "$output" = a1 ]
	ctr -0 ls -a --format '{{.Names}} {{.State}}' --filter status=exited
	[ "$output" = "a2 exited" ]
	ctr -0 ls -a --format '{{.Names}}' --filter label=tier=db
	[ "$output" = a2 ]
	ctr -0 ls -a --format '{{.Names}}' --filter label=tier --filter name=a1
	[ "$output" = a1 ]
	ctr -0 ls -a --format '{{.Names}}' --filter ancestor=busybox
	[ "${#lines[@]}" = 2 ]
	ctr -0 ls -aq --no-trunc --filter name=a1
	[ "$output" = "$(field a1 '{{.Id}}')" ]
	ctr -0 ls -a --format json --filter name=a2
	[ "$(jq -r .Names <<<"$output")" = a2 ]
	ctr -1 ls --filter bogus=1
}

@test "logs --tail, -t, --since and -f" {
	rund --name l busybox sh -c 'for i in 1 2 3 4 5; do echo line$i; done; until [ -e /go ]; do sleep 0.05; done; echo late'
	retry 5 sh -c "grep -q line5 '$DATA/containers/$CTR/$CTR-json.log'"
	ctr -0 logs --tail 2 l
	[ "$output" = "$(printf 'line4\nline5')" ]
	ctr -0 logs -t --tail 1 l
	[[ $output =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z\ line5$ ]]
	ctr -0 logs --since 1h l
	[ "${#lines[@]}" = 5 ]
	ctr -0 logs --since 2999-01-01T00:00:00Z l
	[ -z "$output" ]
	(sleep 0.5; MR container exec l touch /go) &
	ctr -0 logs -f l
	[ "${lines[-1]}" = late ]
	[ "$(field l '{{.State.Status}}')" = exited ]
}

@test "the monitor killed with -9: the next command reconciles, nothing keeps running, rm -f cleans up" {
	rund --name m busybox sleep 1000
	pid=$(field m '{{.State.Pid}}')
	mon=$(monitor_pid m)
	[ -n "$mon" ] && kill -0 "$mon"
	kill -9 "$mon"
	wait_for_exit "$mon"
	ctr -0 ls -a --format '{{.Names}} {{.State}}'
	[ "$output" = "m exited" ]
	[ "$(field m '{{.State.ExitCode}}')" = 137 ]
	assert_output_contains ""
	field m '{{.State.Error}}' | grep -q "monitor (pid $mon) died"
	wait_for_exit "$pid"
	[ -z "$(ls "$ROOT")" ]
	! grep -q "$DATA/containers/$CTR/rootfs" /proc/self/mountinfo
	# it starts again
	ctr -0 start m
	wait_status m running
	ctr -0 rm -f m
}

@test "a start killed with -9 at any moment leaves a state ls, inspect and rm -f handle" {
	local landed=0 rc
	for delay in 0.01 0.03 0.06 0.1; do
		ctr -0 create --name "c$delay" busybox sleep 1000
		# not through MR (a function: $! would be its subshell, and the
		# kill would miss the engine): nsenter execs myrunc, which execs
		# the engine, all one pid
		"${HOST_ENTER[@]}" "$MYRUNC" --root "$ROOT" --data-root "$DATA" container start "c$delay" >/dev/null 2>&1 3>&- &
		sleep "$delay"
		kill -9 $! 2>/dev/null || true
		rc=0
		wait $! 2>/dev/null || rc=$?
		[ "$rc" != 137 ] || landed=$((landed + 1))
		ctr -0 ls -a
		ctr -0 inspect "c$delay"
		ctr -0 rm -f "c$delay"
	done
	[ "$landed" -gt 0 ] || fail "no start was cut short by the kill"
	[ -z "$(ls "$ROOT")" ]
	# what a killed rm or create leaves is cleaned up by the next ls
	mkdir "$DATA/containers/.rm-$(rand_hex 64)" "$DATA/containers/$(rand_hex 64)"
	touch -d '2 minutes ago' "$DATA"/containers/[0-9a-f]*
	ctr -0 ls -a
	[ -z "$(ls -A "$DATA/containers" | grep -v '^\.names$')" ]
}

@test "restart policies: on-failure:N stops after N restarts, always restarts until stop, no by default" {
	rund --name f --restart on-failure:2 busybox sh -c 'echo run; exit 3'
	retry 10 _field_is f '{{.State.Status}} {{.RestartCount}}' "exited 2"
	ctr -0 logs f
	[ "${#lines[@]}" = 3 ]
	[ "$(field f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}')" = "on-failure 2" ]
	rund --name al --restart always busybox sh -c 'sleep 0.2; exit 0'
	retry 10 sh -c "[ \$('$MYRUNC' --root '$ROOT' --data-root '$DATA' container inspect -f '{{.RestartCount}}' al 2>/dev/null || echo 0) -ge 2 ]" 2>/dev/null ||
		[ "$(field al '{{.RestartCount}}')" -ge 2 ]
	ctr -0 stop al
	[ "$(field al '{{.State.Status}}')" = exited ]
	sleep 0.5
	[ "$(field al '{{.State.Status}}')" = exited ]
	ctr -125 run --rm --restart always busybox true
	assert_output_contains "Conflicting options"
	ctr -125 run --restart sometimes busybox true
	assert_output_contains "invalid restart policy"
}

@test "prune removes stopped containers only" {
	rund --name up busybox sleep 1000
	ctr -0 run --name down1 busybox true
	ctr -0 run --name down2 busybox true
	ctr -0 prune -f
	assert_output_contains "Deleted Containers:" "Total reclaimed space:"
	[ "$(grep -c '^[0-9a-f]\{64\}$' <<<"$output")" = 2 ]
	ctr -0 ls -a --format '{{.Names}}'
	[ "$output" = up ]
}

@test "20 parallel run -d all succeed, with distinct names and addresses" {
	for i in $(seq 20); do
		MR container run -d busybox sleep 1000 >"$TEST_DIR/p$i.out" 2>&1 &
	done
	wait
	for i in $(seq 20); do
		grep -qE '^[0-9a-f]{64}$' "$TEST_DIR/p$i.out" || fail "run $i: $(cat "$TEST_DIR/p$i.out")"
	done
	ctr -0 ls --format '{{.Names}}'
	[ "${#lines[@]}" = 20 ]
	[ "$(sort -u <<<"$output" | wc -l)" = 20 ]
	run MR container inspect -f '{{.NetworkSettings.IPAddress}}' $(MR container ls -q)
	[ "${#lines[@]}" = 20 ]
	[ "$(sort -u <<<"$output" | grep -c '^172\.')" = 20 ]
}
