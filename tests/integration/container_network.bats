#!/usr/bin/env bats
# container run's network flags, in a lab: -p/-P and `port` (the page
# fetched from the lab's host and from the outside machine), user
# networks with names and --network-alias, none, host, container:NAME,
# --add-host, --dns, --hostname, --ip; a stopped container gives its
# address and ports back.

load engine_helpers

setup() { setup_engine; }
teardown() { teardown_engine; }

# web NAME [RUN-FLAGS...]: busybox httpd on :80 serving /www (index.html = NAME)
web() {
	local name=$1
	shift
	rund --name "$name" "$@" busybox sh -c "mkdir -p /www && echo $name >/www/index.html && exec httpd -f -p 80 -h /www"
}

@test "-p publishes a port: the page is fetched from the host (127.0.0.1 and its address) and from outside; port and inspect show it" {
	web w1 -p 8080:80
	retry 5 in_lab wget -qO "$TEST_DIR/page" http://127.0.0.1:8080/
	[ "$(cat "$TEST_DIR/page")" = w1 ]
	run "$NETLAB" out "$LAB" wget -qO- "http://$NETLAB_HOST_IP:8080/"
	[ "$output" = w1 ]
	ctr -0 port w1
	[ "$output" = "80/tcp -> 0.0.0.0:8080" ]
	ctr -0 port w1 80
	[ "$output" = "0.0.0.0:8080" ]
	[ "$(field w1 '{{json .NetworkSettings.Ports}}')" = '{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}]}' ]
	[ "$(field w1 '{{json .HostConfig.PortBindings}}')" = '{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}' ]
	[[ $(field w1 '{{.NetworkSettings.IPAddress}}') =~ ^172\.17\. ]]
	ctr -0 ls --format '{{.Ports}}'
	[ "$output" = "0.0.0.0:8080->80/tcp" ]
	ctr -125 run -d -p 8080:80 busybox true
	assert_output_contains "port is already allocated"
	# stop frees the port and the address; start takes them again
	ctr -0 stop -t 0 w1
	[ -z "$(field w1 '{{.NetworkSettings.IPAddress}}')" ]
	web w2 -p 8080:80
	retry 5 in_lab wget -qO "$TEST_DIR/page2" http://127.0.0.1:8080/
	[ "$(cat "$TEST_DIR/page2")" = w2 ]
}

@test "a container restarted by its policy keeps its published port" {
	web rp -p 8082:80 --restart always
	retry 5 in_lab wget -qO /dev/null http://127.0.0.1:8082/
	pid=$(field rp '{{.State.Pid}}')
	kill -9 "$pid"
	retry 10 _field_is rp '{{.RestartCount}}' 1
	wait_status rp running
	retry 10 in_lab wget -qO "$TEST_DIR/page" http://127.0.0.1:8082/
	[ "$(cat "$TEST_DIR/page")" = rp ]
	[ "$(field rp '{{.State.Pid}}')" != "$pid" ]
}

@test "-P publishes the exposed ports on free host ports; -p with no host port too" {
	ctr -0 run --name img -d busybox true
	ctr -0 commit -c 'EXPOSE 80' img exposing:1
	rund --name pp -P exposing:1 sh -c 'mkdir /www; echo pp >/www/index.html; exec httpd -f -p 80 -h /www'
	run MR container port pp 80
	[[ $output =~ ^0\.0\.0\.0:([0-9]+)$ ]]
	port=${BASH_REMATCH[1]}
	retry 5 in_lab wget -qO "$TEST_DIR/page" "http://127.0.0.1:$port/"
	[ "$(cat "$TEST_DIR/page")" = pp ]
	web any -p 80
	run MR container port any
	[[ $output =~ ^80/tcp\ -\>\ 0\.0\.0\.0:[0-9]+$ ]]
}

@test "a user network: containers reach each other by name and alias, also when they join later" {
	run MR network create app
	[ "$status" = 0 ]
	web db --network app --network-alias database
	rund --name client --network app busybox sleep 1000
	ctr -0 exec client wget -qO- http://db/
	[ "$output" = db ]
	ctr -0 exec client wget -qO- http://database/
	[ "$output" = db ]
	web late --network app
	ctr -0 exec client wget -qO- http://late/
	[ "$output" = late ]
	# a rename is seen by the peers
	ctr -0 rename late renamed
	ctr -0 exec client wget -qO- http://renamed/
	[ "$output" = late ]
	[[ $(field db '{{.NetworkSettings.Networks.app.IPAddress}}') =~ ^[0-9.]+$ ]]
	ctr -125 run --rm --network nosuch busybox true
	assert_output_contains "network nosuch not found"
	ctr -0 rm -f db client renamed
	run MR network rm app
	[ "$status" = 0 ]
}

