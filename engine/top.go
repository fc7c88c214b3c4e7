package engine

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	units "github.com/docker/go-units"
)

// Top runs the host's ps (default -ef) and keeps the header and the
// container's processes, as Docker's top does.
func (e *Engine) Top(ref string, psArgs []string) (string, error) {
	c, err := e.Get(ref)
	if err != nil {
		return "", err
	}
	if !c.State.Running() {
		return "", fmt.Errorf("container %s is not running", c.ID)
	}
	ct := runtimeContainer(c)
	if ct == nil {
		return "", fmt.Errorf("container %s is not running", c.ID)
	}
	pids, err := ct.Processes()
	if err != nil {
		return "", err
	}
	if len(psArgs) == 0 {
		psArgs = []string{"-ef"}
	}
	out, err := exec.Command("ps", psArgs...).Output()
	if err != nil {
		return "", fmt.Errorf("running ps %s: %w", strings.Join(psArgs, " "), err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	col := slices.Index(strings.Fields(lines[0]), "PID")
	if col < 0 {
		return "", fmt.Errorf("couldn't find PID field in ps output")
	}
	var b strings.Builder
	b.WriteString(lines[0] + "\n")
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if col < len(f) {
			if pid, err := strconv.Atoi(f[col]); err == nil && slices.Contains(pids, pid) {
				b.WriteString(l + "\n")
			}
		}
	}
	return b.String(), nil
}

// StatsRow is one container's line of `container stats`, with Docker's
// --format fields.
type StatsRow struct {
	Container string
	ID        string
	Name      string
	CPUPerc   string
	MemUsage  string
	MemPerc   string
	NetIO     string
	BlockIO   string
	PIDs      string
}

type sample struct {
	cpu  uint64
	at   time.Time
	row  StatsRow
	errs bool
}

// Stats samples each running container's cgroup twice, interval apart,
// and returns Docker's stats rows.
func (e *Engine) Stats(list []*Container, interval time.Duration) []StatsRow {
	first := make([]sample, len(list))
	for i, c := range list {
		first[i] = e.sample(c)
	}
	time.Sleep(interval)
	rows := make([]StatsRow, len(list))
	for i, c := range list {
		s := e.sample(c)
		if d := s.at.Sub(first[i].at); d > 0 && s.cpu >= first[i].cpu && !s.errs {
			s.row.CPUPerc = fmt.Sprintf("%.2f%%", float64(s.cpu-first[i].cpu)/float64(d.Nanoseconds())*100)
		}
		rows[i] = s.row
	}
	return rows
}

func (e *Engine) sample(c *Container) sample {
	s := sample{at: time.Now(), row: StatsRow{Container: ShortID(c.ID), ID: ShortID(c.ID), Name: c.Name,
		CPUPerc: "0.00%", MemUsage: "0B / 0B", MemPerc: "0.00%", NetIO: "0B / 0B", BlockIO: "0B / 0B", PIDs: "0"}}
	ct := runtimeContainer(c)
	if ct == nil || !c.State.Running() {
		s.errs = true
		return s
	}
	st, err := ct.Stats()
	if err != nil {
		s.errs = true
		return s
	}
	s.cpu = st.CPU.Usage.Total
	// Docker shows usage without the page cache's inactive files
	used := st.Memory.Usage.Usage
	if inactive, ok := st.Memory.Raw["total_inactive_file"]; ok && inactive < used {
		used -= inactive
	} else if inactive, ok := st.Memory.Raw["inactive_file"]; ok && inactive < used {
		used -= inactive
	}
	limit := st.Memory.Usage.Limit
	if host := hostMemory(); limit == 0 || limit > host {
		limit = host
	}
	s.row.MemUsage = units.BytesSize(float64(used)) + " / " + units.BytesSize(float64(limit))
	if limit > 0 {
		s.row.MemPerc = fmt.Sprintf("%.2f%%", float64(used)/float64(limit)*100)
	}
	var rd, wr uint64
	for _, b := range st.Blkio.IoServiceBytesRecursive {
		switch strings.ToLower(b.Op) {
		case "read":
			rd += b.Value
		case "write":
			wr += b.Value
		}
	}
	s.row.BlockIO = units.HumanSizeWithPrecision(float64(rd), 3) + " / " + units.HumanSizeWithPrecision(float64(wr), 3)
	s.row.PIDs = strconv.FormatUint(st.Pids.Current, 10)
	rx, tx := netIO(c.State.Pid)
	s.row.NetIO = units.HumanSizeWithPrecision(float64(rx), 3) + " / " + units.HumanSizeWithPrecision(float64(tx), 3)
	return s
}

// netIO adds up the bytes the container's interfaces (not lo) received
// and sent, from its network namespace's /proc/net/dev.
func netIO(pid int) (rx, tx uint64) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/dev", pid))
	if err != nil {
		return 0, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || strings.TrimSpace(name) == "lo" {
			continue
		}
		f := strings.Fields(rest)
		if len(f) >= 9 {
			r, _ := strconv.ParseUint(f[0], 10, 64)
			t, _ := strconv.ParseUint(f[8], 10, 64)
			rx, tx = rx+r, tx+t
		}
	}
	return rx, tx
}

func hostMemory() uint64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}
