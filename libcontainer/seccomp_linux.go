package libcontainer

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/handshake"
	"myrunc/libcontainer/seccomp"
)

// seccompFor compiles the container's filter, through the cache under
// the state root.
func seccompFor(root string, s *specs.Spec) (*seccomp.Program, error) {
	if s.Linux == nil || s.Linux.Seccomp == nil {
		return nil, nil
	}
	sc := s.Linux.Seccomp
	p, err := seccomp.CompileCached(filepath.Join(root, ".cache", "seccomp"), sc)
	if err != nil {
		return nil, err
	}
	flags := p.Flags
	if p.Notify {
		flags |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
	}
	slog.Debug(fmt.Sprintf("seccomp filter flags: %d", flags))
	// spec.Validate says so first; a saved config read by exec did not
	// necessarily go through it
	if p.Notify && sc.ListenerPath == "" {
		return nil, errors.New("linux.seccomp.listenerPath: must be set when SCMP_ACT_NOTIFY is used")
	}
	return p, nil
}

// sendListener gives the agent at linux.seccomp.listenerPath the listener
// of process pid, with the container's state, and closes our copy.
func sendListener(s *specs.Spec, pid int, st specs.State, listener *os.File) error {
	defer listener.Close()
	if s.Linux == nil || s.Linux.Seccomp == nil || s.Linux.Seccomp.ListenerPath == "" {
		return errors.New("seccomp: the init sent a notify listener, but linux.seccomp.listenerPath is not set")
	}
	sc := s.Linux.Seccomp
	return seccomp.SendListener(sc.ListenerPath, seccomp.ProcessState(sc, pid, st), listener)
}

// agentDeadline bounds the wait for a process whose seccomp listener went
// to the agent: what it does until Ready (or until execve, for exec) is
// quick, unless a notified syscall waits for an agent that never answers.
const agentDeadline = 10 * time.Second

// handOverListener sends the listener the init sent us on to the agent,
// and from then on bounds the wait for the init's next message.
func handOverListener(sock *handshake.Parent, s *specs.Spec, pid int, st specs.State, listener *os.File) error {
	if err := sendListener(s, pid, st, listener); err != nil {
		return err
	}
	return sock.SetRecvTimeout(agentDeadline)
}

// agentStalled says why a wait bounded by handOverListener ran out.
func agentStalled(err error, s *specs.Spec) error {
	if !errors.Is(err, unix.EAGAIN) || s.Linux == nil || s.Linux.Seccomp == nil {
		return err
	}
	return fmt.Errorf("the container's process made no progress for %s after its seccomp listener went to the agent at %s: "+
		"the agent does not answer its notifications", agentDeadline, s.Linux.Seccomp.ListenerPath)
}

// errKilledByFilter replaces "exited before it was ready" when the watch
// below saw the init's thread die.
var errKilledByFilter = errors.New("the container's init was killed by its own seccomp filter before it could start the process (a syscall it needs is not allowed): allow it, or set process.noNewPrivileges")

// guardThreadKill watches an init whose filter can kill: SCMP_ACT_KILL
// ends only the calling thread, and the Go runtime of an init whose main
// thread (the one that loads the filter) is gone lives on, silent, so the
// handshake would wait for ever. spec.CheckSeccompForProcess refuses the
// profiles known to do that; this catches the rest. The leader of a
// thread group that lost its main thread reads as a zombie. stop ends the
// watch and says whether it fired (and killed the init).
func guardThreadKill(pid int, s *specs.Spec) (stop func() bool) {
	if !mayKill(s) {
		return func() bool { return false }
	}
	done := make(chan struct{})
	fired := make(chan bool, 1)
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fired <- false
				return
			case <-t.C:
				if st, _, err := procStat(pid); err == nil && st == 'Z' {
					unix.Kill(pid, unix.SIGKILL)
					<-done
					fired <- true
					return
				}
			}
		}
	}()
	return func() bool { close(done); return <-fired }
}

// mayKill says whether the container's filter has a thread-killing action.
func mayKill(s *specs.Spec) bool {
	if s.Linux == nil || s.Linux.Seccomp == nil {
		return false
	}
	sc := s.Linux.Seccomp
	kills := func(a specs.LinuxSeccompAction) bool { return a == specs.ActKill || a == specs.ActKillThread }
	if kills(sc.DefaultAction) {
		return true
	}
	for _, r := range sc.Syscalls {
		if kills(r.Action) {
			return true
		}
	}
	return false
}
