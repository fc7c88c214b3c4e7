// Go runtime settings for a process that lives milliseconds: no
// goroutine re-reading the cgroup CPU limit every second (a foreground
// run lives as long as its container), no prctl naming mappings.
//go:debug updatemaxprocs=0
//go:debug decoratemappings=0

// myrunc is an OCI container runtime, a drop-in for runc.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	_ "myrunc/internal/onearena" // one malloc arena (cgo): threads start cheaper
	"myrunc/internal/tinyinit"
	"myrunc/internal/trace"
)

// set at build time (-ldflags -X)
var (
	version   = "0.1.0-dev"
	gitCommit = "unknown"
)

func main() {
	// `myrunc init` is the container's init: dispatch before any CLI set-up.
	if len(os.Args) > 1 && os.Args[1] == "init" {
		runInit()
		return
	}
	// `container run --init` mounts this binary as the container's init
	if filepath.Base(os.Args[0]) == "docker-init" {
		tinyinit.Main(os.Args[1:])
		return
	}
	if slices.Contains(os.Args, "--trace") {
		trace.Enable()
	}
	setupEngine()
	app := newApp()
	err := app.Run(reorderArgs(app, os.Args))
	trace.Mark("end")
	trace.Print(os.Stderr)
	if err != nil {
		os.Exit(reportError(err))
	}
}

func newApp() *cli.App {
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Printf("myrunc version %s\ncommit: %s\nspec: %s\n", version, gitCommit, specs.Version)
	}
	return &cli.App{
		Name:    "myrunc",
		Usage:   "run OCI containers (runc-compatible)",
		Version: version,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "root", Value: defaultRoot(), Usage: "directory for container state"},
			&cli.StringFlag{Name: "log", Usage: "append logs and errors to this file"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format: text or json"},
			&cli.BoolFlag{Name: "debug", Usage: "log debug messages"},
			&cli.BoolFlag{Name: "trace", Usage: "print a timeline of the runtime's and the init's steps on stderr"},
			&cli.BoolFlag{Name: "systemd-cgroup", Usage: "accepted for compatibility; there is no systemd cgroup manager"},
			&cli.StringFlag{Name: "rootless", Value: "auto", Usage: "accepted for compatibility: auto, true or false"},
			&cli.StringFlag{Name: "data-root", Value: "/var/lib/myrunc", EnvVars: []string{"MYRUNC_DATA_ROOT"},
				Usage: "engine data: images, layers, volumes, container records, networks"},
		},
		Before: setupLogging,
		Commands: append([]*cli.Command{
			specCommand, createCommand, startCommand, runCommand, stateCommand,
			listCommand, killCommand, deleteCommand, execCommand, psCommand, pauseCommand, resumeCommand,
			updateCommand, eventsCommand, featuresCommand, checkpointCommand, restoreCommand,
		}, engineCommands()...),
		ExitErrHandler: func(*cli.Context, error) {},
		// errors are printed once, by reportError
		HideHelpCommand: true,
		// "-e A=1,2" is one value, as in runc and Docker
		DisableSliceFlagSeparator: true,
	}
}

// defaultRoot is /run/myrunc, or under $XDG_RUNTIME_DIR when not root.
func defaultRoot() string {
	if os.Geteuid() != 0 {
		if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
			return filepath.Join(d, "myrunc")
		}
	}
	return "/run/myrunc"
}
