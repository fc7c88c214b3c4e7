// Command badconfig runs broken inputs (internal/badconfig) through a
// runtime: every config.json case through `create`, every process case
// through `exec --process` and every resources case through `update
// --resources` of a running container. Each must exit 1 with a message
// naming the field, never panic or hang, and leave nothing: no state
// dir, cgroup dir, mount, process or file outside the bundle. Needs
// root and a static busybox.
//
//	go run ./tests/badconfig -myrunc ./myrunc -seed 1 -random 100
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"myrunc/internal/badconfig"
)

func main() {
	myrunc := flag.String("myrunc", "./myrunc", "runtime binary")
	seed := flag.Int64("seed", 1, "seed of the random cases (0: from the clock)")
	random := flag.Int("random", 100, "random combinations per input kind")
	busybox := flag.String("busybox", "/bin/busybox", "static busybox for the rootfs")
	verbose := flag.Bool("v", false, "print every case")
	every := flag.Int("types-every", 1, "run every Nth of the wrong-type cases only (the others all)")
	flag.Parse()
	if *seed == 0 {
		*seed = time.Now().UnixNano()
	}
	bin, err := filepath.Abs(*myrunc)
	if err != nil {
		die(err)
	}
	r, err := newRun(bin, *busybox, *verbose, *every)
	if err != nil {
		die(err)
	}
	defer r.cleanup()
	fmt.Printf("badconfig: seed %d, %d random combinations per kind, every %d wrong-type case, runtime %s\n", *seed, *random, *every, bin)
	if err := r.configs(*seed, *random); err != nil {
		die(err)
	}
	if err := r.processes(*seed, *random); err != nil {
		die(err)
	}
	if err := r.resources(*seed, *random); err != nil {
		die(err)
	}
	if !r.report() {
		r.cleanup()
		os.Exit(1)
	}
}

func die(err error) {
	fmt.Fprintln(os.Stderr, "badconfig:", err)
	os.Exit(2)
}

// run is one session: a work dir with a bundle, the places cases point
// at, a state root, and the tally.
type run struct {
	myrunc, work, bundle, root, cgPrefix string
	env                                  badconfig.Env
	verbose                              bool
	every                                int
	base                                 []byte
	before                               snapshot
	tally                                map[string]int
	failures                             []string
}

func newRun(myrunc, busybox string, verbose bool, every int) (*run, error) {
	work, err := os.MkdirTemp("", "badconfig.")
	if err != nil {
		return nil, err
	}
	os.Chmod(work, 0o755)
	r := &run{myrunc: myrunc, work: work, bundle: filepath.Join(work, "bundle"), root: filepath.Join(work, "root"),
		cgPrefix: fmt.Sprintf("/badconfig-%d", os.Getpid()), verbose: verbose, every: max(every, 1), tally: map[string]int{}}
	out := filepath.Join(work, "outside")
	r.env = badconfig.Env{Work: out, Loop: filepath.Join(out, "loop"), File: filepath.Join(out, "file")}
	for _, d := range []string{out, r.root} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	os.Symlink(r.env.Loop, r.env.Loop)
	os.WriteFile(r.env.File, []byte("x"), 0o644)
	if err := makeBundle(r.bundle, busybox, myrunc, r.cgPrefix+"/c"); err != nil {
		return nil, err
	}
	if r.base, err = os.ReadFile(filepath.Join(r.bundle, "config.json")); err != nil {
		return nil, err
	}
	r.before = r.snap()
	return r, nil
}

// runtime runs `myrunc --root ROOT args...` with a time bound, from the
// work dir (an init left over is found by its cwd there).
func (r *run) runtime(stdin string, args ...string) (int, string) {
	cmd := exec.Command("timeout", append([]string{"-s", "KILL", "20", r.myrunc, "--root", r.root}, args...)...)
	cmd.Dir = r.work
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	// a file, not a pipe: a detached container keeps its stdio open
	f, err := os.CreateTemp(r.work, "out")
	if err != nil {
		return -1, err.Error()
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	err = cmd.Run()
	out, _ := os.ReadFile(f.Name())
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		return -1, err.Error()
	}
	return code, string(out)
}

// sample keeps every Nth wrong-type case and all the others.
func (r *run) sample(cases []badconfig.Case) []badconfig.Case {
	var out []badconfig.Case
	n := 0
	for _, c := range cases {
		if strings.HasPrefix(c.Name, "type: ") {
			n++
			if n%r.every != 0 {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// judge checks one case's outcome and what it left.
func (r *run) judge(kind string, c badconfig.Case, code int, out string, after func() []string) {
	r.tally[kind]++
	var why []string
	switch {
	case panicRE.MatchString(out):
		why = append(why, "PANIC")
		r.tally["panics"]++
	case code == 137 || code == 124 || code == -1:
		why = append(why, "HUNG (killed after 20 s)")
		r.tally["hangs"]++
	case code == 0:
		why = append(why, "ACCEPTED")
		r.tally["accepted"]++
	case code != 1:
		why = append(why, fmt.Sprintf("exit %d, not 1", code))
		r.tally["bad exit"]++
	case !namesOne(out, c.Expect):
		why = append(why, fmt.Sprintf("message does not name %v", c.Expect))
		r.tally["unnamed"]++
	}
	if left := after(); len(left) > 0 {
		why = append(why, "LEFT: "+strings.Join(left, "; "))
		r.tally["leftovers"]++
	}
	if r.verbose || len(why) > 0 {
		line := fmt.Sprintf("%s %q: exit %d: %s", kind, c.Name, code, firstLine(out))
		if len(why) > 0 {
			line += "\n    " + strings.Join(why, "\n    ")
			r.failures = append(r.failures, line)
		}
		fmt.Println(line)
	}
}

// panicRE finds a Go panic's report (not a sysctl named kernel.panic).
var panicRE = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine [0-9]+ \[)`)

// namesOne: the output names one of the fields (the log may quote the
// message, escaping the quotes of map keys).
func namesOne(out string, expect []string) bool {
	for _, e := range expect {
		if strings.Contains(out, e) || strings.Contains(out, strings.ReplaceAll(e, `"`, `\"`)) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

func (r *run) report() bool {
	keys := make([]string, 0, len(r.tally))
	for k := range r.tally {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, r.tally[k]))
	}
	fmt.Printf("badconfig: tried %d inputs (%s); %d failed\n",
		r.tally["create"]+r.tally["exec --process"]+r.tally["update --resources"], strings.Join(parts, " "), len(r.failures))
	return len(r.failures) == 0
}
