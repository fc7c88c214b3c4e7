package builder

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// change is what one instruction does to the image.
type change struct {
	// createdBy is the history line; with the parent image and keyExtra
	// it is the step's cache key
	createdBy string
	keyExtra  string                    // what else the step's result depends on (COPY's content)
	config    func(*v1.Config) error    // nil: the config stays
	layer     func(rootfs string) error // writes into the step's root filesystem
	run       *runStep                  // RUN
	release   func()                    // after the step (COPY --from's mount)
}

var defaultShell = []string{"/bin/sh", "-c"}

func shellOf(cfg *v1.Config) []string {
	if len(cfg.Shell) > 0 {
		return cfg.Shell
	}
	return defaultShell
}

// nop is the history line of a step that runs nothing, as Docker's
// classic builder writes it ("/bin/sh -c #(nop)  ENV A=b").
func nop(cfg *v1.Config, text string) string {
	return strings.Join(append(slices.Clone(shellOf(cfg)), "#(nop) ", text), " ")
}

// nopCopy is the history line of a COPY or ADD: Docker's classic builder
// writes these with one space after "#(nop)" and one at the end
// ("/bin/sh -c #(nop) COPY file:HASH in /dst ").
func nopCopy(cfg *v1.Config, text string) string {
	return strings.Join(append(slices.Clone(shellOf(cfg)), "#(nop) "+text), " ")
}

// expander expands $VARS in words with the stage's ARGs and ENV.
func (b *builder) expander(st *stage) instructions.SingleWordExpander {
	env := shell.EnvsFromSlice(append(st.args.env(st.cfg.Env), st.cfg.Env...))
	return func(word string) (string, error) {
		s, _, err := b.df.lex.ProcessWord(word, env)
		return s, err
	}
}

// dispatch runs one instruction of a stage.
func (b *builder) dispatch(st *stage, cmd instructions.Command) error {
	if _, isArg := cmd.(*instructions.ArgCommand); !isArg {
		if ex, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
			if err := ex.Expand(b.expander(st)); err != nil {
				return err
			}
		}
	}
	var ch change
	var err error
	switch c := cmd.(type) {
	case *instructions.RunCommand:
		ch, err = b.runChange(st, c)
	case *instructions.CopyCommand:
		ch, err = b.copyChange(st, copyArgs{name: "COPY", sd: c.SourcesAndDest, from: c.From, chown: c.Chown, chmod: c.Chmod})
	case *instructions.AddCommand:
		ch, err = b.copyChange(st, copyArgs{name: "ADD", sd: c.SourcesAndDest, chown: c.Chown, chmod: c.Chmod, add: true})
	case *instructions.ArgCommand:
		ch, err = b.argChange(st, c)
	case *instructions.MaintainerCommand:
		st.author = c.Maintainer
		ch = change{createdBy: nop(&st.cfg, "MAINTAINER "+c.Maintainer)}
	case *instructions.WorkdirCommand:
		ch = workdirChange(st, c.Path)
	case *instructions.CmdCommand:
		ch = commandChange(st, "CMD", c.ShellDependantCmdLine, func(cfg *v1.Config, v []string) { cfg.Cmd = v })
	case *instructions.EntrypointCommand:
		cmdSet := st.cmdSet
		ch = commandChange(st, "ENTRYPOINT", c.ShellDependantCmdLine, func(cfg *v1.Config, v []string) {
			cfg.Entrypoint = v
			if !cmdSet { // an inherited CMD does not go with a new ENTRYPOINT
				cfg.Cmd = nil
			}
		})
	case *instructions.ExposeCommand:
		ch, err = b.exposeChange(st, c)
	default:
		ch, err = configChange(st, cmd)
	}
	if err != nil {
		return err
	}
	if ch.release != nil {
		defer ch.release()
	}
	if err := b.commit(st, ch); err != nil {
		return err
	}
	if _, ok := cmd.(*instructions.CmdCommand); ok {
		st.cmdSet = true
	}
	return nil
}

