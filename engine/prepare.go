package engine

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/image"
	"myrunc/internal/atomicfile"
	"myrunc/internal/fastjson"
	"myrunc/internal/inscope"
	"myrunc/internal/selfexe"
	"myrunc/internal/trace"
	"myrunc/libcontainer"
	"myrunc/network"
	"myrunc/spec"
)

// prepareBundle makes what a start needs: the root filesystem mounted,
// volumes filled on first use, the network reserved and the bundle's
// config.json written. On error it undoes what it did.
func (e *Engine) prepareBundle(c *Container) (_ *specs.Spec, err error) {
	store, err := image.Open(e.DataRoot)
	if err != nil {
		return nil, err
	}
	img, err := store.Get(c.Image)
	if err != nil {
		return nil, fmt.Errorf("image %s of container %s: %w", c.ImageName, c.Name, err)
	}
	rootfs := e.rootfsDir(c.ID)
	if err := os.MkdirAll(rootfs, 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(e.bundleDir(c.ID), 0o755); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			e.unprepare(c)
		}
	}()
	// the user's myrunc, not the engine program's copy: --init mounts it,
	// the network hooks in the bundle run it
	exe, err := selfexe.Path()
	if err != nil {
		return nil, err
	}
	// the network is reserved while the root filesystem is mounted (each
	// waits on the kernel, neither needs the other); an error of the
	// request is reported after those of the root filesystem, as before
	req, reqErr := e.networkRequest(c, exe)
	prepared := func() (*network.Result, error) { return nil, reqErr }
	if reqErr == nil {
		done := make(chan struct{})
		var res *network.Result
		var netErr error
		go func() {
			defer close(done)
			res, netErr = network.Prepare(e.DataRoot, *req)
		}()
		prepared = func() (*network.Result, error) { <-done; return res, netErr }
		// before unprepare (deferred above) releases it
		defer prepared()
	}
	if !isMounted(rootfs) {
		if err := store.MountRootfs(c.ID, img, rootfs); err != nil {
			return nil, err
		}
	}
	trace.Mark("rootfs mounted")
	if err := e.populateVolumes(c, rootfs); err != nil {
		return nil, err
	}
	if err := checkBinds(c); err != nil {
		return nil, err
	}
	s, err := specFor(c, rootfs, exe)
	if err != nil {
		return nil, err
	}
	if c.Config.WorkingDir != "" {
		if err := mkdirInRoot(rootfs, c.Config.WorkingDir); err != nil {
			return nil, fmt.Errorf("working directory %s: %w", c.Config.WorkingDir, err)
		}
	}
	res, err := prepared()
	if err != nil {
		return nil, err
	}
	trace.Mark("network prepared")
	res.Apply(s)
	if res.NetNS == network.NetworkHost {
		s.Linux.Namespaces = slices.DeleteFunc(s.Linux.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == specs.UTSNamespace })
		s.Hostname = ""
	}
	if err := spec.Validate(s); err != nil {
		return nil, err
	}
	// replaced by rename: the network store reads it to tell a live
	// container (its hooks) from a gone one
	data, err := fastjson.Marshal(s)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(e.bundleDir(c.ID), spec.ConfigName), data, 0o600); err != nil {
		return nil, err
	}
	return s, nil
}

// unprepare releases the network and unmounts the root filesystem (the
// container's writable layer stays until rm).
func (e *Engine) unprepare(c *Container) {
	network.Release(e.DataRoot, c.ID)
	unmount(e.rootfsDir(c.ID))
}

