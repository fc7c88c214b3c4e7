package libcontainer

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// netDev is one linux.netDevices entry: a device of the runtime's network
// namespace that create moves into the container's (runtime-spec 1.3).
type netDev struct {
	hostName string
	newName  string // name in the container; a "%d" template is filled in by the kernel
	index    int    // in the container's namespace, once moved
	addrs    []netlink.Addr
	wasUp    bool
}

func netDevField(host string) string { return "linux.netDevices[" + strconv.Quote(host) + "]" }

// planNetDevices finds every device to move, before anything is made, so a
// missing one fails create with nothing to undo. The spec asks to keep the
// permanent addresses of global scope: the kernel drops all addresses when
// a device changes namespace, so they are noted here and added back.
func planNetDevices(devs map[string]specs.LinuxNetDevice) ([]*netDev, error) {
	hosts := make([]string, 0, len(devs))
	for h := range devs {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	plan := make([]*netDev, 0, len(hosts))
	for _, h := range hosts {
		link, err := netlink.LinkByName(h)
		if err != nil {
			var notFound netlink.LinkNotFoundError
			if errors.As(err, &notFound) {
				return nil, fmt.Errorf("%s: no network device %q in the runtime's network namespace", netDevField(h), h)
			}
			return nil, fmt.Errorf("%s: %w", netDevField(h), err)
		}
		addrs, err := netlink.AddrList(link, netlink.FAMILY_ALL)
		if err != nil {
			return nil, fmt.Errorf("%s: list addresses: %w", netDevField(h), err)
		}
		d := &netDev{hostName: h, newName: devs[h].Name, wasUp: link.Attrs().Flags&net.FlagUp != 0}
		if d.newName == "" {
			d.newName = h
		}
		for _, a := range addrs {
			if a.Flags&unix.IFA_F_PERMANENT != 0 && a.Scope == unix.RT_SCOPE_UNIVERSE {
				d.addrs = append(d.addrs, portableAddr(a))
			}
		}
		plan = append(plan, d)
	}
	return plan, nil
}

// portableAddr keeps what defines an address, not what ties it to its old
// device: a label must start with the device's name, which may change.
func portableAddr(a netlink.Addr) netlink.Addr {
	return netlink.Addr{IPNet: a.IPNet, Peer: a.Peer, Broadcast: a.Broadcast, Scope: a.Scope}
}

// moveNetDevices moves the planned devices into the network namespace of
// pid, renames them, adds their addresses back and sets them up. It
// returns the devices it moved, also on failure, for rollback.
func moveNetDevices(plan []*netDev, pid int) ([]*netDev, error) {
	if len(plan) == 0 {
		return nil, nil
	}
	target, err := netns.GetFromPath("/proc/" + strconv.Itoa(pid) + "/ns/net")
	if err != nil {
		return nil, fmt.Errorf("linux.netDevices: open the container's network namespace: %w", err)
	}
	defer target.Close()
	inside, err := netlink.NewHandleAt(target)
	if err != nil {
		return nil, fmt.Errorf("linux.netDevices: netlink in the container's network namespace: %w", err)
	}
	defer inside.Close()
	var moved []*netDev
	for _, d := range plan {
		link, err := netlink.LinkByName(d.hostName)
		if err == nil {
			d.index = link.Attrs().Index
			err = netlink.LinkSetNsFd(link, int(target))
		}
		if err != nil {
			return moved, fmt.Errorf("%s: move into the container's network namespace: %w", netDevField(d.hostName), err)
		}
		moved = append(moved, d)
		if err := d.setUpInside(inside); err != nil {
			return moved, fmt.Errorf("%s: %w", netDevField(d.hostName), err)
		}
	}
	return moved, nil
}

// setUpInside renames the device just moved in, adds its addresses and
// sets it up, as the spec asks.
func (d *netDev) setUpInside(h *netlink.Handle) error {
	link, err := d.findInside(h)
	if err != nil {
		return err
	}
	if d.newName != d.hostName {
		if err := h.LinkSetName(link, d.newName); err != nil {
			return fmt.Errorf("rename to %q in the container: %w", d.newName, err)
		}
	}
	for _, a := range d.addrs {
		if err := h.AddrAdd(link, &a); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("add address %s in the container: %w", a.IPNet, err)
		}
	}
	if err := h.LinkSetUp(link); err != nil {
		return fmt.Errorf("set up in the container: %w", err)
	}
	return nil
}

// findInside finds the moved device: the kernel keeps its index unless the
// namespace has that index taken, and its name until renamed.
func (d *netDev) findInside(h *netlink.Handle) (netlink.Link, error) {
	if link, err := h.LinkByIndex(d.index); err == nil && link.Attrs().Name == d.hostName {
		return link, nil
	}
	link, err := h.LinkByName(d.hostName)
	if err != nil {
		return nil, fmt.Errorf("find it in the container after the move: %w", err)
	}
	d.index = link.Attrs().Index
	return link, nil
}

// returnNetDevices gives the devices of a failed create back to the
// runtime's network namespace under their own names, with their addresses
// and state. The spec forbids this at delete (the namespace's owner
// decides then), but a create that failed must leave the host as it was.
// Devices already gone with the namespace (the init died) are skipped.
func returnNetDevices(moved []*netDev, pid int) {
	if len(moved) == 0 {
		return
	}
	target, err := netns.GetFromPath("/proc/" + strconv.Itoa(pid) + "/ns/net")
	if err != nil {
		return
	}
	defer target.Close()
	inside, err := netlink.NewHandleAt(target)
	if err != nil {
		return
	}
	defer inside.Close()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return
	}
	defer self.Close()
	for _, d := range moved {
		link, err := inside.LinkByIndex(d.index)
		if err != nil {
			continue
		}
		inside.LinkSetDown(link)
		if link.Attrs().Name != d.hostName {
			inside.LinkSetName(link, d.hostName)
		}
		if inside.LinkSetNsFd(link, int(self.Fd())) != nil {
			continue
		}
		if back, err := netlink.LinkByName(d.hostName); err == nil {
			for _, a := range d.addrs {
				netlink.AddrAdd(back, &a)
			}
			if d.wasUp {
				netlink.LinkSetUp(back)
			}
		}
	}
}
