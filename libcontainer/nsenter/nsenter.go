// Package nsenter joins namespaces that a multi-threaded Go process
// cannot enter (user, mount, time), and makes a user namespace whose maps
// setuid helpers write, from a C constructor that runs before the Go
// runtime starts. Importing it links the constructor into the
// binary; it does nothing unless the runtime set its variable.
package nsenter

/*
#cgo CFLAGS: -Wall -O2
*/
import "C"

import (
	"strconv"
	"strings"
)

// EnvVar carries the request to the constructor.
const EnvVar = "_MYRUNC_NSENTER"

// Join is one namespace to enter: its type as in config.json and the fd
// it has in the init.
type Join struct {
	Type string
	Fd   int
}

// Request formats the request: joins in order, then new namespaces to
// unshare, the fd of the pipe that receives the init's pid when a pid
// namespace forces a fork, and the fd of the socket over which the
// runtime writes the maps of a new user namespace made first (-1: none).
func Request(joins []Join, unshare []string, pidPipeFd, userSyncFd int) string {
	js := make([]string, len(joins))
	for i, j := range joins {
		js[i] = j.Type + ":" + strconv.Itoa(j.Fd)
	}
	return EnvVar + "=" + orDash(strings.Join(js, ",")) + ";" + orDash(strings.Join(unshare, ",")) + ";" + strconv.Itoa(pidPipeFd) +
		";" + strconv.Itoa(userSyncFd)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
