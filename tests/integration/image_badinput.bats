#!/usr/bin/env bats
# Broken image archives: a clear error naming the problem, and no image,
# layer, blob or temporary file left behind.

load helpers
load image_helpers

setup() { setup_images; }
teardown() { teardown_test; }

# layout: an OCI layout dir of a 2-layer image to break, $L
layout() {
	mkimage layout --format oci-layout --tag bad:1 --layers 2
	L=$IMAGE
	MANIFEST=$L/blobs/sha256/${IMAGE_MANIFEST#sha256:}
	LAYER0=$(jq -r '.layers[0].digest' "$MANIFEST")
	LAYER1=$(jq -r '.layers[1].digest' "$MANIFEST")
}

# pack: tar the layout and try to load it
pack_and_load() {
	tar -C "$L" -cf "$TEST_DIR/in.tar" .
	img -1 load -i "$TEST_DIR/in.tar"
}

assert_nothing_stored() {
	assert_store_clean
	[ -z "$(ls "$DATA/image/layers")" ] || fail "layers left: $(ls "$DATA/image/layers")"
	[ -z "$(ls "$DATA/image/blobs/sha256")" ] || fail "blobs left: $(ls "$DATA/image/blobs/sha256")"
	img -0 ls -q
	[ -z "$output" ]
}

# set_manifest JQ: rewrite the manifest with JQ, store it by its digest
set_manifest() {
	local new d
	new=$(jq -c "$1" "$MANIFEST")
	d=$(printf '%s' "$new" | sha256sum | cut -d' ' -f1)
	printf '%s' "$new" >"$L/blobs/sha256/$d"
	jq -c --arg d "sha256:$d" --argjson s "${#new}" '.manifests[0].digest = $d | .manifests[0].size = $s' "$L/index.json" >"$L/index.new"
	mv "$L/index.new" "$L/index.json"
}

@test "a layer whose content does not match its digest is refused, naming the blob" {
	layout
	cp "$L/blobs/sha256/${LAYER0#sha256:}" "$L/blobs/sha256/${LAYER1#sha256:}"
	pack_and_load
	assert_output_contains "digest mismatch: blob $LAYER1"
	assert_nothing_stored
}

@test "a truncated gzip layer is refused" {
	layout
	truncate -s 1000 "$L/blobs/sha256/${LAYER0#sha256:}"
	pack_and_load
	assert_output_contains "layer $LAYER0" "unexpected EOF"
	assert_nothing_stored
}

@test "a corrupt gzip layer is refused" {
	layout
	python3 - "$L/blobs/sha256/${LAYER0#sha256:}" <<-'PY'
	import sys
	p = sys.argv[1]; b = bytearray(open(p, "rb").read())
	for i in range(len(b) // 2, len(b) // 2 + 64): b[i] ^= 0xff
	open(p, "wb").write(b)
	PY
	pack_and_load
	assert_output_contains "layer $LAYER0"
	assert_nothing_stored
}

@test "a manifest naming a missing blob is refused" {
	layout
	rm "$L/blobs/sha256/${LAYER1#sha256:}"
	pack_and_load
	assert_output_contains "layer blob $LAYER1" "the archive has no blobs/sha256/${LAYER1#sha256:}"
	assert_nothing_stored
}

@test "a layer of an unknown media type is refused" {
	layout
	set_manifest '.layers[1].mediaType = "application/vnd.example.layer.v1.tar+lz4"'
	pack_and_load
	assert_output_contains "layer $LAYER1" "unknown media type" "application/vnd.example.layer.v1.tar+lz4"
	assert_nothing_stored
}

@test "a file that is no image archive is refused" {
	head -c 4096 /dev/urandom >"$TEST_DIR/junk"
	img -1 load -i "$TEST_DIR/junk"
	assert_output_contains "reading the archive"
	tar -C "$BATS_TEST_DIRNAME" -cf "$TEST_DIR/plain.tar" helpers.bash
	img -1 load -i "$TEST_DIR/plain.tar"
	assert_output_contains "not an image archive"
	assert_nothing_stored
}

@test "a full disk fails the load and leaves nothing" {
	mkimage big.tar --format docker-archive --tag big:1
	mount -t tmpfs -o size=1m tmpfs "$DATA"
	img -1 load -i "$TEST_DIR/big.tar"
	assert_output_contains "no space left on device"
	assert_nothing_stored
	[ "$(df --output=used -k "$DATA" | tail -1)" -lt 100 ]
}

@test "an index temporary left by a command killed before its rename is removed by image prune" {
	mkimage one.tar --format docker-archive --tag one:1
	img -0 load -i "$TEST_DIR/one.tar"
	echo '{"images":' >"$DATA/image/.index.json.tmp-123"
	img -0 ls
	assert_output_contains one
	img -0 prune -f
	[ ! -e "$DATA/image/.index.json.tmp-123" ] || fail "image prune left the stale index temporary"
	img -0 ls
	assert_output_contains one
}
