package spec

import (
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// maxIfName is IFNAMSIZ less the terminating NUL.
const maxIfName = 15

// checkNetDevices checks linux.netDevices (runtime-spec 1.3): host devices
// moved into the container's network namespace, renamed when asked. The
// container needs a network namespace of its own (new or joined): without
// one the devices would stay on the host under the container's name.
// Names follow the kernel's dev_valid_name; a new name may be a template
// with one "%d", which the kernel fills in, so it cannot collide.
func checkNetDevices(devs map[string]specs.LinuxNetDevice, ns nsSet) error {
	if len(devs) == 0 {
		return nil
	}
	if !ns.has(specs.NetworkNamespace) {
		return fieldErr("linux.netDevices", "requires a network namespace in linux.namespaces (a device cannot be moved into the runtime's own)")
	}
	netns := ns[specs.NetworkNamespace]
	taken := map[string]string{} // name in the container -> host name
	if netns.Path == "" {
		taken["lo"] = "" // a new network namespace starts with its loopback
	}
	for _, host := range sortedKeys(devs) {
		p := keyed("linux.netDevices", host)
		if !validIfName(host) || strings.Contains(host, "%") {
			return fieldErr(p, "%q is not a network interface name (1-%d bytes, no '/', ':', '%%' or white space, not \".\" or \"..\")", host, maxIfName)
		}
		name := devs[host].Name
		if name == "" {
			name = host
		} else if !validIfName(name) || !validTemplate(name) {
			return fieldErr(p+".name", "%q is not a network interface name (1-%d bytes, no '/', ':' or white space, not \".\" or \"..\"; '%%' only in one \"%%d\")", name, maxIfName)
		}
		if strings.Contains(name, "%") {
			continue
		}
		if other, dup := taken[name]; dup {
			if other == "" {
				return fieldErr(p, "would be named %q in the container, which its new network namespace already has", name)
			}
			return fieldErr(p, "would be named %q in the container, as would linux.netDevices[%q]", name, other)
		}
		taken[name] = host
	}
	return nil
}

// validIfName follows the kernel's dev_valid_name.
func validIfName(n string) bool {
	if n == "" || len(n) > maxIfName || n == "." || n == ".." {
		return false
	}
	for i := 0; i < len(n); i++ {
		switch c := n[i]; {
		case c == '/', c == ':', c == 0, c == ' ', c >= '\t' && c <= '\r':
			return false
		}
	}
	return true
}

// validTemplate: no '%', or exactly one "%d" (dev_alloc_name's rule).
func validTemplate(n string) bool {
	switch strings.Count(n, "%") {
	case 0:
		return true
	case 1:
		return strings.Count(n, "%d") == 1
	}
	return false
}
