package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1"

	"myrunc/image"
	"myrunc/spec"
)

func imageWith(entry, cmd []string) *image.Image {
	return &image.Image{Config: &v1.ConfigFile{Config: v1.Config{Entrypoint: entry, Cmd: cmd}}}
}

func TestCommand(t *testing.T) {
	empty := ""
	other := "/bin/other"
	for _, c := range []struct {
		entry, cmd []string
		o          Overrides
		want       []string
	}{
		{nil, []string{"sh"}, Overrides{}, []string{"sh"}},
		{[]string{"/ep"}, []string{"a"}, Overrides{}, []string{"/ep", "a"}},
		{[]string{"/ep"}, []string{"a"}, Overrides{Args: []string{"b"}}, []string{"/ep", "b"}},
		{[]string{"/ep"}, []string{"a"}, Overrides{Entrypoint: &other}, []string{"/bin/other"}},
		{[]string{"/ep"}, []string{"a"}, Overrides{Entrypoint: &empty, Args: []string{"x"}}, []string{"x"}},
	} {
		got, err := Command(imageWith(c.entry, c.cmd), c.o)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v %v %+v: got %v %v, want %v", c.entry, c.cmd, c.o, got, err, c.want)
		}
	}
	if _, err := Command(imageWith(nil, nil), Overrides{}); err == nil {
		t.Error("an image without a command ran")
	}
}

func TestSpecOptsFromImage(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\napp:x:1001:\nextra:x:1002:app\n"), 0o644)
	img := &image.Image{Record: image.Record{ID: "sha256:abc"}, Config: &v1.ConfigFile{Config: v1.Config{
		Cmd: []string{"run"}, Env: []string{"A=1", "PATH=/img"}, WorkingDir: "/w", User: "app",
		ExposedPorts: map[string]struct{}{"80/tcp": {}, "53/udp": {}},
	}}}
	opts, err := SpecOpts("0123456789abcdef", "img:1", img, root, Overrides{Env: []string{"A=2"}})
	if err != nil {
		t.Fatal(err)
	}
	s := spec.Default()
	if err := spec.Apply(s, opts...); err != nil {
		t.Fatal(err)
	}
	p := s.Process
	if p.User.UID != 1000 || p.User.GID != 1001 || !reflect.DeepEqual(p.User.AdditionalGids, []uint32{1002}) {
		t.Errorf("user %+v", p.User)
	}
	if !reflect.DeepEqual(p.Env, []string{"HOSTNAME=0123456789ab", "PATH=/img", "A=2", "HOME=/home/app"}) {
		t.Errorf("env %v", p.Env)
	}
	if p.Cwd != "/w" || s.Hostname != "0123456789ab" || s.Annotations[AnnotationExposedPorts] != "53/udp,80/tcp" {
		t.Errorf("cwd %s host %s ann %v", p.Cwd, s.Hostname, s.Annotations)
	}
	if _, err := SpecOpts("x", "img", img, root, Overrides{User: "nobody"}); err == nil {
		t.Error("an unknown user passed")
	}
	// a FIFO planted as /etc/passwd is not read (it would block)
	os.Remove(filepath.Join(root, "etc/passwd"))
	syscall.Mkfifo(filepath.Join(root, "etc/passwd"), 0o644)
	if _, err := SpecOpts("x", "img", img, root, Overrides{}); err == nil {
		t.Error("a FIFO /etc/passwd was read")
	}
}
