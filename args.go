package main

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// commandsWithTail take, after their one container id, arguments that are
// not theirs (exec's command, ps's options): flags are only theirs up to
// the first argument after the id.
var commandsWithTail = []string{"exec", "ps"}

// reorderArgs lets a command's flags follow its positional arguments, as
// runc's command line does (`update ID --pids-limit 10`, `delete ID
// --force`, `exec ID --env A=1 sh`): it moves them in front, which is
// where urfave/cli/v2 looks for them. Only flags the command defines move;
// "--" ends the reordering. Commands with subcommands, or that parse
// their own flags (the engine's groups), are left alone.
func reorderArgs(app *cli.App, args []string) []string {
	i := skipFlags(app.Flags, args, 1)
	if i >= len(args) {
		return args
	}
	cmd := findCommand(app.Commands, args[i])
	if cmd == nil || len(cmd.Subcommands) > 0 || cmd.SkipFlagParsing {
		return args
	}
	out := append([]string{}, args[:i+1]...)
	flags, pos := splitFlags(cmd, args[i+1:])
	out = append(out, flags...)
	return append(out, pos...)
}

// splitFlags separates the command's flags (with their values) from its
// positional arguments.
func splitFlags(cmd *cli.Command, args []string) (flags, pos []string) {
	maxPos := -1
	if slices.Contains(commandsWithTail, cmd.Name) {
		maxPos = 1 // the container id; what follows is the tail
	}
	for j := 0; j < len(args); j++ {
		a := args[j]
		if a == "--" || (maxPos >= 0 && len(pos) >= maxPos && !isFlag(a)) {
			return flags, append(pos, args[j:]...)
		}
		f := lookupFlag(cmd.Flags, a)
		if f == nil {
			if maxPos >= 0 && len(pos) >= maxPos {
				return flags, append(pos, args[j:]...)
			}
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if takesValue(f) && !strings.Contains(a, "=") && j+1 < len(args) {
			j++
			flags = append(flags, args[j])
		}
	}
	return flags, pos
}

// skipFlags returns the index of the first argument from i on that is not
// one of flags or a flag's value.
func skipFlags(flags []cli.Flag, args []string, i int) int {
	for i < len(args) && isFlag(args[i]) && args[i] != "--" {
		f := lookupFlag(flags, args[i])
		if f != nil && takesValue(f) && !strings.Contains(args[i], "=") {
			i++
		}
		i++
	}
	return i
}

func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' }

// lookupFlag finds the flag arg ("-d", "--pid-file", "--pid-file=x") names.
func lookupFlag(flags []cli.Flag, arg string) cli.Flag {
	if !isFlag(arg) {
		return nil
	}
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	if name == "h" || name == "help" {
		return cli.HelpFlag
	}
	for _, f := range flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

func takesValue(f cli.Flag) bool {
	v, ok := f.(cli.DocGenerationFlag)
	return ok && v.TakesValue()
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}
