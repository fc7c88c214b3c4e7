#!/usr/bin/env bats
# Registries over TLS with a self-signed certificate (trust from Docker's
# certs.d layout, --insecure, loopback treated as insecure as Docker does)
# and credentials from Docker credential helpers (credHelpers, credsStore).

load helpers
load image_helpers

setup() { setup_images; }
teardown() { teardown_test; }

# self_signed_cert NAME SAN: $TEST_DIR/NAME.crt and NAME.key (EC P-256, one day)
self_signed_cert() {
	command -v openssl >/dev/null || skip "openssl not installed"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
		-subj "/CN=myrunc-test-$1" -addext "subjectAltName=$2" \
		-keyout "$TEST_DIR/$1.key" -out "$TEST_DIR/$1.crt" 2>/dev/null || fail "openssl could not make a certificate"
}

# tls_registry DIR CERT [NETNS]: a registry under $TEST_DIR/DIR serving HTTPS
# with $TEST_DIR/CERT.{crt,key}, in NETNS (a /proc/PID/ns/net path) if
# given, on $REGISTRY_HOST (default 127.0.0.1); sets REGISTRY.
tls_registry() {
	command -v docker-registry >/dev/null || skip "docker-registry not installed (scripts/install-deps.sh test)"
	local reg="$TEST_DIR/$1" out
	local -a in=()
	[ -z "${3:-}" ] || in=(nsenter --net="$3")
	on_teardown "${in[*]} '$REGISTRY_SH' stop '$reg'; rm -rf '$reg'"
	out=$(REGISTRY_TLS_CERT="$TEST_DIR/$2.crt" REGISTRY_TLS_KEY="$TEST_DIR/$2.key" \
		"${in[@]}" "$REGISTRY_SH" start "$reg") || fail "TLS registry did not start: $(tail -3 "$reg/registry.log")"
	eval "$out"
}

# private_netns ADDR: a network namespace of this test (its holder process
# stopped at teardown) whose loopback device also has ADDR: a registry
# there is not on 127.0.0.0/8, and nothing leaves the namespace. Sets NETNS.
private_netns() {
	local pid
	unshare --net sleep 100000 </dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	on_teardown "kill $pid"
	for _ in $(seq 50); do
		[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.05
	done
	NETNS=/proc/$pid/ns/net
	nsenter --net="$NETNS" ip link set lo up || fail "lo up"
	nsenter --net="$NETNS" ip addr add "$1/32" dev lo || fail "ip addr add $1"
}

# nimg ARGS...: img inside $NETNS
nimg() {
	local flags=()
	case "${1:-}" in
	-[0-9]* | '!') flags=("$1"); shift ;;
	esac
	run "${flags[@]}" timeout "$MYRUNC_TIMEOUT" nsenter --net="$NETNS" "$MYRUNC" --root "$ROOT" --data-root "$DATA" image "$@" 3>&-
	echo "# image $* (in netns) -> status $status"
	echo "$output"
}

