#!/bin/bash
# e2e-cri.sh RUNTIME_BINARY
#
# End-to-end check of an OCI runtime (runc-compatible CLI) driven by the CRI
# plugin of containerd 1.6 (kubelet's path: crictl -> CRI -> containerd ->
# io.containerd.runc.v2 shim -> runtime).
#
# Starts a private containerd with CRI enabled (config, root, state, socket,
# CNI dirs, certs.d and runc root all under /tmp/clients/e2e/cri.<pid>; never
# /run/containerd/containerd.sock, /var/lib/containerd or /etc/cni), with one
# runtime handler "e2ert" (io.containerd.runc.v2, options BinaryName = a
# logging wrapper around RUNTIME_BINARY, Root = a private runc root), also the
# default handler. The pod uses the host network namespace
# (namespace_options.network = NODE): no CNI, no bridge, no traffic.
# Imports the offline busybox image and a pause image made from it (busybox sh
# looping on sleep, exits on TERM/INT) into the k8s.io namespace, then runs
# the pod/container lifecycle with crictl, prints PASS/FAIL lines and
# "N passed, M failed", stops containerd and removes its state (KEEP=1 keeps
# it). Exit status: 0 if all passed.
#
# crictl: $CRICTL if set, else built once from the Go module
# sigs.k8s.io/cri-tools@$CRICTL_VERSION (default v1.34.0, via the Go module
# proxy) and cached as /tmp/clients/bin/crictl-<version>.
# Call log of the runtime in /tmp/clients/e2e/logs/ (NO_WRAP=1: no wrapper).
set -u
source "$(dirname "$(readlink -f "$0")")/lib-e2e.sh"

RT="$(resolve_runtime "${1:-}")" || exit 2
E2E_ROOT="${E2E_ROOT:-/tmp/clients/e2e}"
BASE="$E2E_ROOT/cri.$$"
mkdir -p "$BASE" "$E2E_ROOT/logs"
CALL_LOG="$E2E_ROOT/logs/cri-$(basename "$RT")-$(date +%Y%m%d-%H%M%S)-$$.log"
: >"$CALL_LOG"
setup_wrapper cri "$RT"
SOCK="$BASE/containerd.sock"
NS=k8s.io                       # the CRI plugin's containerd namespace
CTR=(ctr --address "$SOCK" --namespace "$NS")
HANDLER=e2ert
RUNC_ROOT="$BASE/runc"          # options.Root: state of the runtime under test
CGP="e2e-cri-$$"                # pod cgroup_parent: /<CGP>/<id> in every hierarchy
PAUSE_IMG=localhost/e2e-pause:latest
IMG=docker.io/library/busybox:latest
IMAGES=/tmp/clients/images
CRICTL_VERSION="${CRICTL_VERSION:-v1.34.0}"
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"

echo "== e2e-cri: runtime=$RT wrapper=$W handler=$HANDLER"

