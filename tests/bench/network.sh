#!/usr/bin/env bash
# network.sh — what networking costs per container: myrunc's hooks next to
# the CNI bridge+portmap plugins (Debian's containernetworking-plugins,
# what Podman's CNI backend runs), in the same run, inside a netlab lab.
#
# For each side and each of BENCH_NET_N containers (a `unshare --net
# sleep` stands in for the container: only the network part is timed):
#   myrunc  prepare = `network attach-bundle -p PORT:80` (address, port, files)
#           attach  = `network hook attach ID` (state on stdin), as createRuntime runs it
#           detach  = `network hook detach ID`, as poststop runs it, + `network release ID`
#   cni     attach  = bridge ADD then portmap ADD (prevResult chained, as libcni does)
#           detach  = portmap DEL then bridge DEL
# Prints the median per phase and attach+detach per side, and the ratio.
# Then attaches BENCH_NET_ROW (100) containers in a row (myrunc, default
# bridge, one published port each), printing the median attach cost of
# each tenth: a flat row means the per-container cost does not grow with
# the number of containers; then detaches them all.
#
# Environment: MYRUNC (default ./myrunc), BENCH_NET_N=20, BENCH_NET_ROW=100,
# CNI_PATH=/usr/lib/cni. Needs root, nft, jq, unshare, and the plugins
# (scripts/install-deps.sh bench).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
MYRUNC=$(readlink -f "${MYRUNC:-$repo/myrunc}")
N=${BENCH_NET_N:-20}
ROW=${BENCH_NET_ROW:-100}
CNI_PATH=${CNI_PATH:-/usr/lib/cni}
NETLAB="$repo/tests/tools/netlab.sh"
[ "$(id -u)" = 0 ] || { echo "bench-network: must run as root" >&2; exit 2; }
for t in jq nft unshare; do command -v $t >/dev/null || { echo "bench-network: $t not found" >&2; exit 2; }; done
[ -x "$CNI_PATH/bridge" ] && [ -x "$CNI_PATH/portmap" ] ||
	{ echo "bench-network: no CNI plugins in $CNI_PATH (apt-get install containernetworking-plugins)" >&2; exit 2; }

LAB=benchnet$$
WORK=$(mktemp -d /tmp/myrunc-bench-net.XXXXXX)
cleanup() {
	local p
	for p in $(cat "$WORK/holders" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	"$NETLAB" down "$LAB" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
eval "$("$NETLAB" up "$LAB")"
H=(nsenter "--net=/run/netns/$NETLAB_HOST_NS")
DATA=$WORK/data
M=("${H[@]}" "$MYRUNC" --data-root "$DATA")

now() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e6 }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# holder: a process in a fresh netns, standing in for a container's init
# (unshare execs sleep: $! is in the new netns once unshare is done)
holder() {
	local p hostns
	hostns=$(readlink "/run/netns/$NETLAB_HOST_NS" 2>/dev/null || "${H[@]}" readlink /proc/self/ns/net)
	"${H[@]}" unshare --net sleep 600 </dev/null >/dev/null 2>&1 &
	p=$!
	echo "$p" >>"$WORK/holders"
	for _ in $(seq 100); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && [ "$(readlink "/proc/$p/ns/net")" != "$hostns" ] && { echo "$p"; return; }
		sleep 0.01
	done
	echo "bench-network: no netns holder" >&2
	exit 1
}

state() { printf '{"ociVersion":"1.2.0","id":"%s","status":"created","pid":%d,"bundle":"%s"}' "$1" "$2" "$3"; }

mkbundle() { # ID: a bundle directory with a minimal config.json (the hooks go there)
	mkdir -p "$WORK/b/$1"
	echo '{"ociVersion":"1.2.0","process":{"args":["true"],"cwd":"/"},"root":{"path":"rootfs"},"linux":{"namespaces":[{"type":"network"}]}}' >"$WORK/b/$1/config.json"
	echo "$WORK/b/$1"
}

myrunc_one() { # I: prepare, attach, detach, release; appends times to files
	local id=bm$1 pid b t0 t1 t2 t3 t4
	pid=$(holder); b=$(mkbundle "$id")
	t0=$(now)
	"${M[@]}" network attach-bundle --bundle "$b" -p "$((20000 + $1)):80" "$id" >/dev/null
	t1=$(now)
	state "$id" "$pid" "$b" | "${M[@]}" network hook attach "$id"
	t2=$(now)
	state "$id" "$pid" "$b" | "${M[@]}" network hook detach "$id"
	t3=$(now)
	"${M[@]}" network release "$id"
	t4=$(now)
	kill "$pid" 2>/dev/null || true
	echo "$(ms "$t0" "$t1")" >>"$WORK/m.prepare"
	echo "$(ms "$t1" "$t2")" >>"$WORK/m.attach"
	echo "$(ms "$t2" "$t3")" >>"$WORK/m.detach"
	echo "$(ms "$t3" "$t4")" >>"$WORK/m.release"
	echo "$(ms "$t1" "$t3")" >>"$WORK/m.hooks"
	echo "$(ms "$t0" "$t4")" >>"$WORK/m.total"
}

cni_conf() { # PLUGIN [PREV-RESULT-FILE] [PORT]
	local prev=null
	[ -n "${2:-}" ] && prev=$(cat "$2")
	case $1 in
	bridge) jq -cn '{cniVersion:"1.0.0", name:"bench", type:"bridge", bridge:"cni-bench0", isGateway:true, ipMasq:true, hairpinMode:true,
		ipam:{type:"host-local", routes:[{dst:"0.0.0.0/0"}], ranges:[[{subnet:"10.88.0.0/16", gateway:"10.88.0.1"}]], dataDir:$d}}' --arg d "$WORK/cni-ipam" ;;
	portmap) jq -cn --argjson prev "$prev" --argjson port "$3" '{cniVersion:"1.0.0", name:"bench", type:"portmap", capabilities:{portMappings:true},
		snat:true, runtimeConfig:{portMappings:[{hostPort:$port, containerPort:80, protocol:"tcp"}]}, prevResult:$prev}' ;;
	esac
}

