package network

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vishvananda/netlink"

	"myrunc/internal/trace"
)

func netLinkExists(name string) (netlink.Link, error) { return netlink.LinkByName(name) }

// Attach plugs a created container (init pid) into its networks: the
// createRuntime hook. A failure undoes what it did, so the runtime's
// failed create leaves nothing of ours either.
func Attach(dataRoot, id string, pid int) error {
	s, err := Open(dataRoot)
	if err != nil {
		return err
	}
	defer s.Close()
	trace.Mark("network: store locked")
	c, err := s.LoadContainer(id)
	if err != nil {
		return fmt.Errorf("network attach: %w (was it prepared with `myrunc network attach-bundle`?)", err)
	}
	if c.Pid != 0 {
		s.detach(c) // a restart after a crash: what is left of the old run goes
	}
	c.Pid, c.PidStart = pid, processStart(pid)
	if c.Mode != DriverBridge {
		return s.SaveContainer(c)
	}
	nsPath := "/proc/" + strconv.Itoa(pid) + "/ns/net"
	if err := s.plugAll(c, nsPath); err != nil {
		s.detach(c)
		return err
	}
	trace.Mark("network: plugged")
	if err := s.SaveContainer(c); err != nil {
		s.detach(c)
		return err
	}
	err = s.refreshHosts(c)
	trace.Mark("network: hosts files")
	return err
}

func (s *Store) plugAll(c *Container, nsPath string) error {
	for i := range c.Endpoints {
		if err := s.plugOne(c, &c.Endpoints[i], nsPath, i == 0); err != nil {
			return err
		}
	}
	if len(c.Ports) == 0 || len(c.Endpoints) == 0 {
		return nil
	}
	fw, err := newFirewall()
	if err != nil {
		return err
	}
	for _, r := range portRules(c.ID, c.Endpoints[0].IP, c.Ports) {
		fw.add(r)
	}
	err = fw.flush("publish ports of " + c.Name)
	trace.Mark("network: ports published")
	return err
}

// plugOne (re)takes the endpoint's address and plugs it.
func (s *Store) plugOne(c *Container, ep *Endpoint, nsPath string, first bool) error {
	had := ep.IP
	if err := s.allocate(ep.Network, c.ID, ep); err != nil {
		return err
	}
	n, _, err := s.LoadNetwork(ep.Network)
	if err != nil {
		return err
	}
	trace.Mark("network: address " + ep.IP.String())
	if err := networkUpIfDown(n); err != nil {
		return err
	}
	trace.Mark("network: bridge up")
	if had != ep.IP { // its own hosts line names the new address
		if err := s.writeFiles(c, nil); err != nil {
			return err
		}
	}
	return plug(nsPath, n, ep, first)
}

// Detach unplugs a container: the poststop hook. It succeeds when the
// container was never attached or is already detached.
func Detach(dataRoot, id string) error {
	return withContainer(dataRoot, id, func(s *Store, c *Container) error {
		err := s.detach(c)
		return errors.Join(err, s.SaveContainer(c), s.refreshHosts(c))
	})
}

// detach removes c's rules and veths and frees its dynamic addresses
// (kept in the record as the one to ask for again); idempotent.
func (s *Store) detach(c *Container) error {
	// the rules and the links go at once: each waits on the kernel
	// (an nft commit, a device's unregistering)
	var portsErr error
	var wg sync.WaitGroup
	if len(c.Ports) > 0 {
		wg.Go(func() {
			fw, err := newFirewall()
			if err == nil {
				err = errors.Join(fw.deleteTagged(tableName, chainPorts, tagPrefixCtr+c.ID), fw.flush("unpublish ports of "+c.Name))
			}
			portsErr = err
			trace.Mark("network: ports unpublished")
		})
	}
	var errs []error
	for _, ep := range c.Endpoints {
		errs = append(errs, deleteLink(ep.HostVeth))
	}
	trace.Mark("network: veths deleted")
	wg.Wait()
	errs = append(errs, portsErr)
	s.freeAddresses(c, false)
	c.Pid, c.PidStart = 0, 0
	return errors.Join(errs...)
}

