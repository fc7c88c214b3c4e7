package engine

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// awaitCaught waits, at most d, until process pid catches sig. A
// container's pid 1 with the default action drops every signal but KILL
// and STOP: --init's docker-init only catches them once its Go runtime
// has started, some milliseconds after the container reads as running,
// and a Ctrl-C forwarded before that would be lost.
func awaitCaught(pid int, sig int, d time.Duration) {
	end := time.Now().Add(d)
	for {
		caught, err := catches(pid, sig)
		if err != nil || caught || time.Now().After(end) {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// catches reads whether pid has a handler for sig (SigCgt in its status).
func catches(pid int, sig int) (bool, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false, err
	}
	return sigCgtHas(data, sig)
}

// sigCgtHas parses the SigCgt line of a /proc/PID/status.
func sigCgtHas(status []byte, sig int) (bool, error) {
	for line := range bytes.Lines(status) {
		hex, ok := bytes.CutPrefix(line, []byte("SigCgt:"))
		if !ok {
			continue
		}
		mask, err := strconv.ParseUint(string(bytes.TrimSpace(hex)), 16, 64)
		if err != nil {
			return false, fmt.Errorf("SigCgt %q: %w", bytes.TrimSpace(hex), err)
		}
		return sig >= 1 && sig <= 64 && mask&(1<<(sig-1)) != 0, nil
	}
	return false, fmt.Errorf("no SigCgt line")
}
