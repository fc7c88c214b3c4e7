package builder

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// dockerfile is a parsed Dockerfile: its stages, and the ARGs before the
// first FROM (which only FROM lines see).
type dockerfile struct {
	stages   []instructions.Stage
	metaArgs []instructions.ArgCommand
	lex      *shell.Lex
}

// parseDockerfile reads a Dockerfile with BuildKit's parser, and refuses
// what only BuildKit can do: this is Docker's classic builder.
func parseDockerfile(data []byte) (*dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("dockerfile parse error: %w", err)
	}
	if err := fromFirst(res.AST); err != nil {
		return nil, err
	}
	stages, meta, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, err
	}
	for _, st := range stages {
		for _, cmd := range st.Commands {
			if err := classicOnly(cmd); err != nil {
				return nil, fmt.Errorf("dockerfile line %d: %s: %w", line(cmd), cmd.Name(), err)
			}
		}
	}
	return &dockerfile{stages: stages, metaArgs: meta, lex: shell.NewLex(res.EscapeToken)}, nil
}

// fromFirst checks that the first instruction after the ARGs is FROM
// (BuildKit's own message, "no build stage in current context", does not
// say what is wrong).
func fromFirst(ast *parser.Node) error {
	for _, n := range ast.Children {
		switch strings.ToLower(n.Value) {
		case "arg":
			continue
		case "from":
			return nil
		}
		return fmt.Errorf("dockerfile line %d: %s before FROM: a Dockerfile must start with FROM (after ARGs)", n.StartLine, strings.ToUpper(n.Value))
	}
	return errors.New("dockerfile parse error: no FROM instruction: a Dockerfile must start with FROM (after ARGs)")
}

func line(cmd instructions.Command) int {
	if loc := cmd.Location(); len(loc) > 0 {
		return loc[0].Start.Line
	}
	return 0
}

// errBuildKit names syntax that needs BuildKit.
func errBuildKit(what string) error {
	return fmt.Errorf("%s is BuildKit-only syntax, which this builder (Docker's classic builder) does not support", what)
}

// classicOnly refuses the flags and forms that only BuildKit implements.
func classicOnly(cmd instructions.Command) error {
	switch c := cmd.(type) {
	case *instructions.RunCommand:
		if len(c.FlagsUsed) > 0 {
			return errBuildKit("RUN --" + strings.Join(c.FlagsUsed, ", --"))
		}
		if len(c.Files) > 0 {
			return errBuildKit("a here-document (<<EOF)")
		}
	case *instructions.CopyCommand:
		switch {
		case c.Link:
			return errBuildKit("COPY --link")
		case c.Parents:
			return errBuildKit("COPY --parents")
		case len(c.ExcludePatterns) > 0:
			return errBuildKit("COPY --exclude")
		case len(c.SourceContents) > 0:
			return errBuildKit("a here-document (<<EOF)")
		}
	case *instructions.AddCommand:
		switch {
		case c.Link:
			return errBuildKit("ADD --link")
		case len(c.ExcludePatterns) > 0:
			return errBuildKit("ADD --exclude")
		case c.Checksum != "":
			return errBuildKit("ADD --checksum")
		case c.KeepGitDir:
			return errBuildKit("ADD --keep-git-dir")
		case len(c.SourceContents) > 0:
			return errBuildKit("a here-document (<<EOF)")
		}
	}
	return nil
}

// stagesUpTo is the stages a build runs: all of them, or up to --target.
func (d *dockerfile) stagesUpTo(target string) ([]instructions.Stage, error) {
	if target == "" {
		return d.stages, nil
	}
	i, ok := instructions.HasStage(d.stages, target)
	if !ok {
		return nil, fmt.Errorf("target stage %q could not be found", target)
	}
	return d.stages[:i+1], nil
}

// steps counts a build's steps as Docker's classic builder numbers them:
// the ARGs before FROM, then each FROM and instruction.
func (d *dockerfile) steps(stages []instructions.Stage) int {
	n := len(d.metaArgs)
	for _, st := range stages {
		n += 1 + len(st.Commands)
	}
	return n
}

// source is an instruction as written (Docker prints it in "Step N/M").
func source(cmd instructions.Command) string {
	if s, ok := cmd.(fmt.Stringer); ok {
		return s.String()
	}
	return cmd.Name()
}
