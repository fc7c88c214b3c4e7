//go:build cgo

package seccomp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func profile() *specs.LinuxSeccomp {
	one := uint(1)
	return &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		Architectures: []specs.Arch{specs.ArchX86_64},
		Flags:         []specs.LinuxSeccompFlag{specs.LinuxSeccompFlagLog},
		Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mkdir", "no_such_syscall_xyz"}, Action: specs.ActErrno, ErrnoRet: &one},
			{Names: []string{"personality"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{
				{Index: 0, Value: 8, Op: specs.OpEqualTo}, {Index: 0, Value: 16, Op: specs.OpEqualTo}}},
			{Names: []string{"socket"}, Action: specs.ActKillProcess, Args: []specs.LinuxSeccompArg{
				{Index: 0, Value: 0xff, ValueTwo: 10, Op: specs.OpMaskedEqual}}},
		},
	}
}

func TestCompile(t *testing.T) {
	p, err := Compile(profile())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.BPF) == 0 || len(p.BPF)%8 != 0 {
		t.Fatalf("bad program: %d bytes", len(p.BPF))
	}
	if p.Flags == 0 || p.Notify {
		t.Fatalf("flags %#x notify %v", p.Flags, p.Notify)
	}
}

func TestCompileErrorsNameTheField(t *testing.T) {
	bad := profile()
	bad.Syscalls[1].Action = "SCMP_ACT_BOGUS"
	if _, err := Compile(bad); err == nil || !strings.Contains(err.Error(), "syscalls[1]") {
		t.Fatalf("got %v", err)
	}
	bad = profile()
	bad.Architectures = []specs.Arch{"SCMP_ARCH_VAX"}
	if _, err := Compile(bad); err == nil || !strings.Contains(err.Error(), "architectures[0]") {
		t.Fatalf("got %v", err)
	}
	bad = profile()
	bad.Syscalls[2].Args[0].Op = "SCMP_CMP_SOMETIMES"
	if _, err := Compile(bad); err == nil || !strings.Contains(err.Error(), "operator") {
		t.Fatalf("got %v", err)
	}
}

// retAllow is a one-instruction program: BPF_RET|BPF_K SECCOMP_RET_ALLOW.
var retAllow = []byte{0x06, 0, 0, 0, 0, 0, 0xff, 0x7f}

func TestCompileCached(t *testing.T) {
	dir := t.TempDir()
	a, err := CompileCached(dir, profile())
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	key := strings.TrimSuffix(filepath.Base(files[0]), ".json")
	plant := func(e cacheEntry) {
		data, _ := json.Marshal(e)
		os.WriteFile(files[0], data, 0o600)
	}
	// a hit comes from the file: plant another valid program
	plant(cacheEntry{Key: key, Sum: bpfSum(retAllow), Program: &Program{BPF: retAllow}})
	if b, err := CompileCached(dir, profile()); err != nil || len(b.BPF) != 8 {
		t.Fatalf("cache not used: %d %v", len(b.BPF), err)
	}
	// what fails a check is compiled again
	for name, e := range map[string]cacheEntry{
		"checksum":     {Key: key, Sum: bpfSum(a.BPF), Program: &Program{BPF: retAllow}},
		"another key":  {Key: "other", Sum: bpfSum(retAllow), Program: &Program{BPF: retAllow}},
		"not a filter": {Key: key, Sum: bpfSum([]byte{0, 0, 0, 0, 0, 0, 0, 0}), Program: &Program{BPF: []byte{0, 0, 0, 0, 0, 0, 0, 0}}},
		"no program":   {Key: key},
	} {
		plant(e)
		if b, err := CompileCached(dir, profile()); err != nil || len(b.BPF) != len(a.BPF) {
			t.Fatalf("%s: a bad cache entry was used: %d %v", name, len(b.BPF), err)
		}
	}
	other := profile()
	other.DefaultAction = specs.ActLog
	if c, err := CompileCached(dir, other); err != nil || string(c.BPF) == string(a.BPF) {
		t.Fatal("a different profile hit the cache")
	}
}

func TestCacheKeyNamesTheBuild(t *testing.T) {
	if id := buildID(); id == "" || id == "unknown" {
		t.Fatalf("build id %q", id)
	}
	k1, _ := cacheKey(profile())
	old := buildID
	buildID = func() string { return "another build" }
	defer func() { buildID = old }()
	if k2, _ := cacheKey(profile()); k1 == k2 {
		t.Fatal("another build of the runtime would be served this build's program")
	}
	if goBuildID([]byte("nothing here")) != "" {
		t.Fatal("a build id out of nothing")
	}
}

func TestVerify(t *testing.T) {
	p, err := Compile(profile())
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(p); err != nil {
		t.Fatalf("the compiler's output: %v", err)
	}
	jumpOut := []byte{0x15, 0, 5, 0, 1, 0, 0, 0} // JEQ #1, jt 5: past the end
	for name, bpf := range map[string][]byte{
		"empty": nil, "torn": retAllow[:5], "no return at the end": {0x20, 0, 0, 0, 0, 0, 0, 0},
		"load past seccomp_data": append([]byte{0x20, 0, 0, 0, 64, 0, 0, 0}, retAllow...),
		"unaligned load":         append([]byte{0x20, 0, 0, 0, 2, 0, 0, 0}, retAllow...),
		"jump past the end":      append(jumpOut, retAllow...),
		"division by zero":       append([]byte{0x34, 0, 0, 0, 0, 0, 0, 0}, retAllow...),
		"too long":               make([]byte, 8*4097),
	} {
		if err := Verify(&Program{BPF: bpf}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRuleLikeTheDefaultIsSkipped(t *testing.T) {
	p := profile()
	p.Syscalls = append(p.Syscalls, specs.LinuxSyscall{Names: []string{"read"}, Action: specs.ActAllow})
	if _, err := Compile(p); err != nil {
		t.Fatal(err)
	}
}
