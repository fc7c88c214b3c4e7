#!/usr/bin/env bash
# images.sh MYRUNC — pull + unpack of a 3-layer Debian image from a private
# registry on 127.0.0.1, side by side in one run: myrunc image pull, podman
# pull (overlay storage), skopeo copy + umoci unpack, and the floor:
# go-containerregistry pull + gunzip of the layers, sequential, nothing
# written; and untar: gunzip | tar -x of the same layers from local files,
# what creating these files costs any tool on this disk. Each contender
# starts from empty storage every round; rounds interleave the contenders.
# What a round wrote is deleted after the last round, not between
# contenders: on ext4 without a journal, inodes freed in the last 30 s are
# skipped one by one when new ones are allocated (recently_deleted()), and
# the deletion would charge the next contender. Prints medians of wall and
# CPU (user+sys) time and each one's wall ratio to the floor.
#   ROUNDS=N (5)   BENCH_IMAGE_CACHE=DIR (/var/cache/myrunc-bench: the image, made once)
#   BENCH_DELETE_BETWEEN=1 deletes each contender's files right after it ran
set -euo pipefail
MYRUNC=$(readlink -f "${1:?usage: images.sh MYRUNC}")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
rounds=${ROUNDS:-5}
cache=${BENCH_IMAGE_CACHE:-/var/cache/myrunc-bench}
export PATH=/usr/local/go/bin:$PATH

"$here/mkdebian.sh" "$cache/debian-oci"
work=$(mktemp -d /var/tmp/myrunc-bench-images.XXXXXX)
cleanup() {
	"$repo/tests/tools/registry.sh" stop "$work/reg" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
(cd "$repo" && go build -o "$work/pullfloor" ./tests/bench/pullfloor)
eval "$("$repo/tests/tools/registry.sh" start "$work/reg")"
ref=$REGISTRY/bench/debian:3
"$repo/tests/tools/registry.sh" push "$work/reg" "$cache/debian-oci" bench/debian:3 >/dev/null

run_myrunc() { "$MYRUNC" --data-root "$1/data" image pull -q "$ref" >/dev/null; }
run_podman() { podman --root "$1/root" --runroot "$1/run" --storage-driver overlay pull -q --tls-verify=false "$ref" >/dev/null; }
run_skopeo_umoci() {
	skopeo copy -q --src-tls-verify=false "docker://$ref" "oci:$1/oci:x" >/dev/null &&
		umoci unpack --image "$1/oci:x" "$1/bundle" >/dev/null
}
run_floor() { "$work/pullfloor" "$ref"; }
layers=$(jq -r '.manifests[0].digest' "$cache/debian-oci/index.json" | sed 's/^sha256:/blobs\/sha256\//')
layers=$(jq -r '.layers[].digest | sub("^sha256:"; "blobs/sha256/")' "$cache/debian-oci/$layers")
run_untar() {
	local l
	mkdir -p "$1/root"
	for l in $layers; do gzip -dc "$cache/debian-oci/$l" | tar -x -C "$1/root" || return; done
}

contenders=(myrunc floor untar)
command -v podman >/dev/null && contenders+=(podman) || echo "images.sh: podman not installed: skipped" >&2
command -v umoci >/dev/null && command -v skopeo >/dev/null && contenders+=(skopeo_umoci) ||
	echo "images.sh: skopeo or umoci not installed: skipped" >&2

remove() { # DIR: what a contender wrote
	if [ -d "$1/root/overlay" ] || [ -d "$1/run" ]; then
		podman --root "$1/root" --runroot "$1/run" --storage-driver overlay system reset -f >/dev/null 2>&1 || true
	fi
	rm -rf "$1"
}
declare -A times cpus
for ((r = 0; r < rounds; r++)); do
	for c in "${contenders[@]}"; do
		d=$work/$c$r   # short: podman refuses a runroot over 50 characters
		mkdir -p "$d"; sync
		t0=$(date +%s%N)
		/usr/bin/time -f '%U %S' -o "$work/cpu" bash -c "$(declare -f "run_$c"); $(declare -p ref work cache layers MYRUNC); run_$c '$d'"
		t1=$(date +%s%N)
		times[$c]+="$(( (t1 - t0) / 1000000 )) "
		cpus[$c]+="$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/cpu") "
		if [ -n "${BENCH_DELETE_BETWEEN:-}" ]; then remove "$d"; fi
	done
done
for d in "$work"/*[0-9]; do [ -d "$d" ] && remove "$d"; done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
floor=$(median "${times[floor]}")
echo "pull + unpack of a 3-layer Debian 12 image ($(du -sh "$cache/debian-oci/blobs" | cut -f1) of blobs) from 127.0.0.1, $rounds rounds${BENCH_DELETE_BETWEEN:+, files deleted right after each contender}"
printf '%-14s %10s %10s %12s   %s\n' contender "median ms" "x floor" "cpu ms" "all ms"
for c in floor untar myrunc podman skopeo_umoci; do
	[ -n "${times[$c]:-}" ] || continue
	m=$(median "${times[$c]}")
	printf '%-14s %10s %10s %12s   %s\n' "${c/_/+}" "$m" "$(awk -v a="$m" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')" \
		"$(median "${cpus[$c]}")" "${times[$c]}"
done
