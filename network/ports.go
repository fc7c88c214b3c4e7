package network

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ParsePort reads one -p: [IP:][HOST:]CTR[/tcp|udp] (HOST empty or absent: any free port).
func ParsePort(s string) (PortSpec, error) {
	var p PortSpec
	rest, proto, ok := strings.Cut(s, "/")
	p.Proto = "tcp"
	if ok {
		if proto != "tcp" && proto != "udp" {
			return p, fmt.Errorf("invalid port %q: protocol %q is not tcp or udp", s, proto)
		}
		p.Proto = proto
	}
	parts := strings.Split(rest, ":")
	if len(parts) > 3 {
		return p, fmt.Errorf("invalid port %q: want [IP:]HOST:CTR[/PROTO]", s)
	}
	if len(parts) == 3 {
		ip, err := netip.ParseAddr(strings.Trim(parts[0], "[]"))
		if err != nil || !ip.Is4() {
			return p, fmt.Errorf("invalid port %q: %q is not an IPv4 address", s, parts[0])
		}
		p.HostIP = ip
		parts = parts[1:]
	}
	ctr, err := portNumber(parts[len(parts)-1])
	if err != nil || ctr == 0 {
		return p, fmt.Errorf("invalid port %q: container port %q", s, parts[len(parts)-1])
	}
	p.ContainerPort = ctr
	if len(parts) == 2 && parts[0] != "" {
		if p.HostPort, err = portNumber(parts[0]); err != nil || p.HostPort == 0 {
			return p, fmt.Errorf("invalid port %q: host port %q", s, parts[0])
		}
	}
	return p, nil
}

func portNumber(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	return uint16(n), err
}

func (p PortMapping) String() string {
	ip := "0.0.0.0"
	if p.HostIP.IsValid() {
		ip = p.HostIP.String()
	}
	return fmt.Sprintf("%s:%d->%d/%s", ip, p.HostPort, p.ContainerPort, p.Proto)
}

// reservePorts resolves the host ports of req (PublishAll adds the
// exposed ones on free ports) and refuses one that another container of
// ours publishes or that a socket on the host holds, before anything starts.
func (s *Store) reservePorts(id string, req Request) ([]PortMapping, error) {
	specs := append([]PortSpec(nil), req.Ports...)
	if req.PublishAll {
		for _, e := range req.Exposed {
			e.HostIP, e.HostPort = netip.Addr{}, 0
			specs = append(specs, e)
		}
	}
	if len(specs) == 0 {
		return nil, nil
	}
	others, err := s.Containers()
	if err != nil {
		return nil, err
	}
	var out []PortMapping
	for _, sp := range specs {
		m := PortMapping{HostIP: sp.HostIP, HostPort: sp.HostPort, ContainerPort: sp.ContainerPort, Proto: sp.Proto}
		if m.Proto == "" {
			m.Proto = "tcp"
		}
		taken := func(m PortMapping) bool {
			for _, c := range others {
				if c.ID != id && hasPort(c.Ports, m) {
					return true
				}
			}
			return hasPort(out, m)
		}
		if m.HostPort == 0 {
			port, err := freePort(m)
			for tries := 0; err == nil && taken(PortMapping{HostIP: m.HostIP, HostPort: port, Proto: m.Proto}) && tries < 50; tries++ {
				port, err = freePort(m)
			}
			if err != nil {
				return nil, err
			}
			m.HostPort = port
		} else {
			if taken(m) {
				return nil, fmt.Errorf("Bind for %s:%d failed: port is already allocated", addrOrAny(m.HostIP), m.HostPort)
			}
			if err := probePort(m); err != nil {
				return nil, err
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func hasPort(list []PortMapping, m PortMapping) bool {
	for _, p := range list {
		if p.Proto == m.Proto && p.HostPort == m.HostPort &&
			(!p.HostIP.IsValid() || !m.HostIP.IsValid() || p.HostIP.IsUnspecified() || m.HostIP.IsUnspecified() || p.HostIP == m.HostIP) {
			return true
		}
	}
	return false
}

func addrOrAny(a netip.Addr) string {
	if a.IsValid() {
		return a.String()
	}
	return "0.0.0.0"
}

// probePort binds the host port for a moment: a port a host process
// holds is an error now, not a silent shadowing later.
func probePort(m PortMapping) error {
	addr := net.JoinHostPort(addrOrAny(m.HostIP), strconv.Itoa(int(m.HostPort)))
	if m.Proto == "udp" {
		c, err := net.ListenPacket("udp4", addr)
		if err != nil {
			return fmt.Errorf("failed to bind host port %s/udp: %w", addr, unwrapSyscall(err))
		}
		return c.Close()
	}
	l, err := net.Listen("tcp4", addr)
	if err != nil {
		return fmt.Errorf("failed to bind host port %s/tcp: %w", addr, unwrapSyscall(err))
	}
	return l.Close()
}

// freePort asks the kernel for a free port of the protocol.
func freePort(m PortMapping) (uint16, error) {
	addr := net.JoinHostPort(addrOrAny(m.HostIP), "0")
	if m.Proto == "udp" {
		c, err := net.ListenPacket("udp4", addr)
		if err != nil {
			return 0, fmt.Errorf("no free udp port: %w", err)
		}
		defer c.Close()
		return uint16(c.LocalAddr().(*net.UDPAddr).Port), nil
	}
	l, err := net.Listen("tcp4", addr)
	if err != nil {
		return 0, fmt.Errorf("no free tcp port: %w", err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port), nil
}

func unwrapSyscall(err error) error {
	if oe, ok := err.(*net.OpError); ok && oe.Err != nil {
		if se, ok := oe.Err.(interface{ Unwrap() error }); ok && se.Unwrap() != nil {
			return se.Unwrap()
		}
		return oe.Err
	}
	return err
}
