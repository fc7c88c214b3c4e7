package format

import (
	"bytes"
	"testing"
)

type row struct{ Repository, Tag string }

func TestTable(t *testing.T) {
	h := map[string]string{"Repository": "REPOSITORY", "Tag": "TAG"}
	rows := []any{row{"busybox", "latest"}}
	for format, want := range map[string]string{
		"":                         "REPOSITORY   TAG\nbusybox      latest\n",
		"{{.Repository}}:{{.Tag}}": "busybox:latest\n",
		"table {{.Tag}}":           "TAG\nlatest\n",
		"json":                     `{"Repository":"busybox","Tag":"latest"}` + "\n",
		"{{.Repository | upper}}":  "BUSYBOX\n",
	} {
		var b bytes.Buffer
		if err := Table(&b, format, "{{.Repository}}\t{{.Tag}}", h, rows); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%q: got %q want %q", format, b.String(), want)
		}
	}
	if err := Table(&bytes.Buffer{}, "{{.Nope", "", h, rows); err == nil {
		t.Error("a bad template passed")
	}
}

func TestInspect(t *testing.T) {
	var b bytes.Buffer
	v := map[string]any{"Size": 4261550, "Config": map[string]any{"Cmd": []string{"sh"}}}
	if err := Inspect(&b, "{{.Size}} {{json .Config.Cmd}}", []any{v}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "4261550 [\"sh\"]\n" {
		t.Errorf("got %q", b.String())
	}
}
