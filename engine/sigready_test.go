package engine

import "testing"

func TestSigCgtHas(t *testing.T) {
	status := []byte("Name:\tdocker-init\nSigBlk:\t0000000000000000\nSigCgt:\tfffffffe7fc1feff\n")
	for sig, want := range map[int]bool{1: true, 2: true, 9: false, 64: true, 0: false, 65: false} {
		got, err := sigCgtHas(status, sig)
		if err != nil || got != want {
			t.Errorf("signal %d: got %v, %v; want %v", sig, got, err, want)
		}
	}
	if caught, _ := sigCgtHas([]byte("SigCgt:\t0000000000000000\n"), 2); caught {
		t.Error("an empty mask catches SIGINT")
	}
	if _, err := sigCgtHas([]byte("Name:\tx\n"), 2); err == nil {
		t.Error("no SigCgt line: no error")
	}
	if _, err := sigCgtHas([]byte("SigCgt:\tzz\n"), 2); err == nil {
		t.Error("a bad mask: no error")
	}
}
