package engine

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"myrunc/network"
)

// Inspected is a container as `docker container inspect` prints it.
type Inspected struct {
	ID              string          `json:"Id"`
	Created         string          `json:"Created"`
	Path            string          `json:"Path"`
	Args            []string        `json:"Args"`
	State           InspectedState  `json:"State"`
	Image           string          `json:"Image"`
	ResolvConfPath  string          `json:"ResolvConfPath"`
	HostnamePath    string          `json:"HostnamePath"`
	HostsPath       string          `json:"HostsPath"`
	LogPath         string          `json:"LogPath"`
	Name            string          `json:"Name"`
	RestartCount    int             `json:"RestartCount"`
	Driver          string          `json:"Driver"`
	Platform        string          `json:"Platform"`
	MountLabel      string          `json:"MountLabel"`
	ProcessLabel    string          `json:"ProcessLabel"`
	AppArmorProfile string          `json:"AppArmorProfile"`
	HostConfig      HostConfig      `json:"HostConfig"`
	Mounts          []Mount         `json:"Mounts"`
	Config          Config          `json:"Config"`
	NetworkSettings NetworkSettings `json:"NetworkSettings"`
}

// InspectedState is .State.
type InspectedState struct {
	Status     string `json:"Status"`
	Running    bool   `json:"Running"`
	Paused     bool   `json:"Paused"`
	Restarting bool   `json:"Restarting"`
	OOMKilled  bool   `json:"OOMKilled"`
	Dead       bool   `json:"Dead"`
	Pid        int    `json:"Pid"`
	ExitCode   int    `json:"ExitCode"`
	Error      string `json:"Error"`
	StartedAt  string `json:"StartedAt"`
	FinishedAt string `json:"FinishedAt"`
}

// NetworkSettings is .NetworkSettings.
type NetworkSettings struct {
	Bridge      string                       `json:"Bridge"`
	Ports       map[string][]PortBinding     `json:"Ports"`
	IPAddress   string                       `json:"IPAddress"`
	IPPrefixLen int                          `json:"IPPrefixLen"`
	Gateway     string                       `json:"Gateway"`
	MacAddress  string                       `json:"MacAddress"`
	Networks    map[string]*EndpointSettings `json:"Networks"`
}

// EndpointSettings is one network of .NetworkSettings.Networks.
type EndpointSettings struct {
	Aliases     []string `json:"Aliases"`
	NetworkID   string   `json:"NetworkID"`
	EndpointID  string   `json:"EndpointID"`
	Gateway     string   `json:"Gateway"`
	IPAddress   string   `json:"IPAddress"`
	IPPrefixLen int      `json:"IPPrefixLen"`
	MacAddress  string   `json:"MacAddress"`
}

// dockerTime prints a time as Docker's inspect does.
func dockerTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Inspect builds the inspect view of a container.
func (e *Engine) Inspect(c *Container) *Inspected {
	st := c.State
	files := e.DataRoot + "/network/files/" + c.ID
	in := &Inspected{
		ID: c.ID, Created: dockerTime(c.Created), Path: c.Path, Args: c.Args, Image: c.Image,
		ResolvConfPath: files + "/resolv.conf", HostnamePath: files + "/hostname", HostsPath: files + "/hosts",
		LogPath: e.LogPath(c.ID), Name: "/" + c.Name, RestartCount: st.RestartCount, Driver: "overlay2",
		Platform: "linux", HostConfig: c.HostConfig, Mounts: c.Mounts, Config: c.Config,
		State: InspectedState{Status: st.Status, Running: st.Running(), Paused: st.Status == StatusPaused,
			Restarting: st.Status == StatusRestarting, OOMKilled: st.OOMKilled, Dead: st.Status == StatusDead,
			Pid: st.Pid, ExitCode: st.ExitCode, Error: st.Error, StartedAt: dockerTime(st.StartedAt),
			FinishedAt: dockerTime(st.FinishedAt)},
	}
	if in.Mounts == nil {
		in.Mounts = []Mount{}
	}
	in.NetworkSettings = e.networkSettings(c)
	return in
}

