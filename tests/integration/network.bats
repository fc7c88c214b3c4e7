#!/usr/bin/env bats
# Networks: `myrunc network ...` and bundles attached through the hooks
# (`network attach-bundle`), each test inside its own lab (tests/tools/
# netlab.sh): a "host" netns where myrunc runs and an "outside" netns with
# an HTTP server that answers with the caller's source address. Nothing
# touches the real host's network. Teardown fails the test when the
# host netns's links, addresses, routes, nft or iptables rules differ
# from before it.

load lab_helpers

setup() {
	setup_test
	DATA="$TEST_DIR/data"
	lab_up
}

teardown() { lab_teardown network_cleanup; }

# network_cleanup: containers go first, inside the lab (their poststop
# hooks detach), then what their attachments and the networks held
network_cleanup() {
	local id ids
	for id in $(ls "$ROOT" 2>/dev/null); do
		timeout 20 "${HOST_ENTER[@]}" "$MYRUNC" --root "$ROOT" --data-root "$DATA" delete -f "$id" </dev/null >/dev/null 2>&1 3>&- || true
	done
	ids=$(ls "$DATA/network/containers" 2>/dev/null | sed 's/\.json$//')
	[ -z "$ids" ] || MR network release $ids >/dev/null 2>&1 || problems+="network release failed; "
	MR network prune -f >/dev/null 2>&1 || problems+="network prune failed; "
}

# net_bundle [ATTACH-BUNDLE-ARGS...] ID: a fresh bundle in $BUNDLE with a
# web root whose CGI answers the caller's address, prepared by attach-bundle
net_bundle() {
	local id="${*: -1}"
	setup_bundle sleep 1000
	mkdir -p "$BUNDLE/rootfs/www/cgi-bin"
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s\\n" "$REMOTE_ADDR" | sed "s/::ffff://; s/[][]//g"\n' \
		>"$BUNDLE/rootfs/www/cgi-bin/index.cgi"
	chmod 755 "$BUNDLE/rootfs/www/cgi-bin/index.cgi"
	mr -0 network attach-bundle --bundle "$BUNDLE" "$@"
	eval "BUNDLE_$id=\$BUNDLE"
}

# start ID: run -d the bundle prepared for ID, in the lab
start() {
	local b="BUNDLE_$1"
	MR run -d --bundle "${!b}" "$1" </dev/null >"$TEST_DIR/$1.out" 2>&1 || fail "run $1: $(cat "$TEST_DIR/$1.out")"
}

# serve ID: busybox httpd on port 80 in the container, listening when it returns
serve() {
	MR exec -d "$1" httpd -f -p 80 -h /www || fail "httpd in $1"
	retry 10 MR exec "$1" sh -c 'cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q ":0050 0*:0000 0A"' ||
		fail "httpd in $1 does not listen"
}

# host_get / out_get URL: wget from the lab's host / from the outside
host_get() { "${HOST_ENTER[@]}" timeout 3 "$BUSYBOX" wget -qO- "$1" 2>/dev/null; }
out_get() { "${OUT_ENTER[@]}" timeout 3 "$BUSYBOX" wget -qO- "$1" 2>/dev/null; }

ip_of() { # ID [NETWORK]
	MR network inspect "${2:-bridge}" | jq -r --arg id "$1" '.[0].Containers[$id].IPv4Address' | cut -d/ -f1
}

