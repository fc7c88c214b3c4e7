package engine

import (
	"time"
)

// Container is an engine container's record: what `create` decided (its
// config, never changed but by rename) and its state (changed by every
// lifecycle step), kept in two files under <data-root>/containers/ID.
type Container struct {
	ID         string     `json:"Id"`
	Name       string     `json:"Name"`
	Created    time.Time  `json:"Created"`
	Image      string     `json:"Image"`     // the image's ID
	ImageName  string     `json:"ImageName"` // as the user named it
	Path       string     `json:"Path"`
	Args       []string   `json:"Args"`
	Config     Config     `json:"Config"`
	HostConfig HostConfig `json:"HostConfig"`
	Mounts     []Mount    `json:"Mounts"`
	// RuntimeRoot is the libcontainer state root (--root) the container
	// was made under: later commands use it whatever their own --root.
	RuntimeRoot string `json:"RuntimeRoot"`

	State State `json:"-"`
}

// Config is Docker's container Config: what the image said with the
// user's changes.
type Config struct {
	Hostname     string              `json:"Hostname"`
	User         string              `json:"User"`
	Env          []string            `json:"Env"`
	Cmd          []string            `json:"Cmd"`
	Entrypoint   []string            `json:"Entrypoint"`
	WorkingDir   string              `json:"WorkingDir"`
	Labels       map[string]string   `json:"Labels"`
	Image        string              `json:"Image"`
	Tty          bool                `json:"Tty"`
	OpenStdin    bool                `json:"OpenStdin"`
	StopSignal   string              `json:"StopSignal,omitempty"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	Volumes      map[string]struct{} `json:"Volumes,omitempty"`
}

// RestartPolicy is --restart.
type RestartPolicy struct {
	Name              string `json:"Name"` // no, always, on-failure, unless-stopped
	MaximumRetryCount int    `json:"MaximumRetryCount"`
}

// PortBinding is one host side of a published port.
type PortBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

// HostConfig is Docker's HostConfig: how the container is run.
type HostConfig struct {
	Binds          []string                 `json:"Binds"`
	Tmpfs          map[string]string        `json:"Tmpfs,omitempty"`
	NetworkMode    string                   `json:"NetworkMode"`
	PortBindings   map[string][]PortBinding `json:"PortBindings"`
	PublishAll     bool                     `json:"PublishAllPorts"`
	RestartPolicy  RestartPolicy            `json:"RestartPolicy"`
	AutoRemove     bool                     `json:"AutoRemove"`
	ExtraHosts     []string                 `json:"ExtraHosts"`
	DNS            []string                 `json:"Dns"`
	CapAdd         []string                 `json:"CapAdd"`
	CapDrop        []string                 `json:"CapDrop"`
	Privileged     bool                     `json:"Privileged"`
	ReadonlyRootfs bool                     `json:"ReadonlyRootfs"`
	SecurityOpt    []string                 `json:"SecurityOpt"`
	Init           bool                     `json:"Init,omitempty"`
	Memory         int64                    `json:"Memory"`
	MemorySwap     int64                    `json:"MemorySwap"`
	NanoCPUs       int64                    `json:"NanoCpus"`
	CPUShares      int64                    `json:"CpuShares"`
	CpusetCpus     string                   `json:"CpusetCpus"`
	PidsLimit      int64                    `json:"PidsLimit,omitempty"`
	// the network's private fields, kept in the record (Docker keeps them
	// in NetworkingConfig)
	NetAliases []string `json:"MyrNetworkAliases,omitempty"`
	NetIP      string   `json:"MyrIPAddress,omitempty"`
}

// Mount is one of the container's mounts (Docker's .Mounts entry).
type Mount struct {
	Type        string `json:"Type"` // bind, volume, tmpfs
	Name        string `json:"Name,omitempty"`
	Source      string `json:"Source"`
	Destination string `json:"Destination"`
	Driver      string `json:"Driver,omitempty"`
	Mode        string `json:"Mode"`
	RW          bool   `json:"RW"`
	Propagation string `json:"Propagation"`
	// engine-side details
	Options   []string `json:"MyrOptions,omitempty"`   // tmpfs options
	Anonymous bool     `json:"MyrAnonymous,omitempty"` // removed with rm -v / --rm
	NoCopy    bool     `json:"MyrNoCopy,omitempty"`
}

// Status values, as Docker names them.
const (
	StatusCreated    = "created"
	StatusRunning    = "running"
	StatusPaused     = "paused"
	StatusRestarting = "restarting"
	StatusExited     = "exited"
	StatusDead       = "dead"
	statusRemoving   = "removing"
)

// State is the container's changing part.
type State struct {
	Status     string    `json:"Status"`
	Pid        int       `json:"Pid"`
	ExitCode   int       `json:"ExitCode"`
	Error      string    `json:"Error"`
	OOMKilled  bool      `json:"OOMKilled"`
	StartedAt  time.Time `json:"StartedAt"`
	FinishedAt time.Time `json:"FinishedAt"`
	// RestartCount counts restarts by the policy since the last start.
	RestartCount int `json:"RestartCount"`
	// ManuallyStopped: stop or kill ended it; restart policies then wait
	// for the next start (unless-stopped for good).
	ManuallyStopped bool `json:"ManuallyStopped,omitempty"`
	// RemovalRequested: rm -f killed it; its monitor removes it once it
	// has torn it down (with its anonymous volumes if RemoveVolumes).
	RemovalRequested bool `json:"RemovalRequested,omitempty"`
	RemoveVolumes    bool `json:"RemoveVolumes,omitempty"`
	// MonitorPid is the monitor's pid while one runs.
	MonitorPid int `json:"MonitorPid,omitempty"`
	// Generation counts starts: wait and stop see an exit as a change.
	Generation int `json:"Generation"`
}

// Running says whether a process is (or should be) up: running, paused
// or between two runs of its restart policy.
func (s *State) Running() bool {
	return s.Status == StatusRunning || s.Status == StatusPaused || s.Status == StatusRestarting
}

// removal says whether the container goes when its process ends (--rm,
// or an rm -f that was cut short), and whether its anonymous volumes go
// with it.
func (c *Container) removal() (remove, volumes bool) {
	auto := c.HostConfig.AutoRemove
	return auto || c.State.RemovalRequested, auto || c.State.RemoveVolumes
}

// ShortID is the 12-digit form Docker prints.
func ShortID(id string) string { return id[:min(12, len(id))] }