host_residue_begin /run/containerd/s /run/containerd/fifo /run/containerd
cleanup() {
	if [ -S "$SOCK" ] && [ -n "${CRICTL:-}" ]; then
		for id in $(t 20 "${CRI[@]}" ps -a -q 2>/dev/null); do
			t 20 "${CRI[@]}" rm -f "$id" >/dev/null 2>&1
		done
		for id in $(t 20 "${CRI[@]}" pods -q 2>/dev/null); do
			t 20 "${CRI[@]}" stopp "$id" >/dev/null 2>&1
			t 20 "${CRI[@]}" rmp -f "$id" >/dev/null 2>&1
		done
	fi
	if [ -S "$SOCK" ]; then   # anything CRI did not clean (e.g. CRI failed)
		for id in $("${CTR[@]}" task ls -q 2>/dev/null); do
			t 10 "${CTR[@]}" task kill -s SIGKILL "$id" >/dev/null 2>&1
		done
		sleep 0.3
		for id in $("${CTR[@]}" task ls -q 2>/dev/null); do
			t 10 "${CTR[@]}" task delete -f "$id" >/dev/null 2>&1
		done
		for id in $("${CTR[@]}" container ls -q 2>/dev/null); do
			t 10 "${CTR[@]}" container rm "$id" >/dev/null 2>&1
		done
	fi
	if [ -f "$BASE/containerd.pid" ]; then
		local pid; pid=$(cat "$BASE/containerd.pid")
		kill "$pid" 2>/dev/null
		for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	fi
	rm_cgroup_parents "$CGP"
	# unmount anything still mounted below our base (rootfs, sandbox shm), then remove
	grep -o " ${BASE}[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	host_residue_end
	if [ -z "${KEEP:-}" ]; then rm -rf "$BASE"; remove_wrapper; fi
}
trap 'cleanup' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- crictl
# build_crictl: prints the path of a cached crictl $CRICTL_VERSION, building it
# from the Go module if needed (one builder at a time).
build_crictl() {
	local dir=/tmp/clients/bin bin
	bin="$dir/crictl-$CRICTL_VERSION"
	mkdir -p "$dir"
	(
		flock 9
		[ -x "$bin" ] && exit 0
		command -v go >/dev/null || { echo "go not found (PATH=$PATH)" >&2; exit 1; }
		local gobin; gobin=$(mktemp -d "$dir/gobin.XXXXXX")
		# static, no VCS stamping; the module proxy serves cri-tools
		if GOBIN="$gobin" GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 \
			t 600 go install -trimpath \
			-ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" \
			"sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION" >&2; then
			mv "$gobin/crictl" "$bin"
		fi
		rm -rf "$gobin"
		[ -x "$bin" ]
	) 9>"$dir/crictl.lock" || return 1
	echo "$bin"
}

# ---------------------------------------------------------------- containerd + CRI
start_containerd_cri() {
	mkdir -p "$BASE/root" "$BASE/state" "$BASE/opt" "$BASE/cni/bin" "$BASE/cni/net.d" \
		"$BASE/certs.d" "$BASE/podlogs" "$RUNC_ROOT"
	cat >"$BASE/config.toml" <<EOF
version = 2
root = "$BASE/root"
state = "$BASE/state"

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[debug]
  level = "${DEBUG:+debug}"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$BASE/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$PAUSE_IMG"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_selinux = false
    disable_apparmor = true
    # no CAP_SYS_RESOURCE here: do not ask for oom_score_adj below ours
    restrict_oom_score_adj = true
    netns_mounts_under_state_dir = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "$HANDLER"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$HANDLER]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$HANDLER.options]
          BinaryName = "$W"
          Root = "$RUNC_ROOT"
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "$BASE/cni/bin"
      conf_dir = "$BASE/cni/net.d"
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "$BASE/certs.d"
EOF
	setsid containerd --config "$BASE/config.toml" </dev/null >>"$BASE/containerd.log" 2>&1 &
	local pid=$!
	echo "$pid" >"$BASE/containerd.pid"
	for _ in $(seq 1 150); do
		if [ -S "$SOCK" ] && ctr --address "$SOCK" version >/dev/null 2>&1; then return 0; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -20 "$BASE/containerd.log"
	return 1
}

# make_pause_image OUT.tar: OCI archive of busybox whose entrypoint sleeps
# until TERM/INT (the CRI sandbox process).
make_pause_image() {
	local L="$BASE/pause-layout"
	rm -rf "$L"; cp -a "$IMAGES/oci-layout" "$L" &&
	umoci config --image "$L:latest" --clear=config.cmd \
		--config.entrypoint sh --config.entrypoint -c \
		--config.entrypoint 'trap "exit 0" TERM INT; while :; do sleep 1; done' &&
	umoci gc --layout "$L" &&
	tar -C "$L" -cf "$1" . && rm -rf "$L"
}

# ---------------------------------------------------------------- setup
out=$("$E2E_DIR/make-busybox-image.sh" 2>&1) || { fail "make image" "$out"; finish; exit 1; }
CRICTL="${CRICTL:-}"
if [ -z "$CRICTL" ]; then
	t0=$(date +%s)
	CRICTL=$(build_crictl) || { fail "build crictl $CRICTL_VERSION"; finish; exit 1; }
	[ $(($(date +%s) - t0)) -gt 2 ] && echo "(built $CRICTL in $(($(date +%s) - t0))s)"
