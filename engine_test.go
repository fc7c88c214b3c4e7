//go:build engine

package main

import "testing"

// The runtime program forwards exactly the engine's groups.
func TestEngineGroupsAreTheEngineCommands(t *testing.T) {
	cmds := engineCommands()
	if len(cmds) != len(engineGroups) {
		t.Fatalf("the engine has %d command groups, engineGroups (enginegroups.go) lists %d", len(cmds), len(engineGroups))
	}
	for i, c := range cmds {
		if c.Name != engineGroups[i].name {
			t.Errorf("engine command %d is %q, engineGroups (enginegroups.go) says %q", i, c.Name, engineGroups[i].name)
		}
	}
}
