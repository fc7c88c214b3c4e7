package libcontainer

import (
	"os"
	"strconv"
	"testing"
)

// BenchmarkSealedInitExe is what the CVE-2019-5736 protection costs per
// container: the init's binary opened through a fresh detached read-only
// bind mount, which goes away when the descriptor is closed (make bench
// prints it beside BenchmarkPlainInitExe, an ordinary open).
func BenchmarkSealedInitExe(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("open_tree needs root")
	}
	root := b.TempDir()
	for b.Loop() {
		f := initExe(root, false)
		if f == nil {
			b.Fatal("the init binary could not be sealed")
		}
		f.Close()
	}
}

func BenchmarkPlainInitExe(b *testing.B) {
	for b.Loop() {
		f, err := os.Open("/proc/self/exe")
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

func TestSealedInitExeIsReadOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("open_tree needs root")
	}
	f := initExe(t.TempDir(), false)
	if f == nil {
		t.Fatal("the init binary could not be sealed")
	}
	defer f.Close()
	w, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(f.Fd())), os.O_WRONLY, 0)
	if err == nil {
		w.Close()
		t.Fatal("the sealed init binary opened for writing")
	}
}
