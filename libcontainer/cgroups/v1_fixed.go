package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// v1File is one write the library does not do (or does to the wrong
// file) on v1: a resource field, the file, and the value.
type v1File struct {
	field, controller, file, value string
}

// libraryV1 is r less what v1Fixed writes instead of the library:
// cpu.burst, cpu.idle and memory.useHierarchy (it knows none of them),
// less memory.kernel (newV1 warns), the device rules (setDevices writes
// only the difference), pids limits of 0 and -1 (it writes
// only positive ones), and
// the block I/O weights (it writes CFQ's blkio.weight only, which kernels
// since 5.0 lack; BFQ's files are blkio.bfq.weight*).
func libraryV1(r *specs.LinuxResources) *specs.LinuxResources {
	out := *r
	out.Devices = nil // setDevices
	if c := r.CPU; c != nil && (c.Burst != nil || c.Idle != nil) {
		cpu := *c
		cpu.Burst, cpu.Idle = nil, nil
		out.CPU = &cpu
	}
	if m := r.Memory; m != nil && (m.UseHierarchy != nil || m.Kernel != nil) { //nolint:staticcheck // dropped, not used
		mem := *m
		mem.UseHierarchy = nil
		// kernel memory limits are obsolete: since Linux 6.x the kernel
		// takes a write of memory.kmem.limit_in_bytes and ignores it
		mem.Kernel = nil //nolint:staticcheck
		out.Memory = &mem
	}
	if p := r.Pids; p != nil && p.Limit != nil && *p.Limit <= 0 {
		out.Pids = nil
	}
	if b := r.BlockIO; b != nil {
		bio := *b
		bio.Weight, bio.LeafWeight, bio.WeightDevice = nil, nil, nil
		out.BlockIO = &bio
	}
	return &out
}

// v1Fixed lists the writes of what libraryV1 took out. dir finds the
// cgroup's directory of a controller, where the weight files are looked
// for: BFQ's exist only below the root.
func v1Fixed(r *specs.LinuxResources, dir func(controller string) string) ([]v1File, error) {
	var files []v1File
	if c := r.CPU; c != nil {
		if c.Burst != nil {
			files = append(files, v1File{"cpu.burst", "cpu", "cpu.cfs_burst_us", strconv.FormatUint(*c.Burst, 10)})
		}
		if c.Idle != nil {
			files = append(files, v1File{"cpu.idle", "cpu", "cpu.idle", strconv.FormatInt(*c.Idle, 10)})
		}
	}
	if m := r.Memory; m != nil && m.UseHierarchy != nil {
		v := "0"
		if *m.UseHierarchy {
			v = "1"
		}
		files = append(files, v1File{"memory.useHierarchy", "memory", "memory.use_hierarchy", v})
	}
	// the library writes only positive pids limits; runtime-spec 1.3
	// makes -1 "max" and 0 a limit of 0 (no new tasks)
	if p := r.Pids; p != nil && p.Limit != nil && *p.Limit <= 0 {
		files = append(files, v1File{"pids.limit", "pids", "pids.max", pidsMax(*p.Limit)})
	}
	if b := r.BlockIO; b != nil {
		w, err := blkioWeights(b, dir("blkio"))
		if err != nil {
			return nil, err
		}
		files = append(files, w...)
	}
	return files, nil
}

// blkioWeights writes weights to CFQ's files where the kernel has them,
// else to BFQ's; BFQ has no leaf weights.
func blkioWeights(b *specs.LinuxBlockIO, dir string) ([]v1File, error) {
	weight, device := "blkio.weight", "blkio.weight_device"
	cfq := hasFile(dir, weight)
	if !cfq {
		weight, device = "blkio.bfq.weight", "blkio.bfq.weight_device"
	}
	var files []v1File
	if b.Weight != nil {
		files = append(files, v1File{"blockIO.weight", "blkio", weight, strconv.Itoa(int(*b.Weight))})
	}
	leaf := func(field string) error {
		if cfq {
			return nil
		}
		return fmt.Errorf("linux.resources.blockIO.%s: this host has no blkio.leaf_weight (leaf weights were CFQ's, removed in Linux 5.0; BFQ has none)", field)
	}
	if b.LeafWeight != nil {
		if err := leaf("leafWeight"); err != nil {
			return nil, err
		}
		files = append(files, v1File{"blockIO.leafWeight", "blkio", "blkio.leaf_weight", strconv.Itoa(int(*b.LeafWeight))})
	}
	for _, d := range b.WeightDevice {
		dev := fmt.Sprintf("%d:%d ", d.Major, d.Minor)
		if d.Weight != nil {
			files = append(files, v1File{"blockIO.weightDevice " + dev[:len(dev)-1], "blkio", device, dev + strconv.Itoa(int(*d.Weight))})
		}
		if d.LeafWeight != nil {
			if err := leaf("weightDevice.leafWeight"); err != nil {
				return nil, err
			}
			files = append(files, v1File{"blockIO.weightDevice " + dev[:len(dev)-1] + " leafWeight", "blkio", "blkio.leaf_weight_device", dev + strconv.Itoa(int(*d.LeafWeight))})
		}
	}
	return files, nil
}

// writeV1Fixed writes files, each error naming the resource field.
func writeV1Fixed(files []v1File, dir func(controller string) string) error {
	for _, f := range files {
		p := filepath.Join(dir(f.controller), f.file)
		err := os.WriteFile(p, []byte(f.value), 0)
		if err == nil {
			continue
		}
		_, statErr := os.Stat(p)
		switch {
		case errors.Is(statErr, os.ErrNotExist):
			return fmt.Errorf("linux.resources.%s: this host does not support it: the cgroup has no %s", f.field, f.file)
		case f.file == "memory.use_hierarchy" && f.value == "0" && errors.Is(err, unix.EINVAL):
			return fmt.Errorf("linux.resources.memory.useHierarchy false: this kernel always accounts memory hierarchically (memory.use_hierarchy is fixed to 1)")
		case errors.Is(err, unix.EOPNOTSUPP) && f.file == "blkio.bfq.weight_device":
			return fmt.Errorf("linux.resources.%s: the device does not use the BFQ I/O scheduler (see /sys/block/DEV/queue/scheduler): %w", f.field, err)
		case errors.Is(err, unix.ENODEV):
			return fmt.Errorf("linux.resources.%s: no such block device: %w", f.field, err)
		}
		return fmt.Errorf("linux.resources.%s: %w", f.field, err)
	}
	return nil
}
