package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/profiles/seccomp"
	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/spec"
)

// Docker's defaults (facts of its behaviour, listed here as data).
var (
	dockerMaskedPaths = []string{"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
		"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
		"/sys/firmware", "/sys/devices/virtual/powercap"}
	dockerReadonlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}
)

const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// initPath is where --init's init is mounted, as Docker mounts its own.
const initPath = "/sbin/docker-init"

// specFor builds the container's OCI spec from its record; rootfs is its
// mounted root filesystem (users are looked up in its /etc/passwd). exe
// is the myrunc binary (--init mounts it as the container's init).
func specFor(c *Container, rootfs, exe string) (*specs.Spec, error) {
	s := spec.Default()
	s.Process.Rlimits = nil // inherited, as Docker leaves them
	s.Process.Capabilities.Ambient = nil
	u, err := resolveUser(rootfs, c.Config.User)
	if err != nil {
		return nil, err
	}
	args := append([]string{c.Path}, c.Args...)
	if c.HostConfig.Init {
		args = append([]string{initPath, "--"}, args...)
	}
	env := []string{}
	if !slices.ContainsFunc(c.Config.Env, func(e string) bool { return strings.HasPrefix(e, "PATH=") }) {
		env = append(env, defaultPath)
	}
	env = append(env, "HOSTNAME="+c.Config.Hostname)
	if c.Config.Tty {
		env = append(env, "TERM=xterm")
	} else {
		env = append(env, "TERM") // the default spec's: only a terminal has one
	}
	hostname := c.Config.Hostname
	caps, err := capabilities(c.HostConfig)
	if err != nil {
		return nil, err
	}
	opts := []spec.Opt{
		spec.WithRoot(rootfs, c.HostConfig.ReadonlyRootfs), spec.WithArgs(args...),
		spec.WithTerminal(c.Config.Tty), spec.WithEnv(env...), spec.WithEnv(c.Config.Env...),
		spec.WithDefaultEnv("HOME", orDefault(u.Home, "/")), spec.WithCwd(c.Config.WorkingDir),
		spec.WithUser(u.UID, u.GID, u.Groups), spec.WithHostname(hostname),
		spec.WithCapabilities(caps), spec.WithNoNewPrivileges(noNewPrivileges(c.HostConfig.SecurityOpt)),
		spec.WithCgroupsPath("/myrunc/" + c.ID),
		spec.WithAnnotations(map[string]string{AnnotationImageID: c.Image, AnnotationImageName: c.ImageName}),
		withDockerMounts(c.HostConfig.Privileged), withResources(c.HostConfig), withVolumes(c.Mounts),
	}
	if c.HostConfig.Init {
		opts = append(opts, withInit(exe))
	}
	if c.HostConfig.Privileged {
		opts = append(opts, withPrivileged())
	} else {
		opts = append(opts, withMaskedPaths())
	}
	if err := spec.Apply(s, opts...); err != nil {
		return nil, err
	}
	if err := setSeccomp(s, c.HostConfig); err != nil {
		return nil, err
	}
	return s, nil
}

// capabilities is Docker's default set with --cap-add and --cap-drop
// ("ALL" in either), or every capability for --privileged.
func capabilities(hc HostConfig) ([]string, error) {
	all := allCaps()
	if hc.Privileged {
		return all, nil
	}
	norm := func(list []string) ([]string, error) {
		var out []string
		for _, c := range list {
			c = strings.ToUpper(c)
			if c != "ALL" && !strings.HasPrefix(c, "CAP_") {
				c = "CAP_" + c
			}
			if c != "ALL" && !slices.Contains(all, c) {
				return nil, usagef("unknown capability: %q", c)
			}
			out = append(out, c)
		}
		return out, nil
	}
	add, err := norm(hc.CapAdd)
	if err != nil {
		return nil, err
	}
	drop, err := norm(hc.CapDrop)
	if err != nil {
		return nil, err
	}
	caps := spec.DockerCapabilities()
	if slices.Contains(drop, "ALL") {
		caps = nil
	}
	if slices.Contains(add, "ALL") {
		caps = slices.Clone(all)
	}
	for _, c := range add {
		if c != "ALL" && !slices.Contains(caps, c) {
			caps = append(caps, c)
		}
	}
	caps = slices.DeleteFunc(caps, func(c string) bool { return slices.Contains(drop, c) && !slices.Contains(add, c) })
	return caps, nil
}

// allCaps are the capabilities this kernel knows.
func allCaps() []string {
	last, err := capability.LastCap()
	var out []string
	for _, c := range capability.ListKnown() {
		if err == nil && c > last {
			continue
		}
		out = append(out, "CAP_"+strings.ToUpper(c.String()))
	}
	return out
}

func noNewPrivileges(opts []string) bool {
	nnp := false
	for _, o := range opts {
		switch o {
		case "no-new-privileges", "no-new-privileges=true", "no-new-privileges:true":
			nnp = true
		case "no-new-privileges=false":
			nnp = false
		}
	}
	return nnp
}

// withDockerMounts sets Docker's default mounts: runc's, with a 64 MiB
// /dev/shm; /sys is writable for --privileged.
func withDockerMounts(privileged bool) spec.Opt {
	return func(s *specs.Spec) error {
		for i := range s.Mounts {
			m := &s.Mounts[i]
			switch m.Destination {
			case "/dev/shm":
				m.Options = []string{"nosuid", "noexec", "nodev", "mode=1777", "size=67108864"}
			case "/sys", "/sys/fs/cgroup":
				if privileged {
					m.Options = slices.DeleteFunc(slices.Clone(m.Options), func(o string) bool { return o == "ro" })
					m.Options = append(m.Options, "rw")
				}
			}
		}
		return nil
	}
}

