package main

import (
	"encoding/json"
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
		cts, err := libcontainer.List(c.String("root"))
		if err != nil {
			return err
		}
		if c.Bool("quiet") {
			for _, ct := range cts {
				fmt.Println(ct.ID())
			}
			return nil
		}
		states := make([]stateJSON, 0, len(cts))
		for _, ct := range cts {
			warnCorrupt(ct)
			states = append(states, toStateJSON(ct))
		}
		switch c.String("format") {
		case "json":
			return json.NewEncoder(os.Stdout).Encode(states)
		case "table":
			w := tabwriter.NewWriter(os.Stdout, 12, 1, 3, ' ', 0)
			fmt.Fprint(w, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER\n")
			for _, s := range states {
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle,
					s.Created.Format(time.RFC3339Nano), s.Owner)
			}
			return w.Flush()
		}
		return fmt.Errorf("--format: %q is not table or json", c.String("format"))
	},
}

// ownerName turns a uid into a user name where the host knows it.
func ownerName(uid string) string {
	if u, err := user.LookupId(uid); err == nil {
		return u.Username
	}
	return uid
}
