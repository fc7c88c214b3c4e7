# shellcheck shell=bash
# Sourced by lifecycle.sh and bench.sh: hide_unified "$0" "$@" re-execs the
# calling script in a private mount namespace with /sys/fs/cgroup/unified
# covered, when HIDE_UNIFIED (auto|1|0, default auto) asks for it.
#
# On a hybrid cgroup host whose cgroup2 mount at /sys/fs/cgroup/unified
# has controllers, crun refuses to run ("cgroups in hybrid mode not
# supported"). 1: cover /sys/fs/cgroup/unified with an empty tmpfs in a
# private mount namespace (the host's mounts and cgroups are untouched), so
# every runtime sees plain cgroup v1 ("legacy" mode). auto: do that only
# when the condition above holds, whatever the runtime is, so that
# runtimes are compared on the same view. 0: never.
hide_unified() {
	local hide=${HIDE_UNIFIED:-auto} need=0 ctl
	if [ -z "${_HIDE_UNIFIED_IN_NS:-}" ] && [ "$hide" != 0 ]; then
		if [ "$hide" = 1 ]; then
			need=1
		elif [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = tmpfs ] &&
			[ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
			ctl=$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null) &&
			[ -n "$ctl" ]; then
			need=1
		fi
		if [ $need = 1 ]; then
			export _HIDE_UNIFIED_IN_NS=1
			exec unshare --mount --propagation private -- bash "$@"
		fi
	fi
	if [ -n "${_HIDE_UNIFIED_IN_NS:-}" ]; then
		unset _HIDE_UNIFIED_IN_NS
		# a throw-away tmpfs, not a bare umount: in "legacy" mode crun still
		# writes <unified>/<path>/cgroup.procs, which would otherwise land on
		# the host's /sys/fs/cgroup tmpfs under the mountpoint; big enough for
		# the 1000-alive and 100-at-once modes (a file and a dir per container
		# that crun leaves; 1m filled up: ENOSPC), only used pages cost memory
		if [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
			mount -t tmpfs -o size=64m,mode=755 ocibench-nounified /sys/fs/cgroup/unified
		else
			echo "hide-unified: no cgroup2 mount at /sys/fs/cgroup/unified; nothing to hide" >&2
		fi
		# the children see it already
		export HIDE_UNIFIED=0
	fi
}
