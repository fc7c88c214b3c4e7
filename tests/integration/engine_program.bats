#!/usr/bin/env bats
# Two programs in one file: the runtime's commands run without the
# engine's packages; the engine's groups exec the engine program, kept
# under --data-root/.cache/engine and run sealed.

load helpers
load image_helpers

setup() {
	setup_images
	"$MYRUNC" --help | grep -q '^   image ' || skip "this myrunc has no engine commands"
}
teardown() { teardown_test; }

engine_files() {
	ls "$DATA"/.cache/engine/myrunc-engine-* 2>/dev/null
}

@test "engine commands run the engine program kept under --data-root/.cache/engine, written once" {
	mkdir -p "$DATA/.cache/engine"
	echo stale >"$DATA/.cache/engine/myrunc-engine-0123456789abcdef"
	img -0 ls
	[[ ${lines[0]} =~ ^REPOSITORY ]] || fail "image ls: $output"
	local f
	f="$(engine_files)"
	[ -n "$f" ] || skip "this build has no embedded engine program (built without make build)"
	[ "$(echo "$f" | wc -l)" -eq 1 ] || fail "engine programs of other builds left: $f"
	[ "$(stat -c %a "$f")" = 555 ] || fail "mode $(stat -c %a "$f")"
	local inode
	inode="$(stat -c %i "$f")"
	run -0 "$MYRUNC" --data-root "$DATA" network ls
	run -0 "$MYRUNC" --data-root "$DATA" container --help
	assert_output_contains "myrunc container"
	[ "$(stat -c %i "$(engine_files)")" = "$inode" ] || fail "the engine program was written again"
	# errors of the engine's parser are the engine's
	run -1 "$MYRUNC" --data-root "$DATA" image no-such-verb
	assert_output_contains "no-such-verb"
}

@test "an engine command with no file to keep its program in runs from memory" {
	# a file where the cache directory would be
	mkdir -p "$DATA/.cache"
	: >"$DATA/.cache/engine"
	img -0 ls
	[[ ${lines[0]} =~ ^REPOSITORY ]] || fail "image ls: $output"
}

# CVE-2019-5736 for the engine: a process that holds /proc/<engine>/exe
# reopens it for writing once the engine has exited.
@test "the engine program cannot be written through /proc/<pid>/exe" {
	run -0 python3 - "$MYRUNC" "$ROOT" "$DATA" <<-'PY'
		import errno, os, subprocess, sys, time
		myrunc, root, data = sys.argv[1:]
		r, w = os.pipe()
		p = subprocess.Popen([myrunc, "--root", root, "--data-root", data, "image", "load"],
		                     stdin=r, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
		os.close(r)
		me = os.stat(myrunc)
		for _ in range(500):  # until the exec into the engine program
		    st = os.stat(f"/proc/{p.pid}/exe")
		    if (st.st_dev, st.st_ino) != (me.st_dev, me.st_ino):
		        break
		    time.sleep(0.01)
		else:
		    sys.exit("the engine program never ran")
		fd = os.open(f"/proc/{p.pid}/exe", os.O_PATH)
		os.close(w)  # image load reads EOF and fails
		p.wait()
		try:
		    os.close(os.open(f"/proc/self/fd/{fd}", os.O_WRONLY))
		    print("opened for writing")
		except OSError as e:
		    print(errno.errorcode[e.errno])
	PY
	[ "$output" = EROFS ] || fail "reopening the exited engine's binary: $output"
}

@test "bundle hooks the engine writes name the user's myrunc, and runc runs them" {
	setup_bundle true
	run -0 "$MYRUNC" --data-root "$DATA" network attach-bundle --network none --bundle "$BUNDLE" "$CID"
	on_teardown "'$MYRUNC' --data-root '$DATA' network release '$CID'"
	run -0 jq -r '[.hooks[][].path] | unique | .[]' "$BUNDLE/config.json"
	[ "$output" = "$(readlink -f "$MYRUNC")" ] || fail "hook paths: $output"
	command -v runc >/dev/null || skip "runc not installed"
	run -0 timeout "$MYRUNC_TIMEOUT" runc --root "$TEST_DIR/runc" run --bundle "$BUNDLE" "$CID" </dev/null
	run -0 "$MYRUNC" --data-root "$DATA" network release "$CID"
}
