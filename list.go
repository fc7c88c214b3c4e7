package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"myrunc/libcontainer"
)

var listCommand = &cli.Command{
	Name:    "list",
	Aliases: []string{"ps-all"},
	Usage:   "list containers",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table or json"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only ids"},
	},
	Action: func(c *cli.Context) error {
		// an explicit --root that does not exist is a mistake worth
		// saying; the default one just has no containers yet
		if root := c.String("root"); c.IsSet("root") {
			if _, err := os.Stat(root); err != nil {
				return fmt.Errorf("list: --root %w", err)
			}
		}
		if c.Bool("quiet") {
			// the names suffice: no container's state is read
			ids, err := libcontainer.ListIDs(c.String("root"))
			out := bufio.NewWriter(os.Stdout)
			for _, id := range ids {
				fmt.Fprintln(out, id)
			}
			return errors.Join(err, out.Flush())
		}
		cts, err := libcontainer.List(c.String("root"))
		if err != nil {
			return err
		}
		states := make([]stateJSON, 0, len(cts))
		for _, ct := range cts {
			warnCorrupt(ct)
			states = append(states, toStateJSON(ct))
		}
		// one write, not one per cell (a thousand containers: 12000 writes)
		out := bufio.NewWriter(os.Stdout)
		switch c.String("format") {
		case "json":
			if err := json.NewEncoder(out).Encode(states); err != nil {
				return err
			}
			return out.Flush()
		case "table":
			w := tabwriter.NewWriter(out, 12, 1, 3, ' ', 0)
			fmt.Fprint(w, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER\n")
			for _, s := range states {
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle,
					s.Created.Format(time.RFC3339Nano), s.Owner)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			return out.Flush()
		}
		return fmt.Errorf("--format: %q is not table or json", c.String("format"))
	},
}

// ownerNames remembers ownerName's answers: every container of a list
// has the same few owners, and each look-up reads /etc/passwd.
var ownerNames = map[string]string{}

// ownerName turns a uid into a user name where the host knows it.
func ownerName(uid string) string {
	if name, ok := ownerNames[uid]; ok {
		return name
	}
	name := uid
	if u, err := user.LookupId(uid); err == nil {
		name = u.Username
	}
	ownerNames[uid] = name
	return name
}
