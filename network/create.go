package network

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/google/nftables"

	"myrunc/network/ipam"
)

// CreateOpts are `network create`'s flags.
type CreateOpts struct {
	Driver   string
	Subnet   netip.Prefix
	Gateway  netip.Addr
	IPRange  netip.Prefix
	Internal bool
	Options  map[string]string
	Labels   map[string]string
}

const optBridgeName = "com.docker.network.bridge.name"

// defaultBridgeName is the default network's bridge (not docker0: Docker
// may run on the same host).
const defaultBridgeName = "myrunc0"

func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Create makes a bridge network: its record, pool, bridge and rules.
func Create(dataRoot, name string, o CreateOpts) (*Network, error) {
	if err := ValidName("network", name); err != nil {
		return nil, err
	}
	if name == DefaultBridge || name == NetworkHost || name == NetworkNone {
		return nil, fmt.Errorf("network %s is a pre-defined network and cannot be created", name)
	}
	if o.Driver != "" && o.Driver != DriverBridge {
		return nil, fmt.Errorf("driver %q is not supported (only bridge)", o.Driver)
	}
	s, err := Open(dataRoot)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if _, _, err := s.LoadNetwork(name); err == nil {
		return nil, fmt.Errorf("network with name %s already exists", name)
	}
	n := &Network{Name: name, ID: newID(), Driver: DriverBridge, Internal: o.Internal,
		Options: o.Options, Labels: o.Labels, Created: time.Now().UTC()}
	n.Bridge = "mr-" + n.ID[:12]
	if br, ok := o.Options[optBridgeName]; ok {
		n.Bridge = br
	}
	pool, err := s.definePool(n, o.Subnet, o.Gateway, o.IPRange)
	if err != nil {
		return nil, err
	}
	if _, err := netLinkExists(n.Bridge); err == nil {
		// not ours: taking it over would delete it on rm
		return nil, fmt.Errorf("bridge name %s: a network interface of that name exists already", n.Bridge)
	}
	// the record first: a create killed while the bridge and rules go up
	// leaves a network that rm and prune know of and can take down
	if err := s.SaveNetwork(n, pool); err != nil {
		return nil, err
	}
	if err := networkUp(n); err != nil {
		s.deleteNetwork(name)
		return nil, err
	}
	return n, nil
}

// definePool checks the bridge name and picks or checks the subnet
// against our networks and the host's routes.
func (s *Store) definePool(n *Network, subnet netip.Prefix, gw netip.Addr, rng netip.Prefix) (*ipam.Pool, error) {
	if len(n.Bridge) > 15 || ValidName("bridge", n.Bridge) != nil || strings.ContainsAny(n.Bridge, "/:") {
		return nil, fmt.Errorf("invalid bridge name %q: at most 15 of [a-zA-Z0-9_.-]", n.Bridge)
	}
	others, err := s.networks()
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		if o.Bridge == n.Bridge {
			return nil, fmt.Errorf("bridge %s is already used by network %s", n.Bridge, o.Name)
		}
	}
	if !subnet.IsValid() {
		if gw.IsValid() || rng.IsValid() {
			return nil, errors.New("--gateway and --ip-range need --subnet")
		}
		if subnet, err = freeSubnet(others); err != nil {
			return nil, err
		}
	} else {
		for _, o := range others {
			if o.Subnet.Overlaps(subnet) {
				return nil, fmt.Errorf("subnet %v overlaps with network %s (%v)", subnet, o.Name, o.Subnet)
			}
		}
		if err := routeCollision(subnet, n.Bridge); err != nil {
			return nil, err
		}
	}
	if !gw.IsValid() {
		gw = subnet.Addr().Next()
	}
	pool, err := ipam.New(subnet, rng, gw)
	if err != nil {
		return nil, err
	}
	n.Subnet, n.Gateway, n.IPRange = subnet, gw, rng
	return pool, nil
}

// freeSubnet is the first of Docker's default pools (172.17-31.0.0/16,
// then 192.168.X.0/20) used by neither our networks nor a host route.
func freeSubnet(others []*Network) (netip.Prefix, error) {
	var cands []netip.Prefix
	for i := 17; i <= 31; i++ {
		cands = append(cands, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(i), 0, 0}), 16))
	}
	for i := 0; i < 256; i += 16 {
		cands = append(cands, netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(i), 0}), 20))
	}
next:
	for _, c := range cands {
		for _, o := range others {
			if o.Subnet.Overlaps(c) {
				continue next
			}
		}
		if routeCollision(c, "") == nil {
			return c, nil
		}
	}
	return netip.Prefix{}, errors.New("no free subnet left in the default address pools: give --subnet")
}

