//go:build cgo

package seccomp

import (
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
	// a hit must come from the file: corrupt the BPF and see it come back
	os.WriteFile(files[0], []byte(`{"bpf":"AAAAAAAAAAA="}`), 0o600)
	b, err := CompileCached(dir, profile())
	if err != nil || len(b.BPF) != 8 || len(a.BPF) == 8 {
		t.Fatalf("cache not used: %d %v", len(b.BPF), err)
	}
	other := profile()
	other.DefaultAction = specs.ActLog
	c, err := CompileCached(dir, other)
	if err != nil || len(c.BPF) == 8 {
		t.Fatal("a different profile hit the cache")
	}
}

func TestRuleLikeTheDefaultIsSkipped(t *testing.T) {
	p := profile()
	p.Syscalls = append(p.Syscalls, specs.LinuxSyscall{Names: []string{"read"}, Action: specs.ActAllow})
	if _, err := Compile(p); err != nil {
		t.Fatal(err)
	}
}
