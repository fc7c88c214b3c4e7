package initproc

import (
	"os"

	"myrunc/libcontainer/console"
	"myrunc/libcontainer/rootfs"
)

// setupConsole gives a process.terminal process its pty: made from the
// container's devpts, the master sent to whoever waits on the console
// socket, the slave kept for execProcess and, for the container's first
// process, bound on /dev/console.
func setupConsole(s *initState) error {
	if s.cfg.ConsoleFd == 0 {
		return nil
	}
	sock := os.NewFile(uintptr(s.cfg.ConsoleFd), "console-socket")
	defer sock.Close()
	tty, err := console.NewPty(sock, s.spec.Process.ConsoleSize)
	if err != nil {
		return err
	}
	s.tty = tty
	if !s.cfg.Exec {
		return rootfs.BindConsole(tty)
	}
	return nil
}
