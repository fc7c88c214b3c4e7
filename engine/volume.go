package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mrunalp/fileutils"
	"golang.org/x/sys/unix"

	"myrunc/internal/atomicfile"
	"myrunc/internal/lockfile"
)

// Volume is a named volume: a directory under <data-root>/volumes/NAME/_data.
type Volume struct {
	Name       string            `json:"Name"`
	Driver     string            `json:"Driver"`
	Mountpoint string            `json:"Mountpoint"`
	CreatedAt  string            `json:"CreatedAt"`
	Labels     map[string]string `json:"Labels"`
	Scope      string            `json:"Scope"`
	Options    map[string]string `json:"Options"`
	// Anonymous: made for a container's -v /path or an image VOLUME
	Anonymous bool `json:"-"`
	// Populated: it has been filled from an image once (or used), so it
	// is never filled again
	Populated bool `json:"-"`
}

// volumeMeta is what volume.json keeps.
type volumeMeta struct {
	CreatedAt time.Time         `json:"createdAt"`
	Labels    map[string]string `json:"labels,omitempty"`
	Anonymous bool              `json:"anonymous,omitempty"`
	Populated bool              `json:"populated,omitempty"`
}

func (e *Engine) volDir(name string) string { return filepath.Join(e.DataRoot, "volumes", name) }

// lockVolumes serializes changes to the volume set (create, rm, prune):
// an rm must not remove a volume a create is about to use.
func (e *Engine) lockVolumes() (*os.File, error) {
	if err := os.MkdirAll(filepath.Join(e.DataRoot, "volumes"), 0o711); err != nil {
		return nil, err
	}
	return lockfile.Open(filepath.Join(e.DataRoot, "volumes", ".lock"), unix.LOCK_EX, true)
}

// VolumeCreate makes a volume (an existing one is returned as it is, as
// Docker does); name "" makes an anonymous-looking random name.
func (e *Engine) VolumeCreate(name string, labels map[string]string) (*Volume, error) {
	l, err := e.lockVolumes()
	if err != nil {
		return nil, err
	}
	defer l.Close()
	if name == "" {
		name = newID()
	}
	if err := checkVolumeName(name); err != nil {
		return nil, err
	}
	return e.ensureVolume(name, labels, false)
}

// ensureVolume makes volume name unless it exists (volumes lock held).
func (e *Engine) ensureVolume(name string, labels map[string]string, anonymous bool) (*Volume, error) {
	if v, err := e.volume(name); err == nil {
		return v, nil
	}
	dir := e.volDir(name)
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(filepath.Join(tmp, "_data"), 0o755); err != nil {
		return nil, err
	}
	meta := volumeMeta{CreatedAt: time.Now().UTC().Truncate(time.Second), Labels: labels, Anonymous: anonymous}
	data, _ := json.Marshal(meta)
	if err := os.WriteFile(filepath.Join(tmp, "volume.json"), data, 0o600); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return e.volume(name)
}

// volume reads one volume.
func (e *Engine) volume(name string) (*Volume, error) {
	if checkVolumeName(name) != nil {
		return nil, fmt.Errorf("get %s: no such volume", name)
	}
	data, err := os.ReadFile(filepath.Join(e.volDir(name), "volume.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("get %s: no such volume", name)
	}
	if err != nil {
		return nil, err
	}
	var m volumeMeta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("volume %s: corrupt volume.json: %w", name, err)
	}
	labels := m.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	return &Volume{Name: name, Driver: "local", Mountpoint: filepath.Join(e.volDir(name), "_data"),
		CreatedAt: m.CreatedAt.Format(time.RFC3339), Labels: labels, Scope: "local",
		Options: map[string]string{}, Anonymous: m.Anonymous, Populated: m.Populated}, nil
}

// markPopulated records that a volume has been filled (or used) once.
func (e *Engine) markPopulated(name string) error {
	p := filepath.Join(e.volDir(name), "volume.json")
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	var m volumeMeta
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	m.Populated = true
	data, _ = json.Marshal(m)
	return atomicfile.Write(p, data, 0o600)
}

// VolumeInspect finds a volume.
func (e *Engine) VolumeInspect(name string) (*Volume, error) { return e.volume(name) }

