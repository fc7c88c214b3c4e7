package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"myrunc/internal/badconfig"
)

// configs runs every config.json case through create.
func (r *run) configs(seed int64, random int) error {
	cases, err := badconfig.Config(r.base, r.env, seed, random)
	if err != nil {
		return err
	}
	cfg := filepath.Join(r.bundle, "config.json")
	defer os.WriteFile(cfg, r.base, 0o644)
	for i, c := range r.sample(cases) {
		if err := os.WriteFile(cfg, c.Data, 0o644); err != nil {
			return err
		}
		id := fmt.Sprintf("bc%d", i)
		code, out := r.runtime("", "create", "--bundle", r.bundle, id)
		r.judge("create", c, code, out, func() []string { return r.leftovers(id) })
	}
	return nil
}

// target runs a container from the base config for exec and update.
func (r *run) target(id string) error {
	if code, out := r.runtime("", "run", "--detach", "--bundle", r.bundle, id); code != 0 {
		return fmt.Errorf("run of the base config failed (%d): %s", code, out)
	}
	return nil
}

// processes runs every process case through exec --process.
func (r *run) processes(seed int64, random int) error {
	cases, err := badconfig.Process(r.base, r.env, seed, random)
	if err != nil {
		return err
	}
	const id = "bc-exec"
	if err := r.target(id); err != nil {
		return err
	}
	defer r.runtime("", "delete", "--force", id)
	procs := r.containerProcs(id)
	file := filepath.Join(r.work, "process.json")
	for _, c := range r.sample(cases) {
		if err := os.WriteFile(file, c.Data, 0o644); err != nil {
			return err
		}
		code, out := r.runtime("", "exec", "--detach", "--process", file, id)
		r.judge("exec --process", c, code, out, func() []string {
			left := r.leftovers(id)
			if now := r.containerProcs(id); now != procs {
				left = append(left, "container processes "+procs+" became "+now)
				r.restart(id)
				procs = r.containerProcs(id)
			}
			return left
		})
	}
	return nil
}

// resources runs every resources case through update --resources, from
// a file and (every third case) from stdin.
func (r *run) resources(seed int64, random int) error {
	cases := badconfig.Resources(r.env, seed, random)
	const id = "bc-update"
	if err := r.target(id); err != nil {
		return err
	}
	defer r.runtime("", "delete", "--force", id)
	limits := r.cgroupLimits(id)
	file := filepath.Join(r.work, "resources.json")
	for i, c := range r.sample(cases) {
		var code int
		var out string
		if i%3 == 0 {
			code, out = r.runtime(string(c.Data), "update", "--resources", "-", id)
		} else {
			if err := os.WriteFile(file, c.Data, 0o644); err != nil {
				return err
			}
			code, out = r.runtime("", "update", "--resources", file, id)
		}
		r.judge("update --resources", c, code, out, func() []string {
			left := r.leftovers(id)
			if now := r.cgroupLimits(id); now != limits {
				left = append(left, "cgroup limits changed: "+limits+" -> "+now)
				limits = now
			}
			return left
		})
	}
	return nil
}

// containerProcs lists the processes in the container's cgroup.
func (r *run) containerProcs(id string) string {
	data, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/pids", r.cgPrefix, "c", "cgroup.procs"))
	if err != nil { // cgroup v2
		data, _ = os.ReadFile(filepath.Join("/sys/fs/cgroup", r.cgPrefix, "c", "cgroup.procs"))
	}
	return strings.Join(strings.Fields(string(data)), ",")
}

// restart replaces a container an exec case disturbed.
func (r *run) restart(id string) {
	r.runtime("", "delete", "--force", id)
	r.target(id)
}

// cgroupLimits reads the limits update could change.
func (r *run) cgroupLimits(id string) string {
	var parts []string
	for _, f := range []string{"memory/memory.limit_in_bytes", "memory/memory.soft_limit_in_bytes",
		"cpu/cpu.shares", "cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us", "pids/pids.max",
		"cpuset/cpuset.cpus", "cpuset/cpuset.mems"} {
		ctrl, name, _ := strings.Cut(f, "/")
		data, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", ctrl, r.cgPrefix, "c", name))
		if err == nil {
			parts = append(parts, name+"="+strings.TrimSpace(string(data)))
		}
	}
	return strings.Join(parts, " ")
}

// makeBundle makes a busybox bundle whose config comes from `myrunc spec`.
func makeBundle(dir, busybox, myrunc, cgroupsPath string) error {
	rootfs := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "etc", "tmp", "proc", "sys", "dev", "root"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			return err
		}
	}
	if err := copyFile(busybox, filepath.Join(rootfs, "bin", "busybox")); err != nil {
		return err
	}
	for _, a := range []string{"sh", "sleep", "true", "cat"} {
		os.Symlink("busybox", filepath.Join(rootfs, "bin", a))
	}
	os.WriteFile(filepath.Join(rootfs, "etc", "passwd"), []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(rootfs, "etc", "group"), []byte("root:x:0:\n"), 0o644)
	if out, err := exec.Command(myrunc, "spec", "--bundle", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("%s spec: %v: %s", myrunc, err, out)
	}
	cfg := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(cfg)
	if err != nil {
		return err
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	p := s["process"].(map[string]any)
	p["terminal"], p["args"] = false, []string{"sleep", "1000"}
	s["root"].(map[string]any)["readonly"] = false
	s["linux"].(map[string]any)["cgroupsPath"] = cgroupsPath
	out, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(cfg, out, 0o644)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