// networkSettings reads the container's endpoints and ports from the
// network store (addresses only while attached).
func (e *Engine) networkSettings(c *Container) NetworkSettings {
	ns := NetworkSettings{Ports: map[string][]PortBinding{}, Networks: map[string]*EndpointSettings{}}
	for key := range c.Config.ExposedPorts {
		ns.Ports[key] = nil
	}
	mode := orDefault(c.HostConfig.NetworkMode, "bridge")
	nc, err := network.Lookup(e.DataRoot, c.ID)
	if err != nil || nc == nil || !c.State.Running() {
		if !strings.HasPrefix(mode, "container:") {
			ns.Networks[mode] = &EndpointSettings{Aliases: c.HostConfig.NetAliases}
		}
		return ns
	}
	for _, p := range nc.Ports {
		key := fmt.Sprintf("%d/%s", p.ContainerPort, p.Proto)
		ip := "0.0.0.0"
		if p.HostIP.IsValid() {
			ip = p.HostIP.String()
		}
		ns.Ports[key] = append(ns.Ports[key], PortBinding{HostIP: ip, HostPort: strconv.Itoa(int(p.HostPort))})
	}
	for i, ep := range nc.Endpoints {
		es := &EndpointSettings{Aliases: ep.Aliases, MacAddress: ep.MAC, NetworkID: ep.Network}
		if in, err := network.Inspect(e.DataRoot, ep.Network); err == nil {
			es.NetworkID = in.ID
			if len(in.IPAM.Config) > 0 {
				es.Gateway = in.IPAM.Config[0].Gateway
				if p, err := netip.ParsePrefix(in.IPAM.Config[0].Subnet); err == nil {
					es.IPPrefixLen = p.Bits()
				}
			}
		}
		if ep.IP.IsValid() {
			es.IPAddress = ep.IP.String()
		} else {
			es.Gateway, es.IPPrefixLen = "", 0
		}
		ns.Networks[ep.Network] = es
		if i == 0 && ep.Network == network.DefaultBridge {
			ns.IPAddress, ns.Gateway, ns.IPPrefixLen, ns.MacAddress = es.IPAddress, es.Gateway, es.IPPrefixLen, es.MacAddress
		}
	}
	if len(nc.Endpoints) == 0 && !strings.HasPrefix(mode, "container:") {
		ns.Networks[mode] = &EndpointSettings{}
	}
	return ns
}

// PortLines are `container port`'s lines: "80/tcp -> 0.0.0.0:8080".
func (e *Engine) PortLines(c *Container) []string {
	ns := e.networkSettings(c)
	var keys []string
	for k := range ns.Ports {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return portKeyLess(keys[i], keys[j]) })
	var out []string
	for _, k := range keys {
		for _, b := range ns.Ports[k] {
			out = append(out, fmt.Sprintf("%s -> %s", k, netJoin(b.HostIP, b.HostPort)))
		}
	}
	return out
}

func netJoin(ip, port string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:" + port
	}
	return ip + ":" + port
}

func portKeyLess(a, b string) bool {
	pa, _, _ := strings.Cut(a, "/")
	pb, _, _ := strings.Cut(b, "/")
	na, _ := strconv.Atoi(pa)
	nb, _ := strconv.Atoi(pb)
	if na != nb {
		return na < nb
	}
	return a < b
}

// PortsColumn is `container ls`'s PORTS: "0.0.0.0:8080->80/tcp, 443/tcp".
func (e *Engine) PortsColumn(c *Container) string {
	ns := e.networkSettings(c)
	var keys []string
	for k := range ns.Ports {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return portKeyLess(keys[i], keys[j]) })
	var parts []string
	for _, k := range keys {
		if len(ns.Ports[k]) == 0 {
			if c.State.Running() {
				parts = append(parts, k)
			}
			continue
		}
		for _, b := range ns.Ports[k] {
			parts = append(parts, netJoin(b.HostIP, b.HostPort)+"->"+k)
		}
	}
	return strings.Join(parts, ", ")
}
