package console

import (
	"os"
	"testing"

	cc "github.com/containerd/console"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// withStdin runs f with os.Stdin set to in.
func withStdin(t *testing.T, in *os.File, f func()) {
	t.Helper()
	saved := os.Stdin
	os.Stdin = in
	defer func() { os.Stdin = saved }()
	f()
}

func TestStdinSizeIsTheTerminalsSize(t *testing.T) {
	master, slaveName, err := cc.NewPty()
	if err != nil {
		t.Skipf("no pty here: %v", err)
	}
	defer master.Close()
	if err := master.Resize(cc.WinSize{Height: 31, Width: 97}); err != nil {
		t.Fatal(err)
	}
	slave, err := os.OpenFile(slaveName, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	withStdin(t, slave, func() {
		got := StdinSize()
		if got == nil || *got != (specs.Box{Height: 31, Width: 97}) {
			t.Errorf("StdinSize() = %v, want 31x97", got)
		}
		term, ok := stdinTerminal()
		if !ok {
			t.Fatal("a pty slave on stdin is not taken for a terminal")
		}
		if rows, cols, err := term.Size(); err != nil || rows != 31 || cols != 97 {
			t.Errorf("Terminal.Size() = %d, %d, %v; want 31, 97", rows, cols, err)
		}
	})
}

func TestStdinSizeWithoutATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	withStdin(t, r, func() {
		if got := StdinSize(); got != nil {
			t.Errorf("StdinSize() on a pipe = %v, want nil", got)
		}
		if _, ok, err := MakeRaw(); ok || err != nil {
			t.Errorf("MakeRaw() on a pipe = %v, %v; want not a terminal, no error", ok, err)
		}
	})
}
