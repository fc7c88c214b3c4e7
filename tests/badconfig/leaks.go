package main

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// snapshot is what the host holds of this run: each is a sorted list.
type snapshot struct {
	state, cgroups, mounts, procs, files []string
}

func (r *run) snap() snapshot {
	return snapshot{state: r.stateDirs(), cgroups: r.cgroupDirs(), mounts: r.mounts(),
		procs: r.procs(), files: r.outsideFiles()}
}

// leftovers lists what the last case left beyond the run's baseline (the
// containers exec and update use are part of it while they run), and
// removes it so the next case starts clean.
func (r *run) leftovers(keep string) []string {
	now := r.snap()
	var left []string
	add := func(what string, before, after []string, ok func(string) bool) {
		for _, x := range after {
			if !slices.Contains(before, x) && !ok(x) {
				left = append(left, what+" "+x)
			}
		}
	}
	mine := func(x string) bool { return keep != "" && strings.Contains(x, keep) }
	add("state", r.before.state, now.state, mine)
	add("cgroup", r.before.cgroups, now.cgroups, func(x string) bool {
		return keep != "" && strings.HasSuffix(x, r.cgPrefix+"/c") || strings.HasSuffix(x, r.cgPrefix)
	})
	add("mount", r.before.mounts, now.mounts, func(string) bool { return false })
	add("process", r.before.procs, now.procs, func(x string) bool { return keep != "" && r.inContainer(x) })
	add("file", r.before.files, now.files, func(string) bool { return false })
	if len(left) > 0 {
		r.forceClean(keep)
	}
	return left
}

// stateDirs are the entries under --root but the runtime's own cache.
func (r *run) stateDirs() []string {
	entries, _ := os.ReadDir(r.root)
	var out []string
	for _, e := range entries {
		if e.Name() != ".cache" {
			out = append(out, e.Name())
		}
	}
	return out
}

// cgroupDirs finds this run's cgroups in every hierarchy, and any made
// at the top under the names the cases use for cgroupsPath.
func (r *run) cgroupDirs() []string {
	var out []string
	hierarchies, _ := filepath.Glob("/sys/fs/cgroup/*")
	hierarchies = append(hierarchies, "/sys/fs/cgroup")
	for _, h := range hierarchies {
		for _, name := range []string{strings.TrimPrefix(r.cgPrefix, "/"), "a", "x", "k"} {
			top := filepath.Join(h, name)
			filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					out = append(out, p)
				}
				return nil
			})
		}
	}
	slices.Sort(out)
	return out
}

// mounts are the host's mounts that mention the work dir.
func (r *run) mounts() []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 4 && strings.Contains(sc.Text(), r.work) {
			out = append(out, fields[4])
		}
	}
	slices.Sort(out)
	return out
}

// procs are the live processes whose cwd or root is in the work dir
// (every init starts there), or that are in this run's cgroups.
func (r *run) procs() []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	self := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		pid := e.Name()
		if pid[0] < '0' || pid[0] > '9' || pid == self || zombie(pid) {
			continue
		}
		for _, l := range []string{"cwd", "root"} {
			if t, err := os.Readlink("/proc/" + pid + "/" + l); err == nil && (t == r.work || strings.HasPrefix(t, r.work+"/")) {
				out = append(out, pid)
				break
			}
		}
	}
	for _, d := range r.cgroupDirs() {
		data, _ := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		for _, pid := range strings.Fields(string(data)) {
			if !slices.Contains(out, pid) && !zombie(pid) {
				out = append(out, pid)
			}
		}
	}
	slices.Sort(out)
	return out
}

func zombie(pid string) bool {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(data), ')')
	return i < 0 || i+2 >= len(data) || data[i+2] == 'Z' || data[i+2] == 'X'
}

// inContainer: the process is one of the running target container's.
func (r *run) inContainer(pid string) bool {
	data, _ := os.ReadFile("/proc/" + pid + "/cgroup")
	return strings.Contains(string(data), r.cgPrefix+"/c")
}

// outsideFiles lists the work dir but the bundle, and everything under
// the places cases point at.
func (r *run) outsideFiles() []string {
	var out []string
	entries, _ := os.ReadDir(r.work)
	for _, e := range entries {
		out = append(out, e.Name())
	}
	filepath.WalkDir(r.env.Work, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			out = append(out, p)
		}
		return nil
	})
	for _, f := range []string{"process.json", "resources.json"} {
		out = slices.DeleteFunc(out, func(x string) bool { return x == f })
	}
	slices.Sort(out)
	return out
}

// forceClean removes what a case left: containers, processes, mounts,
// cgroups (but those of the container keep, which stays).
func (r *run) forceClean(keep string) {
	for _, id := range r.stateDirs() {
		if id != keep {
			r.runtime("", "delete", "--force", id)
		}
	}
	for _, pid := range r.procs() {
		if n, err := strconv.Atoi(pid); err == nil && !(keep != "" && r.inContainer(pid)) {
			unix.Kill(n, unix.SIGKILL)
		}
	}
	mounts := r.mounts()
	slices.Reverse(mounts)
	for _, m := range mounts {
		unix.Unmount(m, unix.MNT_DETACH)
	}
	dirs := r.cgroupDirs()
	slices.Reverse(dirs) // children first
	for _, d := range dirs {
		if !(keep != "" && strings.HasSuffix(d, r.cgPrefix+"/c")) && !strings.HasSuffix(d, r.cgPrefix) {
			unix.Rmdir(d)
		}
	}
}

// cleanup removes the whole run.
func (r *run) cleanup() {
	r.forceClean("")
	for _, d := range r.cgroupDirs() {
		unix.Rmdir(filepath.Join(d, "c"))
		unix.Rmdir(d)
	}
	if len(r.mounts()) == 0 {
		os.RemoveAll(r.work)
	}
}
