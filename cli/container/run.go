package container

import (
	"fmt"
	"os"
	"os/signal"

	"myrunc/libcontainer/console"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/engine"
	"myrunc/internal/signals"
)

// createFlags are run's and create's.
func createFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "name", Usage: "assign a name to the container"},
		&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "keep STDIN open even if not attached"},
		&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "allocate a pseudo-TTY"},
		&cli.BoolFlag{Name: "rm", Usage: "automatically remove the container and its anonymous volumes when it exits"},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set environment variables (K=V, or K to take ours)"},
		&cli.StringSliceFlag{Name: "env-file", Usage: "read in a file of environment variables"},
		&cli.StringSliceFlag{Name: "volume", Aliases: []string{"v"}, Usage: "bind mount or volume: SRC:DST[:ro], NAME:DST, or DST"},
		&cli.StringSliceFlag{Name: "mount", Usage: "type=bind|volume|tmpfs,source=...,target=...[,readonly]"},
		&cli.StringSliceFlag{Name: "tmpfs", Usage: "mount a tmpfs directory: DST[:OPTIONS]"},
		&cli.StringSliceFlag{Name: "publish", Aliases: []string{"p"}, Usage: "publish a port: [IP:]HOST:CTR[/tcp|udp]"},
		&cli.BoolFlag{Name: "publish-all", Aliases: []string{"P"}, Usage: "publish all exposed ports to random ports"},
		&cli.StringFlag{Name: "network", Aliases: []string{"net"}, Usage: "bridge, none, host, container:NAME or a network's name"},
		&cli.StringSliceFlag{Name: "network-alias", Aliases: []string{"net-alias"}, Usage: "add a network-scoped alias"},
		&cli.StringFlag{Name: "ip", Usage: "IPv4 address on a user-defined network"},
		&cli.StringFlag{Name: "hostname", Usage: "container host name"},
		&cli.StringSliceFlag{Name: "add-host", Usage: "add a custom host-to-IP mapping (NAME:IP)"},
		&cli.StringSliceFlag{Name: "dns", Usage: "set custom DNS servers"},
		&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: "working directory inside the container"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "username or UID (format: <name|uid>[:<group|gid>])"},
		&cli.StringFlag{Name: "entrypoint", Usage: "overwrite the default ENTRYPOINT of the image"},
		&cli.StringFlag{Name: "memory", Aliases: []string{"m"}, Usage: "memory limit"},
		&cli.StringFlag{Name: "memory-swap", Usage: "swap limit equal to memory plus swap: '-1' for unlimited swap"},
		&cli.StringFlag{Name: "cpus", Usage: "number of CPUs"},
		&cli.Int64Flag{Name: "cpu-shares", Aliases: []string{"c"}, Usage: "CPU shares (relative weight)"},
		&cli.StringFlag{Name: "cpuset-cpus", Usage: "CPUs in which to allow execution (0-3, 0,1)"},
		&cli.Int64Flag{Name: "pids-limit", Usage: "tune container pids limit (-1 for unlimited)"},
		&cli.StringFlag{Name: "restart", Value: "no", Usage: "restart policy: no, on-failure[:N], always, unless-stopped"},
		&cli.BoolFlag{Name: "read-only", Usage: "mount the container's root filesystem as read only"},
		&cli.BoolFlag{Name: "privileged", Usage: "give extended privileges to this container"},
		&cli.StringSliceFlag{Name: "cap-add", Usage: "add Linux capabilities"},
		&cli.StringSliceFlag{Name: "cap-drop", Usage: "drop Linux capabilities"},
		&cli.StringSliceFlag{Name: "security-opt", Usage: "seccomp=FILE|unconfined, no-new-privileges"},
		&cli.StringSliceFlag{Name: "label", Aliases: []string{"l"}, Usage: "set meta data on a container"},
		&cli.BoolFlag{Name: "init", Usage: "run an init inside the container that forwards signals and reaps processes"},
	}
}