cni() { # CMD PLUGIN ID NETNS CONF
	"${H[@]}" env CNI_COMMAND="$1" CNI_CONTAINERID="$3" CNI_NETNS="$4" CNI_IFNAME=eth0 CNI_PATH="$CNI_PATH" "$CNI_PATH/$2" <<<"$5"
}

cni_one() { # I
	local id=bc$1 pid ns t0 t1 t2 port=$((30000 + $1))
	pid=$(holder); ns=/proc/$pid/ns/net
	t0=$(now)
	cni ADD bridge "$id" "$ns" "$(cni_conf bridge)" >"$WORK/$id.res"
	cni ADD portmap "$id" "$ns" "$(cni_conf portmap "$WORK/$id.res" "$port")" >/dev/null
	t1=$(now)
	cni DEL portmap "$id" "$ns" "$(cni_conf portmap "$WORK/$id.res" "$port")" >/dev/null
	cni DEL bridge "$id" "$ns" "$(cni_conf bridge)" >/dev/null
	t2=$(now)
	kill "$pid" 2>/dev/null || true
	echo "$(ms "$t0" "$t1")" >>"$WORK/c.attach"
	echo "$(ms "$t1" "$t2")" >>"$WORK/c.detach"
	echo "$(ms "$t0" "$t2")" >>"$WORK/c.total"
}

# the same work as `ip`, `nsenter ip` and `iptables` commands (the floor
# that a shell-script network costs: what the issue compares with)
cmds_one() { # I
	local id=bx$1 pid t0 t1 t2 ip=10.89.$(($1 / 250)).$(($1 % 250 + 2)) port=$((35000 + $1)) v=vbx$1
	pid=$(holder)
	t0=$(now)
	"${H[@]}" ip link add "$v" type veth peer name eth0 netns "$pid"
	"${H[@]}" ip link set "$v" master cmdbr0 up
	nsenter -t "$pid" -n ip addr add "$ip/16" dev eth0
	nsenter -t "$pid" -n ip link set eth0 up
	nsenter -t "$pid" -n ip route add default via 10.89.0.1
	"${H[@]}" iptables -t nat -A CMDPORTS -p tcp --dport "$port" -j DNAT --to-destination "$ip:80"
	t1=$(now)
	"${H[@]}" iptables -t nat -D CMDPORTS -p tcp --dport "$port" -j DNAT --to-destination "$ip:80"
	"${H[@]}" ip link del "$v"
	t2=$(now)
	kill "$pid" 2>/dev/null || true
	echo "$(ms "$t0" "$t1")" >>"$WORK/x.attach"
	echo "$(ms "$t1" "$t2")" >>"$WORK/x.detach"
	echo "$(ms "$t0" "$t2")" >>"$WORK/x.total"
}
"${H[@]}" ip link add cmdbr0 type bridge
"${H[@]}" ip addr add 10.89.0.1/16 dev cmdbr0
"${H[@]}" ip link set cmdbr0 up
"${H[@]}" iptables -t nat -N CMDPORTS

# the default bridge stays up while any container uses it: an anchor
# container keeps it, as on a host with other containers running
"${M[@]}" network attach-bundle --bundle "$(mkbundle anchor)" anchor >/dev/null

# warm up all three (first bridge creation, first nft table) outside the timing
myrunc_one 0; cni_one 0; cmds_one 0
rm -f "$WORK"/m.* "$WORK"/c.* "$WORK"/x.*
for i in $(seq 1 "$N"); do   # interleaved: machine noise hits all alike
	myrunc_one "$i"
	cni_one "$i"
	cmds_one "$i"
done

