#!/usr/bin/env bats
# myrunc image build: Dockerfiles built on busybox (made by mkimage.sh, no
# network), run with container run, their history, the build cache,
# multi-stage builds, .dockerignore, whiteouts, failures that leave
# nothing behind. Each test runs the engine in its own network lab, so RUN
# steps on the default bridge network never touch the real host.

load engine_helpers

setup() {
	setup_engine
	CTX="$TEST_DIR/ctx"
	mkdir -p "$CTX"
}
teardown() { teardown_engine; }

# dockerfile: $CTX/Dockerfile from stdin
dockerfile() {
	cat >"$CTX/Dockerfile"
}

# build [-N|!] ARGS...: bats run of `MR image build ARGS` (context last)
build() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" MR image build "$@" </dev/null
	echo "# image build $* -> status $status"
	echo "$output"
}

# built_id: the short ID "Successfully built" printed
built_id() {
	local id
	id=$(sed -n 's/^Successfully built \([0-9a-f]\{12\}\)$/\1/p' <<<"$output")
	[ -n "$id" ] || fail "no 'Successfully built ID' line"
	echo "$id"
}

# inspect REF TEMPLATE: one image inspect value
inspect() {
	MR image inspect -f "$2" "$1"
}

# assert_build_left_nothing: no build container, mount or work directory
assert_build_left_nothing() {
	[ -z "$(ls "$ROOT")" ] || fail "runtime state left: $(ls "$ROOT")"
	! grep -q "$DATA" /proc/self/mountinfo || fail "mounts left: $(grep "$DATA" /proc/self/mountinfo)"
	[ -z "$(ls -A "$DATA/build" 2>/dev/null)" ] || fail "build directories left: $(ls "$DATA/build")"
	[ -z "$(ls -A "$DATA/image/rw" 2>/dev/null)" ] || fail "layers in progress left: $(ls "$DATA/image/rw")"
}

@test "image build: FROM, RUN, COPY, ADD, ENV, ARG, WORKDIR, USER, LABEL, EXPOSE, ENTRYPOINT, CMD make an image that runs as written" {
	mkdir -p "$CTX/dir/sub" "$TEST_DIR/tarsrc/t"
	echo hello >"$CTX/a.txt"
	echo b >"$CTX/b.log"
	echo c >"$CTX/c.log"
	echo s >"$CTX/dir/sub/s.txt"
	echo intar >"$TEST_DIR/tarsrc/t/x.txt"
	tar -C "$TEST_DIR/tarsrc" -czf "$CTX/arch.tar.gz" t
	dockerfile <<-'EOF'
		FROM busybox
		ARG GREETING=hi
		ENV APP=/app NAME=${GREETING}-env
		WORKDIR /app
		RUN echo "run $GREETING" > shell.txt && echo "bob:x:1234:1234::/home/bob:/bin/sh" >> /etc/passwd && echo "bob:x:1234:" >> /etc/group
		RUN ["sh", "-c", "echo exec > /app/exec.txt"]
		COPY a.txt ./
		COPY dir /app/dir/
		COPY *.log /logs/
		COPY --chown=bob --chmod=640 a.txt /owned.txt
		ADD arch.tar.gz /x/
		LABEL org.example=yes
		EXPOSE 8080/tcp
		USER bob
		RUN id -un > /tmp/whoami
		ENTRYPOINT ["sh", "-c"]
		CMD ["echo $NAME; ls /app"]
	EOF
	build -0 --network none -t built:1 --build-arg GREETING=yo "$CTX"
	[ "${lines[0]}" = "Step 1/17 : FROM busybox" ]
	assert_output_contains "Step 5/17 : RUN echo \"run \$GREETING\" > shell.txt" "Step 17/17 : CMD [\"echo \$NAME; ls /app\"]" \
		" ---> Running in " "Removing intermediate container " "Successfully tagged built:1"
	[ "$(grep -c '^Step [0-9]*/17 : ' <<<"$output")" = 17 ]
	local id
	id=$(built_id)
	[[ $(inspect built:1 '{{.Id}}') == "sha256:$id"* ]]

	# the image's own command: ENTRYPOINT + CMD, the ENV, the WORKDIR
	ctr -0 run --rm --network none built:1
	[ "$output" = "$(printf 'yo-env\na.txt\ndir\nexec.txt\nshell.txt')" ]
	ctr -0 run --rm --network none built:1 'id -un; pwd; cat shell.txt exec.txt a.txt dir/sub/s.txt /logs/b.log /logs/c.log /x/t/x.txt /tmp/whoami; stat -c "%u:%g %a" /owned.txt; echo $APP'
	[ "$output" = "$(printf 'bob\n/app\nrun yo\nexec\nhello\ns\nb\nc\nintar\nbob\n1234:1234 640\n/app')" ]
	# the ARG is in RUN's environment, not in the image's
	ctr -0 run --rm --network none --entrypoint env built:1
	assert_output_not_contains GREETING
	[ "$(inspect built:1 '{{.Config.User}} {{.Config.WorkingDir}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}')" = 'bob /app ["sh","-c"] ["echo $NAME; ls /app"]' ]
	[ "$(inspect built:1 '{{json .Config.Labels}} {{json .Config.ExposedPorts}}')" = '{"org.example":"yes"} {"8080/tcp":{}}' ]
	[ "$(inspect built:1 '{{.Parent}}')" != "" ]
	# ls hides the intermediate steps, -a shows them
	MR image ls --format '{{.Repository}}:{{.Tag}}' | sort >"$TEST_DIR/ls"
	[ "$(cat "$TEST_DIR/ls")" = "$(printf 'built:1\nbusybox:latest')" ]
	[ "$(MR image ls -aq | wc -l)" -eq 17 ]
	# rm takes the intermediate steps only it needed, and their layers
	run MR image rm built:1
	[ "$status" -eq 0 ]
	[ "$(grep -c '^Deleted: ' <<<"$output")" -eq 16 ]
	[ "$(MR image ls -aq)" = "$(inspect busybox '{{.Id}}' | cut -c8-19)" ]
	[ "$(ls "$DATA/image/layers" | wc -l)" -eq "$(inspect busybox '{{len .RootFS.Layers}}')" ]
	assert_build_left_nothing
}

