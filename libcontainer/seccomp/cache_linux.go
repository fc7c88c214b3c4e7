//go:build cgo

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

// CompileCached is Compile with a cache in dir, keyed by the profile:
// compiling a full profile takes milliseconds (more than starting a
// container), and engines give every container the same one.
func CompileCached(dir string, s *specs.LinuxSeccomp) (*Program, error) {
	key, err := cacheKey(s)
	if err != nil {
		return Compile(s)
	}
	path := filepath.Join(dir, key+".json")
	if data, err := os.ReadFile(path); err == nil {
		var p Program
		if fastjson.Unmarshal(data, &p) == nil && len(p.BPF) > 0 {
			return &p, nil
		}
	}
	p, err := Compile(s)
	if err != nil {
		return nil, err
	}
	// a failed cache write only costs the next container a compile
	if data, err := fastjson.Marshal(p); err == nil && os.MkdirAll(dir, 0o700) == nil {
		_ = atomicfile.Write(path, data, 0o600)
	}
	return p, nil
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
	fmt.Fprintf(h, "%d %s %d.%d.%d flags-given=%v\n", cacheFormat, runtime.GOARCH, maj, min, mic, s.Flags != nil)
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil)), nil
}
