package main

// Two programs in one file: the runtime (this package's default build)
// and the engine (built with the `engine` tag: the runtime's commands
// and the groups below), embedded in the runtime by `make build`. The
// runtime's own commands never start the engine's packages; an engine
// group execs the engine program with the same arguments.

// engineGroups are the engine program's top-level commands, as the
// runtime lists them in its help (engine_test.go holds the engine build
// to these names).
var engineGroups = []struct{ name, usage string }{
	{"container", "run containers from images (docker-like)"},
	{"image", "manage images: pull, push, load, save, import, ls, inspect, history, tag, rm, prune"},
	{"network", "manage networks (bridge networks, ports, names)"},
}