@test "image build: history has one entry per step; container commit of a built image adds one" {
	echo f >"$CTX/f"
	dockerfile <<-'EOF'
		FROM busybox
		ENV A=1
		COPY f /f
		RUN echo made >/made
		CMD ["cat", "/made"]
	EOF
	build -0 --network none -t hist:1 "$CTX"
	local id
	id=$(built_id)
	run MR image history hist:1
	echo "$output"
	# busybox's rows and one per step after FROM
	[ "${#lines[@]}" -eq $(($(MR image history busybox | wc -l) + 4)) ]
	run MR image history --no-trunc --format '{{.ID}}|{{.CreatedBy}}' hist:1
	echo "$output"
	[[ ${lines[0]} == "sha256:$id"*'|/bin/sh -c #(nop)  CMD ["cat" "/made"]' ]]
	[[ ${lines[1]} == sha256:*'|/bin/sh -c echo made >/made' ]]
	[[ ${lines[2]} == sha256:*'|/bin/sh -c #(nop) COPY file:'*' in /f ' ]]
	[[ ${lines[3]} == sha256:*'|/bin/sh -c #(nop)  ENV A=1' ]]
	# the intermediate steps are local images: the rows name them, as Docker's
	[ "${lines[4]%%|*}" = "$(inspect busybox '{{.Id}}')" ]
	[ "$(inspect "${lines[1]%%|*}" '{{.Parent}}')" = "${lines[2]%%|*}" ]
	# two layers more than busybox: COPY and RUN; ENV and CMD only set config
	[ "$(inspect hist:1 '{{len .RootFS.Layers}}')" = "$(($(inspect busybox '{{len .RootFS.Layers}}') + 2))" ]

	# container commit (it shares the layer-diff code) still makes a child
	rund --name c1 --network none hist:1 sh -c 'echo committed >/c; rm /made; sleep 1000'
	retry 5 in_lab "$MYRUNC" --root "$ROOT" --data-root "$DATA" container exec c1 test -e /c
	ctr -0 commit c1 committed:1
	ctr -0 rm -f c1
	ctr -0 run --rm --network none committed:1 sh -c 'cat /c; test -e /made || echo made-gone; cat /f'
	[ "$output" = "$(printf 'committed\nmade-gone\nf')" ]
	[ "$(MR image history committed:1 | wc -l)" -eq $(($(MR image history hist:1 | wc -l) + 1)) ]
	assert_build_left_nothing
}

