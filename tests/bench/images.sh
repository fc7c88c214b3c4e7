#!/usr/bin/env bash
# images.sh MYRUNC — pull + unpack of a 3-layer Debian image from a private
# registry on 127.0.0.1, side by side in one run: myrunc image pull, podman
# pull (overlay storage), skopeo copy + umoci unpack, and the floor:
# go-containerregistry pull + gunzip of the layers, sequential, nothing
# written. Each contender starts from empty storage every round; rounds
# interleave the contenders. Prints medians and each one's ratio to the floor.
#   ROUNDS=N (5)   BENCH_IMAGE_CACHE=DIR (/var/cache/myrunc-bench: the image, made once)
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

contenders=(myrunc floor)
command -v podman >/dev/null && contenders+=(podman) || echo "images.sh: podman not installed: skipped" >&2
command -v umoci >/dev/null && command -v skopeo >/dev/null && contenders+=(skopeo_umoci) ||
	echo "images.sh: skopeo or umoci not installed: skipped" >&2

declare -A times
for ((r = 0; r < rounds; r++)); do
	for c in "${contenders[@]}"; do
		d=$work/run-$c
		rm -rf "$d"; mkdir -p "$d"; sync
		t0=$(date +%s%N)
		"run_$c" "$d"
		t1=$(date +%s%N)
		times[$c]+="$(( (t1 - t0) / 1000000 )) "
		if [ "$c" = podman ]; then podman --root "$d/root" --runroot "$d/run" --storage-driver overlay system reset -f >/dev/null 2>&1 || true; fi
		rm -rf "$d"
	done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
floor=$(median "${times[floor]}")
echo "pull + unpack of a 3-layer Debian 12 image ($(du -sh "$cache/debian-oci/blobs" | cut -f1) of blobs) from 127.0.0.1, $rounds rounds"
printf '%-14s %10s %10s   %s\n' contender "median ms" "x floor" "all ms"
for c in floor myrunc podman skopeo_umoci; do
	[ -n "${times[$c]:-}" ] || continue
	m=$(median "${times[$c]}")
	printf '%-14s %10s %10s   %s\n' "${c/_/+}" "$m" "$(awk -v a="$m" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')" "${times[$c]}"
done
