#!/usr/bin/env bats
# The book's scenarios with real software, in a lab: nginx with -p (the
# page fetched from the host and from another machine), and a flask app
# on a user network counting visits in redis, which it reaches by name;
# the app is reached through a mapped port. The image is Debian made
# offline from packages by tests/tools/mkbookimage.sh (mmdebstrap, cached
# between runs); the tests skip, saying why, only when the Debian mirror
# cannot be reached.

load engine_helpers

setup_file() {
	local out status=0
	out=$("$BATS_TEST_DIRNAME/../tools/mkbookimage.sh" 2>"$BATS_FILE_TMPDIR/mkbook.err") || status=$?
	echo "$status" >"$BATS_FILE_TMPDIR/mkbook.status"
	echo "$out" >"$BATS_FILE_TMPDIR/mkbook.out"
}

setup() {
	local st
	st=$(cat "$BATS_FILE_TMPDIR/mkbook.status")
	[ "$st" = 77 ] && skip "$(cat "$BATS_FILE_TMPDIR/mkbook.err")"
	[ "$st" = 0 ] || fail "mkbookimage.sh failed: $(cat "$BATS_FILE_TMPDIR/mkbook.err")"
	BOOK_TAR=$(cat "$BATS_FILE_TMPDIR/mkbook.out")
	setup_engine
}
teardown() { teardown_engine; }

@test "book: nginx with -p 8080:80 serves its page to the host and to another machine" {
	MR image import -c 'CMD ["nginx", "-g", "daemon off;"]' -c 'EXPOSE 80' -c 'STOPSIGNAL SIGQUIT' "$BOOK_TAR" nginx:book >/dev/null
	rund --name web -p 8080:80 nginx:book
	retry 20 in_lab wget -qO "$TEST_DIR/page" http://127.0.0.1:8080/ || fail "no page: $(MR container logs web 2>&1)"
	grep -q "Welcome to nginx" "$TEST_DIR/page"
	run "$NETLAB" out "$LAB" wget -qO- "http://$NETLAB_HOST_IP:8080/"
	assert_output_contains "Welcome to nginx"
	ctr -0 top web
	assert_output_contains "nginx: master process" "nginx: worker process"
	ctr -0 stop web
	[ "$(field web '{{.State.ExitCode}}')" = 0 ] # SIGQUIT: nginx's graceful stop
}

@test "book: a flask app on a user network reaches redis by name, through a mapped port" {
	MR image import "$BOOK_TAR" book:1 >/dev/null
	mkdir "$TEST_DIR/app"
	cat >"$TEST_DIR/app/app.py" <<-'EOF'
		from flask import Flask
		import redis

		app = Flask(__name__)
		cache = redis.Redis(host="redis", port=6379)

		@app.route("/")
		def hello():
		    return "Hello from flask! I have been seen %d times.\n" % cache.incr("hits")

		app.run(host="0.0.0.0", port=5000)
	EOF
	run MR network create book
	[ "$status" = 0 ]
	rund --name redis --network book book:1 redis-server --protected-mode no --save ''
	rund --name app --network book -p 5000:5000 -v "$TEST_DIR/app:/app:ro" -w /app book:1 python3 app.py
	retry 30 in_lab wget -qO "$TEST_DIR/r1" http://127.0.0.1:5000/ || fail "no answer: $(MR container logs app 2>&1)"
	in_lab wget -qO "$TEST_DIR/r2" http://127.0.0.1:5000/
	[ "$(cat "$TEST_DIR/r1")" = "Hello from flask! I have been seen 1 times." ]
	[ "$(cat "$TEST_DIR/r2")" = "Hello from flask! I have been seen 2 times." ]
	ctr -0 exec redis redis-cli get hits
	[ "$output" = 2 ]
	ctr -0 logs app
	assert_output_contains '"GET / HTTP/1.1" 200'
	ctr -0 rm -f app redis
	run MR network rm book
	[ "$status" = 0 ]
}
