package libcontainer

import (
	"fmt"
	"os"
	"runtime"
	"sort"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

var nsFlags = map[specs.LinuxNamespaceType]int{
	specs.PIDNamespace:     unix.CLONE_NEWPID,
	specs.NetworkNamespace: unix.CLONE_NEWNET,
	specs.MountNamespace:   unix.CLONE_NEWNS,
	specs.IPCNamespace:     unix.CLONE_NEWIPC,
	specs.UTSNamespace:     unix.CLONE_NEWUTS,
	specs.UserNamespace:    unix.CLONE_NEWUSER,
	specs.CgroupNamespace:  unix.CLONE_NEWCGROUP,
	specs.TimeNamespace:    unix.CLONE_NEWTIME,
}

// nsPlan is how the init gets each namespace: cloned new, joined by the
// spawning thread before the clone, or unshared by the init itself.
type nsPlan struct {
	cloneFlags uintptr
	// threadJoins are entered by the spawning thread, nsenterJoins by the
	// init's C constructor
	threadJoins   []nsJoin
	nsenterJoins  []nsJoin
	unshareCgroup bool
	newUser       bool
	// inUserNS: the init runs in a user namespace, new or joined
	inUserNS bool
	ownMount bool
	// viaNsenter: a user, mount or time namespace is joined, which only a
	// single-threaded process can do, so the init's C constructor joins
	// every namespace and unshares the new ones (unshare lists them).
	viaNsenter bool
	unshare    []string
	pidPipeW   *os.File
	// maps: the new user namespace is made by nsenter and mapped by
	// newuidmap/newgidmap (idmap_linux.go)
	maps *mapHelpers
}

type nsJoin struct {
	typ  specs.LinuxNamespaceType
	flag int
	f    *os.File
}

// planNamespaces opens the namespaces to join. A cgroup namespace is
// unshared by the init once it is in its cgroup, and a time namespace by
// the init after writing its offsets; joining a user, mount or time
// namespace needs a single-threaded process, so then nsenter does it all,
// as it does when an unprivileged user maps more than its own ids.
func planNamespaces(s *specs.Spec) (*nsPlan, error) {
	p := &nsPlan{}
	if s.Linux == nil {
		return p, nil
	}
	for i, ns := range s.Linux.Namespaces {
		flag, ok := nsFlags[ns.Type]
		if !ok {
			p.close()
			return nil, fmt.Errorf("linux.namespaces[%d]: unknown type %q", i, ns.Type)
		}
		if ns.Type == specs.MountNamespace {
			p.ownMount = true
		}
		if ns.Type == specs.UserNamespace {
			p.inUserNS = true
		}
		if ns.Path == "" {
			switch ns.Type {
			case specs.CgroupNamespace:
				p.unshareCgroup = true
			case specs.TimeNamespace: // the init unshares it
			case specs.UserNamespace:
				p.newUser = true
				p.cloneFlags |= uintptr(flag)
			default:
				p.cloneFlags |= uintptr(flag)
			}
			continue
		}
		switch ns.Type {
		case specs.UserNamespace, specs.MountNamespace, specs.TimeNamespace:
			p.viaNsenter = true
		}
		f, err := os.Open(ns.Path)
		if err != nil {
			p.close()
			return nil, fmt.Errorf("linux.namespaces[%d]: %w", i, err)
		}
		p.threadJoins = append(p.threadJoins, nsJoin{typ: ns.Type, flag: flag, f: f})
	}
	if p.viaNsenter && p.newUser {
		p.close()
		return nil, fmt.Errorf("linux.namespaces: a new user namespace cannot be combined with joining a mount or time namespace")
	}
	if p.newUser && needsMapHelpers(os.Geteuid(), os.Getegid(), s.Linux.UIDMappings, s.Linux.GIDMappings) {
		err := checkMapsRoot(s.Linux.UIDMappings, s.Linux.GIDMappings)
		if err == nil {
			p.maps, err = findMapHelpers()
		}
		if err != nil {
			p.close()
			return nil, err
		}
		p.viaNsenter = true
	}
	if p.viaNsenter {
		p.toNsenter(s)
	}
	return p, nil
}

// toNsenter moves the whole namespace set-up into the init's constructor:
// the user namespace is joined (or made) first, so that namespaces made
// afterwards belong to it.
func (p *nsPlan) toNsenter(s *specs.Spec) {
	p.nsenterJoins, p.threadJoins = p.threadJoins, nil
	userFirst(p.nsenterJoins)
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.UserNamespace && p.maps != nil {
			continue // made before the others, with its own handshake
		}
		if ns.Path == "" && ns.Type != specs.CgroupNamespace && ns.Type != specs.TimeNamespace {
			p.unshare = append(p.unshare, string(ns.Type))
		}
	}
	p.cloneFlags = 0
}

func userFirst(joins []nsJoin) {
	sort.SliceStable(joins, func(i, j int) bool {
		return joins[i].typ == specs.UserNamespace && joins[j].typ != specs.UserNamespace
	})
}

func (p *nsPlan) close() {
	for _, j := range append(p.threadJoins, p.nsenterJoins...) {
		j.f.Close()
	}
	if p.pidPipeW != nil {
		p.pidPipeW.Close()
	}
	if p.maps != nil {
		p.maps.close()
	}
}

// startIn runs start on a thread that first joins p's namespaces (and
// takes the CPU affinity cpus, if given), so the child it forks is born in
// them. The thread is never unlocked: it changed for good, so the Go
// runtime ends it afterwards.
func (p *nsPlan) startIn(start func() error, cpus *unix.CPUSet) error {
	if len(p.threadJoins) == 0 && cpus == nil {
		return start()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if cpus != nil {
			if err := unix.SchedSetaffinity(0, cpus); err != nil {
				errc <- fmt.Errorf("process.execCPUAffinity.initial: sched_setaffinity: %w", err)
				return
			}
		}
		for _, j := range p.threadJoins {
			if err := unix.Setns(int(j.f.Fd()), j.flag); err != nil {
				errc <- fmt.Errorf("join %s namespace %s: %w", j.typ, j.f.Name(), err)
				return
			}
		}
		errc <- start()
	}()
	return <-errc
}
