package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"myrunc/libcontainer"
	"myrunc/spec"
)

var updateCommand = &cli.Command{
	Name:      "update",
	Usage:     "change the resource limits of a container",
	ArgsUsage: "<container-id>",
	Description: `--resources takes runtime-spec's linux.resources as JSON, from a file or
from stdin with "-" (what containerd and Docker send); the other flags
override its fields. Sizes are bytes or take a suffix (64m, 1g); -1 means
no limit, 0 leaves a value as it is (as in runc).`,
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "resources", Aliases: []string{"r"}, Usage: `linux.resources JSON file, or "-" for stdin`},
		&cli.StringFlag{Name: "blkio-weight", Usage: "block I/O weight, 10 to 1000"},
		&cli.StringFlag{Name: "cpu-period", Usage: "CFS period (µs)"},
		&cli.StringFlag{Name: "cpu-quota", Usage: "CFS quota (µs) per period; -1 for none"},
		&cli.StringFlag{Name: "cpu-burst", Usage: "CFS burst (µs)"},
		&cli.StringFlag{Name: "cpu-share", Aliases: []string{"cpu-shares"}, Usage: "CPU shares (relative weight)"},
		&cli.StringFlag{Name: "cpu-rt-period", Usage: "realtime period (µs)"},
		&cli.StringFlag{Name: "cpu-rt-runtime", Usage: "realtime runtime (µs) per period"},
		&cli.StringFlag{Name: "cpu-idle", Usage: "1 for SCHED_IDLE, 0 for normal"},
		&cli.StringFlag{Name: "cpuset-cpus", Usage: "CPUs to run on (0-3, 0,1)"},
		&cli.StringFlag{Name: "cpuset-mems", Usage: "memory nodes to allocate from (0-3, 0,1)"},
		&cli.StringFlag{Name: "memory", Usage: "memory limit"},
		&cli.StringFlag{Name: "memory-reservation", Usage: "memory soft limit"},
		&cli.StringFlag{Name: "memory-swap", Usage: "memory plus swap limit"},
		&cli.StringFlag{Name: "kernel-memory", Usage: "ignored: kernel memory limits are obsolete"},
		&cli.StringFlag{Name: "kernel-memory-tcp", Usage: "kernel TCP buffer limit"},
		&cli.StringFlag{Name: "pids-limit", Usage: "maximum number of tasks; -1 for none"},
	},
	Action: func(c *cli.Context) error {
		id, err := containerID(c)
		if err != nil {
			return err
		}
		var r *specs.LinuxResources
		if f := c.String("resources"); f != "" {
			if r, err = readResources(f, os.Stdin); err != nil {
				return err
			}
		}
		lookup := func(name string) (string, bool) { return c.String(name), c.IsSet(name) }
		if r, err = resourcesFromFlags(r, lookup); err != nil {
			return err
		}
		if err := spec.ValidateResources(r); err != nil {
			return fmt.Errorf("update: %w", err)
		}
		if _, set := lookup("kernel-memory"); set {
			slog.Warn("--kernel-memory ignored: kernel memory limits are not supported (obsolete since Linux 5.4)")
		}
		ct, err := libcontainer.Load(c.String("root"), id)
		if err != nil {
			return err
		}
		return ct.Update(r)
	},
}

// readResources decodes linux.resources JSON from path, or from stdin
// when path is "-".
func readResources(path string, stdin io.Reader) (*specs.LinuxResources, error) {
	in := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("--resources: %w", err)
		}
		defer f.Close()
		in = f
	} else {
		path = "stdin"
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, fmt.Errorf("--resources: read %s: %w", path, err)
	}
	r, err := spec.DecodeResources(data, path)
	if err != nil {
		return nil, fmt.Errorf("--resources: %w", err)
	}
	return r, nil
}