fi
cat >"$BASE/crictl.yaml" <<EOF
runtime-endpoint: unix://$SOCK
image-endpoint: unix://$SOCK
timeout: 30
debug: false
pull-image-on-create: false
EOF
CRI=("$CRICTL" --config "$BASE/crictl.yaml")

if ! out=$(start_containerd_cri); then fail "start containerd with CRI" "$out"; finish; exit 1; fi
out=$(make_pause_image "$BASE/pause-oci.tar" 2>&1) || { fail "make pause image" "$out"; finish; exit 1; }
out=$({ t 60 "${CTR[@]}" images import --base-name localhost/e2e-pause "$BASE/pause-oci.tar" &&
	t 60 "${CTR[@]}" images import --base-name docker.io/library/busybox "$IMAGES/busybox-oci.tar"; } 2>&1) ||
	{ fail "image import (k8s.io)" "$out"; finish; exit 1; }

# ---------------------------------------------------------------- helpers
jqr() { jq -r "$@" 2>/dev/null; }
ctr_state() { t 20 "${CRI[@]}" inspect -o json "$1" 2>/dev/null | jqr '.status.state'; }
pod_state() { t 20 "${CRI[@]}" inspectp -o json "$1" 2>/dev/null | jqr '.status.state'; }
cg_dir() {  # host cgroup dir (memory hierarchy, or v2) of a pod/container id
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo "/sys/fs/cgroup/$CGP/$1"
	else echo "/sys/fs/cgroup/memory/$CGP/$1"; fi
}
MEMFILE_CMD='cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'

# ---------------------------------------------------------------- tests
# 1. CRI up, runtime handler known, images visible to CRI
out=$(t 30 "${CRI[@]}" info 2>&1)
rr=$(printf '%s' "$out" | jqr '.status.conditions[] | select(.type=="RuntimeReady") | .status')
h=$(printf '%s' "$out" | jqr ".config.containerd.runtimes.\"$HANDLER\".options.BinaryName")
if [ "$rr" = true ] && [ "$h" = "$W" ]; then pass "crictl info: RuntimeReady, handler $HANDLER -> BinaryName"; else fail "crictl info" "RuntimeReady=$rr BinaryName=$h
$out"; fi
if wait_for 10 sh -c "'$CRICTL' --config '$BASE/crictl.yaml' images -q localhost/e2e-pause | grep -q . &&
	'$CRICTL' --config '$BASE/crictl.yaml' images -q $IMG | grep -q ."; then
	pass "crictl images: pause + busybox imported into $NS"
else fail "crictl images" "$(t 20 "${CRI[@]}" images 2>&1)"; fi

# 2. runp: sandbox with host network, in our cgroup parent
cat >"$BASE/pod.json" <<EOF
{
  "metadata": {"name": "e2e-pod", "namespace": "e2e", "uid": "e2e-pod-$$", "attempt": 0},
  "log_directory": "$BASE/podlogs",
  "labels": {"e2e": "cri-$$"},
  "linux": {
    "cgroup_parent": "/$CGP",
    "security_context": {"namespace_options": {"network": 2}}
  }
}
EOF
POD=$(t 60 "${CRI[@]}" runp --runtime "$HANDLER" "$BASE/pod.json" 2>"$BASE/err"); rc=$?
if [ $rc -eq 0 ] && [ "$(pod_state "$POD")" = SANDBOX_READY ]; then pass "runp: SANDBOX_READY"
else fail "runp" "rc=$rc $POD $(cat "$BASE/err")"; POD=""; fi
if [ -n "$POD" ]; then
	ppid_=$(t 20 "${CRI[@]}" inspectp -o json "$POD" | jqr '.info.pid')
	if [ -n "$ppid_" ] && [ "$(readlink "/proc/$ppid_/ns/net")" = "$(readlink /proc/self/ns/net)" ] &&
		grep -q trap "/proc/$ppid_/cmdline" 2>/dev/null; then
		pass "pod sandbox (pause) runs in the host network namespace"
	else fail "pod sandbox in host netns" "pid=$ppid_ $(readlink "/proc/$ppid_/ns/net" 2>&1) $(tr '\0' ' ' <"/proc/$ppid_/cmdline" 2>&1)"; fi
	if [ -d "$RUNC_ROOT/$NS/$POD" ] && [ -d "$(cg_dir "$POD")" ]; then pass "sandbox state in private runtime root, cgroup under /$CGP"
	else fail "sandbox state/cgroup" "$(ls -la "$RUNC_ROOT/$NS" 2>&1); $(ls -d "$(cg_dir "$POD")" 2>&1)"; fi
