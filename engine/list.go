package engine

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"myrunc/image"
)

// Filter is one --filter of `container ls`.
type Filter struct{ Key, Value string }

// ParseFilters reads KEY=VALUE filters (status, name, label, ancestor, id).
func ParseFilters(list []string) ([]Filter, error) {
	var out []Filter
	for _, f := range list {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("bad format of filter (expected name=value): %s", f)
		}
		switch k {
		case "status":
			switch v {
			case StatusCreated, StatusRunning, StatusPaused, StatusRestarting, StatusExited, StatusDead, statusRemoving:
			default:
				return nil, fmt.Errorf("invalid filter 'status=%s'", v)
			}
		case "name", "label", "ancestor", "id", "exited":
		default:
			return nil, fmt.Errorf("invalid filter '%s'", k)
		}
		out = append(out, Filter{k, v})
	}
	return out, nil
}

// Matches applies filters: different keys must all match, the same key
// any of its values (as Docker's).
func (e *Engine) Matches(c *Container, filters []Filter, images *image.Store) bool {
	byKey := map[string][]string{}
	for _, f := range filters {
		byKey[f.Key] = append(byKey[f.Key], f.Value)
	}
	for k, values := range byKey {
		ok := false
		for _, v := range values {
			if matchOne(c, k, v, images) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func matchOne(c *Container, key, v string, images *image.Store) bool {
	switch key {
	case "status":
		return c.State.Status == v
	case "name":
		return strings.Contains(c.Name, strings.TrimPrefix(v, "/"))
	case "id":
		return strings.HasPrefix(c.ID, v)
	case "exited":
		return c.State.Status == StatusExited && strconv.Itoa(c.State.ExitCode) == v
	case "label":
		k, val, hasVal := strings.Cut(v, "=")
		got, ok := c.Config.Labels[k]
		return ok && (!hasVal || got == val)
	case "ancestor":
		if c.ImageName == v || c.Image == v || strings.HasPrefix(strings.TrimPrefix(c.Image, "sha256:"), strings.TrimPrefix(v, "sha256:")) {
			return true
		}
		if images != nil {
			if img, err := images.Get(v); err == nil {
				return img.ID == c.Image
			}
		}
	}
	return false
}

// StatusText is `container ls`'s STATUS: "Up 5 seconds", "Exited (0) 2
// minutes ago", "Created", "Up 1 minute (Paused)", "Restarting (1) ...".
func StatusText(st State, now time.Time) string {
	switch st.Status {
	case StatusRunning:
		return "Up " + units.HumanDuration(now.Sub(st.StartedAt))
	case StatusPaused:
		return "Up " + units.HumanDuration(now.Sub(st.StartedAt)) + " (Paused)"
	case StatusRestarting:
		return fmt.Sprintf("Restarting (%d) %s ago", st.ExitCode, units.HumanDuration(now.Sub(st.FinishedAt)))
	case StatusExited:
		if st.FinishedAt.IsZero() {
			return "Created"
		}
		return fmt.Sprintf("Exited (%d) %s ago", st.ExitCode, units.HumanDuration(now.Sub(st.FinishedAt)))
	case StatusCreated:
		return "Created"
	case statusRemoving:
		return "Removal In Progress"
	case StatusDead:
		return "Dead"
	}
	return st.Status
}

// CommandText is the COMMAND column: the command line, quoted, cut to 20
// characters with an ellipsis (as docker ps prints it without --no-trunc).
func CommandText(c *Container, trunc bool) string {
	cmd := strings.Join(append([]string{c.Path}, c.Args...), " ")
	if trunc && len([]rune(cmd)) > 20 {
		cmd = string([]rune(cmd)[:19]) + "…"
	}
	return strconv.Quote(cmd)
}

// Row is one line of `container ls`, with Docker's --format fields.
type Row struct {
	ID           string
	Image        string
	Command      string
	CreatedAt    string
	RunningFor   string
	Ports        string
	State        string
	Status       string
	Size         string
	Names        string
	Labels       string
	Mounts       string
	Networks     string
	LocalVolumes string
}

// ListRow makes a container's row.
func (e *Engine) ListRow(c *Container, trunc bool, now time.Time) Row {
	id := c.ID
	if trunc {
		id = ShortID(id)
	}
	var labels, mounts []string
	for k, v := range c.Config.Labels {
		labels = append(labels, k+"="+v)
	}
	vols := 0
	for _, m := range c.Mounts {
		if m.Type == "volume" {
			mounts = append(mounts, m.Name)
			vols++
		} else {
			mounts = append(mounts, filepath.Base(m.Source))
		}
	}
	return Row{ID: id, Image: c.ImageName, Command: CommandText(c, trunc),
		CreatedAt:  c.Created.Local().Format("2006-01-02 15:04:05 -0700 MST"),
		RunningFor: units.HumanDuration(now.Sub(c.Created)) + " ago", Ports: e.PortsColumn(c),
		State: c.State.Status, Status: StatusText(c.State, now), Names: c.Name,
		Labels: strings.Join(labels, ","), Mounts: strings.Join(mounts, ","),
		Networks: orDefault(c.HostConfig.NetworkMode, "bridge"), LocalVolumes: strconv.Itoa(vols)}
}

// Prune removes every stopped container (filters: label=, until=); it
// returns their IDs and the space their writable layers took.
func (e *Engine) Prune(filters []string) ([]string, int64, error) {
	var labels []Filter
	var until time.Time
	for _, f := range filters {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "label":
			labels = append(labels, Filter{k, v})
		case "until":
			t, err := ParseSince(v, time.Now())
			if err != nil {
				return nil, 0, err
			}
			until = t
		default:
			return nil, 0, fmt.Errorf("invalid filter '%s'", k)
		}
	}
	list, err := e.List()
	if err != nil {
		return nil, 0, err
	}
	var ids []string
	var space int64
	for _, c := range list {
		if c.State.Running() || !e.Matches(c, labels, nil) || (!until.IsZero() && c.Created.After(until)) {
			continue
		}
		size := dirSize(filepath.Join(e.DataRoot, "image", "rw", c.ID))
		if err := e.Remove(c.ID, false, false); err == nil {
			ids = append(ids, c.ID)
			space += size
		}
	}
	return ids, space, nil
}
