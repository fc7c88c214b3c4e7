#!/usr/bin/env bash
# mkbookimage.sh — the root filesystem tarball the engine's "book"
# scenarios run (nginx, redis, a flask app): Debian bookworm (minbase)
# with nginx-light, redis-server, python3-flask, python3-redis and
# busybox, made offline from Debian packages by mmdebstrap, once, then
# kept in the cache (MYRUNC_TEST_CACHE, default /var/cache/myrunc-tests).
# Prints the tarball's path. Exit 77 when the Debian mirror cannot be
# reached (or mmdebstrap is missing), with the reason on stderr: callers
# skip then. One image for every scenario keeps the first run at one
# mmdebstrap (a few minutes, ~60 MB of packages).
set -euo pipefail
cache=${MYRUNC_TEST_CACHE:-/var/cache/myrunc-tests}
out=$cache/book-rootfs.tar
packages=nginx-light,redis-server,python3-flask,python3-redis,busybox
if [ -s "$out" ] && [ "$(cat "$out.packages" 2>/dev/null)" = "$packages" ]; then
	echo "$out"
	exit 0
fi
command -v mmdebstrap >/dev/null || { echo "mkbookimage: mmdebstrap not installed (apt-get install mmdebstrap)" >&2; exit 77; }
mkdir -p "$cache"
# one builder at a time (parallel bats jobs share the cache)
exec 9>"$cache/.book.lock"
flock 9
if [ -s "$out" ] && [ "$(cat "$out.packages" 2>/dev/null)" = "$packages" ]; then
	echo "$out"
	exit 0
fi
tmp="$out.tmp.$$"
log="$cache/book-mmdebstrap.log"
trap 'rm -f "$tmp"' EXIT
if ! mmdebstrap --variant=minbase --mode=root --quiet --include="$packages" bookworm "$tmp" >"$log" 2>&1; then
	if grep -qiE "could not resolve|failed to fetch|temporary failure|connection (failed|refused|timed out)|unable to connect|no route" "$log"; then
		echo "mkbookimage: the Debian mirror cannot be reached: $(grep -iE 'resolve|fetch|connect|route' "$log" | head -1)" >&2
		exit 77
	fi
	echo "mkbookimage: mmdebstrap failed (log: $log):" >&2
	tail -5 "$log" >&2
	exit 1
fi
mv "$tmp" "$out"
echo "$packages" >"$out.packages"
echo "$out"
