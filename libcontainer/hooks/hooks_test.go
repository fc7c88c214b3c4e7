package hooks

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestRunPassesStateArgsAndEnv(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	h := &specs.Hooks{CreateRuntime: []specs.Hook{{
		Path: "/bin/sh",
		Args: []string{"sh", "-c", `cat > "$1"; echo >> "$1"; echo "$FOO" >> "$1"`, "sh", out},
		Env:  []string{"FOO=bar"},
	}}}
	st := &specs.State{ID: "c1", Pid: 42, Status: specs.StateCreating}
	if err := Run(h, CreateRuntime, st); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	lines := strings.SplitN(string(data), "\n", 2)
	var got specs.State
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil || got.ID != "c1" || got.Pid != 42 {
		t.Fatalf("state not on stdin: %q %v", data, err)
	}
	if strings.TrimSpace(lines[1]) != "bar" {
		t.Fatalf("env not passed: %q", lines[1])
	}
}

func TestRunStopsAtFirstFailure(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "second-ran")
	h := &specs.Hooks{CreateRuntime: []specs.Hook{
		{Path: "/bin/sh", Args: []string{"sh", "-c", "echo boom >&2; exit 3"}},
		{Path: "/bin/touch", Args: []string{"touch", marker}},
	}}
	err := Run(h, CreateRuntime, &specs.State{})
	if err == nil || !strings.Contains(err.Error(), "createRuntime hook #0") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("second hook ran after the first failed")
	}
}

func TestPoststopFailuresDoNotStopTheRest(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "second-ran")
	h := &specs.Hooks{Poststop: []specs.Hook{
		{Path: "/bin/false", Args: []string{"false"}},
		{Path: "/bin/touch", Args: []string{"touch", marker}},
	}}
	if err := Run(h, Poststop, &specs.State{}); err == nil || !strings.Contains(err.Error(), "poststop hook #0") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the hook after a failed poststop hook did not run")
	}
}

func TestRunTimeout(t *testing.T) {
	one := 1
	h := &specs.Hooks{Prestart: []specs.Hook{{Path: "/bin/sleep", Args: []string{"sleep", "10"}, Timeout: &one}}}
	err := Run(h, Prestart, &specs.State{})
	if err == nil || !strings.Contains(err.Error(), "timed out after 1s") {
		t.Fatalf("got %v", err)
	}
}

func TestBuiltinRunsInProcessWhatItTakes(t *testing.T) {
	var got []string
	Builtin = func(h specs.Hook, st *specs.State) (bool, error) {
		if h.Path != "/builtin" {
			return false, nil
		}
		got = append(got, st.ID+":"+h.Args[1])
		if h.Args[1] == "fail" {
			return true, os.ErrPermission
		}
		return true, nil
	}
	defer func() { Builtin = nil }()
	out := filepath.Join(t.TempDir(), "out")
	h := &specs.Hooks{CreateRuntime: []specs.Hook{
		{Path: "/builtin", Args: []string{"x", "ok"}},
		{Path: "/bin/sh", Args: []string{"sh", "-c", `echo ran > "$1"`, "sh", out}},
		{Path: "/builtin", Args: []string{"x", "fail"}},
	}}
	err := Run(h, CreateRuntime, &specs.State{ID: "c1"})
	if strings.Join(got, " ") != "c1:ok c1:fail" {
		t.Fatalf("builtin saw %v", got)
	}
	if b, _ := os.ReadFile(out); string(b) != "ran\n" {
		t.Fatal("a hook the builtin did not take was not exec'd")
	}
	var he *Error
	if !errors.As(err, &he) || he.Index != 2 || !errors.Is(err, os.ErrPermission) {
		t.Fatalf("builtin failure: %v", err)
	}
}