@test "image build: an unchanged context is all cache with the same ID; --no-cache rebuilds; a changed COPY source invalidates from its step on" {
	echo one >"$CTX/data"
	dockerfile <<-'EOF'
		FROM busybox
		ENV A=1
		RUN echo first >/first
		COPY data /data
		RUN cat /data >/copy
		CMD ["cat", "/copy"]
	EOF
	build -0 --network none -t cached:1 "$CTX"
	local id1 id2 id3
	id1=$(built_id)
	assert_output_not_contains "Using cache"
	build -0 --network none -t cached:1 "$CTX"
	[ "$(grep -c -- '^ ---> Using cache$' <<<"$output")" = 5 ]
	assert_output_not_contains "Running in"
	[ "$(built_id)" = "$id1" ]
	# a touched file with the same content is still the same source
	touch "$CTX/data"
	build -0 --network none -t cached:1 "$CTX"
	[ "$(built_id)" = "$id1" ]

	build -0 --network none --no-cache -t cached:2 "$CTX"
	assert_output_not_contains "Using cache"
	[ "$(grep -c -- ' ---> Running in ' <<<"$output")" = 2 ]
	id2=$(built_id)
	[ "$id2" != "$id1" ]

	echo two >"$CTX/data"
	build -0 --network none -t cached:3 "$CTX"
	# steps 2 and 3 from the cache; COPY (step 4) and what follows run again
	[ "$(grep -c -- '^ ---> Using cache$' <<<"$output")" = 2 ]
	[[ $output == *"Step 3/6 : RUN echo first >/first"$'\n'" ---> Using cache"* ]]
	[[ $output == *"Step 4/6 : COPY data /data"$'\n'" ---> "[0-9a-f]* ]]
	[[ $output == *"Step 5/6 : RUN cat /data >/copy"$'\n'" ---> Running in "* ]]
	id3=$(built_id)
	[ "$id3" != "$id1" ]
	ctr -0 run --rm --network none cached:3
	[ "$output" = two ]
	ctr -0 run --rm --network none cached:1
	[ "$output" = one ]
	# a build arg a RUN sees is part of its step
	build -0 --network none --build-arg UNUSED=x -t cached:4 "$CTX"
	assert_output_contains "[Warning] One or more build-args [UNUSED] were not consumed"
	[ "$(built_id)" = "$id3" ]
	assert_build_left_nothing
}

@test "image build: multi-stage with COPY --from=stage (by name and number) and --target" {
	dockerfile <<-'EOF'
		FROM busybox AS builder
		RUN mkdir /out && echo artifact >/out/bin && echo junk >/junk
		FROM busybox AS tester
		RUN echo tester >/tester
		FROM busybox
		COPY --from=builder /out/bin /app/bin
		COPY --from=1 /tester /tester
		CMD ["sh", "-c", "cat /app/bin /tester; test -e /junk || echo no-junk"]
	EOF
	build -0 --network none -t multi:1 "$CTX"
	assert_output_contains "Step 1/8 : FROM busybox AS builder" "Step 5/8 : FROM busybox"
	ctr -0 run --rm --network none multi:1
	[ "$output" = "$(printf 'artifact\ntester\nno-junk')" ]
	# the final image has the base's layers and the two COPYs, no stage's RUN
	[ "$(inspect multi:1 '{{len .RootFS.Layers}}')" = "$(($(inspect busybox '{{len .RootFS.Layers}}') + 2))" ]

	build -0 --network none --target builder -t multi:builder "$CTX"
	[ "$(grep -c '^Step ' <<<"$output")" = 2 ]
	ctr -0 run --rm --network none multi:builder cat /junk
	[ "$output" = junk ]
	build -1 --network none --target nosuch -t multi:x "$CTX"
	assert_output_contains 'target stage' 'nosuch' 'could not be found'

	# COPY --from a stored image; the Dockerfile from -f FILE and from -f -
	printf '%s\n' 'FROM scratch' 'COPY --from=busybox /bin/busybox /bin/busybox' \
		'CMD ["/bin/busybox", "echo", "from-image"]' >"$TEST_DIR/other.Dockerfile"
	build -0 --network none -f "$TEST_DIR/other.Dockerfile" -t fromimg:1 "$CTX"
	ctr -0 run --rm --network none fromimg:1
	[ "$output" = from-image ]
	run MR image build --network none -q -f - -t fromimg:2 "$CTX" <"$TEST_DIR/other.Dockerfile"
	[ "$status" -eq 0 ]
	[ "$output" = "$(inspect fromimg:1 '{{.Id}}')" ]
	assert_build_left_nothing
}

