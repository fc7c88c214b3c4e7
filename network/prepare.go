package network

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/selfexe"
	"myrunc/internal/trace"
	"myrunc/network/ipam"
)

// Result is what a prepared container needs in its spec (Apply puts it there).
type Result struct {
	Hostname string
	// NetNS: "" a new network namespace, "host" none of its own, else
	// the path of the namespace to join (container:NAME).
	NetNS     string
	Hooks     specs.Hooks
	Mounts    []specs.Mount
	Endpoints []Endpoint
	Ports     []PortMapping
}

// Prepare reserves what req asks for — addresses, host ports, the
// default network on first use — writes the container's hosts,
// hostname and resolv.conf, and returns the hooks that attach it. On
// error nothing is left reserved.
func Prepare(dataRoot string, req Request) (*Result, error) {
	if err := ValidName("container", req.ContainerID); err != nil {
		return nil, err
	}
	if req.Name == "" {
		req.Name = req.ContainerID
	}
	if req.Exe == "" {
		exe, err := selfexe.Path()
		if err != nil {
			return nil, err
		}
		req.Exe = exe
	}
	dataRoot, err := filepath.Abs(dataRoot)
	if err != nil {
		return nil, err
	}
	s, err := Open(dataRoot)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if old, err := s.LoadContainer(req.ContainerID); err == nil {
		if old.Pid != 0 && processAlive(old.Pid, old.PidStart) {
			return nil, fmt.Errorf("container %s is running with its networks attached", req.ContainerID)
		}
		s.release(old)
	}
	c, err := s.prepare(req)
	if err != nil {
		return nil, err
	}
	return s.result(dataRoot, req.Exe, c, req.JoinNetNS)
}

func (s *Store) prepare(req Request) (_ *Container, err error) {
	c := &Container{ID: req.ContainerID, Name: req.Name, Mode: DriverBridge, Hostname: req.Hostname,
		AddHosts: req.AddHosts, DNS: req.DNS}
	if req.Bundle != "" {
		if c.Bundle, err = filepath.Abs(req.Bundle); err != nil {
			return nil, err
		}
	}
	nets := req.Networks
	if len(nets) == 0 {
		nets = []NetworkRequest{{Name: DefaultBridge}}
	}
	first := nets[0].Name
	switch {
	case first == NetworkHost || first == NetworkNone || strings.HasPrefix(first, "container:"):
		if len(nets) > 1 {
			return nil, fmt.Errorf("network %s cannot be combined with other networks", first)
		}
		c.Mode = first
		if strings.HasPrefix(first, "container:") {
			c.Mode, c.JoinedID = "container", req.JoinID
			if req.JoinNetNS == "" {
				return nil, fmt.Errorf("network %s: the container's network namespace is not known", first)
			}
		}
		if len(req.Ports) > 0 || req.PublishAll {
			if c.Mode != NetworkHost { // Docker discards them in host mode
				return nil, fmt.Errorf("ports cannot be published with network %s", first)
			}
		}
		if c.Mode == NetworkHost && c.Hostname == "" {
			c.Hostname, _ = os.Hostname()
		}
	}
	if c.Hostname == "" {
		c.Hostname = shortID(c.ID)
	}
	if c.Mode == "container" && c.JoinedID != "" {
		if j, err := s.LoadContainer(c.JoinedID); err == nil {
			c.Hostname = j.Hostname
		}
	}
	if c.Mode == DriverBridge {
		if err := s.prepareEndpoints(c, nets); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				s.freeAddresses(c, true)
			}
		}()
		if c.Ports, err = s.reservePorts(c.ID, req); err != nil {
			return nil, err
		}
	}
	if err := s.SaveContainer(c); err != nil {
		return nil, err
	}
	if err := s.writeFiles(c, nil); err != nil {
		s.deleteContainer(c.ID)
		return nil, err
	}
	return c, nil
}

