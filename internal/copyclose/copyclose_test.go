package copyclose

import (
	"errors"
	"strings"
	"testing"
)

type sink struct {
	got                strings.Builder
	writeErr, closeErr error
	closed             bool
}

func (s *sink) Write(p []byte) (int, error) {
	if s.writeErr != nil {
		return 0, s.writeErr
	}
	return s.got.Write(p)
}

func (s *sink) Close() error {
	s.closed = true
	return s.closeErr
}

func TestCopy(t *testing.T) {
	errWrite, errClose := errors.New("write"), errors.New("close")
	for _, tc := range []struct {
		name               string
		writeErr, closeErr error
		want               error
	}{
		{"both succeed", nil, nil, nil},
		{"the close's error when the copy succeeded", nil, errClose, errClose},
		{"the copy's error first", errWrite, errClose, errWrite},
	} {
		s := &sink{writeErr: tc.writeErr, closeErr: tc.closeErr}
		err := Copy(s, strings.NewReader("data"))
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
		if !s.closed {
			t.Errorf("%s: out not closed", tc.name)
		}
		if tc.writeErr == nil && s.got.String() != "data" {
			t.Errorf("%s: copied %q", tc.name, s.got.String())
		}
	}
}