@test "image build: .dockerignore keeps files out of the context, ! patterns let them back in" {
	mkdir -p "$CTX/logs" "$CTX/src"
	echo keep >"$CTX/src/main"
	echo secret >"$CTX/secret.txt"
	echo a >"$CTX/logs/a.log"
	echo keep >"$CTX/logs/keep.log"
	echo tmp >"$CTX/src/x.tmp"
	printf '%s\n' '# comment' secret.txt 'logs/*.log' '!logs/keep.log' '**/*.tmp' >"$CTX/.dockerignore"
	dockerfile <<-'EOF'
		FROM busybox
		COPY . /ctx/
		CMD ["find", "/ctx", "-type", "f"]
	EOF
	build -0 --network none -t ignored:1 "$CTX"
	ctr -0 run --rm --network none ignored:1
	[ "$(sort <<<"$output")" = "$(printf '/ctx/.dockerignore\n/ctx/Dockerfile\n/ctx/logs/keep.log\n/ctx/src/main')" ]
	# naming an excluded file is an error that says so
	dockerfile <<-'EOF'
		FROM busybox
		COPY secret.txt /
	EOF
	build -1 --network none -t ignored:2 "$CTX"
	assert_output_contains "secret.txt" "excluded by .dockerignore"
	run MR image inspect ignored:2
	[ "$status" -ne 0 ]
	assert_build_left_nothing
}

@test "image build: a RUN that deletes files of a lower layer hides them in the image (whiteouts)" {
	dockerfile <<-'EOF'
		FROM busybox
		RUN mkdir -p /d/sub && echo x >/d/sub/x && echo y >/d/y && echo f >/gone
		RUN rm /gone /bin/vi && rm -rf /d && mkdir /d && echo new >/d/new
		CMD ["sh", "-c", "ls -A /d; test -e /gone || echo gone-gone; test -e /bin/vi || echo vi-gone"]
	EOF
	build -0 --network none -t wh:1 "$CTX"
	ctr -0 run --rm --network none wh:1
	[ "$output" = "$(printf 'new\ngone-gone\nvi-gone')" ]
	assert_build_left_nothing
}

@test "image build: a failing RUN names its step and exit code and leaves no image, container or mount" {
	dockerfile <<-'EOF'
		FROM busybox
		ENV A=1
		RUN echo before >/before
		RUN echo doing; exit 3
		CMD ["true"]
	EOF
	local before
	before=$(MR image ls -aq | sort)
	[[ $before =~ ^[0-9a-f]{12}$ ]] || fail "image ls -aq: $before"
	build -1 --network none -t failed:1 "$CTX"
	assert_output_contains "doing" "step 4/5 (RUN echo doing; exit 3)" \
		"The command '/bin/sh -c echo doing; exit 3' returned a non-zero code: 3"
	assert_output_not_contains "Successfully"
	[ "$(MR image ls -aq | sort)" = "$before" ]
	run MR image inspect failed:1
	[ "$status" -ne 0 ]
	assert_build_left_nothing
	# a command that does not exist
	dockerfile <<-'EOF'
		FROM busybox
		RUN ["/no/such/command"]
	EOF
	build -1 --network none -t failed:2 "$CTX"
	assert_output_contains "step 2/2" "/no/such/command"
	[ "$(MR image ls -aq | sort)" = "$before" ]
	assert_build_left_nothing
	# on the default bridge network: its veth and address go too (teardown
	# compares the lab's host netns with before)
	dockerfile <<-'EOF'
		FROM busybox
		RUN exit 5
	EOF
	build -1 -t failed:3 "$CTX"
	assert_output_contains "returned a non-zero code: 5"
	[ "$(MR image ls -aq | sort)" = "$before" ]
	assert_build_left_nothing
}

@test "image build: a build stopped by SIGTERM mid-RUN leaves no image, container or mount" {
	dockerfile <<-'EOF'
		FROM busybox
		ENV A=1
		RUN echo started; sleep 100
	EOF
	local before pid
	before=$(MR image ls -aq | sort)
	[[ $before =~ ^[0-9a-f]{12}$ ]] || fail "image ls -aq: $before"
	# $MRX execs timeout, which passes the TERM on to myrunc
	"$MRX" image build --network none -t stopped:1 "$CTX" >"$TEST_DIR/out" 2>&1 </dev/null &
	pid=$!
	# the RUN's own line, not the Step line that names it
	retry 20 grep -qx started "$TEST_DIR/out" || fail "the RUN did not start: $(cat "$TEST_DIR/out")"
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	cat "$TEST_DIR/out"
	[ "$rc" -ne 0 ]
	grep -q "step 3/3 (RUN echo started; sleep 100): the build was stopped" "$TEST_DIR/out"
	[ "$(MR image ls -aq | sort)" = "$before" ]
	assert_build_left_nothing
}

