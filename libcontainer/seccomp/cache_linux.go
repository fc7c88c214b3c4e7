//go:build cgo && !myrunc_init

package seccomp

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"

	"myrunc/internal/atomicfile"
	"myrunc/internal/fastjson"
)

// cacheFormat changes when Program or its compilation does.
const cacheFormat = 3

// cacheEntry is a cached program with what it was made for and a
// checksum of its instructions.
type cacheEntry struct {
	Key     string   `json:"key"`
	Sum     string   `json:"sum"`
	Program *Program `json:"program"`
}

// CompileCached is Compile with a cache in dir, keyed by the profile and
// by the build of this binary: compiling a full profile takes
// milliseconds (more than starting a container), and engines give every
// container the same one. A cached program is used only if it is the one
// its key names, intact (checksum) and a program the kernel would take
// (Verify); otherwise it is compiled again.
func CompileCached(dir string, s *specs.LinuxSeccomp) (*Program, error) {
	key, err := cacheKey(s)
	if err != nil {
		return Compile(s)
	}
	path := filepath.Join(dir, key+".json")
	if p := readCached(path, key); p != nil {
		return p, nil
	}
	p, err := Compile(s)
	if err != nil {
		return nil, err
	}
	// a failed cache write only costs the next container a compile
	entry := cacheEntry{Key: key, Sum: bpfSum(p.BPF), Program: p}
	if data, err := fastjson.Marshal(&entry); err == nil && os.MkdirAll(dir, 0o700) == nil {
		_ = atomicfile.WriteSweeping(path, data, 0o600)
	}
	return p, nil
}

// readCached returns the program cached at path if it passes the checks.
func readCached(path, key string) *Program {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var e cacheEntry
	if fastjson.Unmarshal(data, &e) != nil || e.Key != key || e.Program == nil ||
		e.Sum != bpfSum(e.Program.BPF) || Verify(e.Program) != nil {
		return nil
	}
	return e.Program
}

func bpfSum(bpf []byte) string {
	sum := sha256.Sum256(bpf)
	return hex.EncodeToString(sum[:])
}

// cacheKey hashes everything that goes into the program. The listener's
// path and metadata do not (they are for the runtime, at each start), and
// engines may give each container its own metadata.
func cacheKey(s *specs.LinuxSeccomp) (string, error) {
	k := *s
	k.ListenerPath, k.ListenerMetadata = "", ""
	data, err := fastjson.Marshal(&k)
	if err != nil {
		return "", err
	}
	maj, min, mic := libseccomp.GetLibraryVersion()
	h := sha256.New()
	// flags left out and an empty list compile differently (flagBits),
	// and encode the same
	fmt.Fprintf(h, "%d %s %d.%d.%d %s flags-given=%v\n", cacheFormat, runtime.GOARCH, maj, min, mic, buildID(), s.Flags != nil)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil)), nil
}