// refreshHosts rewrites the hosts files of c and of every running
// container that shares a user network with it: names appear when a
// container attaches and go when it detaches.
func (s *Store) refreshHosts(c *Container) error {
	nets := userNetworks(c)
	if len(nets) == 0 {
		return nil
	}
	all, err := s.Containers()
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range all {
		if o.ID == c.ID || (o.Pid != 0 && sharesAny(userNetworks(o), nets)) {
			errs = append(errs, s.writeHosts(o, all))
		}
	}
	return errors.Join(errs...)
}

func userNetworks(c *Container) []string {
	var out []string
	for _, ep := range c.Endpoints {
		if ep.Network != DefaultBridge {
			out = append(out, ep.Network)
		}
	}
	return out
}

func sharesAny(a, b []string) bool {
	return slices.ContainsFunc(a, func(x string) bool { return slices.Contains(b, x) })
}

// writeFiles writes c's hosts, hostname and resolv.conf (not for a
// container that shares another's); all is every record, nil to read them.
func (s *Store) writeFiles(c *Container, all []*Container) error {
	if c.Mode == "container" {
		return nil
	}
	dir := s.filesDir(c.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeInPlace(dir+"/hostname", []byte(c.Hostname+"\n")); err != nil {
		return err
	}
	hostResolv, _ := os.ReadFile(resolvConfPath)
	rc := resolvConf(hostResolv, c.DNS)
	if c.Mode == NetworkHost && len(c.DNS) == 0 {
		rc = hostResolv // the host's resolvers, loopback ones too, are reachable
	}
	if err := writeInPlace(dir+"/resolv.conf", rc); err != nil {
		return err
	}
	if all == nil && len(userNetworks(c)) > 0 {
		var err error
		if all, err = s.Containers(); err != nil {
			return err
		}
	}
	return s.writeHosts(c, all)
}

// resolvConfPath is the host's resolver configuration (a var for tests).
var resolvConfPath = "/etc/resolv.conf"

func (s *Store) writeHosts(c *Container, all []*Container) error {
	if c.Mode == NetworkHost {
		host, _ := os.ReadFile("/etc/hosts")
		return writeInPlace(s.filesDir(c.ID)+"/hosts", host)
	}
	var self []hostsLine
	for _, ep := range c.Endpoints {
		if ep.IP.IsValid() {
			self = append(self, hostsLine{IP: ep.IP, Names: []string{c.Hostname}})
		}
	}
	return writeInPlace(s.filesDir(c.ID)+"/hosts", hostsFile(c.AddHosts, self, peerLines(c, all)))
}

// peerLines: the running containers on c's user networks, by name and alias.
func peerLines(c *Container, all []*Container) []hostsLine {
	var out []hostsLine
	for _, net := range userNetworks(c) {
		for _, o := range all {
			if o.ID == c.ID || o.Pid == 0 || !processAlive(o.Pid, o.PidStart) {
				continue
			}
			for _, ep := range o.Endpoints {
				if ep.Network == net && ep.IP.IsValid() {
					names := append([]string{o.Name}, ep.Aliases...)
					out = append(out, hostsLine{IP: ep.IP, Names: names})
				}
			}
		}
	}
	return out
}

// processStart is the process's start time (field 22 of stat): with the
// pid it names a process across pid reuse.
func processStart(pid int) uint64 {
	st, _ := processStat(pid)
	return st
}

// processStat is the start time and the state letter of a process.
func processStat(pid int) (uint64, string) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, ""
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, ""
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, ""
	}
	v, _ := strconv.ParseUint(f[19], 10, 64)
	return v, f[0]
}

// processAlive: pid is the process that started at start, not a zombie.
func processAlive(pid int, start uint64) bool {
	st, state := processStat(pid)
	return st != 0 && state != "Z" && state != "X" && (start == 0 || st == start)
}
