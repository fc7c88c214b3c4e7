package builder

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// proxyArgs are Docker's predefined build args: a RUN sees them without
// an ARG, and the history does not record them.
var proxyArgs = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
	"FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}

// buildArgs are --build-arg values and what the Dockerfile did with them.
type buildArgs struct {
	given    map[string]string
	consumed map[string]bool
	meta     argScope // the ARGs before the first FROM
}

func newBuildArgs(given map[string]string) *buildArgs {
	return &buildArgs{given: given, consumed: map[string]bool{}}
}

// argScope is the ARGs declared so far (in a stage, or before FROM), in
// order; a nil value is an ARG without one.
type argScope struct {
	names []string
	vals  map[string]*string
}

func (a *argScope) set(name string, val *string) {
	if a.vals == nil {
		a.vals = map[string]*string{}
	}
	if _, ok := a.vals[name]; !ok {
		a.names = append(a.names, name)
	}
	a.vals[name] = val
}

func (a *argScope) lookup(name string) (*string, bool) {
	v, ok := a.vals[name]
	return v, ok
}

// env is the declared ARGs that have a value, as K=V, in order,
// leaving out those named in skip (ENV overrides ARG).
func (a *argScope) env(skip []string) []string {
	var out []string
	for _, n := range a.names {
		if v := a.vals[n]; v != nil && !hasKey(skip, n) {
			out = append(out, n+"="+*v)
		}
	}
	return out
}

func hasKey(env []string, key string) bool {
	return slices.ContainsFunc(env, func(e string) bool { k, _, _ := strings.Cut(e, "="); return k == key })
}

// declare evaluates one ARG instruction: each name takes its
// --build-arg value, else its default (expanded with env), else, in a
// stage, the value an ARG before FROM gave it.
func (b *buildArgs) declare(scope *argScope, cmd *instructions.ArgCommand, lex *shell.Lex, env []string, inStage bool) error {
	for _, kv := range cmd.Args {
		b.consumed[kv.Key] = true
		var val *string
		switch given, ok := b.given[kv.Key]; {
		case ok:
			val = &given
		case kv.Value != nil:
			v, _, err := lex.ProcessWord(*kv.Value, shell.EnvsFromSlice(env))
			if err != nil {
				return fmt.Errorf("ARG %s: %w", kv.Key, err)
			}
			val = &v
		case inStage:
			val, _ = b.meta.lookup(kv.Key)
		}
		scope.set(kv.Key, val)
		env = append(env, scope.env(nil)...)
	}
	return nil
}

// runEnv is a RUN's environment: the config's, the declared ARGs that
// ENV does not override, and the proxy args given.
func (b *buildArgs) runEnv(scope *argScope, cfgEnv []string) []string {
	env := slices.Clone(cfgEnv)
	env = append(env, scope.env(cfgEnv)...)
	for _, p := range proxyArgs {
		if v, ok := b.given[p]; ok && !hasKey(env, p) {
			env = append(env, p+"="+v)
		}
	}
	return env
}

// historyArgs is what Docker's classic builder puts before a RUN's
// command in the history: "|N K=V ..." for the declared ARGs with a
// value, sorted (proxy args only when declared).
func historyArgs(scope *argScope, cfgEnv []string) string {
	env := scope.env(cfgEnv)
	if len(env) == 0 {
		return ""
	}
	sort.Strings(env)
	return fmt.Sprintf("|%d %s ", len(env), strings.Join(env, " "))
}

// unconsumed lists the --build-arg names no ARG declared (Docker warns).
func (b *buildArgs) unconsumed() []string {
	var out []string
	for k := range b.given {
		if !b.consumed[k] && !slices.Contains(proxyArgs, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
