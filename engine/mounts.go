package engine

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
)

// parseMounts reads -v, --mount and --tmpfs, then adds an anonymous
// volume for each VOLUME of the image that no flag covers.
func parseMounts(o *Options, imageVolumes map[string]struct{}) ([]Mount, error) {
	var out []Mount
	add := func(m Mount) error {
		m.Destination = path.Clean(m.Destination)
		if !path.IsAbs(m.Destination) {
			return usagef("invalid mount config: the mount destination %q is not an absolute path", m.Destination)
		}
		if m.Destination == "/" {
			return usagef("invalid specification: destination can't be '/'")
		}
		if slices.ContainsFunc(out, func(x Mount) bool { return x.Destination == m.Destination }) {
			return usagef("Duplicate mount point: %s", m.Destination)
		}
		out = append(out, m)
		return nil
	}
	for _, v := range o.Volumes {
		m, err := parseVolumeFlag(v)
		if err != nil {
			return nil, err
		}
		if err := add(m); err != nil {
			return nil, err
		}
	}
	for _, v := range o.Mounts {
		m, err := parseMountFlag(v)
		if err != nil {
			return nil, err
		}
		if err := add(m); err != nil {
			return nil, err
		}
	}
	for _, v := range o.Tmpfs {
		dst, opts, _ := strings.Cut(v, ":")
		m := Mount{Type: "tmpfs", Destination: dst, RW: true, Options: []string{"noexec", "nosuid", "nodev"}}
		if opts != "" {
			m.Options = strings.Split(opts, ",")
			m.RW = !slices.Contains(m.Options, "ro")
		}
		if err := add(m); err != nil {
			return nil, err
		}
	}
	vols := make([]string, 0, len(imageVolumes))
	for v := range imageVolumes {
		vols = append(vols, v)
	}
	sort.Strings(vols)
	for _, v := range vols {
		if slices.ContainsFunc(out, func(x Mount) bool { return x.Destination == path.Clean(v) }) {
			continue
		}
		if err := add(Mount{Type: "volume", Name: newID(), Destination: v, RW: true, Anonymous: true, Driver: "local"}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseVolumeFlag reads -v SRC:DST[:OPTS] or -v DST (anonymous volume).
func parseVolumeFlag(v string) (Mount, error) {
	parts := strings.Split(v, ":")
	var m Mount
	switch len(parts) {
	case 1:
		m = Mount{Type: "volume", Name: newID(), Destination: parts[0], Anonymous: true}
	case 2, 3:
		m = Mount{Source: parts[0], Destination: parts[1]}
		if len(parts) == 3 {
			m.Mode = parts[2]
		}
	default:
		return m, usagef("invalid volume specification: '%s'", v)
	}
	if m.Source == "" && len(parts) > 1 {
		return m, usagef("invalid volume specification: '%s': empty source", v)
	}
	m.RW = true
	for _, o := range strings.Split(m.Mode, ",") {
		switch o {
		case "", "rw", "z", "Z":
		case "ro":
			m.RW = false
		case "nocopy":
			m.NoCopy = true
		case "private", "rprivate", "shared", "rshared", "slave", "rslave":
			m.Propagation = o
		default:
			return m, usagef("invalid mode: %s (in volume specification '%s')", o, v)
		}
	}
	if m.Type == "" {
		if filepath.IsAbs(m.Source) {
			m.Type = "bind"
		} else {
			if err := checkVolumeName(m.Source); err != nil {
				return m, usagef("invalid volume specification '%s': %w", v, err)
			}
			m.Type, m.Name = "volume", m.Source
		}
	}
	return finishMount(m), nil
}

// parseMountFlag reads --mount type=...,source=...,target=...,...
func parseMountFlag(v string) (Mount, error) {
	m := Mount{Type: "volume", RW: true}
	var tmpfsSize int64
	tmpfsMode := ""
	for _, field := range strings.Split(v, ",") {
		k, val, hasVal := strings.Cut(field, "=")
		switch strings.ToLower(k) {
		case "type":
			m.Type = val
		case "source", "src":
			m.Source = val
		case "target", "destination", "dst":
			m.Destination = val
		case "readonly", "ro":
			b, err := parseBoolOpt(val, hasVal)
			if err != nil {
				return m, usagef("invalid value for %s: %s", k, val)
			}
			m.RW = !b
		case "volume-nocopy":
			b, err := parseBoolOpt(val, hasVal)
			if err != nil {
				return m, usagef("invalid value for %s: %s", k, val)
			}
			m.NoCopy = b
		case "bind-propagation":
			m.Propagation = val
		case "tmpfs-size":
			n, err := units.RAMInBytes(val)
			if err != nil {
				return m, usagef("invalid value for tmpfs-size: %s", val)
			}
			tmpfsSize = n
		case "tmpfs-mode":
			if _, err := strconv.ParseUint(val, 8, 32); err != nil {
				return m, usagef("invalid value for tmpfs-mode: %s", val)
			}
			tmpfsMode = val
		case "consistency", "volume-driver":
		default:
			return m, usagef("unexpected key '%s' in '%s'", k, field)
		}
	}
	if m.Destination == "" {
		return m, usagef("invalid argument %q for \"--mount\" flag: target is required", v)
	}
	switch m.Type {
	case "bind":
		if !filepath.IsAbs(m.Source) {
			return m, usagef("invalid mount config for type \"bind\": invalid mount path: '%s' mount path must be absolute", m.Source)
		}
	case "volume":
		if m.Source == "" {
			m.Name, m.Anonymous = newID(), true
		} else {
			if err := checkVolumeName(m.Source); err != nil {
				return m, usagef("invalid mount config for type \"volume\": %w", err)
			}
			m.Name = m.Source
		}
	case "tmpfs":
		if m.Source != "" {
			return m, usagef("invalid mount config for type \"tmpfs\": source must not be specified")
		}
		m.Options = []string{"noexec", "nosuid", "nodev"}
		if tmpfsSize > 0 {
			m.Options = append(m.Options, "size="+strconv.FormatInt(tmpfsSize, 10))
		}
		if tmpfsMode != "" {
			m.Options = append(m.Options, "mode="+tmpfsMode)
		}
		if !m.RW {
			m.Options = append(m.Options, "ro")
		}
	default:
		return m, usagef("invalid mount config: mount type unknown: %q (want bind, volume or tmpfs)", m.Type)
	}
	return finishMount(m), nil
}

func parseBoolOpt(val string, hasVal bool) (bool, error) {
	if !hasVal {
		return true, nil
	}
	return strconv.ParseBool(val)
}

// finishMount fills Docker's defaults for Mode and Propagation.
func finishMount(m Mount) Mount {
	if m.Type == "volume" {
		m.Driver = "local"
	}
	if m.Type == "bind" && m.Propagation == "" {
		m.Propagation = "rprivate"
	}
	if m.Type == "volume" && m.Mode == "" {
		m.Mode = "z"
	}
	return m
}

// volume names as Docker allows them
func checkVolumeName(name string) error {
	if len(name) < 2 || checkName(name) != nil {
		return fmt.Errorf("%q includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", name)
	}
	return nil
}