fi

# 3. create + start a busybox container printing to stdout/stderr, 64m limit
cat >"$BASE/ctr.json" <<'EOF'
{
  "metadata": {"name": "e2e-ctr"},
  "image": {"image": "docker.io/library/busybox:latest"},
  "command": ["sh", "-c", "trap 'echo got-term; exit 42' TERM; echo hello-cri-stdout; echo hello-cri-stderr >&2; while :; do sleep 1 & wait $!; done"],
  "log_path": "e2e-ctr.log",
  "linux": {"resources": {"memory_limit_in_bytes": 67108864}}
}
EOF
CID=""
if [ -n "$POD" ]; then
	CID=$(t 60 "${CRI[@]}" create "$POD" "$BASE/ctr.json" "$BASE/pod.json" 2>"$BASE/err"); rc=$?
	if [ $rc -eq 0 ] && [ "$(ctr_state "$CID")" = CONTAINER_CREATED ]; then pass "create: CONTAINER_CREATED"
	else fail "create" "rc=$rc $CID $(cat "$BASE/err")"; CID=""; fi
else fail "create" "(no pod)"; fi
if [ -n "$CID" ]; then
	out=$(t 60 "${CRI[@]}" start "$CID" 2>&1); rc=$?
	if [ $rc -eq 0 ] && wait_for 10 test "$(ctr_state "$CID")" = CONTAINER_RUNNING; then pass "start: CONTAINER_RUNNING"
	else fail "start" "rc=$rc $out state=$(ctr_state "$CID")"; fi
	cpid=$(t 20 "${CRI[@]}" inspect -o json "$CID" | jqr '.info.pid')
	if [ -n "$cpid" ] && grep -q hello-cri "/proc/$cpid/cmdline" 2>/dev/null; then pass "container pid (pid-file) is the container process"
	else fail "container pid is the container process" "pid=$cpid"; fi
else
	for n in start "container pid"; do fail "$n" "(no container)"; done
fi

# 4. exec -s (ExecSync: runtime exec --detach with a process.json)
if [ -n "$CID" ]; then
	out=$(t 30 "${CRI[@]}" exec -s "$CID" echo hi-from-exec 2>&1)
	check_eq "exec -s: echo" "hi-from-exec" "$out"
	out=$(t 30 "${CRI[@]}" exec -s "$CID" sh -c 'echo before-exit; exit 3' 2>&1); rc=$?
	# crictl 1.34 exits 1 and names the code: "... exited with 3"
	if [[ $rc -ne 0 && "$out" == *before-exit* && ( $rc -eq 3 || "$out" == *"exited with 3"* ) ]]; then pass "exec -s: exit code 3 propagated"
	else fail "exec -s: exit code 3 propagated" "rc=$rc out=$out"; fi
	out=$(t 30 "${CRI[@]}" exec -s "$CID" sh -c 'tr "\0" " " </proc/1/cmdline' 2>&1)
	# the pod's pid namespace (default POD mode): pid 1 is the pause process
	check_contains "exec -s: in the pod's pid ns (pid 1 = pause)" 'trap "exit 0"' "$out"
	out=$(t 30 "${CRI[@]}" exec -s "$CID" ps -o args 2>&1)
	check_contains "exec -s: container process visible in the pod pid ns" "hello-cri-stdout" "$out"
	out=$(t 30 "${CRI[@]}" exec -s "$CID" sh -c "$MEMFILE_CMD" 2>&1)
	check_eq "memory limit 64m visible inside" 67108864 "$out"
else
	for n in "exec -s: echo" "exec -s: exit code" "exec -s: pid ns" "exec -s: ps" "memory limit"; do fail "$n" "(no container)"; done
