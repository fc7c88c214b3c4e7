package spec

import (
	"errors"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestSupportedVersion(t *testing.T) {
	unsupported := func(v string) string {
		return `ociVersion: unsupported version "` + v + `" (this runtime supports 1.0.0 to ` + specs.Version + `)`
	}
	tests := []struct {
		v, want string
	}{
		{"1.0.0", ""},
		{"1.0.2-dev", ""}, // what runc 1.1 writes
		{"1.0.0-rc5", ""},
		{"1.1.0", ""}, // what runtime-tools writes
		{"1.2.1", ""},
		{specs.Version, ""},
		{"1.3.7", ""},
		{"1.0.0+build.5", ""},
		{"", "ociVersion: must be set"},
		{"2.0.0", unsupported("2.0.0")},
		{"1.4.0", unsupported("1.4.0")},
		{"1.4.0-rc1", unsupported("1.4.0-rc1")},
		{"0.9.0", unsupported("0.9.0")},
		{"invalid", unsupported("invalid")}, // runtime-tools misc_props
		{"1.0", unsupported("1.0")},
		{"v1.0.0", unsupported("v1.0.0")},
		{"1.01.0", unsupported("1.01.0")},
	}
	for _, tt := range tests {
		err := SupportedVersion(tt.v)
		if got := errText(err); got != tt.want {
			t.Errorf("SupportedVersion(%q) = %q, want %q", tt.v, got, tt.want)
		}
		var fe *FieldError
		if err != nil && !errors.As(err, &fe) {
			t.Errorf("SupportedVersion(%q): %T is not a *FieldError", tt.v, err)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
