#!/usr/bin/env bats
# Idmapped mounts (runtime-spec 1.3 mounts[].uidMappings/gidMappings and
# the idmap/ridmap options): a bind whose files appear with mapped owners.

load helpers

setup() {
	setup_test
	setup_bundle
	SRC="$TEST_DIR/src"
	mkdir -p "$SRC"
	echo "host-data" >"$SRC/file"
	chown 0:0 "$SRC" "$SRC/file"
	# the rootfs belongs to host root: a mapped container root cannot make
	# mount points in it
	mkdir -p "$BUNDLE/rootfs/mnt"/{id,plain,own,m,r,n,ro,p}
}
teardown() { teardown_test; }

# with_userns: the container is root of a user namespace mapped to host
# 100000..165535 (uids and gids)
with_userns() {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

# add_idmount DEST SOURCE OPTIONS-JSON [MAPPINGS-JSON]: a bind mount, with
# its own uidMappings and gidMappings if MAPPINGS-JSON is given
add_idmount() {
	local maps="${4:-null}"
	update_config '.mounts += [{"destination": $d, "type": "bind", "source": $s, "options": $o}
			+ (if $m == null then {} else {"uidMappings": $m, "gidMappings": $m} end)]' \
		--arg d "$1" --arg s "$2" --argjson o "$3" --argjson m "$maps"
}

@test "idmap with the container's mapping: host root's files are root's inside, new files map back" {
	with_userns
	chmod 1777 "$SRC"
	add_idmount /mnt/id "$SRC" '["bind", "idmap"]'
	# without idmap the same dir is unmapped inside (the overflow id)
	add_idmount /mnt/plain "$SRC" '["bind"]'
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.args = ["sh", "-c", "stat -c %u:%g /mnt/id/file /mnt/plain/file; echo ctr >/mnt/id/new"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = 0:0 ] || fail "idmapped file owner inside: $output"
	[ "${lines[1]}" = "$(cat /proc/sys/kernel/overflowuid):$(cat /proc/sys/kernel/overflowgid)" ] || fail "plain bind: $output"
	# written by container 1000:1000 (host 101000) -> 1000:1000 on disk
	[ "$(stat -c %u:%g "$SRC/new")" = 1000:1000 ] || fail "host owner of new file: $(stat -c %u:%g "$SRC/new")"
	[ "$(cat "$SRC/new")" = ctr ]
}

@test "idmap: a file created inside is owned on the host by the id it maps back to" {
	with_userns
	add_idmount /mnt/id "$SRC" '["bind", "idmap"]'
	update_config '.process.args = ["sh", "-c", "touch /mnt/id/byroot; stat -c %u:%g /mnt/id/byroot"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = 0:0 ] || fail "inside: $output"
	# container root is host 100000, but the mount maps it back to 0
	[ "$(stat -c %u:%g "$SRC/byroot")" = 0:0 ] || fail "host: $(stat -c %u:%g "$SRC/byroot")"
}

@test "a mount with its own mappings, different from the container's" {
	with_userns
	chown 2000:3000 "$SRC/file"
	# an on-disk id n shows as kernel id 101000+n: the container (0 ->
	# host 100000) sees 1000+n
	add_idmount /mnt/own "$SRC" '["bind", "idmap"]' '[{"containerID": 0, "hostID": 101000, "size": 10000}]'
	update_config '.process.args = ["sh", "-c", "stat -c %u:%g /mnt/own/file /mnt/own; touch /mnt/own/new 2>/dev/null || echo denied"]'
	run_fg "$CID"
	assert_status 0
	[ "${lines[0]}" = 3000:4000 ] || fail "file: $output"
	[ "${lines[1]}" = 1000:1000 ] || fail "dir: $output"
	# container root (host 100000) is not in the mount's range: it may not
	# create files there
	[ "${lines[2]}" = denied ] || fail "create: $output"
	[ ! -e "$SRC/new" ]
}

