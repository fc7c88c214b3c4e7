package network

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"myrunc/internal/trace"
)

func ipNet(a netip.Addr, bits int) *net.IPNet {
	return &net.IPNet{IP: a.AsSlice(), Mask: net.CIDRMask(bits, 32)}
}

func isNotFound(err error) bool {
	var lnf netlink.LinkNotFoundError
	return errors.As(err, &lnf) || errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENOENT)
}

// routeCollision names a host route or address that overlaps subnet,
// other than our own bridge's (a re-created bridge finds its own route).
func routeCollision(subnet netip.Prefix, ownBridge string) error {
	routes, err := netlink.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
	if err != nil {
		return fmt.Errorf("list routes: %w", err)
	}
	for _, r := range routes {
		if r.Dst == nil || r.Type != unix.RTN_UNICAST {
			continue
		}
		ones, _ := r.Dst.Mask.Size()
		if ones == 0 {
			continue // the default route overlaps everything
		}
		a, _ := netip.AddrFromSlice(r.Dst.IP.To4())
		p := netip.PrefixFrom(a, ones)
		if !p.Overlaps(subnet) {
			continue
		}
		dev := ""
		if l, err := netlink.LinkByIndex(r.LinkIndex); err == nil {
			dev = l.Attrs().Name
		}
		if dev == ownBridge && ownBridge != "" {
			continue
		}
		return fmt.Errorf("subnet %v overlaps the host's route to %v dev %s", subnet, p, dev)
	}
	return nil
}

// ensureBridge makes the network's bridge with the gateway address, up,
// and lets 127.0.0.1 be DNATed out of it (route_localnet).
func ensureBridge(n *Network) (created bool, err error) {
	if l, err := netlink.LinkByName(n.Bridge); err == nil {
		if _, ok := l.(*netlink.Bridge); !ok {
			return false, fmt.Errorf("bridge %s: a %s link of that name exists", n.Bridge, l.Type())
		}
		return false, nil
	}
	if err := routeCollision(n.Subnet, ""); err != nil {
		return false, err
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: n.Bridge, MTU: 1500, TxQLen: -1}}
	if err := netlink.LinkAdd(br); err != nil {
		return false, fmt.Errorf("create bridge %s: %w", n.Bridge, err)
	}
	defer func() {
		if err != nil {
			netlink.LinkDel(br)
		}
	}()
	if n.Gateway.IsValid() {
		addr := &netlink.Addr{IPNet: ipNet(n.Gateway, n.Subnet.Bits())}
		if err := netlink.AddrAdd(br, addr); err != nil {
			return false, fmt.Errorf("bridge %s: address %v: %w", n.Bridge, n.Gateway, err)
		}
	}
	if err := os.WriteFile("/proc/sys/net/ipv4/conf/"+n.Bridge+"/route_localnet", []byte("1"), 0); err != nil {
		return false, fmt.Errorf("bridge %s: route_localnet: %w", n.Bridge, err)
	}
	if err := netlink.LinkSetUp(br); err != nil {
		return false, fmt.Errorf("bridge %s: up: %w", n.Bridge, err)
	}
	return true, enableForwarding()
}

// enableForwarding turns on IPv4 forwarding, as Docker does: a bridge
// network cannot reach out without it.
func enableForwarding() error {
	const p = "/proc/sys/net/ipv4/ip_forward"
	if b, err := os.ReadFile(p); err == nil && len(b) > 0 && b[0] == '1' {
		return nil
	}
	if err := os.WriteFile(p, []byte("1"), 0); err != nil {
		return fmt.Errorf("enable ip_forward: %w", err)
	}
	return nil
}

// plug makes a veth pair: the host's end on the bridge and up, the
// other end created straight inside the container's netns as ifName
// with its address, up, and (for the first network) the default route.
func plug(nsPath string, n *Network, ep *Endpoint, defaultRoute bool) (err error) {
	br, err := netlink.LinkByName(n.Bridge)
	if err != nil {
		return fmt.Errorf("network %s: bridge %s: %w", n.Name, n.Bridge, err)
	}
	ns, err := netns.GetFromPath(nsPath)
	if err != nil {
		return fmt.Errorf("container netns %s: %w", nsPath, err)
	}
	defer ns.Close()
	mac, _ := net.ParseMAC(ep.MAC)
	veth := &netlink.Veth{
		LinkAttrs: netlink.LinkAttrs{Name: ep.HostVeth, MasterIndex: br.Attrs().Index, Flags: net.FlagUp, MTU: br.Attrs().MTU, TxQLen: -1},
		PeerName:  ep.IfName, PeerNamespace: netlink.NsFd(int(ns)), PeerHardwareAddr: mac,
	}
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("create veth %s: %w", ep.HostVeth, err)
	}
	trace.Mark("network: veth " + ep.HostVeth)
	defer func() {
		if err != nil {
			deleteLink(ep.HostVeth)
		}
	}()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return fmt.Errorf("netlink in %s: %w", nsPath, err)
	}
	defer h.Close()
	peer, err := h.LinkByName(ep.IfName)
	if err != nil {
		return fmt.Errorf("container end %s: %w", ep.IfName, err)
	}
	if err := h.AddrAdd(peer, &netlink.Addr{IPNet: ipNet(ep.IP, n.Subnet.Bits())}); err != nil {
		return fmt.Errorf("container end %s: address %v: %w", ep.IfName, ep.IP, err)
	}
	if err := h.LinkSetUp(peer); err != nil {
		return fmt.Errorf("container end %s: up: %w", ep.IfName, err)
	}
	if defaultRoute && !n.Internal && n.Gateway.IsValid() {
		rt := &netlink.Route{LinkIndex: peer.Attrs().Index, Gw: n.Gateway.AsSlice()}
		if err := h.RouteAdd(rt); err != nil {
			return fmt.Errorf("container default route via %v: %w", n.Gateway, err)
		}
	}
	trace.Mark("network: container end configured")
	return nil
}
