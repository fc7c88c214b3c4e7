#!/usr/bin/env bats
# Layers that try to write outside their directory (mkimage.sh --evil):
# each is refused or kept inside the layer; the target outside the store
# never appears, neither at load nor when a container runs the image.

load helpers
load image_helpers

setup() { setup_images; }
teardown() { teardown_test; }

evil() {
	local kind=$1
	mkimage "evil-$kind" --format oci-archive --tag "evil/$kind:1" --evil "$kind"
	[ -n "$EVIL_TARGET" ] && [ ! -e "$EVIL_TARGET" ]
	img load -i "$IMAGE"
	local loaded=$status
	[ ! -e "$EVIL_TARGET" ] || fail "load of --evil $kind wrote $EVIL_TARGET"
	if [ "$loaded" -eq 0 ]; then
		ctr run --rm "evil/$kind:1" sh -c 'find / -xdev -name "*evil*" | head -5'
		[ ! -e "$EVIL_TARGET" ] || fail "running --evil $kind wrote $EVIL_TARGET"
	fi
	# no file appeared outside the data root and the runtime's state but
	# the name of the target mkimage.sh wrote
	run -0 find "$TEST_DIR" \( -path "$DATA" -o -path "$ROOT" \) -prune -o -newer "$IMAGE" ! -type d ! -name '*.evil-target' -print
	[ -z "$output" ] || fail "written outside the store: $output"
	assert_store_clean
}

@test "a layer entry with ../ stays inside the layer" { evil dotdot; }
@test "a layer entry with an absolute path stays inside the layer" { evil abs; }
@test "a file written through a symlink in the same layer stays inside the layer" { evil symlink-write; }
@test "hard links cannot reach a file outside the layer" { evil hardlink-out; }
@test "a symlink in one layer does not redirect a write in the next" { evil symlink-cross; }