@test "image build: FROM scratch with COPY makes an image of the context's files alone" {
	cp "$BUSYBOX" "$CTX/busybox"
	echo data >"$CTX/data"
	dockerfile <<-'EOF'
		FROM scratch
		COPY busybox /bin/busybox
		COPY data /srv/data
		ENTRYPOINT ["/bin/busybox"]
		CMD ["cat", "/srv/data"]
	EOF
	build -0 --network none -t scr:1 "$CTX"
	[ "$(inspect scr:1 '{{len .RootFS.Layers}}')" = 2 ]
	ctr -0 run --rm --network none scr:1
	[ "$output" = data ]
	# nothing of busybox's image: /bin holds only what COPY put there
	ctr -0 run --rm --network none scr:1 ls /bin /srv
	[ "$(echo $output)" = "/bin: busybox /srv: data" ]
	assert_build_left_nothing
}

@test "image build: BuildKit-only syntax and bad Dockerfiles are refused with a clear error, leaving nothing" {
	dockerfile <<-'EOF'
		FROM busybox
		RUN --mount=type=cache,target=/root/.cache true
	EOF
	build -1 --network none -t bk:1 "$CTX"
	assert_output_contains "RUN --mount" "BuildKit-only syntax"
	dockerfile <<-'EOF'
		FROM busybox
		COPY <<EOT /x
		hello
		EOT
	EOF
	build -1 --network none -t bk:2 "$CTX"
	assert_output_contains "here-document" "BuildKit-only"
	dockerfile <<-'EOF'
		FROM busybox
		FROB x
	EOF
	build -1 --network none -t bk:3 "$CTX"
	assert_output_contains "unknown instruction: FROB"
	dockerfile <<-'EOF'
		RUN true
	EOF
	build -1 --network none -t bk:4 "$CTX"
	assert_output_contains "FROM"
	dockerfile <<-'EOF'
		FROM busybox
		COPY missing.txt /
	EOF
	build -1 --network none -t bk:5 "$CTX"
	assert_output_contains "step 2/2" "missing.txt"
	rm "$CTX/Dockerfile"
	build -1 --network none -t bk:6 "$CTX"
	assert_output_contains "Dockerfile"
	build -1 --network none -t bk:7 "$TEST_DIR/no-such-dir"
	assert_output_contains "no-such-dir"
	[ "$(MR image ls -q | wc -l)" = 1 ]
	assert_build_left_nothing
}

@test "image build: VOLUME, STOPSIGNAL, HEALTHCHECK, SHELL, ARG before FROM are recorded; ONBUILD runs in the next build" {
	dockerfile <<-'EOF'
		ARG BASE=busybox
		FROM ${BASE}
		SHELL ["/bin/sh", "-ec"]
		VOLUME /data
		STOPSIGNAL SIGUSR1
		HEALTHCHECK --interval=5s CMD ["true"]
		ONBUILD RUN echo triggered >/triggered
		RUN echo $0 $- >/shell
	EOF
	build -0 --network none -t meta:1 "$CTX"
	[ "$(inspect meta:1 '{{json .Config.Volumes}} {{.Config.StopSignal}} {{json .Config.Shell}}')" = '{"/data":{}} SIGUSR1 ["/bin/sh","-ec"]' ]
	[ "$(inspect meta:1 '{{json .Config.Healthcheck.Test}}')" = '["CMD","true"]' ]
	ctr -0 run --rm --network none meta:1 sh -c 'cat /shell; test -e /triggered || echo not-yet'
	[[ ${lines[0]} == "/bin/sh "*e* ]]
	[ "${lines[1]}" = not-yet ]

	dockerfile <<-'EOF'
		FROM meta:1
		CMD ["cat", "/triggered"]
	EOF
	build -0 --network none -t meta:2 "$CTX"
	assert_output_contains "# Executing 1 build trigger"
	ctr -0 run --rm --network none meta:2
	[ "$output" = triggered ]
	[ "$(inspect meta:2 '{{json .Config.OnBuild}}')" = null ] || [ "$(inspect meta:2 '{{json .Config.OnBuild}}')" = '[]' ]
	assert_build_left_nothing
}

