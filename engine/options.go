package engine

import (
	"bufio"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"myrunc/image"
	"myrunc/network"
)

// Options are `container run` and `create`'s flags, as typed.
type Options struct {
	Image       string
	Args        []string
	Name        string
	Interactive bool
	Tty         bool
	Rm          bool
	Env         []string
	EnvFiles    []string
	Volumes     []string // -v
	Mounts      []string // --mount
	Tmpfs       []string
	Publish     []string // -p
	PublishAll  bool
	Network     string
	Hostname    string
	AddHosts    []string
	DNS         []string
	Aliases     []string
	IP          string
	Workdir     string
	User        string
	Entrypoint  *string
	Memory      string
	MemorySwap  string
	CPUs        string
	CPUShares   int64
	CpusetCpus  string
	PidsLimit   int64
	Restart     string
	ReadOnly    bool
	Privileged  bool
	CapAdd      []string
	CapDrop     []string
	SecurityOpt []string
	Labels      []string
	Init        bool
}

// UsageError is a bad flag value: the engine's error, exit code 125.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, a ...any) error { return &UsageError{fmt.Errorf(format, a...)} }

// buildRecord turns the flags and the image into a container record
// (everything but the volumes' host paths, which create fills in).
func buildRecord(o *Options, img *image.Image, id string) (*Container, error) {
	ic := img.Config.Config
	c := &Container{ID: id, Name: o.Name, Created: time.Now().UTC(), Image: img.ID, ImageName: o.Image}
	ov := Overrides{Args: o.Args, Entrypoint: o.Entrypoint}
	args, err := Command(img, ov)
	if err != nil {
		return nil, usagef("%w", err)
	}
	c.Path, c.Args = args[0], args[1:]
	env, err := mergeEnv(ic.Env, o.EnvFiles, o.Env)
	if err != nil {
		return nil, err
	}
	labels := maps.Clone(ic.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	for _, l := range o.Labels {
		k, v, _ := strings.Cut(l, "=")
		if k == "" {
			return nil, usagef("--label %q: want KEY=VALUE", l)
		}
		labels[k] = v
	}
	entry, cmd := ov.entrypointAndCmd(ic.Entrypoint, ic.Cmd)
	c.Config = Config{
		Hostname: o.Hostname, User: orDefault(o.User, ic.User), Env: env, Cmd: cmd, Entrypoint: entry,
		WorkingDir: orDefault(o.Workdir, ic.WorkingDir), Labels: labels, Image: o.Image,
		Tty: o.Tty, OpenStdin: o.Interactive, StopSignal: ic.StopSignal,
		ExposedPorts: maps.Clone(ic.ExposedPorts), Volumes: maps.Clone(ic.Volumes),
	}
	if c.Config.Hostname == "" && o.Network != "host" {
		c.Config.Hostname = ShortID(id)
	}
	if err := hostConfig(o, c); err != nil {
		return nil, err
	}
	if c.Mounts, err = parseMounts(o, ic.Volumes); err != nil {
		return nil, err
	}
	return c, nil
}

// hostConfig fills c.HostConfig from the flags.
func hostConfig(o *Options, c *Container) error {
	hc := &c.HostConfig
	hc.Binds = slices.Clone(o.Volumes)
	hc.NetworkMode = orDefault(o.Network, "bridge")
	hc.PublishAll = o.PublishAll
	hc.AutoRemove = o.Rm
	hc.ExtraHosts, hc.DNS = slices.Clone(o.AddHosts), slices.Clone(o.DNS)
	hc.NetAliases, hc.NetIP = slices.Clone(o.Aliases), o.IP
	hc.CapAdd, hc.CapDrop = slices.Clone(o.CapAdd), slices.Clone(o.CapDrop)
	hc.Privileged, hc.ReadonlyRootfs, hc.Init = o.Privileged, o.ReadOnly, o.Init
	hc.SecurityOpt = slices.Clone(o.SecurityOpt)
	hc.CPUShares, hc.CpusetCpus, hc.PidsLimit = o.CPUShares, o.CpusetCpus, o.PidsLimit
	var err error
	if hc.RestartPolicy, err = parseRestart(o.Restart); err != nil {
		return err
	}
	if o.Rm && hc.RestartPolicy.Name != "no" {
		return usagef("Conflicting options: cannot specify both --restart and --rm")
	}
	if err := parseResources(o, hc); err != nil {
		return err
	}
	for _, so := range o.SecurityOpt {
		if err := checkSecurityOpt(so); err != nil {
			return err
		}
	}
	for _, h := range o.AddHosts {
		if _, err := parseAddHost(h); err != nil {
			return err
		}
	}
	if len(o.Publish) > 0 || o.PublishAll {
		if hc.NetworkMode == "none" || strings.HasPrefix(hc.NetworkMode, "container:") {
			return usagef("conflicting options: port publishing and the container type network mode")
		}
	}
	hc.PortBindings = map[string][]PortBinding{}
	for _, p := range o.Publish {
		ps, err := network.ParsePort(p)
		if err != nil {
			return usagef("%w", err)
		}
		key := fmt.Sprintf("%d/%s", ps.ContainerPort, ps.Proto)
		pb := PortBinding{}
		if ps.HostIP.IsValid() {
			pb.HostIP = ps.HostIP.String()
		}
		if ps.HostPort != 0 {
			pb.HostPort = strconv.Itoa(int(ps.HostPort))
		}
		hc.PortBindings[key] = append(hc.PortBindings[key], pb)
		if c.Config.ExposedPorts == nil {
			c.Config.ExposedPorts = map[string]struct{}{}
		}
		c.Config.ExposedPorts[key] = struct{}{}
	}
	return nil
}

// parseResources maps -m, --memory-swap and --cpus as Docker does.
func parseResources(o *Options, hc *HostConfig) error {
	if o.Memory != "" {
		m, err := units.RAMInBytes(o.Memory)
		if err != nil || m < 0 {
			return usagef("invalid argument %q for \"-m, --memory\" flag: invalid size", o.Memory)
		}
		if m > 0 && m < 6*1024*1024 {
			return usagef("Minimum memory limit allowed is 6MB")
		}
		hc.Memory = m
	}
	if o.MemorySwap != "" {
		if o.MemorySwap == "-1" {
			hc.MemorySwap = -1
		} else {
			s, err := units.RAMInBytes(o.MemorySwap)
			if err != nil || s < 0 {
				return usagef("invalid argument %q for \"--memory-swap\" flag: invalid size", o.MemorySwap)
			}
			hc.MemorySwap = s
		}
		if hc.Memory == 0 {
			return usagef("You should always set the Memory limit when using Memoryswap limit, see usage")
		}
		if hc.MemorySwap > 0 && hc.MemorySwap < hc.Memory {
			return usagef("Minimum memoryswap limit should be larger than memory limit, see usage")
		}
	}
	if o.CPUs != "" {
		f, err := strconv.ParseFloat(o.CPUs, 64)
		if err != nil || f < 0 {
			return usagef("invalid argument %q for \"--cpus\" flag: failed to parse %s as a rational number", o.CPUs, o.CPUs)
		}
		hc.NanoCPUs = int64(f * 1e9)
		if hc.NanoCPUs > 0 && hc.NanoCPUs < 1e7 {
			return usagef("Range of CPUs is from 0.01 to the number of CPUs available")
		}
	}
	if o.CPUShares < 0 {
		return usagef("invalid --cpu-shares %d: must not be negative", o.CPUShares)
	}
	if o.CpusetCpus != "" && strings.Trim(o.CpusetCpus, "0123456789,-") != "" {
		return usagef("Invalid value %s for cpuset cpus", o.CpusetCpus)
	}
	return nil
}

// parseRestart reads no | always | unless-stopped | on-failure[:N].
func parseRestart(s string) (RestartPolicy, error) {
	name, count, hasCount := strings.Cut(s, ":")
	switch name {
	case "", "no":
		if hasCount {
			break
		}
		return RestartPolicy{Name: "no"}, nil
	case "always", "unless-stopped":
		if hasCount {
			return RestartPolicy{}, usagef("invalid restart policy: maximum retry count can only be used with 'on-failure'")
		}
		return RestartPolicy{Name: name}, nil
	case "on-failure":
		p := RestartPolicy{Name: name}
		if hasCount {
			n, err := strconv.Atoi(count)
			if err != nil || n < 0 {
				return p, usagef("invalid restart policy: maximum retry count must be a non-negative integer: %q", count)
			}
			p.MaximumRetryCount = n
		}
		return p, nil
	}
	return RestartPolicy{}, usagef("invalid restart policy %q: want no, always, unless-stopped or on-failure[:max-retries]", s)
}

func checkSecurityOpt(so string) error {
	k, v, _ := strings.Cut(so, "=")
	if k == "seccomp" && strings.HasPrefix(v, ":") {
		v = v[1:]
	}
	switch {
	case so == "no-new-privileges" || so == "no-new-privileges=true" || so == "no-new-privileges=false" || so == "no-new-privileges:true":
	case k == "seccomp" && v != "":
		if v != "unconfined" {
			if _, err := os.Stat(v); err != nil {
				return usagef("opening seccomp profile (%s) failed: %w", v, err)
			}
		}
	case k == "apparmor" || k == "label":
		// accepted as Docker accepts them on a host without the LSM
	default:
		return usagef("Invalid --security-opt: %q (want seccomp=FILE|unconfined or no-new-privileges)", so)
	}
	return nil
}

// mergeEnv is the image's environment, then --env-file lines, then -e,
// each replacing earlier values of the same name; a bare NAME takes the
// value it has in our environment, or is dropped (as Docker does).
func mergeEnv(imageEnv, files, flags []string) ([]string, error) {
	env := slices.Clone(imageEnv)
	set := func(kv string) error {
		k, _, hasValue := strings.Cut(kv, "=")
		if k == "" || strings.ContainsAny(k, " \t") {
			return usagef("invalid environment variable: %q", kv)
		}
		if !hasValue {
			v, ok := os.LookupEnv(k)
			if !ok {
				return nil
			}
			kv = k + "=" + v
		}
		env = slices.DeleteFunc(env, func(e string) bool { return strings.HasPrefix(e, k+"=") })
		env = append(env, kv)
		return nil
	}
	for _, f := range files {
		lines, err := readEnvFile(f)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			if err := set(l); err != nil {
				return nil, err
			}
		}
	}
	for _, kv := range flags {
		if err := set(kv); err != nil {
			return nil, err
		}
	}
	return env, nil
}

// readEnvFile reads Docker's env-file format: K=V lines, # comments.
func readEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("--env-file: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " \t")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out, sc.Err()
}

func parseAddHost(s string) (network.HostEntry, error) {
	name, ip, ok := strings.Cut(s, ":")
	if !ok {
		// host:ip, or host=ip as newer Docker accepts
		name, ip, ok = strings.Cut(s, "=")
	}
	var h network.HostEntry
	if !ok || name == "" {
		return h, usagef("invalid argument %q for \"--add-host\" flag: bad format for add-host: %q", s, s)
	}
	a, err := parseIPv4(ip)
	if err != nil {
		return h, usagef("invalid argument %q for \"--add-host\" flag: invalid IP address in add-host: %q", s, ip)
	}
	return network.HostEntry{Name: name, IP: a}, nil
}
