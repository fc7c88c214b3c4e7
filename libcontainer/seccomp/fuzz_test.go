//go:build cgo

package seccomp

import (
	"encoding/json"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// FuzzCompile: no profile makes the compiler panic, and whatever it
// compiles is a program the kernel would take.
func FuzzCompile(f *testing.F) {
	good, _ := json.Marshal(profile())
	for _, seed := range []string{string(good), `{}`, `{"defaultAction":"SCMP_ACT_KILL"}`,
		`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":9,"value":1,"op":"SCMP_CMP_EQ"}]}]}`,
		`{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86","SCMP_ARCH_AARCH64"],"flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[{"names":["read","write"],"action":"SCMP_ACT_NOTIFY"}]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s specs.LinuxSeccomp
		if json.Unmarshal(data, &s) != nil {
			return
		}
		p, err := Compile(&s)
		if err != nil {
			return
		}
		if err := Verify(p); err != nil {
			t.Fatalf("compiled %s into a program the kernel refuses: %v", data, err)
		}
	})
}

// FuzzVerify: no byte string makes Verify panic.
func FuzzVerify(f *testing.F) {
	f.Add(retAllow)
	f.Add([]byte{0x15, 0, 5, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, bpf []byte) {
		_ = Verify(&Program{BPF: bpf})
	})
}
