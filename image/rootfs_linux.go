package image

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// MountRootfs makes container id's root filesystem at target (an
// existing directory): an overlay whose lower layers are the image's and
// whose upper and work directories are the container's own, under
// rw/ID. It records that the container uses the image (image rm then
// refuses it). UnmountRootfs undoes it.
func (s *Store) MountRootfs(id string, img *Image, target string) (err error) {
	if err := checkContainerID(id); err != nil {
		return err
	}
	// held while the layers are looked up and mounted: GC waits
	op, err := s.beginOp()
	if err != nil {
		return err
	}
	defer op.Close()
	if err := s.Use(id, img.ID); err != nil {
		return err
	}
	rw := s.path("rw", id)
	defer func() {
		if err != nil {
			os.RemoveAll(rw)
			s.Unuse(id)
		}
	}()
	lowers, err := s.LayerDirs(img)
	if err != nil {
		return err
	}
	if len(lowers) == 0 { // scratch: overlayfs needs a lower directory
		empty := s.path("empty")
		if err := os.Mkdir(empty, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		lowers = []string{empty}
	}
	upper, work := filepath.Join(rw, "upper"), filepath.Join(rw, "work")
	if err := os.MkdirAll(upper, 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(work, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	if err := mountOverlay(lowers, upper, work, target); err != nil {
		return fmt.Errorf("mounting the root filesystem of %s (%d layers): %w", id, len(lowers), err)
	}
	return nil
}

// UnmountRootfs unmounts target (if mounted), removes the container's
// writable layer and its use record.
func (s *Store) UnmountRootfs(id, target string) error {
	if err := checkContainerID(id); err != nil {
		return err
	}
	if target != "" {
		if err := unix.Unmount(target, 0); err != nil && err != unix.EINVAL && err != unix.ENOENT {
			if err == unix.EBUSY {
				err = unix.Unmount(target, unix.MNT_DETACH)
			}
			if err != nil {
				return &os.PathError{Op: "umount", Path: target, Err: err}
			}
		}
	}
	if err := os.RemoveAll(s.path("rw", id)); err != nil {
		return err
	}
	return s.Unuse(id)
}

// mountOverlay mounts through the new mount API, one fsconfig call per
// lower directory ("lowerdir+", Linux 6.8): no limit on the number of
// layers but overlayfs's own (500). Older kernels get mount(2), whose
// options must fit in a page: the short l/ links make ~90 layers fit.
func mountOverlay(lowers []string, upper, work, target string) error {
	fd, err := unix.Fsopen("overlay", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return mountOverlayLegacy(lowers, upper, work, target)
	}
	defer unix.Close(fd)
	// the first lowerdir+ is the topmost, as in lowerdir=top:...:bottom
	for i := len(lowers) - 1; i >= 0; i-- {
		if err := unix.FsconfigSetString(fd, "lowerdir+", lowers[i]); err != nil {
			if err == unix.EINVAL && i == len(lowers)-1 {
				return mountOverlayLegacy(lowers, upper, work, target)
			}
			return fmt.Errorf("overlay lowerdir+ %s: %w", lowers[i], err)
		}
	}
	for k, v := range map[string]string{"upperdir": upper, "workdir": work} {
		if err := unix.FsconfigSetString(fd, k, v); err != nil {
			return fmt.Errorf("overlay %s %s: %w", k, v, err)
		}
	}

	if err := unix.FsconfigCreate(fd); err != nil {
		return fmt.Errorf("overlay: %w", err)
	}
	mfd, err := unix.Fsmount(fd, unix.FSMOUNT_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("fsmount: %w", err)
	}
	defer unix.Close(mfd)
	if err := unix.MoveMount(mfd, "", unix.AT_FDCWD, target, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return fmt.Errorf("move_mount to %s: %w", target, err)
	}
	return nil
}

func mountOverlayLegacy(lowers []string, upper, work, target string) error {
	top := make([]string, len(lowers))
	for i, l := range lowers {
		top[len(lowers)-1-i] = l
	}
	data := "lowerdir=" + strings.Join(top, ":") + ",upperdir=" + upper + ",workdir=" + work
	if len(data) >= unix.Getpagesize() {
		return fmt.Errorf("overlay options for %d layers take %d bytes, over the kernel's page (%d); Linux 6.8 lifts this limit",
			len(lowers), len(data), unix.Getpagesize())
	}
	if err := unix.Mount("overlay", target, "overlay", 0, data); err != nil {
		return &os.PathError{Op: "mount overlay", Path: target, Err: err}
	}
	return nil
}
