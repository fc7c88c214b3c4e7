package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"

	"myrunc/libcontainer/rootfs"
	"myrunc/spec"
)

func TestFeaturesJSONRoundTrip(t *testing.T) {
	b, err := json.MarshalIndent(runtimeFeatures(), "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var got features.Features
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("features JSON does not parse back: %v\n%s", err, b)
	}
	if got.OCIVersionMin != "1.0.0" || got.OCIVersionMax != specs.Version {
		t.Errorf("versions = %q..%q, want 1.0.0..%s", got.OCIVersionMin, got.OCIVersionMax, specs.Version)
	}
	for _, v := range []string{got.OCIVersionMin, got.OCIVersionMax} {
		if err := spec.SupportedVersion(v); err != nil {
			t.Errorf("advertised version %q is refused by spec.SupportedVersion: %v", v, err)
		}
	}
	wantHooks := []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}
	if !slices.Equal(got.Hooks, wantHooks) {
		t.Errorf("hooks = %v, want %v", got.Hooks, wantHooks)
	}
	l := got.Linux
	if l == nil || l.Cgroup == nil || l.Seccomp == nil || l.Apparmor == nil || l.Selinux == nil ||
		l.IntelRdt == nil || l.MountExtensions == nil || l.MountExtensions.IDMap == nil || l.NetDevices == nil {
		t.Fatalf("linux section incomplete: %s", b)
	}
	if len(l.Namespaces) != 8 {
		t.Errorf("namespaces = %v, want 8", l.Namespaces)
	}
	for name, p := range map[string]*bool{
		"cgroup.v1": l.Cgroup.V1, "cgroup.v2": l.Cgroup.V2,
		"cgroup.systemd": l.Cgroup.Systemd, "cgroup.systemdUser": l.Cgroup.SystemdUser, "cgroup.rdma": l.Cgroup.Rdma,
		"seccomp.enabled": l.Seccomp.Enabled, "apparmor.enabled": l.Apparmor.Enabled,
		"selinux.enabled": l.Selinux.Enabled, "intelRdt.enabled": l.IntelRdt.Enabled,
		"mountExtensions.idmap.enabled": l.MountExtensions.IDMap.Enabled, "netDevices.enabled": l.NetDevices.Enabled,
	} {
		want := name == "cgroup.v1" || name == "cgroup.v2" || name == "seccomp.enabled" ||
			name == "mountExtensions.idmap.enabled" || name == "netDevices.enabled"
		if p == nil || *p != want {
			t.Errorf("linux.%s = %v, want %v", name, p, want)
		}
	}
	for k, v := range map[string]string{annotCheckpoint: "false", annotVersion: version, annotCommit: gitCommit} {
		if got.Annotations[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, got.Annotations[k], v)
		}
	}
}

// Every advertised option must be one rootfs handles itself: an unknown
// option would be passed to the filesystem as data.
func TestFeaturesMountOptionsRecognised(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range mountOptions {
		if seen[o] {
			t.Errorf("mount option %q listed twice", o)
		}
		seen[o] = true
		if m := rootfs.ParseOptions([]string{o}); len(m.Data) != 0 {
			t.Errorf("mount option %q is not recognised by rootfs.ParseOptions (treated as data %v)", o, m.Data)
		}
	}
	// a sanity check that the test can fail
	if m := rootfs.ParseOptions([]string{"size=64k"}); len(m.Data) != 1 {
		t.Fatalf("rootfs.ParseOptions no longer treats unknown options as data: %+v", m)
	}
}

// The other direction: every option rootfs's tables know is advertised.
// The tables are unexported, so they are read from the source: the keys of
// the string-keyed map literals in options.go, and the strings ParseOptions
// compares an option with.
func TestFeaturesMountOptionsComplete(t *testing.T) {
	const src = "libcontainer/rootfs/options.go"
	f, err := parser.ParseFile(token.NewFileSet(), src, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var known []string
	add := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			known = append(known, s)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			mt, ok := n.Type.(*ast.MapType)
			if !ok {
				return true
			}
			if id, ok := mt.Key.(*ast.Ident); !ok || id.Name != "string" {
				return true
			}
			for _, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					add(kv.Key)
				}
			}
		case *ast.FuncDecl:
			if n.Name.Name != "ParseOptions" {
				return false
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL {
				add(n.X)
				add(n.Y)
			}
		}
		return true
	})
	if len(known) < 50 {
		t.Fatalf("found only %d options in %s; has its layout changed? %v", len(known), src, known)
	}
	for _, o := range known {
		if !slices.Contains(mountOptions, o) {
			t.Errorf("rootfs understands mount option %q but features does not list it", o)
		}
	}
	for _, o := range mountOptions {
		if !slices.Contains(known, o) {
			t.Errorf("features lists mount option %q that is not in %s", o, src)
		}
	}
}

// Every advertised capability must pass spec validation, or an engine
// that trusts the list would write a config.json we refuse.
func TestFeaturesCapabilitiesValid(t *testing.T) {
	names := capabilityNames()
	if len(names) < 38 {
		t.Fatalf("only %d capabilities: %v", len(names), names)
	}
	for _, n := range names {
		p := &specs.Process{Args: []string{"sh"}, Cwd: "/",
			Capabilities: &specs.LinuxCapabilities{Bounding: []string{n}}}
		if err := spec.ValidateProcess(p); err != nil {
			t.Errorf("capability %s: spec.ValidateProcess: %v", n, err)
		}
	}
	if !slices.Contains(names, "CAP_SYS_ADMIN") || !slices.Contains(names, "CAP_CHOWN") {
		t.Errorf("capability names look wrong: %v", names)
	}
}

func TestFeaturesListNotify(t *testing.T) {
	if acts := runtimeFeatures().Linux.Seccomp.Actions; !slices.Contains(acts, string(specs.ActNotify)) {
		t.Fatalf("seccomp actions %v lack SCMP_ACT_NOTIFY", acts)
	}
}
