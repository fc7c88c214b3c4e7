package libcontainer

import (
	"os/exec"
	"testing"

	"myrunc/libcontainer/cgroups"
)

// recordingCgroup is a cgroup holding pids that records its freezes.
type recordingCgroup struct {
	cgroups.None
	pids    []int
	freezes []bool
}

func (r *recordingCgroup) Pids() ([]int, error) { return r.pids, nil }
func (r *recordingCgroup) Freeze(frozen bool) error {
	r.freezes = append(r.freezes, frozen)
	return nil
}

func TestSignalAllSkipsTheFreezeWhenNothingIsAlive(t *testing.T) {
	m := &recordingCgroup{}
	c := &Container{state: &State{}}
	if err := c.signalAll(m); err != nil {
		t.Fatal(err)
	}
	if len(m.freezes) != 0 {
		t.Fatalf("an empty cgroup of a dead init was frozen/thawed: %v", m.freezes)
	}
}

func TestSignalAllFreezesKillsAndThawsWhatIsLeft(t *testing.T) {
	left := exec.Command("sleep", "60")
	if err := left.Start(); err != nil {
		t.Skip("no sleep to start:", err)
	}
	m := &recordingCgroup{pids: []int{left.Process.Pid}}
	c := &Container{state: &State{}}
	if err := c.signalAll(m); err != nil {
		t.Fatal(err)
	}
	if len(m.freezes) != 2 || !m.freezes[0] || m.freezes[1] {
		t.Fatalf("want freeze then thaw, got %v", m.freezes)
	}
	if err := left.Wait(); err == nil || left.ProcessState.String() != "signal: killed" {
		t.Fatalf("the process left in the cgroup was not killed: %v", err)
	}
}