// prepareEndpoints reserves one address per network, and brings the
// default network up on first use.
func (s *Store) prepareEndpoints(c *Container, nets []NetworkRequest) (err error) {
	defer func() {
		if err != nil {
			s.freeAddresses(c, true)
		}
	}()
	seen := map[string]bool{}
	for i, nr := range nets {
		if seen[nr.Name] {
			return fmt.Errorf("network %s given twice", nr.Name)
		}
		seen[nr.Name] = true
		n, _, err := s.loadOrDefault(nr.Name)
		if err != nil {
			return err
		}
		if n.IsDefault() && (nr.IP.IsValid() || len(nr.Aliases) > 0) {
			return errors.New("user specified IP address and network-scoped aliases are supported on user defined networks only")
		}
		ep := Endpoint{Network: n.Name, IP: nr.IP, Fixed: nr.IP.IsValid(), Aliases: nr.Aliases,
			IfName: fmt.Sprintf("eth%d", i), HostVeth: vethName(c.ID, n.Name)}
		if err := s.allocate(n.Name, c.ID, &ep); err != nil {
			return err
		}
		c.Endpoints = append(c.Endpoints, ep)
		if n.IsDefault() {
			if err := networkUpIfDown(n); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) loadOrDefault(name string) (*Network, *ipam.Pool, error) {
	if name == DefaultBridge {
		return s.defaultNetwork()
	}
	n, p, err := s.LoadNetwork(name)
	if errors.As(err, new(ErrNotFound)) {
		return nil, nil, fmt.Errorf("network %s not found", name)
	}
	return n, p, err
}

// allocate reserves ep's address (its fixed one, or the one it had, or
// any), sets ep.IP and MAC; an exhausted pool is retried once after
// reclaiming the addresses of containers that are gone.
func (s *Store) allocate(netName, owner string, ep *Endpoint) error {
	for try := 0; ; try++ {
		n, pool, err := s.loadOrDefault(netName)
		if err != nil {
			return err
		}
		if ep.IP.IsValid() && pool.Owner(ep.IP) == owner { // still ours (prepared, not yet attached)
			ep.MAC = macFor(ep.IP)
			return nil
		}
		switch {
		case ep.Fixed:
			err = pool.AllocateAddr(ep.IP, owner)
		case ep.IP.IsValid() && pool.AllocateAddr(ep.IP, owner) == nil:
		default:
			ep.IP, err = pool.Allocate(owner)
		}
		if err == nil {
			ep.MAC = macFor(ep.IP)
			return s.SaveNetwork(n, pool)
		}
		if try == 0 && (errors.Is(err, ipam.ErrExhausted) || strings.Contains(err.Error(), "in use by")) && s.reclaim() > 0 {
			continue
		}
		return fmt.Errorf("network %s: %w", netName, err)
	}
}

// freeAddresses gives back c's addresses; forget also clears them from
// the record (else a restart asks for the same one again).
func (s *Store) freeAddresses(c *Container, forget bool) {
	done := map[string]bool{}
	for i := range c.Endpoints {
		ep := &c.Endpoints[i]
		if !done[ep.Network] {
			done[ep.Network] = true
			if n, pool, err := s.LoadNetwork(ep.Network); err == nil && pool.ReleaseOwner(c.ID) > 0 {
				s.SaveNetwork(n, pool)
			}
		}
		if forget && !ep.Fixed {
			ep.IP = netip.Addr{}
		}
	}
}

func networkUpIfDown(n *Network) error {
	if _, err := netLinkExists(n.Bridge); err == nil {
		return nil
	}
	return networkUp(n)
}

// vethName is the host end's name: stable for a container on a network.
func vethName(id, network string) string {
	h := fnv.New64a()
	h.Write([]byte(id + "\x00" + network))
	return fmt.Sprintf("mrv%010x", h.Sum64()&0xffffffffff)
}

// macFor derives the MAC from the address, as Docker does (02:42:ip).
func macFor(a netip.Addr) string {
	b := a.As4()
	return net.HardwareAddr{0x02, 0x42, b[0], b[1], b[2], b[3]}.String()
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Release forgets a container: detaches it if it is still attached,
// frees its addresses and ports, removes its files, and takes the default
// network down when it was its last user. A container not known is no error.
func Release(dataRoot, id string) error {
	return withContainer(dataRoot, id, (*Store).release)
}

func (s *Store) release(c *Container) error {
	err := s.detach(c)
	s.freeAddresses(c, true)
	if err2 := s.deleteContainer(c.ID); err == nil {
		err = err2
	}
	trace.Mark("network: forgotten")
	for _, ep := range c.Endpoints {
		if ep.Network == DefaultBridge && len(s.users(DefaultBridge)) == 0 {
			if n, _, lerr := s.LoadNetwork(DefaultBridge); lerr == nil {
				err = errors.Join(err, networkDown(n))
			}
		}
	}
	return err
}