@test "mappings without a user namespace: host ids shifted as the mapping says" {
	chown 100000:100000 "$SRC"
	chown 100000:100005 "$SRC/file"
	# no idmap option: mappings alone still apply (as idmap)
	# on-disk ids 100000.. show as 0..: mapped from the file system (containerID)
	# to the mount (hostID)
	add_idmount /mnt/m "$SRC" '["bind"]' '[{"containerID": 100000, "hostID": 0, "size": 65536}]'
	update_config '.process.args = ["sh", "-c", "stat -c %u:%g /mnt/m/file; touch /mnt/m/new"]'
	run_fg "$CID"
	assert_status 0
	[ "$output" = 0:5 ] || fail "inside: $output"
	[ "$(stat -c %u:%g "$SRC/new")" = 100000:100000 ] || fail "host: $(stat -c %u:%g "$SRC/new")"
}

@test "ridmap maps the submounts of an rbind, idmap only the top mount" {
	with_userns
	mkdir -p "$SRC/sub"
	mount -t tmpfs -o size=1m,mode=755 tmpfs "$SRC/sub"
	on_teardown "umount -l '$SRC/sub'"
	touch "$SRC/sub/subfile"
	add_idmount /mnt/r "$SRC" '["rbind", "ridmap"]'
	add_idmount /mnt/n "$SRC" '["rbind", "idmap"]'
	update_config '.process.args = ["sh", "-c", "stat -c %u /mnt/r/file /mnt/r/sub/subfile /mnt/n/file /mnt/n/sub/subfile"]'
	run_fg "$CID"
	assert_status 0
	local over
	over="$(cat /proc/sys/kernel/overflowuid)"
	[ "$(squeeze "$output")" = "0 0 0 $over" ] || fail "owners: $output"
}

@test "idmap in a joined user namespace maps with that namespace" {
	with_userns
	run_detached "$CID"
	local pid
	pid="$(container_pid "$CID")"
	fresh_cgroup
	update_config '.linux.namespaces |= map(if .type == "user" then .path = $p else . end)
		| del(.linux.uidMappings, .linux.gidMappings)
		| .process.args = ["stat", "-c", "%u:%g", "/mnt/id/file"]' --arg p "/proc/$pid/ns/user"
	add_idmount /mnt/id "$SRC" '["bind", "idmap"]'
	run_fg "$CID2"
	assert_status 0
	[ "$output" = 0:0 ] || fail "$output"
}

@test "idmap on a read-only bind keeps it read-only" {
	with_userns
	add_idmount /mnt/ro "$SRC" '["bind", "idmap", "ro"]'
	update_config '.process.args = ["sh", "-c", "stat -c %u /mnt/ro/file; touch /mnt/ro/x"]'
	run_fg "$CID"
	[ "$status" -ne 0 ]
	assert_output_contains "Read-only file system"
	[ "${lines[0]}" = 0 ] || fail "$output"
	[ ! -e "$SRC/x" ]
}

@test "idmap without mappings and without a user namespace is an error, nothing left" {
	add_idmount /mnt/id "$SRC" '["bind", "idmap"]'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "mounts[" "idmap" "user namespace"
	assert_nothing_left
}

@test "idmap on a tmpfs is an error, nothing left" {
	with_userns
	update_config '.mounts += [{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}]'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "mounts[" "only supported for bind mounts"
	assert_nothing_left
}

@test "malformed mount mappings are an error, nothing left" {
	with_userns
	add_idmount /mnt/m "$SRC" '["bind", "idmap"]' '[{"containerID": 0, "hostID": 1000, "size": 100}, {"containerID": 50, "hostID": 5000, "size": 10}]'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "uidMappings" "overlap"
	assert_nothing_left
	# uidMappings without gidMappings
	update_config '.mounts[-1] |= (del(.gidMappings) | .uidMappings = [{"containerID": 0, "hostID": 1000, "size": 100}])'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "gidMappings"
	assert_nothing_left
}

@test "a filesystem without idmapped mounts: the error names the mount and why, nothing left" {
	with_userns
	# procfs cannot be idmapped
	add_idmount /mnt/p /proc/sys '["rbind", "idmap"]'
	myrunc_detached create --bundle "$BUNDLE" "$CID"
	assert_error
	assert_output_contains "/proc/sys on /mnt/p" "proc" "does not support idmapped mounts"
	assert_nothing_left
}

@test "features says idmapped mounts are supported" {
	myrunc features
	assert_status 0
	[ "$(jq -r '.linux.mountExtensions.idmap.enabled' <<<"$output")" = true ] || fail "$output"
	jq -e '.mountOptions | index("ridmap")' <<<"$output" >/dev/null || fail "$output"
}
