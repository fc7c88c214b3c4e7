#!/usr/bin/env bats
# Images against the peers a user mixes us with: a registry that wants a
# login (htpasswd auth, credentials from the Docker config file) and a
# Docker daemon (a private dockerd per test: `docker load` of what we save,
# and `docker save` loaded by us).

load helpers
load image_helpers

setup() { setup_images; }
teardown() { teardown_test; }

@test "image push/pull to a registry with auth: credentials from DOCKER_CONFIG or ~/.docker/config.json; none or wrong ones are refused by name" {
	auth_registry alice 's3cret!'
	mkimage bb.tar --format docker-archive --tag bb:1 --layers 2 --cmd '["cat","/layers/2"]'
	img -0 load -q -i "$TEST_DIR/bb.tar"
	img -0 tag bb:1 "$REGISTRY/priv/bb:1"
	mkdir -p "$TEST_DIR/home"   # no ~/.docker at all

	# no credentials: refused, the registry named, nothing pushed
	HOME="$TEST_DIR/home" img -1 push "$REGISTRY/priv/bb:1"
	assert_output_contains "pushing $REGISTRY/priv/bb:1: registry $REGISTRY: unauthorized: authentication required" \
		"no credentials for it in the Docker config"
	run -0 curl -s -u 'alice:s3cret!' "http://$REGISTRY/v2/_catalog"
	[ "$output" = '{"repositories":[]}' ]

	# DOCKER_CONFIG (as docker login writes it): push works, skopeo sees it with the same login
	docker_config "$TEST_DIR/cfg" "$REGISTRY" 'alice:s3cret!'
	DOCKER_CONFIG="$TEST_DIR/cfg" img -0 push "$REGISTRY/priv/bb:1"
	assert_output_contains "1: digest: sha256:"
	local digest
	digest=$(sed -n 's/^1: digest: \(sha256:[0-9a-f]*\) .*/\1/p' <<<"$output")
	run -0 curl -s -u 'alice:s3cret!' "http://$REGISTRY/v2/_catalog"
	[ "$output" = '{"repositories":["priv/bb"]}' ]

	# pull: without credentials refused, nothing stored; with ~/.docker/config.json it works
	img -0 rm "$REGISTRY/priv/bb:1" bb:1
	HOME="$TEST_DIR/home" img -1 pull "$REGISTRY/priv/bb:1"
	assert_output_contains "pulling $REGISTRY/priv/bb:1: registry $REGISTRY: unauthorized: authentication required"
	img -0 ls -q
	[ -z "$output" ]
	docker_config "$TEST_DIR/home/.docker" "$REGISTRY" 'alice:s3cret!'
	HOME="$TEST_DIR/home" img -0 pull "$REGISTRY/priv/bb:1"
	assert_output_contains "Digest: $digest" "Status: Downloaded newer image for $REGISTRY/priv/bb:1"
	img -0 inspect -f '{{.Id}}' "$REGISTRY/priv/bb:1"
	[ "$output" = "$IMAGE_ID" ]
	ctr -0 run --rm --network none "$REGISTRY/priv/bb:1"
	[ "$output" = 2 ]

	# a wrong password: refused, and the message says the credentials were tried
	docker_config "$TEST_DIR/bad" "$REGISTRY" 'alice:wrong'
	DOCKER_CONFIG="$TEST_DIR/bad" img -1 pull "$REGISTRY/priv/other:1"
	assert_output_contains "pulling $REGISTRY/priv/other:1: registry $REGISTRY: unauthorized: authentication failed with the credentials from the Docker config"
	DOCKER_CONFIG="$TEST_DIR/bad" img -1 push "$REGISTRY/priv/bb:1"
	assert_output_contains "pushing $REGISTRY/priv/bb:1: registry $REGISTRY: unauthorized: authentication failed"
	assert_store_clean
}

# private_dockerd: a dockerd with all its state under $TEST_DIR/docker, no
# host networking, containers under a cgroup parent of its own; stopped by
# pid and its state removed at teardown. Sets DOCKER (the client command).
private_dockerd() {
	command -v dockerd >/dev/null || skip "docker not installed (scripts/install-deps.sh engines: docker.io)"
	local cli=/usr/bin/docker p
	[ -x "$cli" ] || cli=$(command -v docker) || skip "no docker client"
	local base="$TEST_DIR/docker" cgp="myrunc-it-docker-$$"
	local -a new=()
	for p in /run/docker /run/containerd; do [ -e "$p" ] || new+=("$p"); done
	on_teardown "stop_dockerd '$base' '$cgp' ${new[*]}"
	DOCKER_BASE="$base" DOCKER_SOCK="$base/d.sock" DOCKER_CLI="$cli" \
		"$BATS_TEST_DIRNAME/../e2e/start-dockerd.sh" --cgroup-parent "$cgp" 3>&- >/dev/null ||
		fail "private dockerd did not start: $(tail -5 "$base/dockerd.log")"
	DOCKER=("$cli" -H "unix://$base/d.sock")
}

# stop_dockerd BASE CGROUP-PARENT [HOST-DIR-IT-MADE...]
stop_dockerd() {
	local base=$1 cgp=$2 pid h m
	shift 2
	if [ -s "$base/dockerd.pid" ]; then
		pid=$(cat "$base/dockerd.pid")
		kill "$pid" 2>/dev/null
		for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	fi
	grep -o " $base[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
	for h in /sys/fs/cgroup/*/"$cgp" /sys/fs/cgroup/"$cgp"; do [ -d "$h" ] && rmdir "$h"; done
	for h; do [ -d "$h" ] && find "$h" -depth -type d -empty -delete; done
	rm -rf "$base"
	return 0
}

@test "image save loads into docker with the same ID and layers, and runs there; docker save loads into myrunc" {
	private_dockerd
	mkimage bb.tar --format docker-archive --tag bb:1 --layers 2 --cmd '["cat","/layers/2"]'
	img -0 load -q -i "$TEST_DIR/bb.tar"
	img -0 tag bb:1 example.com/interop/bb:3
	img -0 save -o "$TEST_DIR/saved.tar" example.com/interop/bb:3
	img -0 inspect -f '{{.Id}} {{json .RootFS.Layers}}' example.com/interop/bb:3
	local want=$output

	run -0 "${DOCKER[@]}" load -i "$TEST_DIR/saved.tar"
	assert_output_contains "Loaded image: example.com/interop/bb:3"
	run -0 "${DOCKER[@]}" image inspect -f '{{.Id}} {{json .RootFS.Layers}}' example.com/interop/bb:3
	[ "$output" = "$want" ]
	run -0 "${DOCKER[@]}" run --rm --network none example.com/interop/bb:3
	[ "$output" = 2 ]

	# the other way: docker's own save, under a new name, back into an empty store
	run -0 "${DOCKER[@]}" tag example.com/interop/bb:3 from/docker:4
	run -0 "${DOCKER[@]}" save -o "$TEST_DIR/docker.tar" from/docker:4
	img -0 rm example.com/interop/bb:3 bb:1
	img -0 load -i "$TEST_DIR/docker.tar"
	[ "$output" = "Loaded image: from/docker:4" ]
	img -0 inspect -f '{{.Id}} {{json .RootFS.Layers}}' from/docker:4
	[ "$output" = "$want" ]
	ctr -0 run --rm --network none from/docker:4
	[ "$output" = 2 ]
	assert_store_clean
}
