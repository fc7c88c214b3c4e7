package badconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"myrunc/spec"
)

// testEnv makes the places cases point at, and a bundle whose config
// the cases replace.
func testEnv(t *testing.T) (Env, string) {
	dir := t.TempDir()
	env := Env{Work: filepath.Join(dir, "work"), Loop: filepath.Join(dir, "work", "loop"), File: filepath.Join(dir, "work", "file")}
	bundle := filepath.Join(dir, "bundle")
	for _, d := range []string{env.Work, filepath.Join(bundle, "rootfs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink(env.Loop, env.Loop)
	os.WriteFile(env.File, []byte("x"), 0o644)
	return env, bundle
}

func baseConfig(t *testing.T, bundle string) []byte {
	s := spec.Default()
	s.Root.Path = "rootfs"
	s.Process.Terminal = false
	s.Linux.CgroupsPath = "/badconfig-unit"
	if err := spec.Write(bundle, s); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(bundle, spec.ConfigName))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// named says whether msg names one of the expected fields.
func named(msg string, expect []string) bool {
	for _, e := range expect {
		if strings.Contains(msg, e) {
			return true
		}
	}
	return false
}

// Every broken config fails spec.Load with a FieldError naming the field
// (but those only the kernel can judge: the create run in tests/badconfig
// checks the runtime's error for them), and none panics.
func TestConfigCasesFailInSpec(t *testing.T) {
	env, bundle := testEnv(t)
	base := baseConfig(t, bundle)
	if _, err := spec.Load(bundle); err != nil {
		t.Fatalf("the base config is not valid: %v", err)
	}
	cases, err := Config(base, env, 1, 300)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 500 {
		t.Fatalf("only %d cases", len(cases))
	}
	passed := 0
	for _, c := range cases {
		if err := os.WriteFile(filepath.Join(bundle, spec.ConfigName), c.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := spec.Load(bundle)
		var fe *spec.FieldError
		switch {
		case err == nil && c.Runtime:
			passed++
		case err == nil:
			t.Errorf("%s: passes spec/", c.Name)
		case !named(err.Error(), c.Expect):
			t.Errorf("%s: error does not name %v: %v", c.Name, c.Expect, err)
		case !errors.As(err, &fe) && !strings.Contains(err.Error(), "invalid JSON"):
			t.Errorf("%s: not a FieldError: %v", c.Name, err)
		}
	}
	t.Logf("%d cases, %d left to the runtime", len(cases), passed)
}

// checkAll runs cases through check and wants each refused, naming one of
// its fields, unless the runtime must judge it.
func checkAll(t *testing.T, cases []Case, check func([]byte) error) {
	t.Helper()
	for _, c := range cases {
		err := check(c.Data)
		switch {
		case err == nil && !c.Runtime:
			t.Errorf("%s: accepted", c.Name)
		case err != nil && !named(err.Error(), c.Expect):
			t.Errorf("%s: error does not name %v: %v", c.Name, c.Expect, err)
		}
	}
}

func TestProcessCasesFailInSpec(t *testing.T) {
	env, bundle := testEnv(t)
	cases, err := Process(baseConfig(t, bundle), env, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, cases, func(data []byte) error {
		p, err := spec.DecodeProcess(data, "process.json")
		if err != nil {
			return err
		}
		return spec.ValidateExec(p, nil)
	})
	t.Logf("%d cases", len(cases))
}

func TestResourcesCasesFailInSpec(t *testing.T) {
	env, _ := testEnv(t)
	cases := Resources(env, 1, 100)
	checkAll(t, cases, func(data []byte) error {
		r, err := spec.DecodeResources(data, "resources.json")
		if err != nil {
			return err
		}
		return spec.ValidateResources(r)
	})
	t.Logf("%d cases", len(cases))
}
