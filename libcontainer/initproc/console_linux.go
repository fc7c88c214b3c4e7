package initproc

import (
	"os"

	"golang.org/x/sys/unix"

	"myrunc/libcontainer/console"
	"myrunc/libcontainer/rootfs"
)

// setupConsole gives a process.terminal process its pty: made from the
// container's devpts, the master sent to whoever waits on the console
// socket and, for the container's first process, the slave bound on
// /dev/console. The slave becomes our stdio and controlling terminal at
// once, so that between create and start the init holds it as 0-2 and no
// other copy; it belongs to the process's user (the group stays devpts's
// tty group), who must be able to use it.
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
	defer tty.Close()
	if !s.cfg.Exec {
		if err := rootfs.BindConsole(tty); err != nil {
			return err
		}
	}
	if err := unix.Fchown(int(tty.Fd()), int(s.spec.Process.User.UID), -1); err != nil {
		return &os.PathError{Op: "chown", Path: tty.Name(), Err: err}
	}
	return console.BecomeControlling(tty)
}
