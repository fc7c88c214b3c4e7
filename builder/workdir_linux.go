package builder

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sys/unix"

	"myrunc/image"
	"myrunc/internal/lockfile"
	"myrunc/libcontainer"
	"myrunc/network"
)

// workDir is <data-root>/build/ID: one step's bundle and the mount point
// of its root filesystem, locked while the step runs, so that a build
// killed mid-step leaves something the next build can tell and clean.
type workDir struct {
	id, dir string
	lock    *os.File
}

func newWorkDir(dataRoot string) (*workDir, error) {
	var buf [32]byte
	rand.Read(buf[:])
	id := hex.EncodeToString(buf[:])
	dir := filepath.Join(dataRoot, "build", id)
	if err := os.MkdirAll(filepath.Join(dir, "rootfs"), 0o700); err != nil {
		return nil, err
	}
	lock, err := lockfile.Open(filepath.Join(dir, "lock"), unix.LOCK_EX, true)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &workDir{id: id, dir: dir, lock: lock}, nil
}

func (w *workDir) rootfs() string { return filepath.Join(w.dir, "rootfs") }

func (w *workDir) remove() {
	os.RemoveAll(w.dir)
	w.lock.Close()
}

// scratch is the image of a stage FROM scratch before its first layer.
var scratch = &image.Image{Config: &v1.ConfigFile{}}

// mountStep mounts an overlay of img (nil: scratch) for one step; the
// release unmounts it and removes the step's directory and upper layer.
func (b *builder) mountStep(img *image.Image) (*workDir, func(), error) {
	if img == nil {
		img = scratch
	}
	w, err := newWorkDir(b.o.DataRoot)
	if err != nil {
		return nil, nil, err
	}
	if err := b.store.MountRootfs(w.id, img, w.rootfs()); err != nil {
		w.remove()
		return nil, nil, err
	}
	return w, func() {
		b.store.UnmountRootfs(w.id, w.rootfs())
		w.remove()
	}, nil
}

// layerStep runs a step that writes files (RUN, COPY, ADD, WORKDIR) on an
// overlay of the stage's image and returns the upper directory holding
// its diff ("" when nothing changed) and a release to call once the
// step's image is made.
func (b *builder) layerStep(st *stage, ch change) (string, func(), error) {
	w, release, err := b.mountStep(st.img)
	if err != nil {
		return "", nil, err
	}
	if ch.layer != nil {
		err = ch.layer(w.rootfs())
	} else {
		err = b.runStep(w, ch.run)
	}
	if err != nil {
		release()
		return "", nil, err
	}
	upper := filepath.Join(b.store.Root(), "rw", w.id, "upper")
	if isEmptyDir(upper) {
		upper = ""
	}
	return upper, release, nil
}

func isEmptyDir(dir string) bool {
	f, err := os.Open(dir)
	return err == nil && emptyDir(f)
}

// emptyDir says whether the open directory f has no entry; it closes f.
func emptyDir(f *os.File) bool {
	defer f.Close()
	_, err := f.Readdirnames(1)
	return errors.Is(err, io.EOF)
}

// copySource is where a COPY takes files from: the context, a finished
// stage (by name or number) or an image; a stage or image is mounted
// until the release.
func (b *builder) copySource(from string) (*srcRoot, func(), error) {
	if from == "" {
		return b.src, func() {}, nil
	}
	img, err := b.fromImage(from)
	if err != nil {
		return nil, nil, err
	}
	w, release, err := b.mountStep(img)
	if err != nil {
		return nil, nil, err
	}
	return &srcRoot{dir: w.rootfs(), what: "--from=" + from}, release, nil
}

// CleanStale is what `image prune` runs so that a build killed mid-step
// leaves nothing once pruned, even if no build follows.
func CleanStale(dataRoot, runtimeRoot string) error {
	store, err := image.Open(dataRoot)
	if err != nil {
		return err
	}
	cleanStale(dataRoot, runtimeRoot, store)
	return nil
}

// cleanStale removes what builds killed mid-step left: their runtime
// containers, network reservations, mounts and layers.
func cleanStale(dataRoot, runtimeRoot string, store *image.Store) {
	entries, err := os.ReadDir(filepath.Join(dataRoot, "build"))
	if err != nil {
		return
	}
	for _, e := range entries {
		dir := filepath.Join(dataRoot, "build", e.Name())
		lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil && unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
			lock.Close()
			continue // a build is running this step
		}
		if ct, err := libcontainer.Load(runtimeRoot, e.Name()); err == nil {
			ct.Delete(true)
		}
		network.Release(dataRoot, e.Name())
		rootfs := filepath.Join(dir, "rootfs")
		unix.Unmount(rootfs, unix.MNT_DETACH)
		store.UnmountRootfs(e.Name(), rootfs)
		os.RemoveAll(dir)
		if lock != nil {
			lock.Close()
		}
	}
}
