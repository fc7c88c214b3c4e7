# Helpers for the tests that run myrunc inside their own network lab
# (tests/tools/netlab.sh): "the host" is a netns (NETLAB_HOST_NS) and
# "another machine" a second one (NETLAB_OUT_NS), so nothing a test makes
# touches the real host's network. setup calls lab_up; teardown calls
# lab_teardown, which runs even when the test failed: it removes what the
# test made, fails the test when the lab's host netns (links, addresses,
# routes, nft and iptables rules) differs from before it, and removes the lab.

load helpers

NETLAB="$BATS_TEST_DIRNAME/../tools/netlab.sh"

# lab_up: after setup_test: the lab $LAB, a snapshot of its host netns,
# and HOST_ENTER / OUT_ENTER, the command prefixes that enter either side
lab_up() {
	command -v nft >/dev/null || skip "nft not installed (netlab.sh snapshot needs it: apt-get install nftables)"
	LAB="$ID_BASE"
	eval "$("$NETLAB" up "$LAB" 3>&-)" || fail "netlab up failed"
	"$NETLAB" snapshot "$LAB" "$TEST_DIR/before.snap"
	HOST_ENTER=(nsenter "--net=/run/netns/$NETLAB_HOST_NS")
	OUT_ENTER=(nsenter "--net=/run/netns/$NETLAB_OUT_NS")
}

# lab_unchanged: status 0 when the lab's host netns is as lab_up found
# it; else prints what differs
lab_unchanged() {
	"$NETLAB" diff "$LAB" "$TEST_DIR/before.snap" >"$TEST_DIR/leak.diff" 2>&1 && return 0
	echo "the lab's host netns differs from before: $(cat "$TEST_DIR/leak.diff")"
	return 1
}

# lab_teardown [CLEANUP]: while the lab is up, CLEANUP (a function that
# removes what the test made there and appends what it could not to
# $problems), then the leak check; then the lab goes, then teardown_test.
# Every step runs whatever the one before found; the test fails at the end
# naming all problems.
lab_teardown() {
	local problems="" changed
	if [ -n "${NETLAB_HOST_NS:-}" ] && [ -e "/run/netns/$NETLAB_HOST_NS" ]; then
		[ -z "${1:-}" ] || "$1"
		changed=$(lab_unchanged) || problems+="$changed; "
	fi
	[ -z "${LAB:-}" ] || "$NETLAB" down "$LAB" >/dev/null 2>&1 3>&- || problems+="netlab down failed; "
	teardown_test || problems+="teardown_test failed; "
	[ -z "$problems" ] || fail "$problems"
}

# MR ARGS...: myrunc on the lab's host, with this test's --root (and
# --data-root when the test has a $DATA)
MR() {
	timeout "$MYRUNC_TIMEOUT" "${HOST_ENTER[@]}" "$MYRUNC" --root "$ROOT" ${DATA:+--data-root "$DATA"} "$@" 3>&-
}

# mr [-N|!] ARGS...: bats `run` of MR
mr() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" MR "$@"
	echo "# myrunc $* -> status $status"
	echo "$output"
}

# cexec ID CMD...: a shell command in the container (bats `run`)
cexec() {
	local id=$1
	shift
	run MR exec "$id" sh -c "$*"
	echo "# in $id: $* -> $status"
	echo "$output"
}

# in_lab CMD...: CMD on the lab's host
in_lab() {
	"${HOST_ENTER[@]}" "$@"
}
