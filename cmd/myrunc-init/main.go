// Go runtime settings: no goroutine re-reading the cgroup CPU limit
// every second (a created container's init waits for start as long as it
// takes), no prctl naming mappings.
//go:debug updatemaxprocs=0
//go:debug decoratemappings=0

// Command myrunc-init is the container's init for the common case of
// create/run (no user, mount or time namespace to join): only the init's
// code, built without cgo. The runtime embeds it (tag slim_init, see the
// Makefile) and runs it instead of `myrunc init`, because a pure-Go binary
// a quarter the size starts about a millisecond sooner, and the init's
// start is on the path of every container start.
package main

import (
	"fmt"
	"os"

	_ "myrunc/internal/onearena" // one malloc arena in the cgo (nsenter) build
	"myrunc/libcontainer/initproc"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "init" {
		fmt.Fprintln(os.Stderr, "myrunc-init is started by myrunc, not by hand")
		os.Exit(2)
	}
	initproc.Main()
	os.Exit(1)
}
