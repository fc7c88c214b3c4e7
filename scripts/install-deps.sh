#!/usr/bin/env bash
# install-deps.sh [GROUP...]
#
# Installs what myrunc's build, tests and benchmark need, from Debian's
# packages, then downloads the Go modules of go.mod. Idempotent and quiet:
# packages already installed are not asked for again, and `apt-get update`
# runs only when an install fails (a fresh machine's package lists may be
# stale or empty). Run as root on Debian 12. Groups:
#   build  gcc libc6-dev libseccomp-dev pkg-config make git, then `go mod download`
#   test   bats jq busybox-static util-linux bsdutils python3 iproute2 iptables kmod procps tar gzip uidmap nftables strace
#          docker-registry skopeo zstd curl umoci openssl   (image tests: a private registry, skopeo, umoci, TLS certs)
#          podman   (image_build.bats: podman loads a built image and builds the same Dockerfile)
#          mmdebstrap   (the engine's book scenarios: a Debian image made from packages)
#          docker.io   (image_interop.bats: a private dockerd loads what `image save` writes)
#   bench  runc crun time containernetworking-plugins podman  (peers for `make bench`, GNU time for
#          peak RSS, the CNI bridge+portmap plugins for `make bench-network`, podman for `make bench-engine`)
#   engines containerd docker.io podman conmon umoci busybox-static jq file
#          (tests/e2e: real engines; umoci + busybox-static make the offline image)
# No group: all of them.
set -euo pipefail

declare -A G=(
	[build]="gcc libc6-dev libseccomp-dev pkg-config make git"
	[test]="bats jq busybox-static util-linux bsdutils python3 iproute2 iptables kmod procps tar gzip uidmap nftables strace docker-registry skopeo zstd curl umoci openssl mmdebstrap podman docker.io"
	[bench]="runc crun time containernetworking-plugins podman"
	[engines]="containerd docker.io podman conmon umoci busybox-static jq file"
)
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build test bench engines)

pkgs=()
for g in "${groups[@]}"; do
	[ -n "${G[$g]:-}" ] || { echo "install-deps: unknown group '$g' (build test bench engines)" >&2; exit 2; }
	read -r -a words <<<"${G[$g]}"
	pkgs+=("${words[@]}")
done

missing=()
declare -A seen=()
for p in "${pkgs[@]}"; do
	[ -z "${seen[$p]:-}" ] || continue
	seen[$p]=1
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	apt=(apt-get -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends install)
	if ! "${apt[@]}" "${missing[@]}" >/dev/null 2>&1; then
		apt-get -o DPkg::Lock::Timeout=600 -qq update >/dev/null
		"${apt[@]}" "${missing[@]}" >/dev/null
	fi
	echo "install-deps: installed ${missing[*]}"
	# an engine installed just now must not stay running as a host service
	# (the e2e scripts start private daemons)
	if [[ " ${missing[*]} " == *" docker.io "* ]] && [ -f /var/run/docker-ssd.pid ]; then
		/etc/init.d/docker stop >/dev/null 2>&1 || true
	fi
	# nor the registry (tests start private ones on free ports)
	if [[ " ${missing[*]} " == *" docker-registry "* ]] && [ -x /etc/init.d/docker-registry ]; then
		/etc/init.d/docker-registry stop >/dev/null 2>&1 || true
	fi
fi

for g in "${groups[@]}"; do
	[ "$g" = build ] || continue
	export PATH=/usr/local/go/bin:$PATH
	repo=$(cd "$(dirname "$0")/.." && pwd)
	if [ -f "$repo/go.mod" ]; then
		(cd "$repo" && go mod download)
	fi
done