fi

# 5. logs (the shim copies the container's stdio into the CRI log file)
if [ -n "$CID" ] && wait_for 10 sh -c "'$CRICTL' --config '$BASE/crictl.yaml' logs '$CID' 2>&1 | grep -q hello-cri-stdout"; then
	out=$(t 20 "${CRI[@]}" logs "$CID" 2>&1)
	if [[ "$out" == *hello-cri-stdout* && "$out" == *hello-cri-stderr* ]]; then pass "logs: stdout and stderr of the container"
	else fail "logs: stdout and stderr" "$out"; fi
else fail "logs: stdout and stderr" "$( [ -n "$CID" ] && t 20 "${CRI[@]}" logs "$CID" 2>&1)"; fi

# 6. stats (the shim reads the container's cgroup)
if [ -n "$CID" ]; then
	out=$(t 30 "${CRI[@]}" stats -o json --id "$CID" 2>&1)
	sid=$(printf '%s' "$out" | jqr '.stats[0].attributes.id')
	mem=$(printf '%s' "$out" | jqr '.stats[0].memory.workingSetBytes.value // .stats[0].memory.usageBytes.value // empty')
	if [ "$sid" = "$CID" ] && [ -n "$mem" ] && [ "$mem" != 0 ]; then pass "stats: container listed with memory usage ($mem bytes)"
	else fail "stats" "$out"; fi
	out=$(t 30 "${CRI[@]}" stats 2>&1)
	check_contains "stats (table) lists the container" "${CID:0:13}" "$out"
else fail "stats" "(no container)"; fail "stats (table)" "(no container)"; fi

# 7. stop: SIGTERM reaches the container's trap -> exit 42
if [ -n "$CID" ]; then
	out=$(t 60 "${CRI[@]}" stop --timeout 10 "$CID" 2>&1); rc=$?
	js=$(t 20 "${CRI[@]}" inspect -o json "$CID" 2>/dev/null)
	st="$(printf '%s' "$js" | jqr '.status.state') $(printf '%s' "$js" | jqr '.status.exitCode')"
	if [ $rc -eq 0 ] && [ "$st" = "CONTAINER_EXITED 42" ]; then pass "stop: TERM delivered, CONTAINER_EXITED with 42"
	else fail "stop" "rc=$rc $out state/exit=$st"; fi
	if wait_for 5 sh -c "'$CRICTL' --config '$BASE/crictl.yaml' logs '$CID' 2>&1 | grep -q got-term"; then
		pass "logs after stop: container saw SIGTERM"
	else fail "logs after stop" "$(t 20 "${CRI[@]}" logs "$CID" 2>&1)"; fi
else fail "stop" "(no container)"; fail "logs after stop" "(no container)"; fi

# 8. rm
if [ -n "$CID" ]; then
	out=$(t 60 "${CRI[@]}" rm "$CID" 2>&1); rc=$?
	if [ $rc -eq 0 ] && ! t 20 "${CRI[@]}" ps -a -q | grep -q "^$CID" && [ ! -e "$RUNC_ROOT/$NS/$CID" ] &&
		[ ! -e "$(cg_dir "$CID")" ]; then pass "rm: container, its runtime state and cgroup gone"
	else fail "rm" "rc=$rc $out; $(ls -d "$RUNC_ROOT/$NS/$CID" "$(cg_dir "$CID")" 2>&1)"; fi
else fail "rm" "(no container)"; fi

# 9. a failing runtime create must surface the runtime's error text (read by
# the shim from --log, last level=error line) in the CRI StartContainer error
if [ -n "$POD" ]; then
	cat >"$BASE/bad.json" <<'EOF'
{"metadata": {"name": "e2e-bad"}, "image": {"image": "docker.io/library/busybox:latest"},
 "command": ["/nonexistent-binary"], "log_path": "e2e-bad.log"}