// configChange is the change of an instruction that only sets config.
func configChange(st *stage, cmd instructions.Command) (change, error) {
	cfg := &st.cfg
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		return change{createdBy: nop(cfg, "ENV "+kvString(c.Env)), config: func(cfg *v1.Config) error {
			for _, kv := range c.Env {
				cfg.Env = setEnv(cfg.Env, kv.Key, kv.Value)
			}
			return nil
		}}, nil
	case *instructions.LabelCommand:
		return change{createdBy: nop(cfg, "LABEL "+kvString(c.Labels)), config: func(cfg *v1.Config) error {
			if cfg.Labels == nil {
				cfg.Labels = map[string]string{}
			}
			for _, kv := range c.Labels {
				cfg.Labels[kv.Key] = kv.Value
			}
			return nil
		}}, nil
	case *instructions.UserCommand:
		return change{createdBy: nop(cfg, "USER "+c.User), config: func(cfg *v1.Config) error { cfg.User = c.User; return nil }}, nil
	case *instructions.VolumeCommand:
		for _, v := range c.Volumes {
			if strings.TrimSpace(v) == "" {
				return change{}, fmt.Errorf("VOLUME specified can not be an empty string")
			}
		}
		return change{createdBy: nop(cfg, fmt.Sprintf("VOLUME %v", c.Volumes)), config: func(cfg *v1.Config) error {
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			for _, v := range c.Volumes {
				cfg.Volumes[v] = struct{}{}
			}
			return nil
		}}, nil
	case *instructions.StopSignalCommand:
		if err := checkSignal(c.Signal); err != nil {
			return change{}, err
		}
		return change{createdBy: nop(cfg, "STOPSIGNAL "+c.Signal), config: func(cfg *v1.Config) error { cfg.StopSignal = c.Signal; return nil }}, nil
	case *instructions.ShellCommand:
		return change{createdBy: nop(cfg, fmt.Sprintf("SHELL %q", c.Shell)), config: func(cfg *v1.Config) error {
			cfg.Shell = slices.Clone(c.Shell)
			return nil
		}}, nil
	case *instructions.HealthCheckCommand:
		h := c.Health
		hc := &v1.HealthConfig{Test: slices.Clone(h.Test), Interval: h.Interval, Timeout: h.Timeout,
			StartPeriod: h.StartPeriod, Retries: h.Retries}
		return change{createdBy: nop(cfg, fmt.Sprintf("HEALTHCHECK &{%q %q %q %q %d}", hc.Test, hc.Interval, hc.Timeout, hc.StartPeriod, hc.Retries)),
			config: func(cfg *v1.Config) error { cfg.Healthcheck = hc; return nil }}, nil
	case *instructions.OnbuildCommand:
		expr := strings.TrimSpace(c.Expression)
		return change{createdBy: nop(cfg, "ONBUILD "+expr), config: func(cfg *v1.Config) error {
			cfg.OnBuild = append(cfg.OnBuild, expr)
			return nil
		}}, nil
	}
	return change{}, fmt.Errorf("%s is not supported by this builder", strings.ToUpper(cmd.Name()))
}

func (b *builder) argChange(st *stage, c *instructions.ArgCommand) (change, error) {
	env := append(st.args.env(st.cfg.Env), st.cfg.Env...)
	if err := b.args.declare(&st.args, c, b.df.lex, env, true); err != nil {
		return change{}, err
	}
	var parts []string
	for _, kv := range c.Args {
		p := kv.Key
		if kv.Value != nil {
			v, _, _ := b.df.lex.ProcessWord(*kv.Value, shell.EnvsFromSlice(env))
			p += "=" + v
		}
		parts = append(parts, p)
	}
	return change{createdBy: nop(&st.cfg, "ARG "+strings.Join(parts, " "))}, nil
}

