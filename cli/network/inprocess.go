package network

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/selfexe"
	"myrunc/network"
)

// InProcessHook runs this binary's own network hooks inside the runtime
// (libcontainer/hooks.Builtin): the same work as `myrunc network hook`,
// less a process start per hook. Hooks of another myrunc binary, or of
// another shape, are left to be exec'd.
func InProcessHook(h specs.Hook, st *specs.State) (bool, error) {
	a := h.Args
	if len(a) != 7 || a[1] != "--data-root" || a[3] != "network" || a[4] != "hook" || !selfexe.Is(h.Path) {
		return false, nil
	}
	dataRoot, verb, id := a[2], a[5], a[6]
	switch verb {
	case "attach":
		if st == nil || st.ID != id || st.Pid <= 0 {
			return false, nil // let the subcommand report what is wrong
		}
		return true, network.Attach(dataRoot, id, st.Pid)
	case "detach":
		return true, network.Detach(dataRoot, id)
	}
	return false, nil
}
