package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
	"github.com/urfave/cli/v2"

	"myrunc/libcontainer/hooks"
	"myrunc/libcontainer/seccomp"
)

var featuresCommand = &cli.Command{
	Name:  "features",
	Usage: "print the runtime-spec features this runtime implements, as JSON",
	Description: `Engines read this to learn what the runtime supports before they
write config.json. Every entry describes what myrunc does, not what the
host offers: "true" means the support is built in.`,
	Action: func(c *cli.Context) error {
		if c.NArg() != 0 {
			return fmt.Errorf("features: takes no arguments, got %d", c.NArg())
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "    ")
		return enc.Encode(runtimeFeatures())
	},
}

// mountOptions are the mounts[].options that libcontainer/rootfs handles
// itself (mount flags, propagation, recursive mount_setattr attributes,
// tmpcopyup) rather than passing to the filesystem as data. rootfs keeps
// its tables unexported, so they are listed here; features_test.go checks
// both directions against rootfs: every name here is recognised by
// rootfs.ParseOptions, and every key of rootfs's tables is listed here.
var mountOptions = []string{
	// mount(2) flags, set or cleared
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec",
	"iversion", "lazytime", "loud", "mand", "noatime", "nodev", "nodiratime",
	"noexec", "noiversion", "nolazytime", "nomand", "norelatime",
	"nostrictatime", "nosuid", "nosymfollow", "rbind", "relatime", "remount",
	"ro", "rw", "silent", "strictatime", "suid", "symfollow", "sync",
	// propagation
	"private", "rprivate", "shared", "rshared", "slave", "rslave",
	"unbindable", "runbindable",
	// recursive attributes (mount_setattr with AT_RECURSIVE)
	"rro", "rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec", "rexec",
	"rnodiratime", "rdiratime", "rnosymfollow", "rsymfollow",
	"rrelatime", "rnoatime", "rstrictatime", "ratime", "rnorelatime", "rnostrictatime",
	// tmpfs on a directory, filled with the image's contents
	"tmpcopyup",
	// idmapped bind mounts (mount_setattr MOUNT_ATTR_IDMAP)
	"idmap", "ridmap",
}

// namespaceTypes are the linux.namespaces[].type values libcontainer
// creates and joins.
var namespaceTypes = []specs.LinuxNamespaceType{
	specs.CgroupNamespace, specs.IPCNamespace, specs.MountNamespace,
	specs.NetworkNamespace, specs.PIDNamespace, specs.UserNamespace,
	specs.UTSNamespace, specs.TimeNamespace,
}

// hookKinds are the hooks lists libcontainer runs.
var hookKinds = []hooks.Kind{
	hooks.Prestart, hooks.CreateRuntime, hooks.CreateContainer,
	hooks.StartContainer, hooks.Poststart, hooks.Poststop,
}

// Annotation keys of the features output. The runc ones are what engines
// look for in any runc-compatible runtime.
const (
	annotCheckpoint = "org.opencontainers.runc.checkpoint.enabled"
	annotVersion    = "org.opencontainers.runc.version"
	annotCommit     = "io.github.myrunc.commit"
)

// capabilityNames are the capabilities the init can set: the ones
// github.com/moby/sys/capability knows, named as config.json names them.
func capabilityNames() []string {
	known := capability.ListKnown()
	names := make([]string, 0, len(known))
	for _, c := range known {
		names = append(names, "CAP_"+strings.ToUpper(c.String()))
	}
	return names
}

func runtimeFeatures() *features.Features {
	yes := func() *bool { b := true; return &b }
	no := func() *bool { b := false; return &b }
	hookNames := make([]string, 0, len(hookKinds))
	for _, k := range hookKinds {
		hookNames = append(hookNames, string(k))
	}
	nsNames := make([]string, 0, len(namespaceTypes))
	for _, n := range namespaceTypes {
		nsNames = append(nsNames, string(n))
	}
	return &features.Features{
		OCIVersionMin: "1.0.0",
		OCIVersionMax: specs.Version,
		Hooks:         hookNames,
		MountOptions:  mountOptions,
		Linux: &features.Linux{
			Namespaces:   nsNames,
			Capabilities: capabilityNames(),
			// cgroupfs managers for v1 and v2; --systemd-cgroup is accepted
			// but there is no systemd driver, and no rdma controller.
			Cgroup:  &features.Cgroup{V1: yes(), V2: yes(), Systemd: no(), SystemdUser: no(), Rdma: no()},
			Seccomp: seccompFeatures(),
			// no profile or label is applied: config.json fields for
			// them are refused (spec/lsm.go)
			Apparmor: &features.Apparmor{Enabled: no()},
			Selinux:  &features.Selinux{Enabled: no()},
			IntelRdt: &features.IntelRdt{Enabled: no()},
			// idmapped bind mounts: mounts[].uidMappings/gidMappings, idmap, ridmap
			MountExtensions: &features.MountExtensions{IDMap: &features.IDMap{Enabled: yes()}},
			// linux.netDevices: moved in at create (libcontainer/netdev_linux.go)
			NetDevices: &features.NetDevices{Enabled: yes()},
			// set_mempolicy(2) modes and flags the init applies
			MemoryPolicy: &features.MemoryPolicy{
				Modes: []string{"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
					"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL"},
				Flags: []string{"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"},
			},
		},
		Annotations: map[string]string{
			annotCheckpoint: "false",
			annotVersion:    version,
			annotCommit:     gitCommit,
		},
	}
}

// seccompFeatures: what libcontainer/seccomp compiles and loads.
func seccompFeatures() *features.Seccomp {
	acts, ops, archs := seccomp.Supported()
	known, supported := seccomp.SupportedFlags()
	enabled := true
	return &features.Seccomp{Enabled: &enabled, Actions: acts, Operators: ops, Archs: archs,
		KnownFlags: known, SupportedFlags: supported}
}
