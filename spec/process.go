package spec

import (
	"path"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ValidateProcess checks a process as Validate does for config.json's
// "process"; exec can use it on a --process file (paths then start with
// "process." too, which is what that file's fields are called in the spec).
func ValidateProcess(p *specs.Process) error {
	loadTables()
	if p == nil {
		return fieldErr("process", "must be set")
	}
	switch {
	case len(p.Args) == 0:
		return fieldErr("process.args", "must not be empty")
	case p.Args[0] == "":
		return fieldErr("process.args[0]", "must not be empty")
	case !path.IsAbs(p.Cwd):
		return fieldErr("process.cwd", "must be an absolute path")
	}
	if err := checkPathString("process.cwd", p.Cwd); err != nil {
		return err
	}
	if u := p.User.Umask; u != nil && *u > 0o777 {
		return fieldErr("process.user.umask", "%#o has bits beyond 0777", *u)
	}
	return first(
		func() error { return checkEnv("process.env", p.Env) },
		func() error { return checkRlimits(p.Rlimits) },
		func() error { return checkCapabilities(p.Capabilities) },
		func() error { return checkProcessLimits(p) },
		func() error { return checkProcessLSM(p) },
	)
}

// checkEnv requires KEY=VALUE with a non-empty key: execve would pass
// anything, but such entries cannot be looked up or overridden, and runc
// rejects them too.
func checkEnv(base string, env []string) error {
	for i, kv := range env {
		key, _, ok := strings.Cut(kv, "=")
		switch {
		case !ok:
			return fieldErr(at(base, i), "%q is not KEY=VALUE", kv)
		case key == "":
			return fieldErr(at(base, i), "empty variable name in %q", kv)
		case strings.IndexByte(kv, 0) >= 0:
			return fieldErr(at(base, i), "contains a NUL byte")
		}
	}
	return nil
}

// checkRlimits rejects names setrlimit does not know, soft > hard (EINVAL)
// and duplicates (which one would win is not defined).
func checkRlimits(rl []specs.POSIXRlimit) error {
	seen := map[string]int{}
	for i, r := range rl {
		p := at("process.rlimits", i)
		if !rlimitNames[r.Type] {
			return fieldErr(p+".type", "unknown rlimit %q", r.Type)
		}
		if j, dup := seen[r.Type]; dup {
			return fieldErr(p+".type", "duplicate %q (also in %s)", r.Type, at("process.rlimits", j))
		}
		seen[r.Type] = i
		if r.Soft > r.Hard {
			return fieldErr(p, "soft limit %d is greater than hard limit %d", r.Soft, r.Hard)
		}
	}
	return nil
}

// checkCapabilities requires every name in every set to look like a
// Linux capability. A well-formed name this table does not know passes:
// newer profiles name capabilities older kernels lack, and the init
// leaves such ones out with a warning, as runc does.
func checkCapabilities(c *specs.LinuxCapabilities) error {
	if c == nil {
		return nil
	}
	sets := []struct {
		name string
		caps []string
	}{
		{"bounding", c.Bounding}, {"effective", c.Effective},
		{"inheritable", c.Inheritable}, {"permitted", c.Permitted},
		{"ambient", c.Ambient},
	}
	for _, set := range sets {
		for i, name := range set.caps {
			if !capabilityNames[name] && !wellFormedCapability(name) {
				return fieldErr(at("process.capabilities."+set.name, i), "unknown capability %q", name)
			}
		}
	}
	return nil
}

// checkProcessLimits checks the numeric process settings against the ranges
// the kernel accepts.
func checkProcessLimits(p *specs.Process) error {
	if p.OOMScoreAdj != nil && (*p.OOMScoreAdj < -1000 || *p.OOMScoreAdj > 1000) {
		return fieldErr("process.oomScoreAdj", "%d is out of range [-1000, 1000]", *p.OOMScoreAdj)
	}
	if io := p.IOPriority; io != nil {
		if !ioPriorityClasses[string(io.Class)] {
			return fieldErr("process.ioPriority.class", "unknown class %q", io.Class)
		}
		if io.Priority < 0 || io.Priority > 7 {
			return fieldErr("process.ioPriority.priority", "%d is out of range [0, 7]", io.Priority)
		}
	}
	if err := checkScheduler(p.Scheduler); err != nil {
		return err
	}
	if a := p.ExecCPUAffinity; a != nil {
		if err := checkCPUList("process.execCPUAffinity.initial", a.Initial); err != nil {
			return err
		}
		return checkCPUList("process.execCPUAffinity.final", a.Final)
	}
	return nil
}

// checkScheduler checks sched_setattr's ranges: nice -20 to 19, a
// realtime priority of 1 to 99 for SCHED_FIFO and SCHED_RR and 0 for the
// others, and known flags.
func checkScheduler(sc *specs.Scheduler) error {
	if sc == nil {
		return nil
	}
	const p = "process.scheduler"
	rt := sc.Policy == specs.SchedFIFO || sc.Policy == specs.SchedRR
	switch {
	case !schedulerPolicies[string(sc.Policy)]:
		return fieldErr(p+".policy", "unknown policy %q", sc.Policy)
	case sc.Nice < -20 || sc.Nice > 19:
		return fieldErr(p+".nice", "%d is outside -20 to 19", sc.Nice)
	case rt && (sc.Priority < 1 || sc.Priority > 99):
		return fieldErr(p+".priority", "%d is outside 1 to 99 (%s)", sc.Priority, sc.Policy)
	case !rt && sc.Priority != 0:
		return fieldErr(p+".priority", "must be 0 for %s", sc.Policy)
	}
	for i, fl := range sc.Flags {
		if !schedulerFlags[string(fl)] {
			return fieldErr(at(p+".flags", i), "unknown flag %q", fl)
		}
	}
	return nil
}

// wellFormedCapability: CAP_ and then upper-case letters, digits and "_".
func wellFormedCapability(name string) bool {
	rest, ok := strings.CutPrefix(name, "CAP_")
	if !ok || rest == "" {
		return false
	}
	for _, r := range rest {
		if !('A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