@test "--network none, host and container:NAME; --hostname, --add-host, --dns, --ip" {
	ctr -0 run --rm --network none busybox sh -c 'ls /sys/class/net | tr "\n" " "'
	[ "$output" = "lo " ]
	ctr -0 run --rm --network host busybox sh -c 'ls /sys/class/net | grep -c uplink0'
	[ "$output" = 1 ]
	rund --name holder busybox sleep 1000
	ip=$(field holder '{{.NetworkSettings.IPAddress}}')
	ctr -0 run --rm --network container:holder busybox sh -c "ip -4 addr show eth0 | grep -c $ip"
	[ "$output" = 1 ]
	ctr -0 run --rm --hostname myhost --add-host db.example:10.1.2.3 --dns 9.9.9.9 busybox \
		sh -c 'hostname; grep db.example /etc/hosts; grep nameserver /etc/resolv.conf'
	[ "$output" = "$(printf 'myhost\n10.1.2.3\tdb.example\nnameserver 9.9.9.9')" ]
	run MR network create --subnet 10.77.0.0/24 fixed
	ctr -0 run --rm --network fixed --ip 10.77.0.50 busybox sh -c 'ip -4 addr show eth0 | grep -o "10.77.0.50/24"'
	[ "$output" = 10.77.0.50/24 ]
	ctr -125 run --rm --network none -p 80 busybox true
	ctr -125 run --rm --add-host bad busybox true
	ctr -0 rm -f holder
	run MR network rm fixed
}

@test "rm -f of a running container with a port and volumes: on return nothing runs or is mounted, no link, rule or record is left; the same name, port and volume serve at once" {
	web rmf -p 8090:80 -v rmfvol:/data -v /anon
	local id=$CTR pid anon
	pid=$(field rmf '{{.State.Pid}}')
	anon=$(field rmf '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}')
	[ -n "$anon" ]
	retry 5 in_lab wget -qO /dev/null http://127.0.0.1:8090/
	ctr -0 rm -f -v rmf
	# the monitor removes it and rm returns once it has: all of it is
	# already gone, nothing is left for later
	[ ! -e "/proc/$pid" ] || fail "the container's init $pid still exists"
	m=$(grep -F " $DATA/" /proc/self/mountinfo) && fail "mounts left under the data root: $m"
	[ -z "$(ls "$ROOT")" ] || fail "runtime state left: $(ls "$ROOT")"
	[ -z "$(ls "$DATA/containers")" ] || fail "container records left: $(ls "$DATA/containers")"
	[ -z "$(ls "$DATA/containers/.names")" ] || fail "names left: $(ls "$DATA/containers/.names")"
	[ -z "$(find "$DATA/containers" -name '.rm-*')" ] || fail "a removed record is still being deleted"
	[ ! -e "$DATA/network/containers/$id.json" ] || fail "network record left"
	# the bridge went with its last container: the lab is as before
	"$NETLAB" diff "$LAB" "$TEST_DIR/before.snap" || fail "links, addresses or rules left"
	ctr -0 ls -a -q
	[ -z "$output" ]
	vol -0 ls -q
	[ "$output" = rmfvol ]
	# the same name, port and named volume, at once
	web rmf -p 8090:80 -v rmfvol:/data
	retry 5 in_lab wget -qO "$TEST_DIR/page" http://127.0.0.1:8090/
	[ "$(cat "$TEST_DIR/page")" = rmf ]
	ctr -0 rm -f rmf
	ctr -0 run --rm --name rmf -p 8090:80 -v rmfvol:/data busybox true
}

@test "rm -f whose monitor dies before it removed the container: the next ls finishes the removal (no record, name, link or mount left)" {
	web rmd -p 8091:80
	local id=$CTR pid mon st
	pid=$(field rmd '{{.State.Pid}}')
	mon=$(monitor_pid rmd)
	# what rm -f records before its kill, then the monitor dies first
	st="$DATA/containers/$id/state.json"
	jq -c '.ManuallyStopped = true | .RemovalRequested = true' "$st" >"$st.new" && mv "$st.new" "$st"
	kill -9 "$mon"
	wait_for_exit "$mon"
	ctr -0 ls -a -q
	[ -z "$output" ]
	wait_for_exit "$pid"
	[ ! -e "$DATA/containers/$id" ] || fail "record left"
	m=$(grep -F " $DATA/" /proc/self/mountinfo) && fail "mounts left under the data root: $m"
	[ -z "$(ls "$ROOT")" ] || fail "runtime state left: $(ls "$ROOT")"
	"$NETLAB" diff "$LAB" "$TEST_DIR/before.snap" || fail "links, addresses or rules left"
	ctr ! inspect rmd
	web rmd -p 8091:80
	ctr -0 rm -f rmd
}
