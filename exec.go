package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/libcontainer"
	"myrunc/libcontainer/cgroups"
	"myrunc/libcontainer/console"
	"myrunc/libcontainer/user"
	"myrunc/spec"
)

var execCommand = &cli.Command{
	Name:      "exec",
	Usage:     "run a new process in a running container",
	ArgsUsage: "<container-id> [command [args...]]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "process", Aliases: []string{"p"}, Usage: "JSON file with the process (runtime-spec process object)"},
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "return once the process runs"},
		&cli.StringFlag{Name: "pid-file", Usage: "write the process's pid to this file"},
		&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "give the process a terminal"},
		&cli.StringFlag{Name: "console-socket", Usage: "unix socket to receive the pty master"},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set an environment variable (KEY=VALUE)"},
		&cli.StringFlag{Name: "cwd", Usage: "working directory in the container"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "user[:group] to run as: numbers, or names from the container's /etc/passwd and /etc/group"},
		&cli.StringSliceFlag{Name: "additional-gids", Aliases: []string{"g"}, Usage: "additional group ids"},
		&cli.StringSliceFlag{Name: "cap", Aliases: []string{"c"}, Usage: "add a capability (CAP_NAME)"},
		&cli.BoolFlag{Name: "no-new-privs", Usage: "set no_new_privs for the process"},
		&cli.IntFlag{Name: "preserve-fds", Usage: "pass N extra fds (from 3) to the process"},
		&cli.BoolFlag{Name: "ignore-paused", Usage: "exec into a paused container too (the process starts once it is resumed)"},
		&cli.StringSliceFlag{Name: "cgroup", Usage: "run in an existing sub-cgroup of the container: PATH, or CONTROLLER[,CONTROLLER]:PATH (v1); repeatable"},
		&cli.StringFlag{Name: "pidfd-socket", Usage: "unix socket to receive a pidfd of the process"},
		&cli.StringFlag{Name: "apparmor", Usage: "AppArmor profile (myrunc applies none: an error if set)"},
		&cli.StringFlag{Name: "process-label", Usage: "SELinux label (myrunc applies none: an error if set)"},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() < 1 {
			return fmt.Errorf("exec: expects a container id")
		}
		ct, err := libcontainer.Load(c.String("root"), c.Args().First())
		if err != nil {
			return err
		}
		cs, err := ct.Config()
		if err != nil {
			return err
		}
		p, err := execProcess(c, cs)
		if err != nil {
			return err
		}
		var sigs chan os.Signal
		if !c.Bool("detach") {
			sigs = make(chan os.Signal, 16)
			signal.Notify(sigs, forwarded...)
			// a process forked by nsenter is our grandchild: adopt it
			if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
				return os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", err)
			}
		}
		subs, err := cgroups.ParseSub(c.StringSlice("cgroup"))
		if err != nil {
			return fmt.Errorf("exec %w", err)
		}
		proc, err := ct.Exec(&libcontainer.ExecOpts{Process: p, PidFile: c.String("pid-file"),
			PreserveFds: c.Int("preserve-fds"), ConsoleSocket: c.String("console-socket"),
			AttachConsole: !c.Bool("detach"), User: namedUser(c.String("user")),
			SubCgroups: subs, IgnorePaused: c.Bool("ignore-paused"), PidfdSocket: c.String("pidfd-socket"),
			Spec: cs})
		if err != nil {
			return err
		}
		if c.Bool("detach") {
			return nil
		}
		detachTerminal := func() {}
		if proc.Console != nil {
			if detachTerminal, err = console.Attach(proc.Console); err != nil {
				return err
			}
		}
		go forwardSignals(sigs, proc.Pid)
		code, err := proc.Wait()
		detachTerminal()
		if err != nil {
			return err
		}
		return &exitError{code}
	},
}

// execProcess is --process, or the container's own process with the
// command and the flags' changes.
func execProcess(c *cli.Context, cs *specs.Spec) (*specs.Process, error) {
	var p *specs.Process
	if f := c.String("process"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("exec --process: %w", err)
		}
		if p, err = spec.DecodeProcess(data, f); err != nil {
			return nil, fmt.Errorf("exec --process: %w", err)
		}
	} else {
		if cs.Process == nil {
			cs.Process = &specs.Process{}
		}
		p = cs.Process
		p.Args = c.Args().Tail()
		if len(p.Args) == 0 {
			return nil, fmt.Errorf("exec: no command given (and no --process)")
		}
		p.Terminal = false
	}
	if err := applyExecFlags(c, p); err != nil {
		return nil, err
	}
	if err := spec.ValidateExec(p, cs); err != nil {
		return nil, fmt.Errorf("exec: %w", err)
	}
	return p, nil
}

func applyExecFlags(c *cli.Context, p *specs.Process) error {
	// checked with the rest of the process: myrunc applies neither
	if c.IsSet("apparmor") {
		p.ApparmorProfile = c.String("apparmor")
	}
	if c.IsSet("process-label") {
		p.SelinuxLabel = c.String("process-label")
	}
	if c.IsSet("tty") {
		p.Terminal = c.Bool("tty")
	}
	for _, e := range c.StringSlice("env") {
		p.Env = setEnv(p.Env, e)
	}
	if c.IsSet("cwd") {
		p.Cwd = c.String("cwd")
	}
	if u := c.String("user"); u != "" {
		uid, gid, named, err := parseUser(u)
		if err != nil {
			return err
		}
		if !named {
			p.User.UID, p.User.GID = uid, gid
		}
	}
	for _, g := range c.StringSlice("additional-gids") {
		n, err := strconv.ParseUint(g, 10, 32)
		if err != nil {
			return fmt.Errorf("exec --additional-gids: %q is not a number", g)
		}
		p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(n))
	}
	if caps := c.StringSlice("cap"); len(caps) > 0 {
		if p.Capabilities == nil {
			p.Capabilities = &specs.LinuxCapabilities{}
		}
		pc := p.Capabilities
		for _, name := range caps {
			name = strings.ToUpper(name)
			if !strings.HasPrefix(name, "CAP_") {
				name = "CAP_" + name
			}
			// as runc adds them: not inheritable, so nothing the process
			// execs keeps them through a file's inheritable set
			pc.Bounding = append(pc.Bounding, name)
			pc.Effective = append(pc.Effective, name)
			pc.Permitted = append(pc.Permitted, name)
		}
	}
	if c.Bool("no-new-privs") {
		p.NoNewPrivileges = true
	}
	return nil
}

// setEnv sets KEY=VALUE in env, replacing an earlier value of KEY.
func setEnv(env []string, kv string) []string {
	key, _, _ := strings.Cut(kv, "=")
	for i, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == key {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}

// parseUser takes uid[:gid], numbers, or a user and group either of
// which is a name: named, then the container's init looks them up in its
// own /etc/passwd and /etc/group.
func parseUser(u string) (uid, gid uint32, named bool, err error) {
	s, err := user.ParseSpec(u)
	if err != nil {
		return 0, 0, false, fmt.Errorf("exec %w", err)
	}
	uid, gid, numeric := s.Numeric()
	return uid, gid, !numeric, nil
}

// namedUser is --user when it has names to look up, else "".
func namedUser(u string) string {
	if _, _, named, err := parseUser(u); err == nil && named {
		return u
	}
	return ""
}
