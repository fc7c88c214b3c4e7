package network

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// linkMsg is an rtnetlink message of type typ about link index, family.
func linkMsg(typ uint16, family byte, index int32) []byte {
	b := make([]byte, unix.SizeofNlMsghdr+unix.SizeofIfInfomsg)
	binary.NativeEndian.PutUint32(b[0:4], uint32(len(b)))
	binary.NativeEndian.PutUint16(b[4:6], typ)
	d := b[unix.SizeofNlMsghdr:]
	d[0] = family
	binary.NativeEndian.PutUint32(d[4:8], uint32(index))
	return b
}

func TestAnnouncesUnregister(t *testing.T) {
	cat := func(bs ...[]byte) (all []byte) {
		for _, b := range bs {
			all = append(all, b...)
		}
		return all
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"its RTM_DELLINK", linkMsg(unix.RTM_DELLINK, unix.AF_UNSPEC, 7), true},
		{"another link's", linkMsg(unix.RTM_DELLINK, unix.AF_UNSPEC, 8), false},
		{"the bridge port's, before the link goes", linkMsg(unix.RTM_DELLINK, unix.AF_BRIDGE, 7), false},
		{"a change of it", linkMsg(unix.RTM_NEWLINK, unix.AF_UNSPEC, 7), false},
		{"second in a batch", cat(linkMsg(unix.RTM_NEWLINK, unix.AF_UNSPEC, 7), linkMsg(unix.RTM_DELLINK, unix.AF_UNSPEC, 7)), true},
		{"truncated", linkMsg(unix.RTM_DELLINK, unix.AF_UNSPEC, 7)[:unix.SizeofNlMsghdr+4], false},
		{"empty", nil, false},
	} {
		if got := announcesUnregister(tc.b, 7); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
