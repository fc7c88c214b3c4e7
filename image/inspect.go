package image

import (
	"time"

	"github.com/google/go-containerregistry/pkg/v1"
)

// InspectInfo is Docker's `image inspect` JSON.
type InspectInfo struct {
	ID            string          `json:"Id"`
	RepoTags      []string        `json:"RepoTags"`
	RepoDigests   []string        `json:"RepoDigests"`
	Parent        string          `json:"Parent"`
	Comment       string          `json:"Comment"`
	Created       string          `json:"Created"`
	DockerVersion string          `json:"DockerVersion"`
	Author        string          `json:"Author"`
	Config        InspectConfig   `json:"Config"`
	Architecture  string          `json:"Architecture"`
	Variant       string          `json:"Variant,omitempty"`
	Os            string          `json:"Os"`
	Size          int64           `json:"Size"`
	GraphDriver   GraphDriverInfo `json:"GraphDriver"`
	RootFS        RootFSInfo      `json:"RootFS"`
	Metadata      struct {
		LastTagTime string `json:"LastTagTime"`
	} `json:"Metadata"`
}

// InspectConfig is the image config's container settings, every field
// present as Docker prints them (null when unset).
type InspectConfig struct {
	User         string              `json:"User"`
	Env          []string            `json:"Env"`
	Cmd          []string            `json:"Cmd"`
	Entrypoint   []string            `json:"Entrypoint"`
	WorkingDir   string              `json:"WorkingDir"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	Volumes      map[string]struct{} `json:"Volumes"`
	Labels       map[string]string   `json:"Labels"`
	StopSignal   string              `json:"StopSignal,omitempty"`
	OnBuild      []string            `json:"OnBuild"`
	Healthcheck  *v1.HealthConfig    `json:"Healthcheck,omitempty"`
	Shell        []string            `json:"Shell,omitempty"`
}

type GraphDriverInfo struct {
	Name string            `json:"Name"`
	Data map[string]string `json:"Data"`
}

type RootFSInfo struct {
	Type   string   `json:"Type"`
	Layers []string `json:"Layers"`
}

// Inspect describes img as `docker image inspect` does.
func (s *Store) Inspect(img *Image) *InspectInfo {
	c := img.Config
	info := &InspectInfo{
		ID: img.ID, Parent: img.Parent, RepoTags: familiarAll(img.RepoTags), RepoDigests: familiarAll(img.RepoDigests),
		Comment: firstComment(c), Created: formatTime(c.Created), DockerVersion: c.DockerVersion, Author: c.Author,
		Config: InspectConfig{
			User: c.Config.User, Env: c.Config.Env, Cmd: c.Config.Cmd, Entrypoint: c.Config.Entrypoint,
			WorkingDir: c.Config.WorkingDir, ExposedPorts: c.Config.ExposedPorts, Volumes: c.Config.Volumes,
			Labels: c.Config.Labels, StopSignal: c.Config.StopSignal, OnBuild: c.Config.OnBuild,
			Healthcheck: c.Config.Healthcheck, Shell: c.Config.Shell,
		},
		Architecture: c.Architecture, Variant: c.Variant, Os: c.OS, Size: s.Size(img),
		GraphDriver: GraphDriverInfo{Name: "overlay", Data: map[string]string{}},
		RootFS:      RootFSInfo{Type: "layers", Layers: []string{}},
	}
	dirs, _ := s.LayerDirs(img)
	if n := len(dirs); n > 0 {
		info.GraphDriver.Data["UpperDir"] = dirs[n-1]
		info.GraphDriver.Data["LowerDir"] = joinColon(reverse(dirs[:n-1]))
	}
	for _, d := range c.RootFS.DiffIDs {
		info.RootFS.Layers = append(info.RootFS.Layers, d.String())
	}
	if info.RepoTags == nil {
		info.RepoTags = []string{}
	}
	if info.RepoDigests == nil {
		info.RepoDigests = []string{}
	}
	if !img.Added.IsZero() {
		info.Metadata.LastTagTime = img.Added.Format(time.RFC3339Nano)
	}
	return info
}

func familiarAll(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, Familiar(n))
	}
	return out
}

func firstComment(c *v1.ConfigFile) string {
	if len(c.History) == 1 { // an imported image says where from
		return c.History[0].Comment
	}
	return ""
}

func formatTime(t v1.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[len(s)-1-i] = x
	}
	return out
}

func joinColon(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ":"
		}
		out += x
	}
	return out
}

// HistoryEntry is one row of `image history`.
type HistoryEntry struct {
	ID        string // the image ID on the newest row, "<missing>" below, as Docker
	Created   time.Time
	CreatedBy string
	Size      int64
	Comment   string
}

// History lists how the image was made, newest first: each history entry
// with the size of the layer it made (0 for empty_layer entries).
func (s *Store) History(img *Image) []HistoryEntry {
	chains := chainIDs(img.Config.RootFS.DiffIDs)
	var out []HistoryEntry
	layer := 0
	for _, h := range img.Config.History {
		e := HistoryEntry{ID: "<missing>", Created: h.Created.Time, CreatedBy: h.CreatedBy, Comment: h.Comment}
		if !h.EmptyLayer && layer < len(chains) {
			if li, err := s.readLayerInfo(chains[layer]); err == nil {
				e.Size = li.Size
			}
			layer++
		}
		out = append(out, e)
	}
	for ; layer < len(chains); layer++ { // layers the history does not tell of
		e := HistoryEntry{ID: "<missing>"}
		if li, err := s.readLayerInfo(chains[layer]); err == nil {
			e.Size = li.Size
		}
		out = append(out, e)
	}
	s.nameAncestors(img, out)
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if len(out) > 0 {
		out[0].ID = img.ID
	}
	return out
}

// nameAncestors puts the IDs of the stored images img was built on
// (its Parent chain) on the history rows that end them, as Docker shows
// a local build's steps; rows is oldest first.
func (s *Store) nameAncestors(img *Image, rows []HistoryEntry) {
	layers := 0
	for _, h := range img.Config.History {
		if !h.EmptyLayer {
			layers++
		}
	}
	if layers != len(img.Config.RootFS.DiffIDs) {
		return // rows and layers do not line up: a parent's row cannot be told
	}
	for id := img.Parent; id != ""; {
		p, err := s.Get(id)
		if err != nil {
			return
		}
		n := len(p.Config.History)
		if n == 0 || n >= len(rows) || rows[n-1].ID != "<missing>" {
			return // not a prefix of img's history (or a cycle): name nothing
		}
		rows[n-1].ID = p.ID
		id = p.Parent
	}
}
