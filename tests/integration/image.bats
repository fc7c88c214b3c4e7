#!/usr/bin/env bats
# myrunc image load/save/import/ls/inspect/history/tag/rm/prune, and
# container run --rm from the store.

load helpers
load image_helpers

setup() { setup_images; }
teardown() { teardown_test; }

@test "image load takes a docker-save tar and an OCI layout tar; shared layers are stored once" {
	mkimage bb.tar --format docker-archive --tag bb:1 --layers 3
	img -0 load -i "$TEST_DIR/bb.tar"
	[ "$output" = "Loaded image: bb:1" ]
	mkimage oci.tar --format oci-archive --tag example.com/ns/oci:2 --layers 2
	img -0 load -i "$TEST_DIR/oci.tar"
	[ "$output" = "Loaded image: example.com/ns/oci:2" ]
	# base + 2 (bb) + 1 (oci; its /layers/2 layer is bb's too)
	[ "$(ls "$DATA/image/layers" | wc -l)" -eq 3 ]
	img -0 ls
	[[ ${lines[0]} =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
	[[ ${lines[1]} =~ ^bb\ +1\ +[0-9a-f]{12}\ +[0-9]+\ years\ ago\ +1\.9[0-9]MB$ ]]
	[[ ${lines[2]} =~ ^example.com/ns/oci\ +2\ + ]]
	img -0 ls -q
	[ "${#lines[@]}" -eq 2 ]
	assert_store_clean
}

@test "image load reads stdin and a docker-save tar keeps the image ID" {
	mkimage bb.tar --format docker-archive --tag bb:1
	run -0 bash -c '"$1" --data-root "$2" image load <"$3"' _ "$MYRUNC" "$DATA" "$TEST_DIR/bb.tar"
	img -0 inspect --format '{{.Id}}' bb:1
	[ "$output" = "$IMAGE_ID" ]
}

@test "image inspect prints Docker's fields and --format templates" {
	mkimage bb --format oci-archive --tag bb:1 --cmd '["echo","hi"]' --entrypoint '["/bin/env"]' \
		--env A=1 --workdir /tmp --user nobody
	img -0 load -i "$TEST_DIR/bb"
	img -0 inspect bb:1
	run -0 jq -r '.[0] | [.Id, (.RepoTags|join(",")), (.Config.Cmd|join(" ")), (.Config.Entrypoint|join(" ")),
		(.Config.Env|join(",")), .Config.WorkingDir, .Config.User, .Os, .Architecture, (.RootFS.Layers|length),
		(.Size > 1000000)] | map(tostring) | join("|")' <<<"$output"
	[ "$output" = "$IMAGE_ID|bb:1|echo hi|/bin/env|PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin,A=1|/tmp|nobody|linux|$(go env GOARCH 2>/dev/null || echo amd64)|1|true" ] ||
		[[ $output == "$IMAGE_ID|bb:1|echo hi|/bin/env|"*"|/tmp|nobody|linux|"*"|1|true" ]]
	img -0 inspect -f '{{.Config.WorkingDir}} {{json .Config.Cmd}} {{.Size}}' bb:1
	[[ $output =~ ^/tmp\ \[\"echo\",\"hi\"\]\ [0-9]+$ ]]
	img -1 inspect nosuch:1
	assert_output_contains "No such image: nosuch:1"
}

@test "image history lists layers newest first with Docker's columns" {
	mkimage bb.tar --format docker-archive --tag bb:1 --layers 3
	img -0 load -i "$TEST_DIR/bb.tar"
	img -0 history bb:1
	[[ ${lines[0]} == "IMAGE "*"CREATED "*"CREATED BY "*"SIZE "*"COMMENT" ]]
	[[ ${lines[1]} == "${IMAGE_ID:7:12} "*"mkimage: /layers/3"*"2B"* ]]
	[[ ${lines[3]} == "<missing> "*"mkimage: busybox rootfs"*"MB"* ]]
	[ "${#lines[@]}" -eq 4 ]
}

@test "image tag, rm and prune as Docker does" {
	mkimage bb.tar --format docker-archive --tag bb:1
	img -0 load -i "$TEST_DIR/bb.tar"
	img -0 tag bb:1 other/name:2
	img -0 ls --format '{{.Repository}}:{{.Tag}}'
	assert_output_contains bb:1 other/name:2
	img -1 rm "${IMAGE_ID:7:4}"
	assert_output_contains "image is referenced in multiple repositories"
	img -0 rm bb:1
	[ "$output" = "Untagged: bb:1" ]
	img -0 rm other/name:2
	assert_output_contains "Untagged: other/name:2" "Deleted: $IMAGE_ID"
	[ -z "$(ls "$DATA/image/layers")" ]
	[ -z "$(ls "$DATA/image/blobs/sha256")" ]
	img -0 load -i "$TEST_DIR/bb.tar"
	img -0 prune -f
	[ "$output" = "Total reclaimed space: 0B" ]
	img -0 prune -a -f
	assert_output_contains "deleted: $IMAGE_ID"
	img -0 ls -q
	[ -z "$output" ]
}

@test "image rm refuses an image a container uses unless -f" {
	mkimage bb.tar --format docker-archive --tag bb:1
	img -0 load -i "$TEST_DIR/bb.tar"
	# the record a container's creator writes (image.Store.Use)
	printf '%s' "$IMAGE_ID" >"$DATA/image/uses/ctr1"
	img -1 rm bb:1
	assert_output_contains "container ctr1 is using its referenced image ${IMAGE_ID:7:12}"
	img -0 rm -f bb:1
	img -0 ls --format '{{.Repository}} {{.ID}}'
	[ "$output" = "<none> ${IMAGE_ID:7:12}" ]
	[ -n "$(ls "$DATA/image/layers")" ]
	rm "$DATA/image/uses/ctr1"
	img -0 prune -f
	assert_output_contains "deleted: $IMAGE_ID"
}

@test "image save writes a tar that loads back with the same IDs (docker and oci formats)" {
	mkimage bb.tar --format oci-archive --tag bb:1 --layers 2 --whiteout
	img -0 load -i "$TEST_DIR/bb.tar"
	img -0 save -o "$TEST_DIR/saved.tar" bb:1
	img -0 save --format oci -o "$TEST_DIR/saved-oci.tar" bb:1
	run -0 tar -tf "$TEST_DIR/saved.tar"
	assert_output_contains manifest.json index.json oci-layout
	run -0 tar -xOf "$TEST_DIR/saved-oci.tar" index.json
	[[ $output == *"$IMAGE_MANIFEST"* ]]
	img -0 rm bb:1
	img -0 load -i "$TEST_DIR/saved.tar"
	[ "$output" = "Loaded image: bb:1" ]
	img -0 inspect -f '{{.Id}}' bb:1
	[ "$output" = "$IMAGE_ID" ]
	img -1 save -o "$TEST_DIR/none.tar" nosuch
	[ ! -e "$TEST_DIR/none.tar" ]
}

@test "image import makes a one-layer image with -c changes" {
	mkdir -p "$TEST_DIR/rootfs/bin"
	cp "$BUSYBOX" "$TEST_DIR/rootfs/bin/busybox"
	ln -s busybox "$TEST_DIR/rootfs/bin/sh"
	tar -C "$TEST_DIR/rootfs" -czf "$TEST_DIR/rootfs.tgz" .
	img -0 import -c 'CMD ["/bin/sh","-c","echo $GREETING from $PWD"]' -c 'ENV GREETING=hello' -c 'WORKDIR /bin' \
		-c 'EXPOSE 8080' "$TEST_DIR/rootfs.tgz" imported:1
	[[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
	img -0 inspect -f '{{json .Config.ExposedPorts}} {{len .RootFS.Layers}}' imported:1
	[ "$output" = '{"8080/tcp":{}} 1' ]
	ctr -0 run --rm imported:1
	[ "$output" = "hello from /bin" ]
	img -1 import -c 'RUN true' "$TEST_DIR/rootfs.tgz"
	assert_output_contains "unknown instruction RUN"
}

@test "container run --rm runs an image from the store: layers, whiteouts, user, env, exit codes" {
	mkimage bb --format oci-archive --tag bb:1 --layers 3 --whiteout --workdir /layers
	img -0 load -i "$TEST_DIR/bb"
	ctr -0 run --rm bb:1 sh -c 'cat 2 3; ls /opq; test -e /etc/gone || echo gone; pwd'
	[ "$output" = "$(printf '2\n3\nc\ngone\n/layers')" ]
	ctr -0 run --rm -u nobody -e X=y bb:1 sh -c 'id -u; id -g; echo $X $HOME'
	[ "$output" = "$(printf '65534\n65534\ny /nonexistent')" ]
	ctr -3 run --rm bb:1 sh -c 'exit 3'
	ctr -127 run --rm bb:1 no-such-command
	ctr -125 run --rm nosuch:1 true
	assert_output_contains "No such image: nosuch:1"
	ctr -0 run --rm --entrypoint /bin/echo bb:1 via entrypoint
	[ "$output" = "via entrypoint" ]
	assert_store_clean
	[ -z "$(ls "$DATA/image/uses")" ]
	[ -z "$(ls "$DATA/containers" 2>/dev/null)" ]
	! grep -q "$DATA" /proc/self/mountinfo
}

@test "a container's writes stay in its own layer" {
	mkimage bb.tar --format docker-archive --tag bb:1
	img -0 load -i "$TEST_DIR/bb.tar"
	ctr -0 run --rm bb:1 sh -c 'echo changed >/etc/passwd; rm /bin/ls; echo new >/new'
	ctr -0 run --rm bb:1 sh -c 'head -1 /etc/passwd; test -e /bin/ls && echo ls; test -e /new || echo no-new'
	[ "$output" = "$(printf 'root:x:0:0:root:/root:/bin/sh\nls\nno-new')" ]
}

@test "an image of 120 layers runs" {
	mkimage many --format oci-archive --tag many:1 --layers 120
	img -0 load -i "$TEST_DIR/many"
	ctr -0 run --rm many:1 sh -c 'ls /layers | wc -l; cat /layers/120'
	[ "$output" = "$(printf '119\n120')" ]
}

@test "an image umoci made (whiteouts, hard links, symlinks, a device node, setuid) loads and runs" {
	command -v umoci >/dev/null || skip "umoci not installed"
	local l="$TEST_DIR/layout" b="$TEST_DIR/b"
	local r="$b/rootfs"
	umoci init --layout "$l"
	umoci new --image "$l:t"
	umoci unpack --image "$l:t" "$b" >/dev/null
	mkdir -p "$r/bin" "$r/etc" "$r/data"
	cp "$BUSYBOX" "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	cp "$BUSYBOX" "$r/bin/suid"
	chmod 4755 "$r/bin/suid"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
	echo gone >"$r/data/gone"
	echo keep >"$r/data/keep"
	ln "$r/data/keep" "$r/data/hard"
	mknod "$r/data/null" c 1 3
	umoci repack --image "$l:t" "$b"
	rm "$r/data/gone"
	umoci repack --image "$l:t" "$b"
	umoci config --image "$l:t" --config.cmd sh
	tar -C "$l" -cf "$TEST_DIR/umoci.tar" .
	img -0 load -i "$TEST_DIR/umoci.tar"
	[[ $output =~ ^Loaded\ image\ ID:\ (sha256:[0-9a-f]{64})$ ]]
	local id=${BASH_REMATCH[1]}
	ctr -0 run --rm "$id" sh -c 'ls /data; stat -c "%h %a" /data/keep /bin/suid; stat -c "%t,%T %F" /data/null; readlink /bin/sh'
	[ "$output" = "$(printf 'hard\nkeep\nnull\n2 644\n1 4755\n1,3 character special file\nbusybox')" ]
}

@test "loads at once store each layer once and all succeed" {
	mkimage bb.tar --format docker-archive --tag bb:1 --layers 4
	local pids=() p
	for _ in 1 2 3; do
		"$MYRUNC" --data-root "$DATA" image load -q -i "$TEST_DIR/bb.tar" 3>&- &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	[ "$(ls "$DATA/image/layers" | wc -l)" -eq 4 ]
	img -0 ls -q
	[ "${#lines[@]}" -eq 1 ]
	assert_store_clean
}

@test "a killed load leaves no image; the next load removes what it left" {
	mkimage bb.tar --format docker-archive --tag bb:1
	mkfifo "$TEST_DIR/in"
	"$MYRUNC" --data-root "$DATA" image load -q -i "$TEST_DIR/in" 3>&- &
	local pid=$!
	exec 5>"$TEST_DIR/in"
	head -c 500000 "$TEST_DIR/bb.tar" >&5
	retry 10 test -n "$(ls -A "$DATA/image/tmp")"
	kill -9 "$pid"
	wait "$pid" || true
	exec 5>&-
	img -0 ls -q
	[ -z "$output" ]
	[ -n "$(ls -A "$DATA/image/tmp")" ]
	img -0 load -i "$TEST_DIR/bb.tar"
	assert_store_clean
}
