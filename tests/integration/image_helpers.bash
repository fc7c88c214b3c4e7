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

# ctr ARGS...: bats run of `myrunc --data-root $DATA container ARGS`, in a
# network namespace of its own (a container's default network is the
# bridge, which must not touch the host's)
ctr() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" timeout "$MYRUNC_TIMEOUT" unshare --net "$MYRUNC" --root "$ROOT" --data-root "$DATA" container "$@" 3>&- </dev/null
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

# auth_registry USER PASS: a private registry under $TEST_DIR/reg that wants
# USER:PASS (bcrypt htpasswd, as the registry requires); sets REGISTRY.
auth_registry() {
	command -v docker-registry >/dev/null || skip "docker-registry not installed (scripts/install-deps.sh test)"
	local reg="$TEST_DIR/reg"
	mkdir -p "$reg"
	if command -v htpasswd >/dev/null; then
		htpasswd -Bbn -C 4 "$1" "$2" >"$reg/htpasswd"
	else # Debian 12's python3 crypt makes $2b$ (bcrypt) entries; cost 4 keeps each request fast
		python3 -W ignore -c 'import crypt, sys; print(sys.argv[1] + ":" + crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' \
			"$1" "$2" >"$reg/htpasswd" || fail "no htpasswd and no bcrypt in python3's crypt"
	fi
	grep -q '^[^:]*:\$2[aby]\$' "$reg/htpasswd" || fail "not a bcrypt htpasswd entry: $(cat "$reg/htpasswd")"
	on_teardown "'$REGISTRY_SH' stop '$reg'; rm -rf '$reg'"
	local out
	out=$(REGISTRY_AUTH=htpasswd REGISTRY_AUTH_HTPASSWD_REALM=myrunc-test REGISTRY_AUTH_HTPASSWD_PATH="$reg/htpasswd" \
		"$REGISTRY_SH" start "$reg") || fail "registry did not start"
	eval "$out"
}

# docker_config DIR REGISTRY USER:PASS: DIR/config.json with that login in "auths"
docker_config() {
	mkdir -p "$1"
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$2" "$(printf %s "$3" | base64 -w0)" >"$1/config.json"
}