func withMaskedPaths() spec.Opt {
	return func(s *specs.Spec) error {
		s.Linux.MaskedPaths = slices.Clone(dockerMaskedPaths)
		s.Linux.ReadonlyPaths = slices.Clone(dockerReadonlyPaths)
		return nil
	}
}

// withPrivileged: no masked paths, every device of the host, all of them
// allowed in the devices cgroup.
func withPrivileged() spec.Opt {
	return func(s *specs.Spec) error {
		s.Linux.MaskedPaths, s.Linux.ReadonlyPaths = nil, nil
		s.Linux.Resources.Devices = []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
		s.Linux.Devices = append(s.Linux.Devices, hostDevices()...)
		return nil
	}
}

// withResources maps -m, --memory-swap, --cpus, --cpu-shares,
// --cpuset-cpus and --pids-limit onto linux.resources as Docker does.
func withResources(hc HostConfig) spec.Opt {
	return func(s *specs.Spec) error {
		r := s.Linux.Resources
		if hc.Memory > 0 {
			r.Memory = &specs.LinuxMemory{Limit: ptr(hc.Memory)}
			switch {
			case hc.MemorySwap > 0 || hc.MemorySwap == -1:
				r.Memory.Swap = ptr(hc.MemorySwap)
			case hc.MemorySwap == 0 && swapAccounting():
				r.Memory.Swap = ptr(2 * hc.Memory) // Docker's default: as much swap as memory
			}
			if r.Memory.Swap != nil && !swapAccounting() {
				r.Memory.Swap = nil // Docker warns and drops it where memsw is off
			}
		}
		if hc.NanoCPUs > 0 || hc.CPUShares > 0 || hc.CpusetCpus != "" {
			r.CPU = &specs.LinuxCPU{}
			if hc.NanoCPUs > 0 {
				period := uint64(100000)
				r.CPU.Period = &period
				r.CPU.Quota = ptr(hc.NanoCPUs * int64(period) / 1e9)
			}
			if hc.CPUShares > 0 {
				r.CPU.Shares = ptr(uint64(hc.CPUShares))
			}
			r.CPU.Cpus = hc.CpusetCpus
		}
		if hc.PidsLimit > 0 {
			r.Pids = &specs.LinuxPids{Limit: ptr(hc.PidsLimit)}
		}
		return nil
	}
}

// swapAccounting: cgroup v1 memory.memsw files exist (or cgroup v2).
func swapAccounting() bool {
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		return true
	}
	_, err := os.Stat("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")
	return err == nil
}

func ptr[T any](v T) *T { return &v }

// withVolumes adds the bind, volume and tmpfs mounts, replacing a
// default mount at the same place.
func withVolumes(mounts []Mount) spec.Opt {
	return func(s *specs.Spec) error {
		for _, m := range mounts {
			var sm specs.Mount
			switch m.Type {
			case "bind", "volume":
				prop := orDefault(m.Propagation, "rprivate")
				mode := "rw"
				if !m.RW {
					mode = "ro"
				}
				sm = specs.Mount{Destination: m.Destination, Type: "bind", Source: m.Source,
					Options: []string{"rbind", prop, mode}}
			case "tmpfs":
				sm = specs.Mount{Destination: m.Destination, Type: "tmpfs", Source: "tmpfs", Options: slices.Clone(m.Options)}
			default:
				return fmt.Errorf("mount %s: unknown type %s", m.Destination, m.Type)
			}
			s.Mounts = slices.DeleteFunc(s.Mounts, func(x specs.Mount) bool { return x.Destination == sm.Destination })
			s.Mounts = append(s.Mounts, sm)
		}
		return nil
	}
}

// withInit mounts this binary read-only as the container's init.
func withInit(exe string) spec.Opt {
	return func(s *specs.Spec) error {
		s.Mounts = append(s.Mounts, specs.Mount{Destination: initPath, Type: "bind", Source: exe,
			Options: []string{"bind", "ro", "nosuid", "nodev"}})
		return nil
	}
}

// setSeccomp applies Docker's default profile (for the capabilities the
// spec grants, as Docker computes it), a profile file, or none.
func setSeccomp(s *specs.Spec, hc HostConfig) error {
	if hc.Privileged {
		return nil
	}
	profile := ""
	for _, o := range hc.SecurityOpt {
		if k, v, ok := strings.Cut(o, "="); ok && k == "seccomp" {
			profile = v
		} else if k, v, ok := strings.Cut(o, ":"); ok && k == "seccomp" {
			profile = v
		}
	}
	var err error
	switch profile {
	case "unconfined":
		return nil
	case "":
		s.Linux.Seccomp, err = seccomp.GetDefaultProfile(s)
	default:
		var body []byte
		if body, err = os.ReadFile(profile); err != nil {
			return usagef("opening seccomp profile (%s) failed: %w", profile, err)
		}
		s.Linux.Seccomp, err = seccomp.LoadProfile(string(body), s)
	}
	if err != nil {
		return fmt.Errorf("seccomp profile: %w", err)
	}
	return nil
}

// hostDevices lists the host's /dev devices for --privileged (not the
// pty, shm and mqueue directories, which the container has its own of).
func hostDevices() []specs.LinuxDevice {
	var out []specs.LinuxDevice
	filepath.WalkDir("/dev", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch p {
			case "/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/.lxc", "/dev/.udev":
				return filepath.SkipDir
			}
			return nil
		}
		if p == "/dev/console" || p == "/dev/ptmx" || d.Type()&os.ModeDevice == 0 {
			return nil
		}
		if dev, ok := deviceOf(p); ok {
			out = append(out, dev)
		}
		return nil
	})
	return out
}
