package image

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1"
)

// ApplyChange applies one Dockerfile instruction of `import -c` / `commit
// -c` to c: CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL,
// STOPSIGNAL, VOLUME.
func ApplyChange(c *v1.Config, instr string) error {
	word, rest, _ := strings.Cut(strings.TrimSpace(instr), " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToUpper(word) {
	case "CMD":
		c.Cmd = commandForm(rest)
	case "ENTRYPOINT":
		c.Entrypoint = commandForm(rest)
	case "ENV":
		kvs, err := keyValues(rest, "ENV")
		if err != nil {
			return err
		}
		for _, kv := range kvs {
			c.Env = setEnv(c.Env, kv[0], kv[1])
		}
	case "LABEL":
		kvs, err := keyValues(rest, "LABEL")
		if err != nil {
			return err
		}
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		for _, kv := range kvs {
			c.Labels[kv[0]] = kv[1]
		}
	case "WORKDIR":
		c.WorkingDir = rest
	case "USER":
		c.User = rest
	case "STOPSIGNAL":
		c.StopSignal = rest
	case "EXPOSE":
		if c.ExposedPorts == nil {
			c.ExposedPorts = map[string]struct{}{}
		}
		for _, p := range strings.Fields(rest) {
			if !strings.Contains(p, "/") {
				p += "/tcp"
			}
			c.ExposedPorts[p] = struct{}{}
		}
	case "VOLUME":
		if c.Volumes == nil {
			c.Volumes = map[string]struct{}{}
		}
		var list []string
		if json.Unmarshal([]byte(rest), &list) != nil {
			list = strings.Fields(rest)
		}
		for _, v := range list {
			c.Volumes[v] = struct{}{}
		}
	default:
		return fmt.Errorf("change %q: unknown instruction %s (want CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR)", instr, word)
	}
	if rest == "" && strings.ToUpper(word) != "CMD" && strings.ToUpper(word) != "ENTRYPOINT" {
		return fmt.Errorf("change %q: %s needs an argument", instr, word)
	}
	return nil
}

// commandForm is ["a","b"] (exec form) or a shell command line.
func commandForm(s string) []string {
	var list []string
	if strings.HasPrefix(s, "[") && json.Unmarshal([]byte(s), &list) == nil {
		return list
	}
	if s == "" {
		return nil
	}
	return []string{"/bin/sh", "-c", s}
}

// keyValues reads "K=V K2=V2" (values may be double-quoted) or the old
// "K V" form.
func keyValues(s, instr string) ([][2]string, error) {
	if !strings.Contains(strings.SplitN(s, " ", 2)[0], "=") {
		k, v, ok := strings.Cut(s, " ")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q: want KEY=VALUE", instr, s)
		}
		return [][2]string{{k, strings.TrimSpace(v)}}, nil
	}
	var out [][2]string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		k, rest, ok := strings.Cut(s, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("%s: %q is not KEY=VALUE", instr, s)
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				return nil, fmt.Errorf("%s: unterminated quote in %q", instr, s)
			}
			v, s = rest[1:end+1], rest[end+2:]
		} else {
			v, s, _ = strings.Cut(rest, " ")
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

func setEnv(env []string, k, v string) []string {
	for i, e := range env {
		if strings.HasPrefix(e, k+"=") {
			env[i] = k + "=" + v
			return env
		}
	}
	return append(env, k+"="+v)
}