@test "image build: RUN on the default bridge network reaches the lab's other machine; none has only lo; host and a user network" {
	dockerfile <<-EOF
		FROM busybox
		RUN wget -q -O /src $NETLAB_URL
	EOF
	build -0 -t net:1 "$CTX"
	ctr -0 run --rm --network none net:1 cat /src
	[ "$output" = "$NETLAB_HOST_IP" ]
	dockerfile <<-'EOF'
		FROM busybox
		RUN ls /sys/class/net | sort | tr '\n' ' ' >/nets
	EOF
	build -0 --network none -t net:2 "$CTX"
	ctr -0 run --rm --network none net:2 cat /nets
	[ "$output" = "lo " ]
	# host: the lab host's own links; a user network: its subnet
	build -0 --network host --no-cache -t net:3 "$CTX"
	ctr -0 run --rm --network none net:3 cat /nets
	[[ $output == *" $NETLAB_HOST_IF "* ]]
	MR network create --subnet 10.77.9.0/24 buildnet >/dev/null
	dockerfile <<-'EOF'
		FROM busybox
		RUN ip -4 -o addr show eth0 | awk '{print $4}' >/addr
	EOF
	build -0 --network buildnet -t net:4 "$CTX"
	ctr -0 run --rm --network none net:4 cat /addr
	[[ $output == 10.77.9.*/24 ]]
	[ "$(MR network inspect -f '{{len .Containers}}' buildnet)" = 0 ]
	build -1 --network nosuchnet --no-cache -t net:5 "$CTX"
	assert_output_contains "nosuchnet"
	assert_build_left_nothing
}

@test "image build: the built image loads into podman with the files and config podman build makes of the same Dockerfile" {
	command -v podman >/dev/null || skip "podman not installed"
	echo hello >"$CTX/a.txt"
	mkdir -p "$TEST_DIR/tarsrc/t"
	echo intar >"$TEST_DIR/tarsrc/t/x.txt"
	tar -C "$TEST_DIR/tarsrc" -czf "$CTX/arch.tar.gz" t
	dockerfile <<-'EOF'
		FROM busybox
		WORKDIR /app
		COPY --chown=1234:1234 --chmod=640 a.txt /owned/
		ADD arch.tar.gz /x/
		RUN rm /bin/vi && echo run >/app/run.txt
		ENV E=1
		USER 1234
		CMD ["cat", "/owned/a.txt"]
	EOF
	build -0 --network none -t ours:1 "$CTX"
	MR image save -o "$TEST_DIR/ours.tar" ours:1
	# podman's own store in the test directory; vfs: no mounts to leave
	local P=(podman --root "$TEST_DIR/podroot" --runroot "$TEST_DIR/podrun" --storage-driver vfs
		--cgroup-manager cgroupfs --events-backend none)
	on_teardown "rm -rf '$TEST_DIR/podroot' '$TEST_DIR/podrun'"
	run "${P[@]}" load -i "$TEST_DIR/ours.tar"
	echo "$output"
	[ "$status" -eq 0 ]
	"${P[@]}" load -q -i "${BATS_RUN_TMPDIR:-/tmp}/engine-busybox.tar"
	# chroot isolation runs RUN without a runtime or cgroup; on the lab's
	# host network (it needs none)
	run in_lab "${P[@]}" build -q --isolation chroot --network host -t theirs:1 "$CTX"
	echo "$output"
	[ "$status" -eq 0 ]

	local t='{{json .Config.Env}} {{json .Config.Cmd}} {{json .Config.Entrypoint}} {{.Config.WorkingDir}} {{.Config.User}}'
	[ "$("${P[@]}" image inspect -f "$t" ours:1)" = "$("${P[@]}" image inspect -f "$t" theirs:1)" ]
	[ "$("${P[@]}" image inspect -f "$t" ours:1)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","E=1"] ["cat","/owned/a.txt"] null /app 1234' ]
	# the same files, types, modes, owners, sizes and link targets; podman's
	# RUN also leaves its mount points (/etc/hosts, /etc/hostname,
	# /etc/resolv.conf, /run) in the layer, which Docker's builder does not
	local img dir
	for img in ours theirs; do
		dir=$("${P[@]}" image mount "$img:1")
		(cd "$dir" && find . \( -type d -printf '%p d %m %U:%G\n' \) -o -printf '%p %y %m %U:%G %s %l\n') |
			grep -Ev '^\./(etc/hosts|etc/hostname|etc/resolv\.conf|run) ' | sort >"$TEST_DIR/$img.files"
		"${P[@]}" image unmount "$img:1" >/dev/null
	done
	diff "$TEST_DIR/theirs.files" "$TEST_DIR/ours.files"
	grep -q '^\./owned/a\.txt f 640 1234:1234 6 $' "$TEST_DIR/ours.files"
	grep -q '^\./x/t/x\.txt f ' "$TEST_DIR/ours.files"
	! grep -q '^\./bin/vi ' "$TEST_DIR/ours.files"
	grep -q '^\./app/run\.txt f ' "$TEST_DIR/ours.files"
	# our RUN left no mount point behind
	dir=$("${P[@]}" image mount ours:1)
	[ ! -e "$dir/etc/hostname" ] && [ ! -e "$dir/etc/resolv.conf" ]
	"${P[@]}" image unmount ours:1 >/dev/null
	assert_build_left_nothing
}