printf '\nnetwork attach+detach per container, median of %d (ms), one published port each\n' "$N"
printf '  %-34s %10s %10s %10s %10s %14s\n' side prepare attach detach release attach+detach
mh=$(median <"$WORK/m.hooks"); ct=$(median <"$WORK/c.total")
printf '  %-34s %10s %10s %10s %10s %14s\n' "myrunc hooks" "$(median <"$WORK/m.prepare")" "$(median <"$WORK/m.attach")" "$(median <"$WORK/m.detach")" "$(median <"$WORK/m.release")" "$mh"
printf '  %-34s %10s %10s %10s %10s %14s\n' "myrunc incl. prepare+release" "" "" "" "" "$(median <"$WORK/m.total")"
printf '  %-34s %10s %10s %10s %10s %14s\n' "CNI bridge+portmap" "-" "$(median <"$WORK/c.attach")" "$(median <"$WORK/c.detach")" "-" "$ct"
xt=$(median <"$WORK/x.total")
printf '  %-34s %10s %10s %10s %10s %14s\n' "ip/nsenter/iptables commands" "-" "$(median <"$WORK/x.attach")" "$(median <"$WORK/x.detach")" "-" "$xt"
awk -v a="$mh" -v b="$ct" -v x="$xt" -v t="$(median <"$WORK/m.total")" 'BEGIN {
	printf "  myrunc hooks / CNI: %.2fx   myrunc hooks / commands: %.2fx   myrunc incl. prepare+release / CNI: %.2fx\n", a / b, a / x, t / b }'

# 127.0.0.1:PORT: DNAT through route_localnet (what myrunc does: no process
# to keep) next to a userland proxy (what docker-proxy does: one process
# per published port), on the same container, fresh connection per request
if command -v go >/dev/null || [ -x /usr/local/go/bin/go ]; then
	PATH=$PATH:/usr/local/go/bin go build -C "$repo" -o "$WORK/localproxy" ./tests/bench/localproxy
	pid=$(holder); b=$(mkbundle lp)
	"${M[@]}" network attach-bundle --bundle "$b" -p 127.0.0.1:18080:80 lp >/dev/null
	state lp "$pid" "$b" | "${M[@]}" network hook attach lp
	ip=$("${M[@]}" network inspect bridge | jq -r '.[0].Containers.lp.IPv4Address' | cut -d/ -f1)
	mkdir -p "$WORK/www"; echo hello >"$WORK/www/index.html"
	nsenter -t "$pid" -n busybox httpd -f -p 80 -h "$WORK/www" </dev/null >/dev/null 2>&1 &
	echo $! >>"$WORK/holders"
	"${H[@]}" "$WORK/localproxy" proxy 127.0.0.1:18081 "$ip:80" >"$WORK/proxy.out" 2>&1 &
	proxy=$!; echo $proxy >>"$WORK/holders"
	for _ in $(seq 100); do grep -q listening "$WORK/proxy.out" && break; sleep 0.02; done
	"${H[@]}" "$WORK/localproxy" get http://127.0.0.1:18080/ 20 >/dev/null   # both warm
	"${H[@]}" "$WORK/localproxy" get http://127.0.0.1:18081/ 20 >/dev/null
	d1=$("${H[@]}" "$WORK/localproxy" get http://127.0.0.1:18080/ 300)
	p1=$("${H[@]}" "$WORK/localproxy" get http://127.0.0.1:18081/ 300)
	d2=$("${H[@]}" "$WORK/localproxy" get http://127.0.0.1:18080/ 300)
	p2=$("${H[@]}" "$WORK/localproxy" get http://127.0.0.1:18081/ 300)
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$proxy/status")
	printf '\n127.0.0.1:PORT -> container, median ms per request on a fresh connection (two runs each)\n'
	printf '  DNAT + route_localnet: %s %s    userland proxy: %s %s (and %s KiB resident per published port)\n' "$d1" "$d2" "$p1" "$p2" "$rss"
	kill "$proxy"
	echo '{}' | "${M[@]}" network hook detach lp
	"${M[@]}" network release lp
else
	echo "bench-network: no go: 127.0.0.1 DNAT vs userland proxy not measured"
fi

# 100 in a row
printf '\n%d containers attached in a row (myrunc, default bridge, one port each): median attach per tenth (ms)\n ' "$ROW"
pids=()
for i in $(seq 1 "$ROW"); do
	id=row$i; pid=$(holder); pids+=("$pid"); b=$(mkbundle "$id")
	"${M[@]}" network attach-bundle --bundle "$b" -p "$((11000 + i)):80" "$id" >/dev/null
	t0=$(now)
	state "$id" "$pid" "$b" | "${M[@]}" network hook attach "$id"
	t1=$(now)
	echo "$(ms "$t0" "$t1")" >>"$WORK/row.$(((i - 1) * 10 / ROW))"
done
for t in $(seq 0 9); do printf ' %s' "$(median <"$WORK/row.$t")"; done
echo
for i in $(seq 1 "$ROW"); do
	id=row$i
	echo '{}' | "${M[@]}" network hook detach "$id"
	"${M[@]}" network release "$id"
done
"${M[@]}" network release anchor
"${H[@]}" ip link show myrunc0 >/dev/null 2>&1 && { echo "bench-network: the default bridge is still there after the last release" >&2; exit 1; }
echo "bench-network: done; the lab is back to no myrunc links or rules"
