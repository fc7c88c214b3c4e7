package seccomp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// buildID names the build of the running binary, for the cache key: a
// program compiled by another build (another compiler, another libseccomp
// binding) must not be served. It is Go's build ID from the ELF note
// .note.go.buildid (a hash of everything the build took in), else the
// executable's identity on disk.
var buildID = sync.OnceValue(func() string {
	f, err := os.Open("/proc/self/exe")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	head := make([]byte, 32<<10)
	n, _ := io.ReadFull(f, head)
	if id := goBuildID(head[:n]); id != "" {
		return id
	}
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil {
		return "unknown"
	}
	return fmt.Sprintf("exe %d:%d %d %d.%d", st.Dev, st.Ino, st.Size, st.Mtim.Sec, st.Mtim.Nsec)
})

// goBuildID finds the Go build ID note (name "Go", type 4) near the start
// of an ELF file, where the linker puts its notes.
func goBuildID(head []byte) string {
	var hdr [16]byte
	binary.NativeEndian.PutUint32(hdr[0:], 4) // namesz
	binary.NativeEndian.PutUint32(hdr[8:], 4) // type: GO BUILDID
	copy(hdr[12:], "Go\x00\x00")
	for off := 0; ; {
		i := bytes.Index(head[off:], hdr[8:])
		if i < 0 {
			return ""
		}
		at := off + i - 8 // the note starts 8 bytes before its type
		off += i + 1
		if at < 0 || binary.NativeEndian.Uint32(head[at:]) != 4 {
			continue
		}
		size := int(binary.NativeEndian.Uint32(head[at+4:]))
		if desc := at + 16; size > 0 && size < 256 && desc+size <= len(head) {
			return string(head[desc : desc+size])
		}
	}
}
