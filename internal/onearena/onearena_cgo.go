//go:build cgo

package onearena

// The constructor is in onearena_linux.c.

/*
#cgo CFLAGS: -Wall -O2
*/
import "C"
