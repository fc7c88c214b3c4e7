//go:build engine

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"myrunc/check"
)

var checkCommand = &cli.Command{
	Name:  "check",
	Usage: "report what this host can and cannot do for containers, with a fix for each problem",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only problems"}},
	Action: func(c *cli.Context) error {
		results := check.Run(check.Options{DataRoot: c.String("data-root")})
		for _, r := range results {
			if c.Bool("quiet") && (r.Level == check.OK || r.Level == check.Info) {
				continue
			}
			fmt.Printf("[%-4s] %-16s %s\n", r.Level, r.Area, r.Detail)
			if r.Fix != "" {
				fmt.Printf("       %-16s fix: %s\n", "", r.Fix)
			}
		}
		switch check.Worst(results) {
		case check.Fail:
			fmt.Println("\nThis host cannot run containers as it is: fix the FAIL lines above.")
			return &exitError{1}
		case check.Warn:
			fmt.Println("\nThis host runs containers; the warn lines above are features that will not work.")
		default:
			fmt.Println("\nThis host runs containers with every feature myrunc has.")
		}
		return nil
	},
}
