#!/usr/bin/env bats
# features: the runtime-spec features JSON engines read, like `runc features`.

load helpers

setup() {
	setup_test
	FEATURES="$TEST_DIR/features.json"
}
teardown() { teardown_test; }

# features_json: run `features`, keep its stdout in $FEATURES
features_json() {
	"$MYRUNC" features >"$FEATURES" || fail "$MYRUNC features failed"
	jq -e . "$FEATURES" >/dev/null || fail "features output is not JSON: $(cat "$FEATURES")"
}

@test "features exits 0 and prints indented JSON" {
	run -0 "$MYRUNC" features
	jq -e . <<<"$output" >/dev/null
	# indented, one field per line, like runc
	[ "${lines[0]}" = "{" ]
	[[ "${lines[1]}" == '    "ociVersionMin": "1.0.0",' ]]
}

@test "features ociVersionMax is the spec version of --version" {
	features_json
	local spec_version
	spec_version="$("$MYRUNC" --version | sed -n 's/^spec: //p')"
	[ -n "$spec_version" ] || fail "--version has no spec line"
	[ "$(jq -r .ociVersionMax "$FEATURES")" = "$spec_version" ]
	[ "$(jq -r .ociVersionMin "$FEATURES")" = 1.0.0 ]
}

@test "features lists the 8 namespaces and the hooks" {
	features_json
	[ "$(jq '.linux.namespaces | length' "$FEATURES")" -eq 8 ]
	for ns in cgroup ipc mount network pid user uts time; do
		jq -e --arg ns "$ns" '.linux.namespaces | index($ns)' "$FEATURES" >/dev/null || fail "namespace $ns missing"
	done
	for h in prestart createRuntime createContainer startContainer poststart poststop; do
		jq -e --arg h "$h" '.hooks | index($h)' "$FEATURES" >/dev/null || fail "hook $h missing"
	done
}

@test "features mount options, capabilities and annotations" {
	features_json
	for o in ro rbind rprivate rro tmpcopyup nosuid; do
		jq -e --arg o "$o" '.mountOptions | index($o)' "$FEATURES" >/dev/null || fail "mount option $o missing"
	done
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN")' "$FEATURES" >/dev/null
	[ "$(jq -r '.linux.cgroup.v1' "$FEATURES")" = true ]
	[ "$(jq -r '.linux.cgroup.v2' "$FEATURES")" = true ]
	[ "$(jq -r '.linux.cgroup.systemd' "$FEATURES")" = false ]
	[ "$(jq -r '.linux.apparmor.enabled' "$FEATURES")" = false ]
	[ "$(jq -r '.linux.selinux.enabled' "$FEATURES")" = false ]
	# linux.netDevices works (netdevices.bats)
	[ "$(jq -r '.linux.netDevices.enabled' "$FEATURES")" = true ]
	[ "$(jq -r '.annotations["org.opencontainers.runc.checkpoint.enabled"]' "$FEATURES")" = false ]
	local v
	v="$("$MYRUNC" --version | sed -n 's/^myrunc version //p')"
	[ "$(jq -r '.annotations["org.opencontainers.runc.version"]' "$FEATURES")" = "$v" ]
	jq -e '.annotations["io.github.myrunc.commit"] | length > 0' "$FEATURES" >/dev/null
}

@test "features with an argument fails" {
	run -1 "$MYRUNC" features extra
}
