package spec

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// bundleWith writes config.json (and an empty rootfs/) into a new bundle.
func bundleWith(t *testing.T, config string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigName), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const minimal = `{"ociVersion": "1.1.0", "root": {"path": "rootfs"},
 "process": {"args": ["sh"], "cwd": "/"}`

func TestLoadMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("errors.Is(%v, fs.ErrNotExist) = false", err)
	}
	msg := errText(err)
	if !strings.Contains(msg, filepath.Join(dir, ConfigName)) || !strings.Contains(msg, "no such file or directory") {
		t.Errorf("message %q lacks the path or the reason", msg)
	}
}

func TestLoadUnreadable(t *testing.T) {
	// As root (CAP_DAC_OVERRIDE) a mode-000 file is readable, so use a
	// directory as config.json to check the *os.PathError comes through.
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ConfigName), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	var pe *fs.PathError
	if !errors.As(err, &pe) || !strings.Contains(errText(err), "is a directory") {
		t.Errorf("Load = %v, want a *fs.PathError saying is a directory", err)
	}
	if os.Geteuid() == 0 {
		t.Log("skipping the permission denied case: running as root")
		return
	}
	dir = bundleWith(t, minimal+"}")
	if err := os.Chmod(filepath.Join(dir, ConfigName), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); !errors.Is(err, fs.ErrPermission) || !strings.Contains(errText(err), "permission denied") {
		t.Errorf("Load = %v, want permission denied", err)
	}
}

func TestLoadJSONErrors(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"empty file", "", "config.json: invalid JSON at line 1, column 1: unexpected end of JSON input"},
		{"truncated", "{\n  \"ociVersion\": \"1.0.0\",\n", "config.json: invalid JSON at line 3, column 1: unexpected end of JSON input"},
		{"trailing comma", "{\n  \"process\": {\n    \"args\": [\"sh\",]\n  }\n}", "config.json: invalid JSON at line 3, column 19: invalid character ']' looking for beginning of value"},
		{"bad char", "{\"a\":}", "config.json: invalid JSON at line 1, column 6: invalid character '}' looking for beginning of value"},
		{"garbage after", "{}\nx", "config.json: invalid JSON at line 2, column 1: invalid character 'x' after top-level value"},
		{"args not a list", `{"process": {"args": 5}}`, "process.args: cannot unmarshal number into []string"},
		{"arg not a string", `{"process": {"args": ["sh", 1]}}`, "process.args[1]: cannot unmarshal number into string"},
		{"negative uid", `{"process": {"user": {"uid": -1}}}`, "process.user.uid: cannot unmarshal number -1 into uint32"},
		{"not an object", `[]`, "config.json: cannot unmarshal array into specs.Spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(bundleWith(t, tt.config))
			if got := errText(err); got != tt.want {
				t.Fatalf("Load = %q\nwant   %q", got, tt.want)
			}
		})
	}
}

func TestLoadNormalizes(t *testing.T) {
	var warned []string
	old := Warnf
	Warnf = func(format string, args ...any) { warned = append(warned, format) }
	defer func() { Warnf = old }()

	dir := bundleWith(t, minimal+`, "mounts": [{"destination": "proc", "type": "proc", "source": "proc"},
	  {"destination": "/dev/../dev", "type": "tmpfs", "source": "tmpfs"}]}`)
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "rootfs"); s.Root.Path != want {
		t.Errorf("root.path = %q, want %q", s.Root.Path, want)
	}
	if s.Mounts[0].Destination != "/proc" || len(warned) != 1 {
		t.Errorf("relative destination: got %q with %d warnings, want /proc and 1", s.Mounts[0].Destination, len(warned))
	}
	if s.Mounts[1].Destination != "/dev/../dev" {
		t.Errorf("absolute destination changed to %q", s.Mounts[1].Destination)
	}
}

func TestLoadRelativeBundle(t *testing.T) {
	dir := bundleWith(t, minimal+"}")
	t.Chdir(filepath.Dir(dir))
	s, err := Load(filepath.Base(dir))
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(s.Root.Path) {
		t.Errorf("root.path %q is not absolute", s.Root.Path)
	}
}

func TestLoadValidates(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"minimal", minimal + "}", ""},
		{"unknown property", minimal + `, "unknown": "unknown", "linux": {"future": 1}}`, ""},
		{"unknown annotation", minimal + `, "annotations": {"org.5d1f": ""}}`, ""},
		{"invalid version", `{"ociVersion": "invalid", "root": {"path": "rootfs"}, "process": {"args": ["sh"], "cwd": "/"}}`,
			`ociVersion: unsupported version "invalid" (this runtime supports 1.0.0 to ` + specs.Version + `)`},
		{"empty args", `{"ociVersion": "1.0.0", "root": {"path": "rootfs"}, "process": {"args": [], "cwd": "/"}}`, "process.args: must not be empty"},
		{"null", "null", "config.json: is null, not a JSON object"},
		{"type error in an array", minimal + `, "mounts": [{}, {}, {"destination": "/x", "options": 5}]}`,
			"mounts[2].options: cannot unmarshal number into []string"},
		{"type error in a map", minimal + `, "annotations": {"a.b": 1}}`, `annotations["a.b"]: cannot unmarshal number into string`},
		{"out of range", minimal + `, "linux": {"resources": {"cpu": {"shares": -1}}}}`,
			"linux.resources.cpu.shares: cannot unmarshal number -1 into uint64"},
		{"not an object", `[1, 2]`, "config.json: cannot unmarshal array into specs.Spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(bundleWith(t, tt.config))
			if got := errText(err); got != tt.want {
				t.Fatalf("Load = %q, want %q", got, tt.want)
			}
		})
	}
	dir := bundleWith(t, `{"ociVersion": "1.0.0", "root": {"path": "nope"}, "process": {"args": ["sh"], "cwd": "/"}}`)
	_, err := Load(dir)
	if want := "root.path: " + filepath.Join(dir, "nope") + " does not exist"; errText(err) != want {
		t.Errorf("Load = %v, want %q", err, want)
	}
}

// FuzzDecodeValidate checks that no input makes decoding or validation panic.
func FuzzDecodeValidate(f *testing.F) {
	base, _ := json.Marshal(Default())
	for _, seed := range []string{"", "null", "{}", "[]", `{"process":null,"linux":null,"root":null}`,
		`{"ociVersion":"1.0.0","linux":{"namespaces":[{}],"sysctl":{"":""}}}`, string(base)} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := decode(data); err == nil {
			normalize(s, "/nonexistent-bundle")
			_ = Validate(s)
		}
	})
}

// FuzzDecodeProcessResources: no `exec --process` or `update --resources`
// input makes decoding or validation panic, and every refusal names a
// field of its own document.
func FuzzDecodeProcessResources(f *testing.F) {
	for _, seed := range []string{"", "null", "{}", `{"args":["sh"],"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","soft":2,"hard":1}]}`,
		`{"memory":{"limit":-2},"cpu":{"cpus":"0-","quota":10},"unified":{"cgroup.procs":"1"}}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fe *FieldError
		if p, err := DecodeProcess(data, "p.json"); err == nil {
			if err := ValidateExec(p, nil); err != nil && (!errors.As(err, &fe) || !strings.HasPrefix(fe.Path, "process")) {
				t.Fatalf("process: %v", err)
			}
		}
		if r, err := DecodeResources(data, "r.json"); err == nil {
			if err := ValidateResources(r); err != nil && (!errors.As(err, &fe) || !strings.HasPrefix(fe.Path, "linux.resources")) {
				t.Fatalf("resources: %v", err)
			}
		}
	})
}