@test "image build: FROM pulls an image that is missing, uses the stored one after, and --pull asks the registry again" {
	command -v docker-registry >/dev/null || skip "docker-registry not installed (scripts/install-deps.sh test)"
	command -v skopeo >/dev/null || skip "skopeo not installed"
	local reg="$BATS_TEST_DIRNAME/../tools/registry.sh" regdir="$TEST_DIR/registry"
	mkdir -p "$regdir"
	on_teardown "'$reg' stop '$regdir'"
	# the registry listens on 127.0.0.1 of the lab's host, where the build runs
	eval "$(in_lab "$reg" start "$regdir" 3>&-)"
	in_lab "$reg" push "$regdir" "${BATS_RUN_TMPDIR:-/tmp}/engine-busybox.tar" base/bb:1 >/dev/null
	dockerfile <<-EOF
		FROM $REGISTRY/base/bb:1
		RUN echo built >/built
	EOF
	build -0 --network none -t pulled:1 "$CTX"
	ctr -0 run --rm --network none pulled:1 cat /built
	[ "$output" = built ]
	[ "$(inspect "$REGISTRY/base/bb:1" '{{.Id}}')" = "$(inspect busybox '{{.Id}}')" ]
	# stored now: the registry is not asked again
	"$reg" stop "$regdir"
	build -0 --network none -t pulled:2 "$CTX"
	assert_output_contains " ---> Using cache"
	build -1 --network none --pull -t pulled:3 "$CTX"
	assert_output_contains "step 1/2" "pulling $REGISTRY/base/bb:1"
	assert_build_left_nothing
}

@test "image build: ADD extracts local tar archives (plain, gzip, bzip2, xz, zstd) and copies other files as they are" {
	mkdir -p "$TEST_DIR/src/t"
	echo intar >"$TEST_DIR/src/t/x.txt"
	tar -C "$TEST_DIR/src" -cf "$CTX/plain.tar" t
	local z
	for z in gzip bzip2 xz zstd; do
		command -v "$z" >/dev/null || skip "$z not installed"
		"$z" -c "$CTX/plain.tar" >"$CTX/a.tar.$z"
	done
	echo not an archive >"$CTX/notes.tar"
	gzip -c "$CTX/notes.tar" >"$CTX/notes.gz"
	dockerfile <<-'EOF'
		FROM busybox
		ADD plain.tar /plain/
		ADD a.tar.gzip /gz/
		ADD a.tar.bzip2 /bz/
		ADD a.tar.xz /xz/
		ADD a.tar.zstd /zst/
		ADD notes.tar notes.gz /files/
	EOF
	build -0 --network none -t added:1 "$CTX"
	ctr -0 run --rm --network none added:1 sh -c 'cat /plain/t/x.txt /gz/t/x.txt /bz/t/x.txt /xz/t/x.txt /zst/t/x.txt /files/notes.tar; ls /files'
	[ "$output" = "$(printf 'intar\nintar\nintar\nintar\nintar\nnot an archive\nnotes.gz\nnotes.tar')" ]
	assert_build_left_nothing
}

@test "image build: COPY and WORKDIR follow the image's own symlinks (absolute ones too) inside the image, never out of it" {
	echo f >"$CTX/f"
	dockerfile <<-'EOF'
		FROM busybox
		RUN mkdir -p /run /var && ln -s /run /var/run && ln -s / /esc && ln -s /opt/new /dangling
		COPY f /var/run/app/f
		COPY f /esc/tmp/escaped
		COPY f /dangling/
		WORKDIR /var/run/work
		CMD ["sh", "-c", "cat /run/app/f /tmp/escaped /opt/new/f; pwd"]
	EOF
	build -0 --network none -t links:1 "$CTX"
	ctr -0 run --rm --network none links:1
	[ "$output" = "$(printf 'f\nf\nf\n/run/work')" ]
	[ ! -e /tmp/escaped ]
	# container run -w through a link, as Docker's
	ctr -0 run --rm --network none -w /var/run/other links:1 pwd
	[ "$output" = /run/other ]
	assert_build_left_nothing
}

