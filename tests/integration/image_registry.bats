#!/usr/bin/env bats
# image pull / push against a private registry (Debian's docker-registry on
# 127.0.0.1, one per test file), with images made by mkimage.sh and
# pushed by skopeo; interop with skopeo and podman.

load helpers
load image_helpers

setup_file() {
	command -v docker-registry >/dev/null || skip "docker-registry not installed (scripts/install-deps.sh test)"
	command -v skopeo >/dev/null || skip "skopeo not installed"
	export REG_DIR
	REG_DIR=$(mktemp -d /tmp/myrunc-reg.XXXXXX)
	eval "$("$BATS_TEST_DIRNAME/../tools/registry.sh" start "$REG_DIR")"
	export REGISTRY REGISTRY_PID
}

teardown_file() {
	[ -z "${REG_DIR:-}" ] || { "$BATS_TEST_DIRNAME/../tools/registry.sh" stop "$REG_DIR"; rm -rf "$REG_DIR"; }
}

setup() { setup_images; }
teardown() { teardown_test; }

# push_image NAME REPO:TAG [MKIMAGE-OPTIONS...]: mkimage + skopeo push; sets PUSHED (ref@digest)
push_image() {
	local name=$1 ref=$2
	shift 2
	mkimage "$name" --format oci-layout "$@"
	PUSHED=$("$REGISTRY_SH" push "$REG_DIR" "$IMAGE" "$ref") || fail "push of $ref failed"
}

@test "image pull of an image skopeo pushed; it runs; a second pull is up to date" {
	push_image bb "pull/bb:1" --layers 3 --whiteout
	img -0 pull "$REGISTRY/pull/bb:1"
	assert_output_contains "1: Pulling from pull/bb" "Pull complete" "Digest: ${PUSHED#*@}" \
		"Status: Downloaded newer image for $REGISTRY/pull/bb:1"
	[ "${lines[-1]}" = "$REGISTRY/pull/bb:1" ]
	img -0 pull -q "$REGISTRY/pull/bb:1"
	[ "$output" = "$REGISTRY/pull/bb:1" ]
	img -0 pull "$REGISTRY/pull/bb:1"
	assert_output_contains "Status: Image is up to date"
	img -0 inspect -f '{{.Id}} {{index .RepoDigests 0}}' "$REGISTRY/pull/bb:1"
	[ "$output" = "$IMAGE_ID $REGISTRY/pull/bb@${PUSHED#*@}" ]
	ctr -0 run --rm "$REGISTRY/pull/bb:1" sh -c 'cat /layers/3; ls /opq'
	[ "$output" = "$(printf '3\nc')" ]
	img -0 pull -q "$REGISTRY/pull/bb@${PUSHED#*@}"
	assert_store_clean
}

@test "image push then pull back gives the same digests; skopeo inspects what myrunc pushed" {
	push_image bb "src/bb:1" --layers 2
	img -0 pull -q "$REGISTRY/src/bb:1"
	img -0 tag "$REGISTRY/src/bb:1" "$REGISTRY/dst/copy:7"
	img -0 push "$REGISTRY/dst/copy:7"
	assert_output_contains "The push refers to repository [$REGISTRY/dst/copy]" "7: digest: ${PUSHED#*@}"
	run -0 skopeo inspect --tls-verify=false "docker://$REGISTRY/dst/copy:7"
	[ "$(jq -r .Digest <<<"$output")" = "${PUSHED#*@}" ]
	img -0 rm "$REGISTRY/dst/copy:7" "$REGISTRY/src/bb:1"
	img -0 pull -q "$REGISTRY/dst/copy:7"
	img -0 inspect -f '{{.Id}} {{index .RepoDigests 0}}' "$REGISTRY/dst/copy:7"
	[ "$output" = "$IMAGE_ID $REGISTRY/dst/copy@${PUSHED#*@}" ]
}

@test "an image myrunc pulled and saved loads into podman and inspects with skopeo" {
	command -v podman >/dev/null || skip "podman not installed"
	push_image bb "interop/bb:1" --layers 2 --cmd '["echo","from podman"]'
	img -0 pull -q "$REGISTRY/interop/bb:1"
	img -0 save -o "$TEST_DIR/saved.tar" "$REGISTRY/interop/bb:1"
	run -0 skopeo inspect "docker-archive:$TEST_DIR/saved.tar"
	[ "$(jq -r '.Layers | length' <<<"$output")" -eq 2 ]
	local p="$TEST_DIR/podman"
	run -0 podman --root "$p/root" --runroot "$p/run" --storage-driver vfs load -i "$TEST_DIR/saved.tar"
	assert_output_contains "Loaded image: $REGISTRY/interop/bb:1"
	run -0 podman --root "$p/root" --runroot "$p/run" --storage-driver vfs image inspect --format '{{.Id}}' "$REGISTRY/interop/bb:1"
	[ "sha256:$output" = "$IMAGE_ID" ]
	on_teardown "rm -rf '$p'"
}

@test "a manifest list: --platform picks the image, an unknown platform is refused" {
	push_image bb "multi/bb:1"
	local amd64=$PUSHED
	# an index naming the same image as linux/amd64 and linux/arm64
	local m=${amd64#*@} size
	size=$(skopeo inspect --raw --tls-verify=false "docker://$amd64" | wc -c)
	jq -n --arg d "$m" --argjson s "$size" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
		manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s, platform: {os: "linux", architecture: "amd64"}},
		            {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s, platform: {os: "linux", architecture: "arm64"}}]}' >"$TEST_DIR/index.json"
	run -0 curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.index.v1+json' --data-binary "@$TEST_DIR/index.json" \
		"http://$REGISTRY/v2/multi/bb/manifests/list"
	img -0 pull -q --platform linux/arm64 "$REGISTRY/multi/bb:list"
	img -0 inspect -f '{{.Id}}' "$REGISTRY/multi/bb:list"
	[ "$output" = "$IMAGE_ID" ]
	img -1 pull -q --platform linux/s390x "$REGISTRY/multi/bb:list"
	assert_output_contains "s390x"
	assert_store_clean
}

