package linuxns

import (
	"os"
	"regexp"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// nsenter's C constructor has its own type -> flag table (it runs before
// Go): it must name the same types with the same flags.
func TestNsenterTableMatches(t *testing.T) {
	src, err := os.ReadFile("../../libcontainer/nsenter/nsenter.c")
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]int{
		"CLONE_NEWPID": unix.CLONE_NEWPID, "CLONE_NEWNET": unix.CLONE_NEWNET,
		"CLONE_NEWNS": unix.CLONE_NEWNS, "CLONE_NEWIPC": unix.CLONE_NEWIPC,
		"CLONE_NEWUTS": unix.CLONE_NEWUTS, "CLONE_NEWUSER": unix.CLONE_NEWUSER,
		"CLONE_NEWCGROUP": unix.CLONE_NEWCGROUP, "CLONE_NEWTIME": unix.CLONE_NEWTIME,
	}
	entries := regexp.MustCompile(`\{"([a-z]+)", (CLONE_NEW[A-Z]+)\}`).FindAllStringSubmatch(string(src), -1)
	if len(entries) != len(kinds) {
		t.Fatalf("nsenter.c has %d namespace entries, linuxns %d", len(entries), len(kinds))
	}
	for _, e := range entries {
		k, ok := Lookup(specs.LinuxNamespaceType(e[1]))
		if !ok {
			t.Errorf("nsenter.c names %q, which linuxns does not know", e[1])
			continue
		}
		if f, ok := flags[e[2]]; !ok || f != k.Flag {
			t.Errorf("nsenter.c: %s is %s, linuxns says flag %#x", e[1], e[2], k.Flag)
		}
	}
}

func TestLookups(t *testing.T) {
	for _, k := range Kinds() {
		if Flag(k.Type) != k.Flag || ProcName(k.Type) != k.Proc {
			t.Errorf("%s: lookups disagree with the table", k.Type)
		}
		if got, ok := TypeOfProcName(k.Proc); !ok || got != k.Type {
			t.Errorf("TypeOfProcName(%q) = %q, %v", k.Proc, got, ok)
		}
	}
	for name, want := range map[string]specs.LinuxNamespaceType{"pid_for_children": specs.PIDNamespace, "time_for_children": specs.TimeNamespace, "net_for_children": "", "mount": ""} {
		if got, _ := TypeOfProcName(name); got != want {
			t.Errorf("TypeOfProcName(%q) = %q, want %q", name, got, want)
		}
	}
	if Flag("bogus") != 0 || ProcName("bogus") != "" {
		t.Error("an unknown type has a flag or a name")
	}
	list := []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace, Path: "/run/netns/x"}}
	if !Has(list, specs.NetworkNamespace) || Has(list, specs.UserNamespace) {
		t.Error("Has")
	}
	if !IsNew(list, specs.PIDNamespace) || IsNew(list, specs.NetworkNamespace) || IsNew(list, specs.UserNamespace) {
		t.Error("IsNew")
	}
	if Of(nil) != nil || Of(&specs.Spec{}) != nil {
		t.Error("Of of a spec without linux")
	}
}
