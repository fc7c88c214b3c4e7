package libcontainer

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/internal/trace"
	"myrunc/libcontainer/cgroups"
	"myrunc/libcontainer/hooks"
)

// killTimeout bounds how long delete waits for SIGKILLed processes.
const killTimeout = 10 * time.Second

// Delete removes a stopped (or created) container: its processes, cgroup
// and state, then runs the poststop hooks. With force a running or
// paused container is killed first.
func (c *Container) Delete(force bool) error {
	if err := c.Lock(); err != nil {
		return err
	}
	defer c.Unlock()
	st := c.Status()
	if st == Creating {
		// its creator is alive, yet did not hold the lock: not ours to judge
		return &stateError{"delete", c.id, st}
	}
	if !st.allows("delete") && !force {
		return fmt.Errorf("cannot delete container %q that is not stopped: it is %s (use --force)", c.id, st)
	}
	if c.state == nil {
		// emptied by a delete killed part-way: only the directory is left
		return removeStateDir(c.dir)
	}
	m, err := c.cgroupManager()
	if err != nil {
		return err
	}
	if err := c.killAll(m); err != nil {
		return err
	}
	trace.Mark("killed processes")
	if err := c.destroy(m); err != nil {
		return err
	}
	trace.Mark("removed state")
	if c.state.Creator != nil {
		return nil // cut short: its hooks are not on record
	}
	state := c.OCIState()
	state.Status = specs.StateStopped
	if err := hooks.Run(c.state.Hooks, hooks.Poststop, state); err != nil {
		slog.Warn("poststop hook failed", "container", c.id, "error", err)
	}
	return nil
}

// killAll SIGKILLs every process of the container and waits until the
// init is gone. A frozen cgroup is thawed so the kill can land.
func (c *Container) killAll(m cgroups.Manager) error {
	if err := c.signalAll(m); err != nil {
		return err
	}
	if c.initCmd != nil {
		c.initCmd.Wait()
	}
	if !waitGone(c.state.Pid, c.state.InitStartTime, killTimeout) {
		return fmt.Errorf("container %q: init (pid %d) did not die after SIGKILL", c.id, c.state.Pid)
	}
	return nil
}

// signalAll SIGKILLs the init and every process in the container's
// cgroup, the cgroup frozen meanwhile. A container with nothing left
// alive (the usual delete: its init has exited and took its pid
// namespace with it) is not frozen: an empty cgroup gains no process by
// a fork, and a v1 freeze and thaw each patch the kernel's text (the
// freezer's static key), the dearest step of a whole `run` here.
func (c *Container) signalAll(m cgroups.Manager) error {
	if pids, err := m.Pids(); err == nil && len(pids) == 0 && c.pidAlive() == 0 {
		return nil
	}
	// frozen while they are signalled, none forks one that is missed
	// (without a pid namespace, the init's death takes no one with it)
	_ = m.Freeze(true)
	if c.pidAlive() != 0 {
		signalProcess(c.state.Pid, unix.SIGKILL)
	}
	pids, err := m.Pids()
	for _, pid := range pids {
		signalProcess(pid, unix.SIGKILL)
	}
	// a frozen process dies of SIGKILL only once thawed
	m.Freeze(false)
	return err
}

// destroy removes what create made: cgroup, leftover host mounts, state.
func (c *Container) destroy(m cgroups.Manager) error {
	if err := destroyCgroup(m); err != nil {
		return err
	}
	trace.Mark("removed cgroup")
	if !c.state.OwnMountNs {
		unmountUnder(c.state.Rootfs)
	}
	return removeStateDir(c.dir)
}

// RemoveAbandoned removes what a create of id that was killed before its
// state directory was in place left under root (`delete --force` of an
// id that does not exist calls it).
func RemoveAbandoned(root, id string) {
	if ValidateID(id) == nil {
		removeIfAbandoned(newDirName(root, id))
	}
}

// destroyCgroup removes the cgroup once its processes are gone: exiting
// processes leave it a moment after they die, so it kills what is left
// and tries again, for up to killTimeout.
func destroyCgroup(m cgroups.Manager) error {
	deadline := time.Now().Add(killTimeout)
	for {
		err := m.Destroy()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		pids, _ := m.Pids()
		for _, pid := range pids {
			signalProcess(pid, unix.SIGKILL)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// unmountUnder detaches the mounts a container without its own mount
// namespace left on the host under its rootfs, deepest first.
func unmountUnder(rootfs string) {
	mounts, err := mountinfo.GetMounts(mountinfo.PrefixFilter(rootfs))
	if err != nil {
		return
	}
	var points []string
	for _, m := range mounts {
		if m.Mountpoint != rootfs && strings.HasPrefix(m.Mountpoint, rootfs+"/") {
			points = append(points, m.Mountpoint)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(points)))
	for _, p := range points {
		unix.Unmount(filepath.Clean(p), unix.MNT_DETACH)
	}
}