// networkRequest turns the record's network flags into network.Prepare's request.
func (e *Engine) networkRequest(c *Container, exe string) (*network.Request, error) {
	hc := c.HostConfig
	req := &network.Request{ContainerID: c.ID, Name: c.Name, Bundle: e.bundleDir(c.ID), Exe: exe,
		Hostname: c.Config.Hostname, PublishAll: hc.PublishAll}
	mode := orDefault(hc.NetworkMode, "bridge")
	nr := network.NetworkRequest{Name: mode, Aliases: hc.NetAliases}
	if hc.NetIP != "" {
		a, err := parseIPv4(hc.NetIP)
		if err != nil {
			return nil, usagef("--ip %q: not an IPv4 address", hc.NetIP)
		}
		nr.IP = a
	}
	if ref, ok := strings.CutPrefix(mode, "container:"); ok {
		other, err := e.Get(ref)
		if err != nil {
			return nil, err
		}
		if other.State.Status != StatusRunning || other.State.Pid == 0 {
			return nil, fmt.Errorf("cannot join network of a non running container: %s", ref)
		}
		req.JoinNetNS = fmt.Sprintf("/proc/%d/ns/net", other.State.Pid)
		req.JoinID = other.ID
		nr.Name = "container:" + other.ID
	}
	req.Networks = []network.NetworkRequest{nr}
	for key, bindings := range hc.PortBindings {
		port, proto, _ := strings.Cut(key, "/")
		cp, _ := strconv.Atoi(port)
		for _, b := range bindings {
			ps := network.PortSpec{ContainerPort: uint16(cp), Proto: proto}
			if b.HostIP != "" {
				ps.HostIP, _ = netip.ParseAddr(b.HostIP)
			}
			if b.HostPort != "" {
				hp, _ := strconv.Atoi(b.HostPort)
				ps.HostPort = uint16(hp)
			}
			req.Ports = append(req.Ports, ps)
		}
	}
	slices.SortFunc(req.Ports, func(a, b network.PortSpec) int { return int(a.ContainerPort) - int(b.ContainerPort) })
	for key := range c.Config.ExposedPorts {
		port, proto, _ := strings.Cut(key, "/")
		if cp, err := strconv.Atoi(port); err == nil {
			req.Exposed = append(req.Exposed, network.PortSpec{ContainerPort: uint16(cp), Proto: orDefault(proto, "tcp")})
		}
	}
	slices.SortFunc(req.Exposed, func(a, b network.PortSpec) int { return int(a.ContainerPort) - int(b.ContainerPort) })
	for _, h := range hc.ExtraHosts {
		he, err := parseAddHost(h)
		if err != nil {
			return nil, err
		}
		req.AddHosts = append(req.AddHosts, he)
	}
	for _, d := range hc.DNS {
		a, err := parseIPv4(d)
		if err != nil {
			return nil, usagef("--dns %q: not an IPv4 address", d)
		}
		req.DNS = append(req.DNS, a)
	}
	return req, nil
}

func parseIPv4(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 address", s)
	}
	return a, nil
}

// checkBinds makes missing -v host directories (as Docker does) and
// refuses a missing --mount type=bind source.
func checkBinds(c *Container) error {
	for _, m := range c.Mounts {
		if m.Type != "bind" {
			continue
		}
		if _, err := os.Stat(m.Source); err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				return err
			}
			if !slices.Contains(c.HostConfig.Binds, m.Source+":"+m.Destination) && !slices.ContainsFunc(c.HostConfig.Binds, func(b string) bool {
				return strings.HasPrefix(b, m.Source+":"+m.Destination+":")
			}) {
				return fmt.Errorf("invalid mount config for type \"bind\": bind source path does not exist: %s", m.Source)
			}
			if err := os.MkdirAll(m.Source, 0o755); err != nil {
				return err
			}
		}
	}
	return nil
}

// isMounted says whether dir is a mount point (another device than its parent).
func isMounted(dir string) bool {
	var st, parent unix.Stat_t
	if unix.Lstat(dir, &st) != nil || unix.Lstat(dir+"/..", &parent) != nil {
		return false
	}
	return st.Dev != parent.Dev
}

// unmount unmounts dir if it is mounted.
func unmount(dir string) {
	for isMounted(dir) {
		if err := unix.Unmount(dir, 0); err != nil {
			unix.Unmount(dir, unix.MNT_DETACH)
			return
		}
	}
}

// mkdirInRoot makes dir inside root, resolving symlinks inside it.
func mkdirInRoot(root, dir string) error {
	r, err := os.OpenRoot(root)
	if err != nil {
		return err
	}
	defer r.Close()
	// the image's own links lead where they would in the container
	dir, err = inscope.Resolve(root, dir)
	if err != nil {
		return err
	}
	rel := strings.TrimLeft(dir, "/")
	if rel == "" {
		return nil
	}
	if err := r.MkdirAll(rel, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

// runtimeContainer opens the runtime's side of c, nil when there is none.
func runtimeContainer(c *Container) *libcontainer.Container {
	ct, err := libcontainer.Load(c.RuntimeRoot, c.ID)
	if err != nil {
		return nil
	}
	return ct
}
