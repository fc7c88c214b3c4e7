package main

import (
	"encoding/json"
	"log/slog"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"myrunc/libcontainer"
)

// stateJSON is runtime-spec's state plus runc's extra fields.
type stateJSON struct {
	OCIVersion  string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// warnCorrupt says so when a container's status is judged from its
// config.json because its state.json cannot be trusted.
func warnCorrupt(ct *libcontainer.Container) {
	if err := ct.Corrupt(); err != nil {
		slog.Warn("status judged from the container's cgroup", "container", ct.ID(), "error", err)
	}
}

func toStateJSON(ct *libcontainer.Container) stateJSON {
	st := ct.OCIState()
	out := stateJSON{OCIVersion: st.Version, ID: st.ID, Pid: st.Pid, Status: string(st.Status),
		Bundle: st.Bundle, Annotations: st.Annotations, Created: ct.Created()}
	if s := ct.State(); s != nil {
		out.Rootfs, out.Owner = s.Rootfs, ownerName(s.Owner)
	}
	return out
}

var stateCommand = &cli.Command{
	Name:      "state",
	Usage:     "print a container's state as JSON",
	ArgsUsage: "<container-id>",
	Action: func(c *cli.Context) error {
		ct, err := getContainer(c)
		if err != nil {
			return err
		}
		warnCorrupt(ct)
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(toStateJSON(ct))
	},
}