// options reads the flags.
func options(c *cli.Context) *engine.Options {
	o := &engine.Options{
		Image: c.Args().First(), Args: c.Args().Tail(), Name: c.String("name"),
		Interactive: c.Bool("interactive"), Tty: c.Bool("tty"), Rm: c.Bool("rm"),
		Env: c.StringSlice("env"), EnvFiles: c.StringSlice("env-file"), Volumes: c.StringSlice("volume"),
		Mounts: c.StringSlice("mount"), Tmpfs: c.StringSlice("tmpfs"), Publish: c.StringSlice("publish"),
		PublishAll: c.Bool("publish-all"), Network: c.String("network"), Aliases: c.StringSlice("network-alias"),
		IP: c.String("ip"), Hostname: c.String("hostname"), AddHosts: c.StringSlice("add-host"),
		DNS: c.StringSlice("dns"), Workdir: c.String("workdir"), User: c.String("user"),
		Memory: c.String("memory"), MemorySwap: c.String("memory-swap"), CPUs: c.String("cpus"),
		CPUShares: c.Int64("cpu-shares"), CpusetCpus: c.String("cpuset-cpus"), PidsLimit: c.Int64("pids-limit"),
		Restart: c.String("restart"), ReadOnly: c.Bool("read-only"), Privileged: c.Bool("privileged"),
		CapAdd: c.StringSlice("cap-add"), CapDrop: c.StringSlice("cap-drop"),
		SecurityOpt: c.StringSlice("security-opt"), Labels: c.StringSlice("label"), Init: c.Bool("init"),
	}
	if c.IsSet("entrypoint") {
		ep := c.String("entrypoint")
		o.Entrypoint = &ep
	}
	return o
}

var createCommand = &cli.Command{
	Name:      "create",
	Usage:     "create a new container",
	ArgsUsage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
	Flags:     createFlags(),
	Action: func(c *cli.Context) error {
		if err := needArgs(c, 1); err != nil {
			return err
		}
		e, err := openEngine(c)
		if err != nil {
			return fail(125, err)
		}
		ct, err := e.Create(options(c))
		if err != nil {
			return failFor(125, err)
		}
		fmt.Println(ct.ID)
		return nil
	},
}

var runCommand = &cli.Command{
	Name:      "run",
	Usage:     "create and run a new container from an image",
	ArgsUsage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
	Flags: append(createFlags(),
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "run container in background and print container ID"}),
	Action: func(c *cli.Context) error {
		if err := needArgs(c, 1); err != nil {
			return err
		}
		e, err := openEngine(c)
		if err != nil {
			return fail(125, err)
		}
		o := options(c)
		ct, err := e.Create(o)
		if err != nil {
			return failFor(125, err)
		}
		if c.Bool("detach") {
			if _, _, err := e.Start(ct.ID, false); err != nil {
				if o.Rm {
					e.Remove(ct.ID, true, true)
				}
				return failFor(125, err)
			}
			fmt.Println(ct.ID)
			return nil
		}
		return attachRun(e, ct.ID, o.Tty, o.Interactive, o.Rm)
	},
}

// attachRun starts a container attached to our stdio and exits with its
// exit code: signals go to the container (without a tty), a tty is made
// raw and its size follows ours.
func attachRun(e *engine.Engine, id string, tty, interactive, rm bool) error {
	// subscribed before the start, so no signal meant for the container is lost
	sigs := make(chan os.Signal, 16)
	if !tty {
		signal.Notify(sigs, signals.Forwarded...)
		defer signal.Stop(sigs)
	}
	var term *console.Terminal
	if tty && interactive {
		if t, ok, err := console.MakeRaw(); err == nil && ok {
			term = t
			defer term.Reset()
		}
	}
	var a *engine.Attached
	var err error
	if term != nil {
		rows, cols, _ := term.Size()
		_, a, err = e.StartTTY(id, engine.TTYSize{Rows: rows, Cols: cols})
	} else {
		_, a, err = e.Start(id, true)
	}
	if err != nil {
		if term != nil {
			term.Reset()
		}
		if rm {
			e.Remove(id, true, true)
		}
		return failFor(125, err)
	}
	defer a.Close()
	if term != nil {
		term.FollowSize(a.Resize)
	}
	if interactive {
		go a.SendStdin(os.Stdin)
	}
	go func() {
		for s := range sigs {
			a.Signal(int(s.(unix.Signal)))
		}
	}()
	code, err := a.Copy(os.Stdout, os.Stderr)
	if err != nil {
		return fail(125, err)
	}
	if code == 0 {
		return nil
	}
	return cli.Exit("", code)
}