// commandChange is CMD or ENTRYPOINT: the exec form as written, the
// shell form run by the SHELL.
func commandChange(st *stage, name string, cl instructions.ShellDependantCmdLine, set func(*v1.Config, []string)) change {
	v := slices.Clone(cl.CmdLine)
	if cl.PrependShell {
		v = append(slices.Clone(shellOf(&st.cfg)), strings.Join(cl.CmdLine, " "))
	}
	if len(v) == 0 {
		v = nil
	}
	return change{createdBy: nop(&st.cfg, fmt.Sprintf("%s %q", name, v)), config: func(cfg *v1.Config) error {
		set(cfg, v)
		return nil
	}}
}

// workdirChange sets the working directory (relative to the one before)
// and makes it when missing: a layer only then.
func workdirChange(st *stage, dir string) change {
	if !path.IsAbs(dir) {
		dir = path.Join("/", st.cfg.WorkingDir, dir)
	}
	dir = path.Clean(dir)
	return change{createdBy: nop(&st.cfg, "WORKDIR "+dir),
		config: func(cfg *v1.Config) error { cfg.WorkingDir = dir; return nil },
		layer:  func(rootfs string) error { return mkdirInRoot(rootfs, dir, 0, 0) }}
}

func (b *builder) exposeChange(st *stage, c *instructions.ExposeCommand) (change, error) {
	expand := b.expander(st)
	var ports []string
	for _, p := range c.Ports {
		p, err := expand(p)
		if err != nil {
			return change{}, err
		}
		list, err := parsePorts(p)
		if err != nil {
			return change{}, err
		}
		ports = append(ports, list...)
	}
	sort.Strings(ports)
	return change{createdBy: nop(&st.cfg, "EXPOSE "+strings.Join(ports, " ")), config: func(cfg *v1.Config) error {
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range ports {
			cfg.ExposedPorts[p] = struct{}{}
		}
		return nil
	}}, nil
}

// parsePorts reads PORT[-END][/PROTO] into "N/proto" entries.
func parsePorts(s string) ([]string, error) {
	spec, proto, _ := strings.Cut(s, "/")
	proto = strings.ToLower(proto)
	switch proto {
	case "":
		proto = "tcp"
	case "tcp", "udp", "sctp":
	default:
		return nil, fmt.Errorf("invalid proto: %s", proto)
	}
	lo, hi, isRange := strings.Cut(spec, "-")
	first, err := strconv.ParseUint(lo, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("invalid containerPort: %s", spec)
	}
	last := first
	if isRange {
		if last, err = strconv.ParseUint(hi, 10, 16); err != nil || last < first {
			return nil, fmt.Errorf("invalid port range: %s", spec)
		}
	}
	var out []string
	for p := first; p <= last; p++ {
		out = append(out, fmt.Sprintf("%d/%s", p, proto))
	}
	return out, nil
}

func checkSignal(s string) error {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 64 {
			return fmt.Errorf("invalid signal: %s", s)
		}
		return nil
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if name == "" || strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-") != "" {
		return fmt.Errorf("invalid signal: %s", s)
	}
	return nil
}

func kvString(kvs instructions.KeyValuePairs) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = kv.String()
	}
	return strings.Join(parts, " ")
}

func setEnv(env []string, k, v string) []string {
	for i, e := range env {
		if key, _, _ := strings.Cut(e, "="); key == k {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}

// cloneConfig copies c deeply enough that a step can change it.
func cloneConfig(c v1.Config) v1.Config {
	c.Cmd, c.Entrypoint, c.Env = slices.Clone(c.Cmd), slices.Clone(c.Entrypoint), slices.Clone(c.Env)
	c.Shell, c.OnBuild = slices.Clone(c.Shell), slices.Clone(c.OnBuild)
	c.Labels, c.Volumes, c.ExposedPorts = maps.Clone(c.Labels), maps.Clone(c.Volumes), maps.Clone(c.ExposedPorts)
	if c.Healthcheck != nil {
		h := *c.Healthcheck
		h.Test = slices.Clone(h.Test)
		c.Healthcheck = &h
	}
	return c
}