@test "image pull/push to a self-signed TLS registry off loopback: refused naming the certificate; --insecure or its CA in certs.d/HOST:PORT/ca.crt make it work" {
	private_netns 192.0.2.1
	self_signed_cert reg IP:192.0.2.1
	REGISTRY_HOST=192.0.2.1 tls_registry reg reg "$NETNS"
	[[ $REGISTRY == 192.0.2.1:* ]] || fail "registry on $REGISTRY"
	export MYRUNC_CERTS_D="$TEST_DIR/certs.d"   # Docker's /etc/docker/certs.d, for this test
	mkimage bb.tar --format docker-archive --tag bb:1 --layers 2 --cmd '["cat","/layers/2"]'
	img -0 load -q -i "$TEST_DIR/bb.tar"
	img -0 tag bb:1 "$REGISTRY/t/bb:1"
	local catalog=(nsenter --net="$NETNS" curl -s --cacert "$TEST_DIR/reg.crt" "https://$REGISTRY/v2/_catalog")

	# not trusted: refused, the certificate problem and the ways out named, nothing sent
	nimg -1 push "$REGISTRY/t/bb:1"
	assert_output_contains "pushing $REGISTRY/t/bb:1: registry $REGISTRY: TLS certificate not trusted (x509: certificate signed by unknown authority): add its CA as $MYRUNC_CERTS_D/$REGISTRY/ca.crt, or use --insecure"
	run -0 "${catalog[@]}"
	[ "$output" = '{"repositories":[]}' ]

	# --insecure: sent without verification (still TLS: the registry speaks nothing else)
	nimg -0 push --insecure "$REGISTRY/t/bb:1"
	assert_output_contains "1: digest: sha256:"
	run -0 "${catalog[@]}"
	[ "$output" = '{"repositories":["t/bb"]}' ]

	# pull: refused the same way, nothing stored
	img -0 rm "$REGISTRY/t/bb:1" bb:1
	nimg -1 pull "$REGISTRY/t/bb:1"
	assert_output_contains "pulling $REGISTRY/t/bb:1: registry $REGISTRY: TLS certificate not trusted (x509: certificate signed by unknown authority)"
	img -0 ls -q
	[ -z "$output" ]

	# a CA for another registry (port) does not help; this one's does
	mkdir -p "$MYRUNC_CERTS_D/192.0.2.1:1" "$MYRUNC_CERTS_D/$REGISTRY"
	cp "$TEST_DIR/reg.crt" "$MYRUNC_CERTS_D/192.0.2.1:1/ca.crt"
	nimg -1 pull "$REGISTRY/t/bb:1"
	assert_output_contains "TLS certificate not trusted"
	cp "$TEST_DIR/reg.crt" "$MYRUNC_CERTS_D/$REGISTRY/ca.crt"
	nimg -0 pull "$REGISTRY/t/bb:1"
	assert_output_contains "Status: Downloaded newer image for $REGISTRY/t/bb:1"
	img -0 inspect -f '{{.Id}}' "$REGISTRY/t/bb:1"
	[ "$output" = "$IMAGE_ID" ]
	ctr -0 run --rm --network none "$REGISTRY/t/bb:1"
	[ "$output" = 2 ]

	# a CA that did not sign the registry's certificate: refused the same way
	self_signed_cert other IP:192.0.2.99
	cp "$TEST_DIR/other.crt" "$MYRUNC_CERTS_D/$REGISTRY/ca.crt"
	nimg -1 pull "$REGISTRY/t/bb:1"
	assert_output_contains "registry $REGISTRY: TLS certificate not trusted (x509: certificate signed by unknown authority"

	# a certs.d file that is not a certificate: a clear error, not a silent fallback
	echo garbage >"$MYRUNC_CERTS_D/$REGISTRY/ca.crt"
	nimg -1 pull "$REGISTRY/t/bb:1"
	assert_output_contains "registry $REGISTRY: CA certificate $MYRUNC_CERTS_D/$REGISTRY/ca.crt: no PEM certificate in it"
	assert_store_clean
}

@test "image pull/push to a self-signed TLS registry on 127.0.0.1 work without flags (loopback is insecure, as in Docker)" {
	self_signed_cert lo IP:127.0.0.1
	tls_registry reg lo
	export MYRUNC_CERTS_D="$TEST_DIR/certs.d"
	mkimage bb.tar --format docker-archive --tag bb:1 --layers 1
	img -0 load -q -i "$TEST_DIR/bb.tar"
	img -0 tag bb:1 "$REGISTRY/t/bb:1"
	img -0 push "$REGISTRY/t/bb:1"
	run -0 curl -s --cacert "$TEST_DIR/lo.crt" "https://$REGISTRY/v2/_catalog"
	[ "$output" = '{"repositories":["t/bb"]}' ]
	img -0 rm "$REGISTRY/t/bb:1" bb:1
	img -0 pull "$REGISTRY/t/bb:1"
	img -0 inspect -f '{{.Id}}' "$REGISTRY/t/bb:1"
	[ "$output" = "$IMAGE_ID" ]
}

# cred_helper NAME USER PASS: $TEST_DIR/bin/docker-credential-NAME answering
# `get` with USER/PASS for any registry and logging each request to
# $TEST_DIR/NAME.log; USER "-" makes it fail as a locked keyring would,
# USER "?" answer as a helper with no entry for that registry.
cred_helper() {
	mkdir -p "$TEST_DIR/bin"
	cat >"$TEST_DIR/bin/docker-credential-$1" <<-SH
	#!/bin/sh
	[ "\$1" = get ] || { echo "unsupported: \$1" >&2; exit 1; }
	read -r server
	echo "get \$server" >>"$TEST_DIR/$1.log"
	case '$2' in
	-) echo "keyring is locked" >&2; exit 1 ;;
	'?') echo "credentials not found in native keychain"; exit 1 ;;
	esac
	printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "\$server" '$2' '$3'
	SH
	chmod +x "$TEST_DIR/bin/docker-credential-$1"
}

