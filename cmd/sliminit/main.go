package main

import (
	"os"

	"myrunc/libcontainer/initproc"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		initproc.Main()
	}
}
