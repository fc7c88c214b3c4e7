package eintr

import (
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

func TestRetry(t *testing.T) {
	calls := 0
	err := Retry(func() error {
		calls++
		if calls < 3 {
			return unix.EINTR
		}
		return unix.EPERM
	})
	if calls != 3 || !errors.Is(err, unix.EPERM) {
		t.Errorf("calls %d, err %v", calls, err)
	}
	calls = 0
	v, err := Retry1(func() (int, error) {
		calls++
		if calls < 2 {
			return -1, unix.EINTR
		}
		return 7, nil
	})
	if calls != 2 || v != 7 || err != nil {
		t.Errorf("calls %d, v %d, err %v", calls, v, err)
	}
}
