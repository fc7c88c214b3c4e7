package libcontainer

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/atomicfile"
	"myrunc/internal/fastjson"
)

// Status is a container's runtime-spec status (plus paused).
type Status string

const (
	Creating Status = "creating"
	Created  Status = "created"
	Running  Status = "running"
	Paused   Status = "paused"
	Stopped  Status = "stopped"
)

// allowed says which operations each status permits; every verb checks
// here, so the rules live in one table.
var allowed = map[string][]Status{
	"start":  {Created},
	"kill":   {Created, Running, Paused},
	"delete": {Stopped},
	"pause":  {Running},
	"resume": {Paused},
	"exec":   {Created, Running},
}

func (s Status) allows(op string) bool {
	for _, a := range allowed[op] {
		if a == s {
			return true
		}
	}
	return false
}

// State is what the runtime keeps about a container in <root>/<id>/state.json.
type State struct {
	ID     string `json:"id"`
	Pid    int    `json:"pid"`
	Bundle string `json:"bundle"`
	Rootfs string `json:"rootfs"`
	// InitStartTime is the init's start time in clock ticks after boot
	// (/proc/<pid>/stat), so a recycled pid is not taken for the init.
	InitStartTime uint64            `json:"initStartTime"`
	Created       time.Time         `json:"created"`
	Owner         string            `json:"owner,omitempty"`
	Annotations   map[string]string `json:"annotations,omitempty"`
	CgroupPath    string            `json:"cgroupPath"`
	// OwnMountNs: mounts were made in a private mount namespace; without
	// one they are on the host and delete unmounts them.
	OwnMountNs bool `json:"ownMountNs"`
	// Hooks are the spec's hooks, for start and delete. The whole spec is
	// kept apart in config.json: every command reads state.json, few need
	// the spec.
	Hooks *specs.Hooks `json:"hooks,omitempty"`
	// GateInode is the inode of the start gate's listening socket, which
	// the init holds at handshake.GateFd until `start` connects: a gate
	// file whose listener is gone is a start that was cut short after
	// the init went on (0: not known, the file alone tells).
	GateInode uint64 `json:"gateInode,omitempty"`
	// Creator is the `create` still making the container: set in the
	// record written before anything is made, gone from the final state.
	// A record whose creator died is a container cut short, which reads
	// as stopped and which delete removes (Pid, CgroupPath and Rootfs say
	// what may be left).
	Creator *ProcessID `json:"creator,omitempty"`
}

// ProcessID names a process beyond the reuse of its pid.
type ProcessID struct {
	Pid int `json:"pid"`
	// StartTime is in clock ticks after boot (/proc/<pid>/stat)
	StartTime uint64 `json:"startTime"`
}

// self is the calling process.
func self() (*ProcessID, error) {
	pid := os.Getpid()
	_, start, err := procStat(pid)
	if err != nil {
		return nil, err
	}
	return &ProcessID{Pid: pid, StartTime: start}, nil
}

const (
	stateFile  = "state.json"
	configFile = "config.json"
)

// save writes state.json atomically: readers without the lock see the
// old or the new file, never a torn one.
func (s *State) save(dir string) error {
	data, err := fastjson.Marshal(s)
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, stateFile), data, 0o600)
}

// saveConfig keeps the spec the container was created from (and later
// updates of it), atomically too.
func saveConfig(dir string, s *specs.Spec) error {
	data, err := fastjson.Marshal(s)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, configFile), data, 0o600); err != nil {
		return fmt.Errorf("save the container's spec: %w", err)
	}
	return nil
}

// loadState reads state.json of container id; (nil, nil) means there is
// none: a directory that a delete killed part-way emptied, or one an
// older myrunc was making. A state no runtime wrote is a *CorruptError.
func loadState(dir, id string) (*State, error) {
	file := filepath.Join(dir, stateFile)
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeState(file, id, data)
}

// OCIState is the runtime-spec state of the container (`myrunc state`).
func (c *Container) OCIState() *specs.State {
	st := &specs.State{Version: specs.Version, ID: c.id, Status: specs.ContainerState(c.Status())}
	if c.state != nil {
		st.Bundle = c.state.Bundle
		st.Annotations = c.state.Annotations
		if st.Status != specs.StateStopped {
			st.Pid = c.state.Pid
		}
	}
	return st
}
