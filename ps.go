package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"myrunc/libcontainer"
)

var psCommand = &cli.Command{
	Name:  "ps",
	Usage: "list the processes running in a container",
	ArgsUsage: `<container-id> [-- ps options]

With --format table (the default) the host's ps runs with the given
options (default -ef) and only the container's lines are printed; with
--format json the output is a JSON array of the container's host pids.`,
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output format: table or json"},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() < 1 {
			return fmt.Errorf("ps: expects a container id, got no arguments")
		}
		format := c.String("format")
		if format != "table" && format != "json" {
			return fmt.Errorf("ps: invalid --format %q: use table or json", format)
		}
		ct, err := libcontainer.Load(c.String("root"), c.Args().First())
		if err != nil {
			return err
		}
		pids, err := ct.Processes()
		if err != nil {
			return err
		}
		if format == "json" {
			return json.NewEncoder(os.Stdout).Encode(pids)
		}
		psArgs := c.Args().Slice()[1:]
		if len(psArgs) > 0 && psArgs[0] == "--" {
			psArgs = psArgs[1:]
		}
		if len(psArgs) == 0 {
			psArgs = []string{"-ef"}
		}
		cmd := exec.Command("ps", psArgs...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("ps %s: %w: %s", strings.Join(psArgs, " "), err, strings.TrimSpace(stderr.String()))
		}
		table, err := filterPsTable(string(out), pids)
		if err != nil {
			return err
		}
		_, err = os.Stdout.WriteString(table)
		return err
	},
}

// psColumn is where ps's PID column is: its index among the header's
// fields and the offset just past the header's "PID" (ps right-aligns
// numbers, so a value ends where its header ends).
type psColumn struct {
	field, end int
}

// findPidColumn locates the PID column in ps's header line.
func findPidColumn(header string) (psColumn, error) {
	field := 0
	for i := 0; i < len(header); {
		for i < len(header) && isBlank(header[i]) {
			i++
		}
		if i == len(header) {
			break
		}
		start := i
		for i < len(header) && !isBlank(header[i]) {
			i++
		}
		if header[start:i] == "PID" {
			return psColumn{field: field, end: i}, nil
		}
		field++
	}
	return psColumn{}, fmt.Errorf("ps: no PID column in the header %q (give ps options that print PID)", header)
}

// pid reads the PID column of one line of ps output: the number that
// ends under the header's PID when the columns line up, else the
// header's field index counted in the line's fields (which is right
// unless a column before PID holds spaces). ok is false for a line with
// no pid there.
func (col psColumn) pid(line string) (int, bool) {
	if col.end <= len(line) && (col.end == len(line) || isBlank(line[col.end])) {
		s := col.end
		for s > 0 && '0' <= line[s-1] && line[s-1] <= '9' {
			s--
		}
		if s < col.end && (s == 0 || isBlank(line[s-1])) {
			if n, err := strconv.Atoi(line[s:col.end]); err == nil {
				return n, true
			}
		}
	}
	fields := strings.Fields(line)
	if col.field < len(fields) {
		if n, err := strconv.Atoi(fields[col.field]); err == nil {
			return n, true
		}
	}
	return 0, false
}

// filterPsTable keeps ps's header and the lines of the given pids.
func filterPsTable(out string, pids []int) (string, error) {
	lines := strings.SplitAfter(out, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) == "" {
		return "", fmt.Errorf("ps printed nothing")
	}
	col, err := findPidColumn(strings.TrimRight(lines[0], "\n"))
	if err != nil {
		return "", err
	}
	want := make(map[int]bool, len(pids))
	for _, p := range pids {
		want[p] = true
	}
	var b strings.Builder
	b.WriteString(lines[0])
	if !strings.HasSuffix(lines[0], "\n") {
		b.WriteByte('\n')
	}
	for _, l := range lines[1:] {
		if pid, ok := col.pid(strings.TrimRight(l, "\n")); ok && want[pid] {
			b.WriteString(l)
			if !strings.HasSuffix(l, "\n") {
				b.WriteByte('\n')
			}
		}
	}
	return b.String(), nil
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }
