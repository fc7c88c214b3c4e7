package network

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Inspected is a network as `docker network inspect` prints it.
type Inspected struct {
	Name       string                       `json:"Name"`
	ID         string                       `json:"Id"`
	Created    time.Time                    `json:"Created"`
	Scope      string                       `json:"Scope"`
	Driver     string                       `json:"Driver"`
	EnableIPv6 bool                         `json:"EnableIPv6"`
	IPAM       InspectedIPAM                `json:"IPAM"`
	Internal   bool                         `json:"Internal"`
	Attachable bool                         `json:"Attachable"`
	Ingress    bool                         `json:"Ingress"`
	ConfigOnly bool                         `json:"ConfigOnly"`
	Containers map[string]InspectedEndpoint `json:"Containers"`
	Options    map[string]string            `json:"Options"`
	Labels     map[string]string            `json:"Labels"`
}

type InspectedIPAM struct {
	Driver  string            `json:"Driver"`
	Options map[string]string `json:"Options"`
	Config  []IPAMConfig      `json:"Config"`
}

type IPAMConfig struct {
	Subnet  string `json:"Subnet"`
	IPRange string `json:"IPRange,omitempty"`
	Gateway string `json:"Gateway,omitempty"`
}

type InspectedEndpoint struct {
	Name        string `json:"Name"`
	EndpointID  string `json:"EndpointID"`
	MacAddress  string `json:"MacAddress"`
	IPv4Address string `json:"IPv4Address"`
	IPv6Address string `json:"IPv6Address"`
}

// List is every network: the predefined ones first, then by name.
func List(dataRoot string) ([]Inspected, error) {
	s, names, err := openNetworks(dataRoot)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	out := []Inspected{s.inspectDefault()}
	out = append(out, predefined(NetworkHost, "host"), predefined(NetworkNone, "null"))
	for _, name := range names {
		if name == DefaultBridge {
			continue
		}
		if in, err := s.inspect(name); err == nil {
			out = append(out, in)
		}
	}
	return out, nil
}

// Inspect finds one network by name, full ID or ID prefix.
func Inspect(dataRoot, ref string) (Inspected, error) {
	all, err := List(dataRoot)
	if err != nil {
		return Inspected{}, err
	}
	var found []Inspected
	for _, n := range all {
		if n.Name == ref || n.ID == ref {
			return n, nil
		}
		if len(ref) >= 1 && len(ref) <= len(n.ID) && n.ID[:len(ref)] == ref {
			found = append(found, n)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) > 1 {
		return Inspected{}, fmt.Errorf("network %s is ambiguous (%d matches found)", ref, len(found))
	}
	return Inspected{}, fmt.Errorf("network %s not found", ref)
}

func predefined(name, driver string) Inspected {
	sum := sha256.Sum256([]byte("myrunc predefined network " + name))
	return Inspected{Name: name, ID: hex.EncodeToString(sum[:]), Scope: "local", Driver: driver,
		IPAM:       InspectedIPAM{Driver: "default", Options: map[string]string{}, Config: []IPAMConfig{}},
		Containers: map[string]InspectedEndpoint{}, Options: map[string]string{}, Labels: map[string]string{}}
}

func (s *Store) inspectDefault() Inspected {
	if in, err := s.inspect(DefaultBridge); err == nil {
		return in
	}
	return predefined(DefaultBridge, DriverBridge) // not used yet: no subnet chosen
}

func (s *Store) inspect(name string) (Inspected, error) {
	n, pool, err := s.LoadNetwork(name)
	if err != nil {
		return Inspected{}, err
	}
	in := predefined(name, n.Driver)
	in.ID, in.Created, in.Internal = n.ID, n.Created, n.Internal
	cfg := IPAMConfig{Subnet: n.Subnet.String(), Gateway: n.Gateway.String()}
	if n.IPRange.IsValid() {
		cfg.IPRange = n.IPRange.String()
	}
	in.IPAM.Config = []IPAMConfig{cfg}
	for k, v := range n.Options {
		in.Options[k] = v
	}
	in.Options[optBridgeName] = n.Bridge
	for k, v := range n.Labels {
		in.Labels[k] = v
	}
	ctrs, err := s.Containers()
	if err != nil {
		return in, err
	}
	for _, c := range ctrs {
		for _, ep := range c.Endpoints {
			if ep.Network != name {
				continue
			}
			e := InspectedEndpoint{Name: c.Name, EndpointID: endpointID(c.ID, name), MacAddress: ep.MAC}
			if ep.IP.IsValid() && pool.Owner(ep.IP) == c.ID { // else it is detached: the address is free
				e.IPv4Address = fmt.Sprintf("%v/%d", ep.IP, n.Subnet.Bits())
			}
			in.Containers[c.ID] = e
		}
	}
	return in, nil
}

func endpointID(id, network string) string {
	sum := sha256.Sum256([]byte(id + "\x00" + network))
	return hex.EncodeToString(sum[:])
}

// Lookup is a prepared container's record (its endpoints with their
// addresses, its published ports) for the engine's inspect and port.
func Lookup(dataRoot, id string) (c *Container, err error) {
	err = withNamedContainer(dataRoot, id, func(_ *Store, found *Container) error {
		c = found
		return nil
	})
	return c, err
}
