#!/usr/bin/env bats
# Volumes: bind mounts (-v, --mount type=bind), named volumes under the
# data root (made on first use, filled from the image the first time),
# anonymous volumes (-v /path, the image's VOLUME), --tmpfs, rm -v, --rm,
# and `volume create/ls/inspect/rm/prune`. Each test in its own lab.

load engine_helpers

setup() { setup_engine; }
teardown() { teardown_engine; }

# seeded_image: seeded:1 has /data/seed ("from-image") and VOLUME /data
seeded_image() {
	ctr -0 run --name seeder busybox sh -c 'mkdir -p /data && echo from-image >/data/seed && chown 65534 /data'
	ctr -0 commit -c 'VOLUME ["/data"]' seeder seeded:1
	ctr -0 rm seeder
}

@test "bind mounts: -v SRC:DST, :ro, a missing host directory is made, --mount type=bind needs its source" {
	mkdir "$TEST_DIR/host"
	echo on-host >"$TEST_DIR/host/f"
	ctr -0 run --rm -v "$TEST_DIR/host:/h" busybox sh -c 'cat /h/f; echo from-ctr >/h/g'
	[ "$output" = on-host ]
	[ "$(cat "$TEST_DIR/host/g")" = from-ctr ]
	ctr -1 run --rm -v "$TEST_DIR/host:/h:ro" busybox sh -c 'echo x >/h/x'
	assert_output_contains "Read-only file system"
	ctr -0 run --rm -v "$TEST_DIR/made/here:/m" busybox true
	[ -d "$TEST_DIR/made/here" ]
	ctr -0 run --rm --mount "type=bind,source=$TEST_DIR/host,target=/b,readonly" busybox cat /b/f
	[ "$output" = on-host ]
	ctr -125 run --rm --mount "type=bind,source=$TEST_DIR/nope,target=/b" busybox true
	assert_output_contains "bind source path does not exist"
	ctr -125 run --rm -v "$TEST_DIR/host:/h:bogus" busybox true
	assert_output_contains "invalid mode: bogus"
	ctr -0 run --name insp -v "$TEST_DIR/host:/h:ro" busybox true
	run field insp '{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}}{{end}} {{json .HostConfig.Binds}}'
	[ "$output" = "bind $TEST_DIR/host /h false [\"$TEST_DIR/host:/h:ro\"]" ]
}

@test "a named volume is made on first use, filled from the image once, shared and kept" {
	seeded_image
	ctr -0 run --rm -v vol1:/data seeded:1 sh -c 'cat /data/seed; stat -c %u /data; echo more >/data/more'
	[ "$output" = "$(printf 'from-image\n65534')" ]
	vol -0 ls
	assert_output_contains "local     vol1"
	[ "$(MR volume inspect -f '{{.Name}} {{.Driver}} {{.Mountpoint}}' vol1)" = "vol1 local $DATA/volumes/vol1/_data" ]
	[ "$(cat "$DATA/volumes/vol1/_data/more")" = more ]
	# not filled again: a file removed stays removed
	ctr -0 run --rm -v vol1:/data seeded:1 rm /data/seed
	ctr -0 run --rm -v vol1:/data seeded:1 ls /data
	[ "$output" = more ]
	# another image, another path: the same volume
	ctr -0 run --rm -v vol1:/elsewhere busybox cat /elsewhere/more
	[ "$output" = more ]
	# nocopy leaves a new volume empty
	ctr -0 run --rm -v vol2:/data:nocopy seeded:1 ls -A /data
	[ -z "$output" ]
	ctr -0 run --rm --mount type=volume,source=vol3,target=/data seeded:1 cat /data/seed
	[ "$output" = from-image ]
}

@test "anonymous volumes: the image's VOLUME and -v /path; rm -v and --rm remove them, named ones stay" {
	seeded_image
	rund --name anon seeded:1 sleep 1000
	name=$(field anon '{{range .Mounts}}{{.Name}}{{end}}')
	[[ $name =~ ^[0-9a-f]{64}$ ]]
	[ "$(cat "$DATA/volumes/$name/_data/seed")" = from-image ]
	vol -1 rm "$name"
	assert_output_contains "volume is in use"
	ctr -0 rm -f -v anon
	vol -1 inspect "$name"
	ctr -0 run --rm -v /scratch -v keep:/keep busybox sh -c 'echo x >/scratch/x; echo y >/keep/y'
	vol -0 ls -q
	[ "$output" = keep ]
	ctr -0 run --name noremove -v /scratch busybox true
	ctr -0 rm noremove
	vol -0 ls -q
	[ "${#lines[@]}" = 2 ]
	vol -0 prune -f
	assert_output_contains "Total reclaimed space"
	vol -0 ls -q
	[ "$output" = keep ]
}

@test "--tmpfs and --mount type=tmpfs" {
	ctr -0 run --rm --tmpfs /run/t busybox sh -c 'grep " /run/t " /proc/mounts'
	assert_output_contains "tmpfs /run/t tmpfs" nosuid nodev noexec
	ctr -0 run --rm --tmpfs /run/t:rw,size=1m,mode=700 busybox sh -c 'grep " /run/t " /proc/mounts; stat -c %a /run/t'
	assert_output_contains "size=1024k" 700
	ctr -0 run --rm --mount type=tmpfs,target=/t,tmpfs-size=2m busybox sh -c 'grep " /t " /proc/mounts'
	assert_output_contains "size=2048k"
	ctr -125 run --rm --tmpfs /t -v /t busybox true
	assert_output_contains "Duplicate mount point: /t"
}

@test "volume create, ls, inspect, rm and prune" {
	vol -0 create v1
	[ "$output" = v1 ]
	vol -0 create --label a=b v2
	vol -0 create
	[[ $output =~ ^[0-9a-f]{64}$ ]]
	anon=$output
	vol -0 ls
	[ "${lines[0]}" = "DRIVER    VOLUME NAME" ]
	[ "${#lines[@]}" = 4 ]
	vol -0 inspect v2
	[ "$(jq -r '.[0].Labels.a' <<<"$output")" = b ]
	[ "$(jq -r '.[0].Mountpoint' <<<"$output")" = "$DATA/volumes/v2/_data" ]
	vol -1 inspect nosuch
	assert_output_contains "no such volume"
	vol -1 create 'bad/name'
	ctr -0 create --name user -v v1:/v busybox true
	vol -1 rm v1
	assert_output_contains "volume is in use"
	vol -0 rm v2
	vol -1 rm v2
	vol -0 rm -f v2
	vol -0 prune -a -f
	assert_output_contains "Deleted Volumes:" "$anon"
	vol -0 ls -q
	[ "$output" = v1 ]
	ctr -0 rm user
	vol -0 rm v1
}