EOF
	BAD=$(t 60 "${CRI[@]}" create "$POD" "$BASE/bad.json" "$BASE/pod.json" 2>"$BASE/err")
	out=$(t 60 "${CRI[@]}" start "$BAD" 2>&1); rc=$?
	if [ -n "$BAD" ] && [ $rc -ne 0 ] && [[ "$out" == *nonexistent-binary* ]]; then pass "start error surfaced (runtime create failed)"
	else fail "start error surfaced" "rc=$rc id=$BAD $(cat "$BASE/err") $out"; fi
	[ -n "$BAD" ] && t 30 "${CRI[@]}" rm -f "$BAD" >/dev/null 2>&1
else fail "start error surfaced" "(no pod)"; fi

# 9b. Bidirectional mount propagation (kubelet's mountPropagation:
# Bidirectional): CRI asks the runtime for an rbind,rshared mount of a
# shared host directory and rootfsPropagation rshared; a mount the
# container makes there must appear on the host
if [ -n "$POD" ]; then
	BIDIR="$BASE/bidir"
	mkdir -p "$BIDIR" && mount --bind "$BIDIR" "$BIDIR" && mount --make-shared "$BIDIR"
	cat >"$BASE/bidir.json" <<EOF
{"metadata": {"name": "e2e-bidir"}, "image": {"image": "docker.io/library/busybox:latest"},
 "command": ["sh", "-c", "mkdir -p /mnt/bidir/from-ctr && mount -t tmpfs ctr-tmpfs /mnt/bidir/from-ctr && echo mounted; sleep 300"],
 "log_path": "e2e-bidir.log",
 "mounts": [{"container_path": "/mnt/bidir", "host_path": "$BIDIR", "propagation": 2}],
 "linux": {"security_context": {"capabilities": {"add_capabilities": ["SYS_ADMIN"]}}}}
EOF
	BID=$(t 60 "${CRI[@]}" create "$POD" "$BASE/bidir.json" "$BASE/pod.json" 2>"$BASE/err")
	out=$(t 60 "${CRI[@]}" start "$BID" 2>&1); rc=$?
	if [ -n "$BID" ] && [ $rc -eq 0 ] && wait_for 10 grep -q " $BIDIR/from-ctr " /proc/self/mountinfo; then
		pass "Bidirectional propagation: the container's mount appears on the host"
	else fail "Bidirectional propagation" "rc=$rc id=$BID $(cat "$BASE/err") $out; $(grep "$BIDIR" /proc/self/mountinfo)"; fi
	[ -n "$BID" ] && t 30 "${CRI[@]}" rm -f "$BID" >/dev/null 2>&1
	umount -l "$BIDIR/from-ctr" 2>/dev/null
else fail "Bidirectional propagation" "(no pod)"; fi

# 10. stopp / rmp
if [ -n "$POD" ]; then
	out=$(t 60 "${CRI[@]}" stopp "$POD" 2>&1); rc=$?
	if [ $rc -eq 0 ] && [ "$(pod_state "$POD")" = SANDBOX_NOTREADY ]; then pass "stopp: SANDBOX_NOTREADY"
	else fail "stopp" "rc=$rc $out state=$(pod_state "$POD")"; fi
	out=$(t 60 "${CRI[@]}" rmp "$POD" 2>&1); rc=$?
	if [ $rc -eq 0 ] && ! t 20 "${CRI[@]}" pods -q | grep -q "^$POD" && [ ! -e "$RUNC_ROOT/$NS/$POD" ] &&
		[ ! -e "$(cg_dir "$POD")" ]; then pass "rmp: sandbox, its runtime state and cgroup gone"
	else fail "rmp" "rc=$rc $out; $(ls -d "$RUNC_ROOT/$NS/$POD" "$(cg_dir "$POD")" 2>&1)"; fi
else fail "stopp" "(no pod)"; fail "rmp" "(no pod)"; fi

# 11. the wrapper really was used, with the private root
if [ -n "${NO_WRAP:-}" ]; then echo "SKIP: wrapper check (NO_WRAP)"
elif grep -q " --root $RUNC_ROOT/$NS .* create " "$CALL_LOG"; then pass "shim invoked runtime via wrapper with --root $RUNC_ROOT/$NS"
else fail "shim invoked runtime via wrapper" "$(head -5 "$CALL_LOG")"; fi

finish
[ $FAILED -eq 0 ]
