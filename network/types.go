// Package network gives containers their networks: bridges with a bitmap
// IPAM, veth pairs, NAT and published ports in our own nftables table,
// and per-container /etc/hosts, /etc/hostname and /etc/resolv.conf.
//
// The engine (or `myrunc network attach-bundle`) calls Prepare before a
// container is created: it reserves addresses and ports, writes the files
// and returns OCI hooks. The hooks run `myrunc network hook attach|detach`:
// createRuntime plugs the container's fresh network namespace into its
// networks, poststop unplugs it. So a prepared bundle works under runc and
// crun too. Release forgets the container. Every change of state happens
// under one file lock in <data-root>/network.
package network

import (
	"net/netip"
	"time"
)

// Drivers and the predefined networks.
const (
	DriverBridge  = "bridge"
	DefaultBridge = "bridge" // the default network, made on first use
	NetworkHost   = "host"
	NetworkNone   = "none"
)

// Network is a user-defined or the default bridge network.
type Network struct {
	Name     string            `json:"name"`
	ID       string            `json:"id"`
	Driver   string            `json:"driver"`
	Subnet   netip.Prefix      `json:"subnet"`
	Gateway  netip.Addr        `json:"gateway"`
	IPRange  netip.Prefix      `json:"ipRange,omitzero"`
	Internal bool              `json:"internal,omitempty"`
	Bridge   string            `json:"bridge"`
	Options  map[string]string `json:"options,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	Created  time.Time         `json:"created"`
}

// IsDefault: the predefined bridge network, whose bridge and rules exist
// only while a container uses it, and which resolves no names (as Docker's).
func (n *Network) IsDefault() bool { return n.Name == DefaultBridge }

// Container is what the store knows of one prepared container.
type Container struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Bundle    string        `json:"bundle,omitempty"` // its config.json holds our hooks while the container exists
	Mode      string        `json:"mode"`             // "bridge" (Endpoints), "none", "host" or "container"
	JoinedID  string        `json:"joinedId,omitempty"`
	Hostname  string        `json:"hostname"`
	AddHosts  []HostEntry   `json:"addHosts,omitempty"`
	DNS       []netip.Addr  `json:"dns,omitempty"`
	Endpoints []Endpoint    `json:"endpoints,omitempty"`
	Ports     []PortMapping `json:"ports,omitempty"`
	// set by attach, cleared by detach: a dead Pid means a crash
	Pid      int    `json:"pid,omitempty"`
	PidStart uint64 `json:"pidStart,omitempty"`
}

// Endpoint is the container's interface on one network.
type Endpoint struct {
	Network  string     `json:"network"`
	IP       netip.Addr `json:"ip,omitzero"` // zero while detached, unless Fixed
	Fixed    bool       `json:"fixed,omitempty"`
	MAC      string     `json:"mac,omitempty"`
	Aliases  []string   `json:"aliases,omitempty"`
	IfName   string     `json:"ifname"`   // in the container: eth0, eth1, ...
	HostVeth string     `json:"hostVeth"` // the host's end
}

// PortMapping is one published port, host port resolved.
type PortMapping struct {
	HostIP        netip.Addr `json:"hostIp,omitzero"` // zero: every local address
	HostPort      uint16     `json:"hostPort"`
	ContainerPort uint16     `json:"containerPort"`
	Proto         string     `json:"proto"` // tcp or udp
}

// HostEntry is one --add-host.
type HostEntry struct {
	Name string     `json:"name"`
	IP   netip.Addr `json:"ip"`
}

// Request is what a container asks for (container run's flags).
type Request struct {
	ContainerID string
	Name        string // resolvable by peers; defaults to ContainerID
	Bundle      string // bundle directory whose config.json will carry the hooks
	// Network is bridge (default), none, host, container:NAME or a network
	// name; Networks adds more (connect at create time).
	Networks []NetworkRequest
	// JoinNetNS is the netns path for container:NAME, resolved by the
	// caller; JoinID is that container's ID (its files are shared).
	JoinNetNS  string
	JoinID     string
	Ports      []PortSpec
	PublishAll bool
	Exposed    []PortSpec // the image's EXPOSE, published by PublishAll
	Hostname   string
	AddHosts   []HostEntry
	DNS        []netip.Addr
	// Exe is the myrunc binary the hooks run (default: the user's myrunc,
	// selfexe.Path).
	Exe string
}

// NetworkRequest is one network the container joins.
type NetworkRequest struct {
	Name    string
	IP      netip.Addr // --ip; zero for any
	Aliases []string
}

// PortSpec is one -p as written: HostPort 0 asks for any free port.
type PortSpec struct {
	HostIP        netip.Addr
	HostPort      uint16
	ContainerPort uint16
	Proto         string
}
