package main

import "myrunc/libcontainer/initproc"

// runInit is `myrunc init`, started by create in the container's new
// namespaces; it is not meant to be run by hand.
func runInit() {
	initproc.Main()
}