@test "a layer the registry serves corrupted is refused, naming the blob; nothing is left" {
	push_image own "corrupt/c:1" --file /own=mine
	eval "$("$REGISTRY_SH" corrupt "$REG_DIR" corrupt/c:1 -1)"
	img -1 pull -q "$REGISTRY/corrupt/c:1"
	"$REGISTRY_SH" restore "$REG_DIR"
	assert_output_contains "digest mismatch" "$LAYER_DIGEST"
	[ -z "$(ls "$DATA/image/layers")" ] && [ -z "$(ls "$DATA/image/blobs/sha256")" ]
	assert_store_clean
	img -0 pull -q "$REGISTRY/corrupt/c:1"
}

@test "unknown references and registries fail with the registry's word" {
	img -1 pull -q "$REGISTRY/no/such:1"
	assert_output_contains "manifest unknown"
	img -1 pull -q "127.0.0.1:1/x:1"
	assert_output_contains "connection refused"
	img -1 pull -q "Bad/Name"
	assert_output_contains "invalid reference format"
	img -1 push "$REGISTRY/not/stored:1"
	assert_output_contains "No such image"
}

# flaky MODE N: a failing proxy in front of the registry; sets FLAKY (host:port)
flaky() {
	python3 "$BATS_TEST_DIRNAME/../tools/flaky-proxy.py" "$REGISTRY" "$1" "$2" >"$TEST_DIR/flaky.port" 3>&- &
	local pid=$!
	on_teardown "kill $pid"
	wait_for_content "$TEST_DIR/flaky.port" '[0-9]'
	FLAKY=127.0.0.1:$(head -1 "$TEST_DIR/flaky.port")
}

@test "a registry that goes away mid-download: the layer is fetched again" {
	push_image bb "flaky/bb:1" --layers 2
	flaky cut 2
	img -0 pull "$FLAKY/flaky/bb:1"
	assert_output_contains "Retrying in 1 seconds" "Status: Downloaded newer image"
	ctr -0 run --rm "$FLAKY/flaky/bb:1" cat /layers/2
	[ "$output" = 2 ]
	assert_store_clean
}

@test "a registry that keeps failing: the pull fails after its tries and leaves nothing" {
	push_image bb "flaky/bb:2" --layers 2
	flaky cut 100
	img -1 pull -q "$FLAKY/flaky/bb:2"
	assert_output_contains "unexpected EOF"
	[ -z "$(ls "$DATA/image/layers")" ] && [ -z "$(ls "$DATA/image/blobs/sha256")" ]
	assert_store_clean
	img -0 ls -q
	[ -z "$output" ]
}

@test "a registry that refuses blobs: a clear error and nothing left" {
	push_image bb "flaky/bb:3"
	flaky refuse 0
	img -1 pull -q "$FLAKY/flaky/bb:3"
	assert_output_contains "503"
	[ -z "$(ls "$DATA/image/layers")" ]
	assert_store_clean
}

# to_zstd LAYOUT: recompresses an OCI layout's layers with zstd (the
# diff IDs stay), rewriting its manifest and index.json
to_zstd() {
	local l=$1 m mf new d
	m=$(jq -r '.manifests[0].digest' "$l/index.json")
	mf=$l/blobs/sha256/${m#sha256:}
	new=$(cat "$mf")
	for d in $(jq -r '.layers[].digest' "$mf"); do
		zcat "$l/blobs/sha256/${d#sha256:}" | zstd -q -c >"$l/z"
		local zd zs
		zd=$(sha256sum "$l/z" | cut -d' ' -f1)
		zs=$(stat -c %s "$l/z")
		mv "$l/z" "$l/blobs/sha256/$zd"
		new=$(jq -c --arg o "$d" --arg n "sha256:$zd" --argjson s "$zs" \
			'.layers |= map(if .digest == $o then .digest = $n | .size = $s | .mediaType = "application/vnd.oci.image.layer.v1.tar+zstd" else . end)' <<<"$new")
	done
	d=$(printf '%s' "$new" | sha256sum | cut -d' ' -f1)
	printf '%s' "$new" >"$l/blobs/sha256/$d"
	jq -c --arg d "sha256:$d" --argjson s "${#new}" '.manifests[0].digest = $d | .manifests[0].size = $s' "$l/index.json" >"$l/i"
	mv "$l/i" "$l/index.json"
}

@test "zstd layers and a 120-layer image pull and run" {
	command -v zstd >/dev/null || skip "zstd not installed"
	mkimage many --format oci-layout --layers 120
	to_zstd "$IMAGE"
	"$REGISTRY_SH" push "$REG_DIR" "$IMAGE" zstd/many:1 >/dev/null
	run -0 skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/zstd/many:1"
	[ "$(jq -r '.layers[0].mediaType' <<<"$output")" = application/vnd.oci.image.layer.v1.tar+zstd ]
	img -0 pull -q "$REGISTRY/zstd/many:1"
	ctr -0 run --rm "$REGISTRY/zstd/many:1" sh -c 'ls /layers | wc -l'
	[ "$output" = 119 ]
}
