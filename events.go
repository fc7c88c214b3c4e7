package main

import (
	"encoding/json"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"myrunc/libcontainer"
)

var eventsCommand = &cli.Command{
	Name:      "events",
	Usage:     "print a container's resource usage and OOM kills as JSON lines",
	ArgsUsage: "<container-id>",
	Description: `Prints {"type":"stats","id":ID,"data":{...}} now and every --interval
until the container stops, and {"type":"oom","id":ID} when the kernel's
OOM killer kills one of its processes. With --stats, prints one stats
event and exits.`,
	Flags: []cli.Flag{
		&cli.DurationFlag{Name: "interval", Value: 5 * time.Second, Usage: "time between stats events"},
		&cli.BoolFlag{Name: "stats", Usage: "print one stats event and exit"},
	},
	Action: func(c *cli.Context) error {
		ct, err := getContainer(c)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(os.Stdout)
		emit := func(e *libcontainer.Event) error { return enc.Encode(e) }
		if c.Bool("stats") {
			s, err := ct.Stats()
			if err != nil {
				return err
			}
			return emit(&libcontainer.Event{Type: "stats", ID: ct.ID(), Data: s})
		}
		return ct.Events(c.Duration("interval"), emit)
	},
}