// resourcesFromFlags sets on r (a new one when nil) the value of every
// resource flag that lookup reports set.
func resourcesFromFlags(r *specs.LinuxResources, lookup func(string) (string, bool)) (*specs.LinuxResources, error) {
	if r == nil {
		r = &specs.LinuxResources{}
	}
	mem := func() *specs.LinuxMemory {
		if r.Memory == nil {
			r.Memory = &specs.LinuxMemory{}
		}
		return r.Memory
	}
	cpu := func() *specs.LinuxCPU {
		if r.CPU == nil {
			r.CPU = &specs.LinuxCPU{}
		}
		return r.CPU
	}
	var err error
	set := func(name string, parse func(string) error) {
		v, ok := lookup(name)
		if ok && err == nil {
			if perr := parse(strings.TrimSpace(v)); perr != nil {
				err = fmt.Errorf("--%s: %w", name, perr)
			}
		}
	}
	set("memory", func(s string) (e error) { mem().Limit, e = parseSize(s); return })
	set("memory-reservation", func(s string) (e error) { mem().Reservation, e = parseSize(s); return })
	set("memory-swap", func(s string) (e error) { mem().Swap, e = parseSize(s); return })
	set("kernel-memory-tcp", func(s string) (e error) { mem().KernelTCP, e = parseSize(s); return })
	set("cpu-share", func(s string) (e error) { cpu().Shares, e = parseUint(s); return })
	set("cpu-quota", func(s string) (e error) { cpu().Quota, e = parseInt(s); return })
	set("cpu-period", func(s string) (e error) { cpu().Period, e = parseUint(s); return })
	set("cpu-burst", func(s string) (e error) { cpu().Burst, e = parseUint(s); return })
	set("cpu-rt-period", func(s string) (e error) { cpu().RealtimePeriod, e = parseUint(s); return })
	set("cpu-rt-runtime", func(s string) (e error) { cpu().RealtimeRuntime, e = parseInt(s); return })
	set("cpu-idle", func(s string) (e error) { cpu().Idle, e = parseInt(s); return })
	set("cpuset-cpus", func(s string) (e error) { cpu().Cpus, e = parseCPUList(s); return })
	set("cpuset-mems", func(s string) (e error) { cpu().Mems, e = parseCPUList(s); return })
	set("pids-limit", func(s string) error {
		n, e := parseInt(s)
		if e == nil {
			r.Pids = &specs.LinuxPids{Limit: n}
		}
		return e
	})
	set("blkio-weight", func(s string) error {
		n, e := strconv.ParseUint(s, 10, 16)
		if e != nil || n < 10 || n > 1000 {
			return fmt.Errorf("%q is not a weight from 10 to 1000", s)
		}
		if r.BlockIO == nil {
			r.BlockIO = &specs.LinuxBlockIO{}
		}
		w := uint16(n)
		r.BlockIO.Weight = &w
		return nil
	})
	return r, err
}

// parseSize takes bytes ("67108864"), a size with a binary suffix
// ("64m", "1g", "512MiB") or -1 for no limit.
func parseSize(s string) (*int64, error) {
	if s == "-1" {
		n := int64(-1)
		return &n, nil
	}
	n, err := units.RAMInBytes(s)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("invalid size %q: use bytes, a suffix (k, m, g, t) or -1", s)
	}
	return &n, nil
}

func parseUint(s string) (*uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a non-negative integer", s)
	}
	return &n, nil
}

func parseInt(s string) (*int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not an integer", s)
	}
	return &n, nil
}

// parseCPUList checks a cpuset list: "0-3", "0,2", "0-1,4".
func parseCPUList(s string) (string, error) {
	bad := s == ""
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.ParseUint(lo, 10, 32)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.ParseUint(hi, 10, 32)
		}
		if err1 != nil || err2 != nil || b < a {
			bad = true
		}
	}
	if bad {
		return "", fmt.Errorf("invalid list %q: use numbers and ranges like 0-3,5", s)
	}
	return s, nil
}