# http_server DIR: python3's http.server serving DIR on 127.0.0.1 of the
# lab's host (where the build runs, as the registry test's); sets HTTP to
# http://127.0.0.1:PORT. Stopped at teardown by its pid.
http_server() {
	command -v python3 >/dev/null || skip "python3 not installed"
	local info="$TEST_DIR/http.info"
	in_lab python3 -c '
import functools, http.server, os, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
handler.log_message = lambda *a: None
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write("%d %d\n" % (os.getpid(), srv.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
srv.serve_forever()
' "$1" "$info" </dev/null >/dev/null 2>&1 3>&- &
	retry 10 test -s "$info" || fail "the http server did not start"
	local pid port
	read -r pid port <"$info"
	on_teardown "kill $pid"
	HTTP="http://127.0.0.1:$port"
}

@test "image build: ADD of a URL downloads the file (never extracted) with mode 0600 and the Last-Modified time, to dir/ or a file name; --chown and --chmod apply; the cache compares the content" {
	local srv="$TEST_DIR/srv"
	mkdir -p "$srv" "$TEST_DIR/tarsrc"
	echo one >"$srv/hello.txt"
	echo intar >"$TEST_DIR/tarsrc/x"
	tar -C "$TEST_DIR/tarsrc" -czf "$srv/arch.tar.gz" x
	touch -d "2020-01-02 03:04:05 UTC" "$srv/hello.txt" "$srv/arch.tar.gz"
	http_server "$srv"
	dockerfile <<-EOF
		FROM busybox
		RUN echo "bob:x:1234:1234::/home/bob:/bin/sh" >> /etc/passwd && echo "bob:x:1234:" >> /etc/group
		ADD $HTTP/hello.txt /dl/
		ADD $HTTP/arch.tar.gz /dl/
		ADD $HTTP/hello.txt /named.txt
		ADD --chown=bob --chmod=640 $HTTP/hello.txt /owned/
		RUN cat /dl/hello.txt >/copied
	EOF
	build -0 --network none -t url:1 "$CTX"
	assert_output_contains "Step 3/7 : ADD $HTTP/hello.txt /dl/"
	ctr -0 run --rm --network none url:1 sh -c 'stat -c "%n %a %u:%g %Y" /dl/hello.txt /dl/arch.tar.gz /named.txt /owned/hello.txt; ls /dl; cat /named.txt /copied'
	[ "$output" = "$(printf '%s\n' '/dl/hello.txt 600 0:0 1577934245' '/dl/arch.tar.gz 600 0:0 1577934245' \
		'/named.txt 600 0:0 1577934245' '/owned/hello.txt 640 1234:1234 1577934245' arch.tar.gz hello.txt one one)" ]
	# downloaded again and unchanged (a new Last-Modified alone changes nothing): every step from the cache
	touch -d "2021-05-06 07:08:09 UTC" "$srv/hello.txt"
	build -0 --network none -t url:2 "$CTX"
	[ "$(grep -c -- ' ---> Using cache' <<<"$output")" -eq 6 ]
	[ "$(inspect url:2 '{{.Id}}')" = "$(inspect url:1 '{{.Id}}')" ]
	# changed content: the first ADD of it and every step after are run again
	echo two >"$srv/hello.txt"
	build -0 --network none -t url:3 "$CTX"
	[ "$(grep -c -- ' ---> Using cache' <<<"$output")" -eq 1 ]
	ctr -0 run --rm --network none url:3 cat /dl/hello.txt /named.txt /copied /owned/hello.txt
	[ "$output" = "$(printf 'two\ntwo\ntwo\ntwo')" ]
	assert_build_left_nothing
}

@test "image build: ADD of a URL that answers 404 or refuses the connection fails the step, naming the URL and the status, and leaves nothing behind" {
	mkdir -p "$TEST_DIR/srv"
	http_server "$TEST_DIR/srv"
	local before
	before=$(MR image ls -aq | sort)
	dockerfile <<-EOF
		FROM busybox
		ADD $HTTP/missing.txt /dl/
	EOF
	build -1 --network none -t bad:1 "$CTX"
	assert_output_contains "step 2/2" "failed to GET $HTTP/missing.txt with status 404"
	assert_output_not_contains "Successfully built"
	[ "$(MR image ls -aq | sort)" = "$before" ]
	# nothing listens on port 1 of the lab's host
	dockerfile <<-EOF
		FROM busybox
		ADD http://127.0.0.1:1/file.txt /dl/
	EOF
	build -1 --network none -t bad:2 "$CTX"
	assert_output_contains "step 2/2" "http://127.0.0.1:1/file.txt" "connection refused"
	[ "$(MR image ls -aq | sort)" = "$before" ]
	# a URL naming no file cannot go into a directory
	dockerfile <<-EOF
		FROM busybox
		ADD $HTTP/ /dl/
	EOF
	build -1 --network none -t bad:3 "$CTX"
	assert_output_contains "step 2/2" "cannot determine a file name"
	[ "$(MR image ls -aq | sort)" = "$before" ]
	assert_build_left_nothing
}
