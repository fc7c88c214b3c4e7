// Package onearena keeps glibc's malloc to its main arena in the programs
// built with cgo (the runtime and the nsenter init). Importing it links a
// constructor; without cgo it is empty.
//
// Each thread that first calls malloc gets an arena of its own: a 64 MiB
// reservation, an mprotect and fresh page faults. Go's threads call it
// once each (pthread_getattr_np allocates a cpu set), and the runtime
// starts about ten of them per command: 1.6% of the CPU of a `run` went
// to alloc_new_heap. The Go heap is not malloc's, so one arena contends
// for nothing.
package onearena
