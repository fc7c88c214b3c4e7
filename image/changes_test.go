package image

import (
	"reflect"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1"
)

func TestApplyChange(t *testing.T) {
	var c v1.Config
	for _, ch := range []string{`CMD ["sh","-c","echo hi"]`, `ENTRYPOINT /bin/run me`, `ENV A=1 B="two words"`,
		`ENV C 3`, `ENV A=again`, `WORKDIR /w`, `USER nobody`, `EXPOSE 80 53/udp`, `LABEL k=v`} {
		if err := ApplyChange(&c, ch); err != nil {
			t.Fatalf("%s: %v", ch, err)
		}
	}
	want := v1.Config{
		Cmd: []string{"sh", "-c", "echo hi"}, Entrypoint: []string{"/bin/sh", "-c", "/bin/run me"},
		Env: []string{"A=again", "B=two words", "C=3"}, WorkingDir: "/w", User: "nobody",
		ExposedPorts: map[string]struct{}{"80/tcp": {}, "53/udp": {}}, Labels: map[string]string{"k": "v"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
	for _, bad := range []string{"RUN true", "ENV", `ENV A="x`, "WORKDIR"} {
		if err := ApplyChange(&c, bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
