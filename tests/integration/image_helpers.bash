# Helpers for the image tests: a data root per test, images made by
# tests/tools/mkimage.sh (python3, no container engine).

MKIMAGE="$BATS_TEST_DIRNAME/../tools/mkimage.sh"
REGISTRY_SH="$BATS_TEST_DIRNAME/../tools/registry.sh"

setup_images() {
	setup_test
	DATA="$TEST_DIR/data"
	mkdir -p "$DATA"
	on_teardown "umount -R '$DATA' 2>/dev/null; rm -rf '$DATA'"
}

# img ARGS...: bats run of `myrunc --data-root $DATA image ARGS`
img() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" timeout "$MYRUNC_TIMEOUT" "$MYRUNC" --root "$ROOT" --data-root "$DATA" image "$@" 3>&-
	echo "# image $* -> status $status"
	echo "$output"
}

# ctr ARGS...: bats run of `myrunc --data-root $DATA container ARGS`
ctr() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" timeout "$MYRUNC_TIMEOUT" "$MYRUNC" --root "$ROOT" --data-root "$DATA" container "$@" 3>&- </dev/null
	echo "# container $* -> status $status"
	echo "$output"
}

# mkimage NAME [MKIMAGE-OPTIONS...]: makes $TEST_DIR/NAME, evals its output
# (IMAGE, IMAGE_ID, IMAGE_REF, ...).
mkimage() {
	local name=$1
	shift
	local out
	out=$("$MKIMAGE" "$TEST_DIR/$name" "$@") || fail "mkimage.sh $name $* failed"
	eval "$out"
}

# store_clean: no work in progress and no unreferenced files left.
assert_store_clean() {
	local left
	left=$(ls -A "$DATA/image/tmp" 2>/dev/null)
	[ -z "$left" ] || fail "left under tmp/: $left"
	[ -z "$(ls -A "$DATA/image/rw" 2>/dev/null)" ] || fail "container layers left: $(ls "$DATA/image/rw")"
}