@test "image push/pull with credentials from Docker credential helpers (credHelpers, credsStore); a failing helper is named" {
	auth_registry alice 's3cret!'
	cred_helper good alice 's3cret!'
	cred_helper store alice 's3cret!'
	cred_helper broken - -
	cred_helper empty '?' -
	export PATH="$TEST_DIR/bin:$PATH"
	mkimage bb.tar --format docker-archive --tag bb:1 --layers 2 --cmd '["cat","/layers/2"]'
	img -0 load -q -i "$TEST_DIR/bb.tar"
	img -0 tag bb:1 "$REGISTRY/priv/bb:1"

	# credHelpers for this registry: push and pull work, the helper was asked for it
	mkdir -p "$TEST_DIR/cfg"
	printf '{"credHelpers":{"%s":"good"}}\n' "$REGISTRY" >"$TEST_DIR/cfg/config.json"
	DOCKER_CONFIG="$TEST_DIR/cfg" img -0 push "$REGISTRY/priv/bb:1"
	assert_output_contains "1: digest: sha256:"
	grep -qx "get $REGISTRY" "$TEST_DIR/good.log" || fail "helper not asked for $REGISTRY: $(cat "$TEST_DIR/good.log")"
	run -0 curl -s -u 'alice:s3cret!' "http://$REGISTRY/v2/_catalog"
	[ "$output" = '{"repositories":["priv/bb"]}' ]
	img -0 rm "$REGISTRY/priv/bb:1" bb:1
	DOCKER_CONFIG="$TEST_DIR/cfg" img -0 pull "$REGISTRY/priv/bb:1"
	img -0 inspect -f '{{.Id}}' "$REGISTRY/priv/bb:1"
	[ "$output" = "$IMAGE_ID" ]

	# credsStore (the default helper for every registry; asked for REGISTRY/REPO first): pull works
	img -0 rm "$REGISTRY/priv/bb:1"
	printf '{"credsStore":"store"}\n' >"$TEST_DIR/cfg/config.json"
	DOCKER_CONFIG="$TEST_DIR/cfg" img -0 pull "$REGISTRY/priv/bb:1"
	grep -qxE "get $REGISTRY(/priv/bb)?" "$TEST_DIR/store.log" || fail "credsStore helper not asked: $(cat "$TEST_DIR/store.log")"

	# a helper that fails: the error names it and what it said; nothing stored or sent
	img -0 rm "$REGISTRY/priv/bb:1"
	printf '{"credHelpers":{"%s":"broken"}}\n' "$REGISTRY" >"$TEST_DIR/cfg/config.json"
	DOCKER_CONFIG="$TEST_DIR/cfg" img -1 pull "$REGISTRY/priv/bb:1"
	assert_output_contains "pulling $REGISTRY/priv/bb:1: registry $REGISTRY: credential helper docker-credential-broken" "keyring is locked"
	img -0 ls -q
	[ -z "$output" ]
	mkimage cc.tar --format docker-archive --tag cc:1 --layers 1
	img -0 load -q -i "$TEST_DIR/cc.tar"
	img -0 tag cc:1 "$REGISTRY/priv/cc:1"
	DOCKER_CONFIG="$TEST_DIR/cfg" img -1 push "$REGISTRY/priv/cc:1"
	assert_output_contains "pushing $REGISTRY/priv/cc:1: registry $REGISTRY: credential helper docker-credential-broken" "keyring is locked"

	# a helper not on PATH: named too
	printf '{"credHelpers":{"%s":"nosuch"}}\n' "$REGISTRY" >"$TEST_DIR/cfg/config.json"
	DOCKER_CONFIG="$TEST_DIR/cfg" img -1 pull "$REGISTRY/priv/bb:1"
	assert_output_contains "registry $REGISTRY: credential helper docker-credential-nosuch"

	# a helper with no entry for this registry: anonymous, so the registry's refusal is what the user sees
	printf '{"credHelpers":{"%s":"empty"}}\n' "$REGISTRY" >"$TEST_DIR/cfg/config.json"
	DOCKER_CONFIG="$TEST_DIR/cfg" img -1 pull "$REGISTRY/priv/bb:1"
	assert_output_contains "pulling $REGISTRY/priv/bb:1: registry $REGISTRY: unauthorized: authentication required"
	run -0 curl -s -u 'alice:s3cret!' "http://$REGISTRY/v2/_catalog"
	[ "$output" = '{"repositories":["priv/bb"]}' ]
	assert_store_clean
}
