package libcontainer

import (
	"sort"

	"myrunc/libcontainer/cgroups"
)

// Processes lists the host pids of every process in the container's
// cgroup (and its child cgroups), sorted. A stopped container whose
// processes are all gone has none: the list is empty, never nil, so
// that it prints as [] in JSON.
func (c *Container) Processes() ([]int, error) {
	if c.state == nil {
		return nil, &stateError{"list the processes of", c.id, Creating}
	}
	m, err := cgroups.Load(c.state.CgroupPath)
	if err != nil {
		return nil, err
	}
	pids, err := m.Pids()
	if err != nil {
		return nil, err
	}
	sort.Ints(pids)
	if pids == nil {
		pids = []int{}
	}
	return pids, nil
}
