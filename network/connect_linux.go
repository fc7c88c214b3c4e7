package network

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Connect adds a network to a prepared container; a running one is
// plugged in at once (no default route: it keeps its first network's).
func Connect(dataRoot, netName, id string, req NetworkRequest) error {
	return withNamedContainer(dataRoot, id, func(s *Store, c *Container) error {
		return s.connect(c, netName, req)
	})
}

func (s *Store) connect(c *Container, netName string, req NetworkRequest) error {
	if c.Mode != DriverBridge {
		return fmt.Errorf("container %s uses network %s: it cannot be connected to others", c.Name, c.Mode)
	}
	if slices.ContainsFunc(c.Endpoints, func(e Endpoint) bool { return e.Network == netName }) {
		return fmt.Errorf("endpoint with name %s already exists in network %s", c.Name, netName)
	}
	n, _, err := s.loadOrDefault(netName)
	if err != nil {
		return err
	}
	if n.IsDefault() && (req.IP.IsValid() || len(req.Aliases) > 0) {
		return errors.New("user specified IP address and network-scoped aliases are supported on user defined networks only")
	}
	ep := Endpoint{Network: n.Name, IP: req.IP, Fixed: req.IP.IsValid(), Aliases: req.Aliases,
		IfName: nextIfName(c), HostVeth: vethName(c.ID, n.Name)}
	if err := s.allocate(n.Name, c.ID, &ep); err != nil {
		return err
	}
	running := c.Pid != 0 && processAlive(c.Pid, c.PidStart)
	if running {
		if err := networkUpIfDown(n); err == nil {
			err = plug("/proc/"+strconv.Itoa(c.Pid)+"/ns/net", n, &ep, len(c.Endpoints) == 0)
		}
		if err != nil {
			s.freeAddresses(&Container{ID: c.ID, Endpoints: []Endpoint{ep}}, true)
			return err
		}
	} else {
		s.freeAddresses(&Container{ID: c.ID, Endpoints: []Endpoint{ep}}, false) // taken again at attach
	}
	c.Endpoints = append(c.Endpoints, ep)
	if err := s.SaveContainer(c); err != nil {
		return err
	}
	return errors.Join(s.writeFiles(c, nil), s.refreshHosts(c))
}

func nextIfName(c *Container) string {
	for i := 0; ; i++ {
		name := fmt.Sprintf("eth%d", i)
		if !slices.ContainsFunc(c.Endpoints, func(e Endpoint) bool { return e.IfName == name }) {
			return name
		}
	}
}

// Disconnect takes a container off a network (unplugging it if running).
func Disconnect(dataRoot, netName, id string) error {
	return withNamedContainer(dataRoot, id, func(s *Store, c *Container) error {
		return s.disconnect(c, netName)
	})
}

func (s *Store) disconnect(c *Container, netName string) error {
	i := slices.IndexFunc(c.Endpoints, func(e Endpoint) bool { return e.Network == netName })
	if i < 0 {
		return fmt.Errorf("container %s is not connected to network %s", c.Name, netName)
	}
	ep := c.Endpoints[i]
	err := deleteLink(ep.HostVeth)
	s.freeAddresses(&Container{ID: c.ID, Endpoints: []Endpoint{ep}}, true)
	c.Endpoints = slices.Delete(c.Endpoints, i, i+1)
	// its old peers lose its name: refresh as if it were still there, detached
	gone := &Container{ID: c.ID, Name: c.Name, Endpoints: []Endpoint{ep}}
	return errors.Join(err, s.SaveContainer(c), s.writeFiles(c, nil), s.refreshHosts(gone), s.refreshHosts(c))
}

// containerByName finds a record by ID or name.
func (s *Store) containerByName(ref string) (*Container, error) {
	if c, err := s.LoadContainer(ref); err == nil {
		return c, nil
	}
	all, err := s.Containers()
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.Name == ref {
			return c, nil
		}
	}
	return nil, fmt.Errorf("container %s has no networks of ours (not prepared by myrunc)", ref)
}
