package cgroups

// The constructor in prewarm_linux.c starts the kernel's first cgroup
// migration before the Go runtime starts (see there for why).

/*
#cgo CFLAGS: -Wall -O2
#cgo LDFLAGS: -lpthread
*/
import "C"