func (s *Store) networks() ([]*Network, error) {
	names, err := s.NetworkNames()
	if err != nil {
		return nil, err
	}
	var out []*Network
	for _, name := range names {
		n, _, err := s.LoadNetwork(name)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// defaultNetwork loads the default bridge network, defining it on first use.
func (s *Store) defaultNetwork() (*Network, *ipam.Pool, error) {
	n, pool, err := s.LoadNetwork(DefaultBridge)
	if !errors.As(err, new(ErrNotFound)) {
		return n, pool, err
	}
	n = &Network{Name: DefaultBridge, ID: newID(), Driver: DriverBridge, Bridge: defaultBridgeName, Created: time.Now().UTC()}
	if pool, err = s.definePool(n, netip.Prefix{}, netip.Addr{}, netip.Prefix{}); err != nil {
		return nil, nil, err
	}
	return n, pool, s.SaveNetwork(n, pool)
}

// networkUp makes the bridge and the network's rules (idempotent).
func networkUp(n *Network) (err error) {
	if _, err := ensureBridge(n); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			networkDown(n)
		}
	}()
	fw, err := newFirewall()
	if err != nil {
		return err
	}
	if err := fw.ensureTable(); err != nil {
		return err
	}
	if err := fw.deleteNetworkRules(n); err != nil {
		return err
	}
	if err := fw.c.SetAddElements(fw.bridgesSet(), []nftables.SetElement{{Key: ifnameData(n.Bridge, true)}}); err != nil {
		return err
	}
	for _, r := range networkRules(n) {
		fw.add(r)
	}
	if fw.hasChain(iptFilterTable, iptForward) {
		for _, r := range forwardAcceptRules(n) {
			fw.insert(r)
		}
	}
	if err := fw.flush("rules of network " + n.Name); err != nil {
		return err
	}
	if legacyForwardDrops() {
		slog.Warn(fmt.Sprintf("iptables-legacy's filter FORWARD policy is DROP here: containers of network %s cannot reach out "+
			"or be reached through published ports until that table accepts -i %s and -o %s (myrunc writes to nftables and iptables-nft only)",
			n.Name, n.Bridge, n.Bridge))
	}
	return nil
}

func (f *firewall) deleteNetworkRules(n *Network) error {
	tag := tagPrefixNet + n.Name
	for _, tc := range [][2]string{{tableName, chainFwd}, {tableName, chainPost}, {iptFilterTable, iptForward}} {
		if err := f.deleteTagged(tc[0], tc[1], tag); err != nil {
			return err
		}
	}
	return nil
}

// networkDown removes the network's rules and bridge, and our table once
// no bridge of ours is left in it. Best effort: it goes on past errors.
func networkDown(n *Network) error {
	var errs []error
	if fw, err := newFirewall(); err == nil {
		if _, err := fw.c.ListTableOfFamily(tableName, nftables.TableFamilyIPv4); err == nil {
			errs = append(errs, fw.deleteNetworkRules(n))
			set := fw.bridgesSet()
			// a down cut short (rm killed) may have taken the element
			// already, and deleting a missing one fails the whole flush
			if fw.bridgeInSet(n.Bridge) {
				errs = append(errs, fw.c.SetDeleteElements(set, []nftables.SetElement{{Key: ifnameData(n.Bridge, true)}}))
			}
			errs = append(errs, fw.flush("remove rules of network "+n.Name))
			if left, err := fw.c.GetSetElements(set); err == nil && len(left) == 0 {
				fw.c.DelTable(fw.table)
				errs = append(errs, fw.flush("remove table "+tableName))
			}
		} else {
			// no table of ours, but maybe our accepts in iptables' FORWARD
			errs = append(errs, fw.deleteTagged(iptFilterTable, iptForward, tagPrefixNet+n.Name), fw.flush("remove rules of network "+n.Name))
		}
	} else {
		errs = append(errs, err)
	}
	errs = append(errs, deleteLink(n.Bridge))
	return errors.Join(errs...)
}

// Remove deletes networks that no container uses.
func Remove(dataRoot string, names ...string) error {
	s, err := openReclaimed(dataRoot)
	if err != nil {
		return err
	}
	defer s.Close()
	var errs []error
	for _, name := range names {
		errs = append(errs, s.remove(name))
	}
	return errors.Join(errs...)
}

func (s *Store) remove(name string) error {
	if name == DefaultBridge || name == NetworkHost || name == NetworkNone {
		return fmt.Errorf("%s is a pre-defined network and cannot be removed", name)
	}
	n, _, err := s.LoadNetwork(name)
	if err != nil {
		return err
	}
	if users := s.users(name); len(users) > 0 {
		return fmt.Errorf("error while removing network: network %s id %s has active endpoints (%s)", name, n.ID[:12], strings.Join(users, ", "))
	}
	if err := networkDown(n); err != nil {
		return fmt.Errorf("network %s: %w", name, err)
	}
	return s.deleteNetwork(name)
}

// users are the containers with an endpoint on network name.
func (s *Store) users(name string) []string {
	ctrs, _ := s.Containers()
	var out []string
	for _, c := range ctrs {
		if slices.ContainsFunc(c.Endpoints, func(e Endpoint) bool { return e.Network == name }) {
			out = append(out, c.Name)
		}
	}
	return out
}

// Prune removes every user network no container uses, and says which.
func Prune(dataRoot string) ([]string, error) {
	s, names, err := openNetworks(dataRoot)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var gone []string
	var errs []error
	for _, name := range names {
		if name == DefaultBridge || len(s.users(name)) > 0 {
			continue
		}
		if err := s.remove(name); err != nil {
			errs = append(errs, err)
			continue
		}
		gone = append(gone, name)
	}
	if len(s.users(DefaultBridge)) == 0 {
		errs = append(errs, s.downUnusedDefault())
	}
	return gone, errors.Join(errs...)
}

// downUnusedDefault takes the default network's bridge and rules down
// when no container uses it, as the release of its last user does: a
// release or a prepare killed part-way leaves them up with no user, and
// no later release would take them down. The network's record stays.
func (s *Store) downUnusedDefault() error {
	n, _, err := s.LoadNetwork(DefaultBridge)
	if errors.As(err, new(ErrNotFound)) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := netLinkExists(n.Bridge); err != nil {
		return nil // down already (a down cut short removes the link last)
	}
	return networkDown(n)
}
