package libcontainer

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"myrunc/internal/rawfile"
)

// procStat reads a process's state letter and start time from
// /proc/<pid>/stat.
func procStat(pid int) (state byte, start uint64, err error) {
	data, err := rawfile.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, err
	}
	// the command name may hold spaces and parens: fields start after the last ')'
	i := bytes.LastIndexByte(data, ')')
	if i < 0 || i+2 >= len(data) {
		return 0, 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	fields := bytes.Fields(data[i+2:])
	// field 3 is the state; starttime is field 22, i.e. index 19 here
	if len(fields) < 20 {
		return 0, 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	start, err = strconv.ParseUint(string(fields[19]), 10, 64)
	return fields[0][0], start, err
}

// alive says whether pid is still the process that started at start
// (zombies count as gone: they will never run the container again).
func alive(pid int, start uint64) bool {
	if pid <= 0 {
		return false
	}
	st, s, err := procStat(pid)
	if err != nil || s != start {
		return false
	}
	return st != 'Z' && st != 'X'
}

// waitGone polls until the process is gone or timeout passes.
func waitGone(pid int, start uint64, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for d := 100 * time.Microsecond; alive(pid, start); d = min(d*2, 20*time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(d)
	}
	return true
}

func signalProcess(pid int, sig unix.Signal) error {
	err := unix.Kill(pid, sig)
	if err == unix.ESRCH {
		return nil
	}
	return err
}