@test "network create, ls, inspect (Docker's JSON), rm" {
	mr -0 network create --subnet 10.91.0.0/24 --gateway 10.91.0.254 --ip-range 10.91.0.128/25 -o com.docker.network.bridge.name=br-test --label team=a web
	id=$output
	[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "create printed '$id', not an id"
	mr -0 network ls
	assert_output_contains "NETWORK ID" "${id:0:12}   web" bridge host none
	mr -0 network ls -q
	[ "${#lines[@]}" -eq 4 ]
	mr -0 network inspect web
	[ "$(jq -r '.[0] | [.Name, .Id, .Driver, .Scope, .IPAM.Config[0].Subnet, .IPAM.Config[0].Gateway, .IPAM.Config[0].IPRange, .Labels.team, (.Containers|length)] | join(" ")' <<<"$output")" = \
		"web $id bridge local 10.91.0.0/24 10.91.0.254 10.91.0.128/25 a 0" ]
	mr -0 network inspect --format '{{.Name}} {{(index .IPAM.Config 0).Gateway}}' "${id:0:8}"
	[ "$output" = "web 10.91.0.254" ]
	"${HOST_ENTER[@]}" ip -4 addr show br-test | grep -q 'inet 10.91.0.254/24' || fail "bridge br-test has no gateway address"
	mr -1 network create --subnet 10.92.0.0/24 web
	assert_output_contains "already exists"
	mr -1 network rm bridge
	assert_output_contains "pre-defined"
	mr -0 network rm web
	mr -1 network inspect web
	assert_output_contains "not found"
	"$NETLAB" diff "$LAB" "$TEST_DIR/before.snap" || fail "rm left something behind"
}

@test "record temporaries left by a command killed before its rename are removed by the next network command" {
	mr -0 network create --subnet 10.93.0.0/24 kept
	echo '{"network":' >"$DATA/network/networks/.gone.json.tmp-123"
	echo '{' >"$DATA/network/containers/.c1.json.tmp-456"
	mr -0 network ls
	assert_output_contains kept
	[ -z "$(find "$DATA/network" -name '.*.tmp-*')" ] || fail "left: $(find "$DATA/network" -name '.*.tmp-*')"
	mr -0 network rm kept
}

@test "network create refuses overlapping subnets and host route collisions, leaving nothing" {
	mr -0 network create --subnet 10.91.0.0/16 a
	mr -1 network create --subnet 10.91.5.0/24 b
	assert_output_contains "overlaps with network a"
	# the lab's uplink route is the host's: 10.253.X.0/24
	mr -1 network create --subnet "${NETLAB_HOST_IP%.*}.0/25" c
	assert_output_contains "overlaps the host's route"
	mr -1 network create --subnet 10.93.0.0/24 --gateway 10.94.0.1 d
	assert_output_contains "gateway"
	mr -1 network create -o com.docker.network.bridge.name=uplink0 f
	assert_output_contains "uplink0" "exists already"
	mr -0 network ls --format '{{.Name}}'
	[ "$(squeeze "$output")" = "bridge host none a" ]
	mr -0 network create e
	mr -0 network inspect -f '{{(index .IPAM.Config 0).Subnet}}' e
	[ "$output" = 172.17.0.0/16 ] || fail "the first free default pool is 172.17.0.0/16, got $output"
	mr -0 network prune -f
	[ "$(squeeze "$output")" = "Deleted Networks: a e" ]
}

@test "five containers on the default bridge get distinct addresses; masquerade out as seen from outside" {
	local k ips=()
	# (not $i: bats' run uses it)
	for k in 1 2 3 4 5; do
		net_bundle "c$k"
		start "c$k"
	done
	for k in 1 2 3 4 5; do
		ips+=("$(ip_of "c$k")")
	done
	echo "addresses: ${ips[*]}"
	[ "$(printf '%s\n' "${ips[@]}" | sort -u | grep -c '^172\.')" -eq 5 ] || fail "not five distinct addresses: ${ips[*]}"
	cexec c3 "ip -4 addr show eth0"
	assert_output_contains "${ips[2]}/16"
	cexec c3 "timeout 3 wget -qO- $NETLAB_URL"
	[ "$output" = "$NETLAB_HOST_IP" ] || fail "outside saw '$output', not the host's address"
	cexec c1 "timeout 3 wget -qO- http://${ips[4]}/"
	assert_output_contains "Connection refused" # reached: nothing listens there
}

@test "published ports: DNAT from outside, from the host incl. 127.0.0.1, and hairpin from the same bridge" {
	mr -0 network create --subnet 10.91.0.0/24 web
	net_bundle --network web -p 8080:80 -p 127.0.0.1:8081:80 srv
	assert_output_contains "0.0.0.0:8080->80/tcp" "127.0.0.1:8081->80/tcp"
	net_bundle --network web cli
	start srv
	start cli
	serve srv
	retry 5 out_get "http://$NETLAB_HOST_IP:8080/" >/dev/null || fail "no answer from outside"
	[ "$(out_get "http://$NETLAB_HOST_IP:8080/")" = "$NETLAB_OUT_IP" ] || fail "the container did not see the outside's address"
	[ "$(host_get "http://127.0.0.1:8080/")" = 10.91.0.1 ] || fail "127.0.0.1:8080 failed"
	[ "$(host_get "http://127.0.0.1:8081/")" = 10.91.0.1 ] || fail "127.0.0.1:8081 failed"
	[ "$(host_get "http://$NETLAB_HOST_IP:8080/")" = "$NETLAB_HOST_IP" ] || fail "host address failed"
	out_get "http://$NETLAB_HOST_IP:8081/" && fail "a port published on 127.0.0.1 answered the outside"
	cexec cli "timeout 3 wget -qO- http://$NETLAB_HOST_IP:8080/"
	[ "$output" = 10.91.0.1 ] || fail "hairpin: got '$output'"
}

@test "-P publishes the exposed ports on free host ports; a taken host port is refused before the container starts" {
	net_bundle -P --expose 80 --expose 53/udp auto
	[[ "$output" =~ 0\.0\.0\.0:([0-9]+)-\>80/tcp ]] || fail "no tcp port in: $output"
	port=${BASH_REMATCH[1]}
	assert_output_contains "->53/udp"
	start auto
	serve auto
	retry 5 out_get "http://$NETLAB_HOST_IP:$port/" >/dev/null || fail "no answer on $port"
	setup_bundle sleep 100
	cp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
	mr -1 network attach-bundle --bundle "$BUNDLE" -p "$port:80" other
	assert_output_contains "port is already allocated"
	# a host process holding the port
	"${HOST_ENTER[@]}" "$BUSYBOX" httpd -f -p 0.0.0.0:9099 -h "$TEST_DIR" </dev/null >/dev/null 2>&1 3>&- &
	on_teardown "kill $! 2>/dev/null"
	retry 5 "${HOST_ENTER[@]}" sh -c "grep -qi ':238B ' /proc/net/tcp" || fail "nc did not listen"
	mr -1 network attach-bundle --bundle "$BUNDLE" -p 9099:80 other
	assert_output_contains "9099" "address already in use"
	cmp "$BUNDLE/config.json" "$TEST_DIR/config.orig" || fail "a refused attach-bundle changed config.json"
	[ ! -e "$DATA/network/containers/other.json" ] || fail "a refused attach-bundle left a record"
}

@test "names: containers on a user network resolve each other by name and alias, late joiners too, never a removed one" {
	mr -0 network create --subnet 10.91.0.0/24 app
	net_bundle --network app --name web web
	start web
	net_bundle --network app --network-alias cache --name redis redis
	start redis
	serve redis
	cexec web "timeout 3 wget -qO- http://redis/ && timeout 3 wget -qO- http://cache/"
	[ "$(squeeze "$output")" = "10.91.0.2 10.91.0.2" ] || fail "redis/cache did not resolve"
	# a late joiner is known to the earlier ones at once, and knows them
	net_bundle --network app --name late late
	start late
	serve late
	cexec web "timeout 3 wget -qO- http://late/"
	[ "$output" = 10.91.0.2 ]
	serve web
	cexec late "timeout 3 wget -qO- http://web/"
	[ "$output" = 10.91.0.4 ]
	MR delete -f late
	cexec web "grep -w late /etc/hosts"
	[ "$status" -ne 0 ] || fail "a removed container is still in /etc/hosts"
	cexec web "timeout 3 wget -qO- http://late/"
	[ "$status" -ne 0 ] # not in hosts: asks the lab's unreachable DNS
	# the default bridge resolves no names, as Docker's
	net_bundle lone
	start lone
	cexec lone "grep -w web /etc/hosts"
	[ "$status" -ne 0 ]
}

@test "/etc/hosts, /etc/hostname, /etc/resolv.conf: --hostname, --add-host, --dns, no loopback resolvers" {
	net_bundle --hostname box1 --add-host db.local:192.0.2.7 files
	start files
	cexec files "hostname; cat /etc/hostname; grep -w db.local /etc/hosts; grep -w box1 /etc/hosts"
	assert_output_contains "box1" "192.0.2.7	db.local"
	cexec files "cat /etc/resolv.conf"
	assert_output_not_contains "nameserver 127." "nameserver ::1"
	assert_output_contains nameserver
	net_bundle --dns 9.9.9.9 dns
	start dns
	cexec dns "cat /etc/resolv.conf"
	assert_output_contains "nameserver 9.9.9.9"
}

@test "--network none, host and container:ID" {
	net_bundle --network none n
	start n
	cexec n "ip addr"
	assert_output_not_contains "eth0"
	assert_output_contains "127.0.0.1"
	net_bundle --network host hostc
	start hostc
	cexec hostc "ip addr"
	assert_output_contains "$NETLAB_HOST_IP"
	net_bundle b
	start b
	ip=$(ip_of b)
	net_bundle --network container:b j
	start j
	cexec j "ip -4 addr show eth0; hostname"
	assert_output_contains "$ip" b
}

@test "networks are isolated from each other; an internal network has no way out" {
	mr -0 network create --subnet 10.91.0.0/24 one
	mr -0 network create --subnet 10.92.0.0/24 two
	mr -0 network create --internal --subnet 10.93.0.0/24 closed
	net_bundle --network one a
	net_bundle --network two b
	net_bundle --network closed c
	start a
	start b
	start c
	serve b
	cexec a "timeout 3 wget -qO- $NETLAB_URL"
	[ "$output" = "$NETLAB_HOST_IP" ]
	cexec a "timeout 2 wget -qO- http://$(ip_of b two)/"
	[ "$status" -ne 0 ] || fail "network one reached network two"
	cexec c "timeout 2 wget -qO- $NETLAB_URL"
	[ "$status" -ne 0 ] || fail "the internal network reached outside"
	cexec c "ip route"
	assert_output_not_contains default
}

@test "network rm is refused while a container uses the network; disconnect and connect on a running container" {
	mr -0 network create --subnet 10.91.0.0/24 one
	mr -0 network create --subnet 10.92.0.0/24 two
	net_bundle --network one a
	start a
	mr -1 network rm one
	assert_output_contains "active endpoints" a
	mr -0 network connect --ip 10.92.0.50 two a
	cexec a "ip -4 addr"
	assert_output_contains "10.92.0.50/24" "10.91.0."
	mr -0 network inspect two
	[ "$(jq -r '.[0].Containers.a.IPv4Address' <<<"$output")" = 10.92.0.50/24 ]
	mr -0 network disconnect one a
	cexec a "ip -4 addr"
	assert_output_not_contains "10.91.0."
	mr -0 network rm one
}

@test "IPAM: --ip, exhaustion refused cleanly, addresses freed on stop and reclaimed after a crash" {
	mr -0 network create --subnet 10.91.0.0/29 tiny  # .1 gateway, .2-.6 usable
	net_bundle --network tiny --ip 10.91.0.6 fixed
	start fixed
	for k in 2 3 4 5; do
		net_bundle --network tiny "d$k"
	done
	setup_bundle sleep 100
	cp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
	mr -1 network attach-bundle --bundle "$BUNDLE" --network tiny full
	assert_output_contains "no free address in 10.91.0.0/29"
	cmp "$BUNDLE/config.json" "$TEST_DIR/config.orig"
	mr -1 network attach-bundle --bundle "$BUNDLE" --network tiny --ip 10.91.0.1 gw
	assert_output_contains "gateway"
	# a stopped container's address is free (poststop), and detach is idempotent
	start d2
	[ "$(ip_of d2 tiny)" = 10.91.0.2 ]
	MR delete -f d2
	[ -z "$(ip_of d2 tiny)" ] || fail "d2 still holds $(ip_of d2 tiny) after it stopped"
	echo '{}' | MR network hook detach d2 || fail "a second detach failed"
	echo '{}' | MR network hook detach d3 || fail "detach of a never attached container failed"
	# a crash: the container dies and its runtime state goes, no poststop hook
	pid=$(MR state fixed | jq -r .pid)
	kill -9 "$pid"
	wait_for_exit "$pid"
	# (its runtime state stays: nobody ran delete, so no poststop hook either)
	mr -0 network attach-bundle --bundle "$BUNDLE" --network tiny --ip 10.91.0.6 again
	# a released container's address is free again
	mr -0 network release d2
	mr -0 network release again
	setup_bundle sleep 100
	mr -0 network attach-bundle --bundle "$BUNDLE" --network tiny --ip 10.91.0.2 reuse
}

@test "a host with dockerd's iptables (FORWARD policy DROP): containers still talk to each other and out; the rules go back exactly" {
	"${HOST_ENTER[@]}" iptables -N DOCKER-USER
	"${HOST_ENTER[@]}" iptables -A DOCKER-USER -j RETURN
	"${HOST_ENTER[@]}" iptables -A FORWARD -j DOCKER-USER
	"${HOST_ENTER[@]}" iptables -P FORWARD DROP
	"$NETLAB" snapshot "$LAB" "$TEST_DIR/before.snap"
	mr -0 network create --subnet 10.91.0.0/24 web
	net_bundle --network web -p 8080:80 a
	net_bundle --network web b
	start a
	start b
	serve a
	cexec b "timeout 3 wget -qO- $NETLAB_URL"
	[ "$output" = "$NETLAB_HOST_IP" ]
	cexec b "timeout 3 wget -qO- http://a/"
	[ "$output" = "$(ip_of b web)" ]
	retry 5 out_get "http://$NETLAB_HOST_IP:8080/" >/dev/null || fail "DNAT from outside under FORWARD DROP"
	run "${HOST_ENTER[@]}" iptables-save
	assert_output_contains "-j DOCKER-USER" "myrunc net:web"
	MR delete -f a
	MR delete -f b
	mr -0 network release a b
	mr -0 network rm web
	"$NETLAB" diff "$LAB" "$TEST_DIR/before.snap" || fail "rules not back to before"
}

@test "iptables-legacy with FORWARD policy DROP (no way for us to add rules there) gets a clear warning" {
	command -v iptables-legacy >/dev/null || skip "no iptables-legacy"
	"${HOST_ENTER[@]}" iptables-legacy -P FORWARD DROP
	"$NETLAB" snapshot "$LAB" "$TEST_DIR/before.snap"
	mr -0 network create --subnet 10.91.0.0/24 web
	assert_output_contains "iptables-legacy's filter FORWARD policy is DROP" "-i mr-"
	mr -0 network rm web
	"${HOST_ENTER[@]}" iptables-legacy -P FORWARD ACCEPT
	"$NETLAB" snapshot "$LAB" "$TEST_DIR/before.snap"
	mr -0 network create --subnet 10.92.0.0/24 web2
	assert_output_not_contains "iptables-legacy"
}

@test "a bundle attached through the hooks runs under runc; everything goes with the last container and network" {
	command -v runc >/dev/null || skip "runc not installed"
	mr -0 network create --subnet 10.91.0.0/24 web
	net_bundle --network web -p 8080:80 r
	"${HOST_ENTER[@]}" runc --root "$TEST_DIR/runc" run -d --bundle "$BUNDLE_r" r </dev/null >"$TEST_DIR/runc.out" 2>&1 3>&- ||
		fail "runc run: $(cat "$TEST_DIR/runc.out")"
	on_teardown "runc --root $TEST_DIR/runc delete -f r"
	"${HOST_ENTER[@]}" runc --root "$TEST_DIR/runc" exec -d r httpd -f -p 80 -h /www
	retry 5 out_get "http://$NETLAB_HOST_IP:8080/" >/dev/null || fail "runc container not reachable"
	[ "$(out_get "http://$NETLAB_HOST_IP:8080/")" = "$NETLAB_OUT_IP" ]
	"${HOST_ENTER[@]}" runc --root "$TEST_DIR/runc" delete -f r
	"${HOST_ENTER[@]}" ip link | grep -q mrv && fail "veth left after runc delete (poststop)"
	mr -0 network release r
	mr -0 network rm web
	mr -0 network inspect bridge
	"$NETLAB" diff "$LAB" "$TEST_DIR/before.snap" || fail "something of ours remains"
	[ "$(ip netns list | grep -c "^$LAB-")" -eq 2 ]
}
