package builder

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/engine"
	"myrunc/image"
	"myrunc/libcontainer"
	"myrunc/network"
	"myrunc/spec"
)

// runStep is a RUN: its command and what it runs with.
type runStep struct {
	args, env     []string
	user, workdir string
}

// runChange plans a RUN: the exec form as written, the shell form run by
// the SHELL; the ARGs in scope are in its environment and, as Docker's
// classic builder records them ("|N K=V ..."), in its history line.
func (b *builder) runChange(st *stage, c *instructions.RunCommand) (change, error) {
	args := slices.Clone(c.CmdLine)
	if c.PrependShell {
		args = append(slices.Clone(shellOf(&st.cfg)), strings.Join(c.CmdLine, " "))
	}
	if len(args) == 0 || args[0] == "" {
		return change{}, fmt.Errorf("RUN needs a command")
	}
	rs := &runStep{args: args, env: b.args.runEnv(&st.args, st.cfg.Env), user: st.cfg.User, workdir: st.cfg.WorkingDir}
	return change{createdBy: historyArgs(&st.args, st.cfg.Env) + strings.Join(args, " "), run: rs}, nil
}

// ExitError is a RUN whose command failed.
type ExitError struct {
	Args []string
	Code int
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("The command '%s' returned a non-zero code: %d", strings.Join(e.Args, " "), e.Code)
}

// runStep runs a RUN in a container of this runtime on the step's
// mounted root filesystem, its output to the build's; the container and
// its network are gone when it returns.
func (b *builder) runStep(w *workDir, rs *runStep) error {
	short := w.id[:12]
	b.printf(" ---> Running in %s\n", short)
	s, err := engine.StepSpec(engine.StepOptions{ID: w.id, Rootfs: w.rootfs(), Args: rs.args, Env: rs.env,
		User: rs.user, WorkingDir: rs.workdir, Hostname: short})
	if err != nil {
		return err
	}
	res, err := network.Prepare(b.o.DataRoot, network.Request{ContainerID: w.id, Name: short, Bundle: w.dir,
		Hostname: short, Networks: []network.NetworkRequest{{Name: b.o.Network}}})
	if err != nil {
		return fmt.Errorf("network %s: %w", b.o.Network, err)
	}
	defer network.Release(b.o.DataRoot, w.id)
	applyNetwork(s, res)
	if err := spec.Validate(s); err != nil {
		return err
	}
	stubs, err := mountStubs(w.rootfs(), s)
	if err != nil {
		return err
	}
	code, err := b.runContainer(w, s)
	if err != nil {
		return err
	}
	if err := removeStubs(w.rootfs(), stubs); err != nil {
		return err
	}
	b.printf("Removing intermediate container %s\n", short)
	if code != 0 {
		return &ExitError{Args: rs.args, Code: code}
	}
	return nil
}

// applyNetwork puts the prepared network into the spec; the build
// attaches it in-process (no hooks), as the engine's monitor does.
func applyNetwork(s *specs.Spec, res *network.Result) {
	res.Apply(s)
	s.Hooks = nil
	if res.NetNS == network.NetworkHost {
		s.Linux.Namespaces = slices.DeleteFunc(s.Linux.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == specs.UTSNamespace })
		s.Hostname = ""
	}
}

func (b *builder) runtimeRoot() string {
	if b.o.RuntimeRoot != "" {
		return b.o.RuntimeRoot
	}
	return "/run/myrunc"
}

// runContainer creates, attaches, starts and waits for the step's
// container, then deletes it; a cancelled build kills it.
func (b *builder) runContainer(w *workDir, s *specs.Spec) (int, error) {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer null.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer pr.Close()
	ct, err := libcontainer.Create(b.runtimeRoot(), w.id, &libcontainer.CreateOpts{Bundle: w.dir, Spec: s,
		Stdin: null, Stdout: pw, Stderr: pw})
	if err != nil {
		pw.Close()
		return 0, err
	}
	defer ct.Delete(true)
	copied := make(chan struct{})
	go func() { io.Copy(b.out, pr); close(copied) }()
	err = network.Attach(b.o.DataRoot, w.id, ct.InitPid())
	if err == nil {
		err = ct.Start()
	}
	pw.Close()
	if err != nil {
		return 0, err
	}
	stop := context.AfterFunc(b.ctx, func() { ct.Signal(unix.SIGKILL, true) })
	code, err := ct.Wait()
	stop()
	if err != nil {
		return 0, err
	}
	// what the command left running goes with the container; its output
	// ends with it
	ct.Delete(true)
	select {
	case <-copied:
	case <-time.After(2 * time.Second):
	}
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	return code, nil
}

// fromImage is what COPY --from names: a finished stage (by name or
// number; nil for an empty scratch stage) or an image.
func (b *builder) fromImage(from string) (*image.Image, error) {
	if st := b.stageNamed(from); st != nil {
		return st.img, nil
	}
	if n, err := strconv.Atoi(from); err == nil {
		if n < 0 || n >= len(b.stages) {
			return nil, fmt.Errorf("invalid from flag value %s: refers to current or future build stage", from)
		}
		return b.stages[n].img, nil
	}
	return b.baseImage(from, "")
}
