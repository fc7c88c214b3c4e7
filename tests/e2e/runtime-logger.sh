#!/bin/bash
# runtime-logger.sh - transparent logging shim in front of an OCI runtime.
#
# Appends one line per invocation to $RUNTIME_LOG (default
# /tmp/clients/runtime-calls.log):
#   <RFC3339 ns timestamp> pid=<pid> ppid=<ppid> parent=<parent comm> [tag=<RUNTIME_LOG_TAG>] argv: <argv shell-quoted>
# and then execs $REAL_RUNTIME (default: runc from PATH) with the original
# argv (argv[0] excluded).  stdin/stdout/stderr and every inherited fd (e.g. a
# console socket, the exec process.json pipe, the sync pipes of conmon) are
# left untouched, the exit code is the real runtime's.
#
# Engines do not always forward the environment (podman's conmon only passes
# conmon_env_vars, i.e. PATH), so to pin REAL_RUNTIME reliably create a
# tiny per-runtime wrapper, e.g.:
#   printf '#!/bin/sh\nREAL_RUNTIME=/usr/bin/crun exec %s "$@"\n' \
#       tests/e2e/runtime-logger.sh > /tmp/clients/wrappers/crun-logged
# (the e2e-*.sh scripts do exactly that).
#
# Optional env:
#   REAL_RUNTIME       runtime binary to exec (name or path), default runc
#   RUNTIME_LOG        log file, default /tmp/clients/runtime-calls.log
#   RUNTIME_LOG_TAG    free-form tag written on each line (e.g. engine name)
# stdin is never read by the wrapper (e.g. `update --resources -` and
# `exec --process -` pass JSON on stdin to the real runtime).

real="${REAL_RUNTIME:-runc}"
log="${RUNTIME_LOG:-/tmp/clients/runtime-calls.log}"

{
	ts=$(date +%Y-%m-%dT%H:%M:%S.%N%:z 2>/dev/null)
	pcomm=$(cat "/proc/$PPID/comm" 2>/dev/null)
	line="$ts pid=$$ ppid=$PPID parent=${pcomm:-?}"
	[ -n "$RUNTIME_LOG_TAG" ] && line+=" tag=$RUNTIME_LOG_TAG"
	line+=" real=$real argv:"
	for a in "$@"; do
		line+=" $(printf '%q' "$a")"
	done
	mkdir -p "$(dirname "$log")" 2>/dev/null
	# a single write(2) of one line with O_APPEND is atomic enough for
	# concurrent invocations
	printf '%s\n' "$line" >>"$log"
} 2>/dev/null

exec "$real" "$@"