// Volumes lists the volumes, by name.
func (e *Engine) Volumes() ([]*Volume, error) {
	entries, err := os.ReadDir(filepath.Join(e.DataRoot, "volumes"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Volume
	for _, d := range entries {
		if !d.IsDir() || strings.HasSuffix(d.Name(), ".tmp") || strings.HasPrefix(d.Name(), ".") {
			continue
		}
		if v, err := e.volume(d.Name()); err == nil {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// volumeUsers lists the containers whose mounts name the volume.
func (e *Engine) volumeUsers(name string) []string {
	ids, _ := e.ids()
	var out []string
	for _, id := range ids {
		c, err := e.load(id)
		if err != nil {
			continue
		}
		for _, m := range c.Mounts {
			if m.Type == "volume" && m.Name == name {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// VolumeRemove removes volumes; one in use is refused (force only makes
// a missing volume no error, as Docker's -f).
func (e *Engine) VolumeRemove(name string, force bool) error {
	l, err := e.lockVolumes()
	if err != nil {
		return err
	}
	defer l.Close()
	return e.removeVolume(name, force)
}

func (e *Engine) removeVolume(name string, force bool) error {
	if _, err := e.volume(name); err != nil {
		if force {
			return nil
		}
		return err
	}
	if users := e.volumeUsers(name); len(users) > 0 {
		return fmt.Errorf("remove %s: volume is in use - [%s]", name, strings.Join(users, ", "))
	}
	dir := e.volDir(name)
	gone := dir + ".tmp"
	if err := os.Rename(dir, gone); err != nil {
		return err
	}
	return os.RemoveAll(gone)
}

// VolumePrune removes the volumes no container uses; Docker 23+ prunes
// only anonymous ones unless all is set.
func (e *Engine) VolumePrune(all bool) ([]string, int64, error) {
	l, err := e.lockVolumes()
	if err != nil {
		return nil, 0, err
	}
	defer l.Close()
	e.removeStaleVolumeTemps()
	vols, err := e.Volumes()
	if err != nil {
		return nil, 0, err
	}
	var removed []string
	var space int64
	for _, v := range vols {
		if (!all && !v.Anonymous) || len(e.volumeUsers(v.Name)) > 0 {
			continue
		}
		size := dirSize(v.Mountpoint)
		if err := e.removeVolume(v.Name, false); err == nil {
			removed = append(removed, v.Name)
			space += size
		}
	}
	return removed, space, nil
}

// removeStaleVolumeTemps removes the NAME.tmp directories a create or rm
// killed part-way left (volumes lock held: no live one is at work).
func (e *Engine) removeStaleVolumeTemps() {
	stale, _ := filepath.Glob(filepath.Join(e.DataRoot, "volumes", "*.tmp"))
	for _, dir := range stale {
		os.RemoveAll(dir)
	}
}

// dirSize adds up the sizes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// prepareVolumes creates the named and anonymous volumes of c's mounts
// and fills their Source.
func (e *Engine) prepareVolumes(c *Container) error {
	has := false
	for _, m := range c.Mounts {
		has = has || m.Type == "volume"
	}
	if !has {
		return nil
	}
	l, err := e.lockVolumes()
	if err != nil {
		return err
	}
	defer l.Close()
	for i := range c.Mounts {
		m := &c.Mounts[i]
		if m.Type != "volume" {
			continue
		}
		v, err := e.ensureVolume(m.Name, nil, m.Anonymous)
		if err != nil {
			return fmt.Errorf("volume %s: %w", m.Name, err)
		}
		m.Source = v.Mountpoint
	}
	return nil
}

// removeAnonymousVolumes drops c's anonymous volumes (rm -v, --rm).
func (e *Engine) removeVolumesOf(c *Container, anonymousOnly bool) {
	l, err := e.lockVolumes()
	if err != nil {
		return
	}
	defer l.Close()
	for _, m := range c.Mounts {
		if m.Type == "volume" && (m.Anonymous || !anonymousOnly) {
			e.removeVolume(m.Name, true)
		}
	}
}

// populateVolumes fills each volume mounted for the first time from
// what the image has at its destination (unless nocopy), as Docker does.
func (e *Engine) populateVolumes(c *Container, rootfs string) error {
	for _, m := range c.Mounts {
		if m.Type != "volume" {
			continue
		}
		v, err := e.volume(m.Name)
		if err != nil {
			return fmt.Errorf("volume %s: %w", m.Name, err)
		}
		if v.Populated {
			continue
		}
		if !m.NoCopy && isEmptyDir(v.Mountpoint) {
			if err := fillVolume(rootfs, m.Destination, v.Mountpoint); err != nil {
				return fmt.Errorf("filling volume %s from the image's %s: %w", m.Name, m.Destination, err)
			}
		}
		if err := e.markPopulated(m.Name); err != nil {
			return err
		}
	}
	return nil
}

// fillVolume copies beside the volume's empty data directory, then
// renames the copy over it: a fill cut short leaves only the copy, which
// the next fill removes, never a half-filled volume taken for a full one.
func fillVolume(rootfs, dst, data string) error {
	fill := data + ".fill"
	if err := os.RemoveAll(fill); err != nil {
		return err
	}
	if err := os.Mkdir(fill, 0o755); err != nil {
		return err
	}
	if err := copyFromImage(rootfs, dst, fill); err != nil {
		os.RemoveAll(fill)
		return err
	}
	// unix.Rename: os.Rename refuses any existing directory, an empty one too
	if err := unix.Rename(fill, data); err != nil {
		os.RemoveAll(fill)
		return &os.LinkError{Op: "rename", Old: fill, New: data, Err: err}
	}
	return nil
}

func isEmptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// copyFromImage copies the image's directory at dst (inside rootfs, not
// through a symlink) into the volume, with owners and modes.
func copyFromImage(rootfs, dst, volume string) error {
	r, err := os.OpenRoot(rootfs)
	if err != nil {
		return err
	}
	defer r.Close()
	rel := strings.TrimLeft(filepath.Clean(dst), "/")
	// no component may be a symlink: the copy below walks host paths
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		if st, err := r.Lstat(filepath.Join(parts[:i]...)); err != nil || st.Mode()&os.ModeSymlink != 0 {
			return nil
		}
	}
	st, err := r.Lstat(rel)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil || !st.IsDir() {
		return err
	}
	// the walk stays inside rootfs: rel has no symlink (Lstat through the
	// root refuses escapes) and CopyDirectory copies links as links
	if err := fileutils.CopyDirectory(filepath.Join(rootfs, rel), volume); err != nil {
		return err
	}
	var sys unix.Stat_t
	if unix.Lstat(filepath.Join(rootfs, rel), &sys) == nil {
		os.Chown(volume, int(sys.Uid), int(sys.Gid))
		os.Chmod(volume, st.Mode().Perm())
	}
	return nil
}
