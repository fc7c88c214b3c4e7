// Package network is `myrunc network ...`: Docker's network verbs, the
// hook the bundles run, and attach-bundle, which prepares a runc bundle.
package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"myrunc/network"
)

// Command is the `network` command group.
var Command = &cli.Command{
	Name:  "network",
	Usage: "manage networks (bridge networks, ports, names)",
	Subcommands: []*cli.Command{
		createCommand, lsCommand, inspectCommand, rmCommand, connectCommand, disconnectCommand,
		pruneCommand, attachBundleCommand, releaseCommand, hookCommand,
	},
}

func dataRoot(c *cli.Context) string { return c.String("data-root") }

func nargs(c *cli.Context, min, max int) error {
	if n := c.NArg(); n < min || (max >= 0 && n > max) {
		return fmt.Errorf("network %s: wrong number of arguments (usage: %s %s)", c.Command.Name, c.Command.Name, c.Command.ArgsUsage)
	}
	return nil
}

func parsePrefix(flag, v string) (netip.Prefix, error) {
	if v == "" {
		return netip.Prefix{}, nil
	}
	p, err := netip.ParsePrefix(v)
	if err != nil || !p.Addr().Is4() {
		return p, fmt.Errorf("--%s %q: not an IPv4 CIDR", flag, v)
	}
	return p, nil
}

func parseAddr(flag, v string) (netip.Addr, error) {
	if v == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is4() {
		return a, fmt.Errorf("--%s %q: not an IPv4 address", flag, v)
	}
	return a, nil
}

func keyValues(flag string, list []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--%s %q: want KEY=VALUE", flag, kv)
		}
		m[k] = v
	}
	return m, nil
}

var createCommand = &cli.Command{
	Name:      "create",
	Usage:     "create a bridge network",
	ArgsUsage: "NAME",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "driver", Aliases: []string{"d"}, Value: "bridge", Usage: "network driver (bridge)"},
		&cli.StringFlag{Name: "subnet", Usage: "subnet in CIDR form (default: a free one of 172.17-31.0.0/16, 192.168.X.0/20)"},
		&cli.StringFlag{Name: "gateway", Usage: "gateway address (default: the subnet's first)"},
		&cli.StringFlag{Name: "ip-range", Usage: "hand out addresses from this part of the subnet only"},
		&cli.BoolFlag{Name: "internal", Usage: "no route out of the host"},
		&cli.StringSliceFlag{Name: "opt", Aliases: []string{"o"}, Usage: "driver option, e.g. com.docker.network.bridge.name=BR"},
		&cli.StringSliceFlag{Name: "label", Usage: "label KEY=VALUE"},
	},
	Action: func(c *cli.Context) error {
		if err := nargs(c, 1, 1); err != nil {
			return err
		}
		var o network.CreateOpts
		var err error
		o.Driver, o.Internal = c.String("driver"), c.Bool("internal")
		if o.Subnet, err = parsePrefix("subnet", c.String("subnet")); err != nil {
			return err
		}
		if o.IPRange, err = parsePrefix("ip-range", c.String("ip-range")); err != nil {
			return err
		}
		if o.Gateway, err = parseAddr("gateway", c.String("gateway")); err != nil {
			return err
		}
		if o.Options, err = keyValues("opt", c.StringSlice("opt")); err != nil {
			return err
		}
		if o.Labels, err = keyValues("label", c.StringSlice("label")); err != nil {
			return err
		}
		n, err := network.Create(dataRoot(c), c.Args().First(), o)
		if err != nil {
			return err
		}
		fmt.Println(n.ID)
		return nil
	},
}

var lsCommand = &cli.Command{
	Name:    "ls",
	Aliases: []string{"list"},
	Usage:   "list networks",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only IDs"},
		&cli.StringFlag{Name: "format", Usage: "Go template, or json"},
	},
	Action: func(c *cli.Context) error {
		if err := nargs(c, 0, 0); err != nil {
			return err
		}
		all, err := network.List(dataRoot(c))
		if err != nil {
			return err
		}
		if c.Bool("quiet") {
			for _, n := range all {
				fmt.Println(n.ID[:12])
			}
			return nil
		}
		if f := c.String("format"); f != "" {
			return printFormatted(f, all, true)
		}
		w := tabwriter.NewWriter(os.Stdout, 0, 8, 3, ' ', 0)
		fmt.Fprintln(w, "NETWORK ID\tNAME\tDRIVER\tSCOPE")
		for _, n := range all {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", n.ID[:12], n.Name, n.Driver, n.Scope)
		}
		return w.Flush()
	},
}

var inspectCommand = &cli.Command{
	Name:      "inspect",
	Usage:     "print networks as Docker's JSON",
	ArgsUsage: "NAME...",
	Flags:     []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "Go template, or json"}},
	Action: func(c *cli.Context) error {
		if err := nargs(c, 1, -1); err != nil {
			return err
		}
		var out []network.Inspected
		var errs []error
		for _, ref := range c.Args().Slice() {
			n, err := network.Inspect(dataRoot(c), ref)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, n)
		}
		if f := c.String("format"); f != "" && f != "json" {
			if err := printFormatted(f, out, false); err != nil {
				return err
			}
		} else {
			if out == nil {
				out = []network.Inspected{}
			}
			b, _ := json.MarshalIndent(out, "", "    ")
			fmt.Println(string(b))
		}
		return errors.Join(errs...)
	},
}

var rmCommand = &cli.Command{
	Name:      "rm",
	Aliases:   []string{"remove"},
	Usage:     "remove networks no container uses",
	ArgsUsage: "NAME...",
	Action: func(c *cli.Context) error {
		if err := nargs(c, 1, -1); err != nil {
			return err
		}
		var errs []error
		for _, name := range c.Args().Slice() {
			if err := network.Remove(dataRoot(c), name); err != nil {
				errs = append(errs, err)
				continue
			}
			fmt.Println(name)
		}
		return errors.Join(errs...)
	},
}

var pruneCommand = &cli.Command{
	Name:  "prune",
	Usage: "remove every user network that no container uses",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "do not ask (there is no prompt: accepted for compatibility)"}},
	Action: func(c *cli.Context) error {
		gone, err := network.Prune(dataRoot(c))
		if len(gone) > 0 {
			fmt.Println("Deleted Networks:")
			for _, n := range gone {
				fmt.Println(n)
			}
		}
		return err
	},
}

var connectCommand = &cli.Command{
	Name:      "connect",
	Usage:     "connect a container to a network (a running one at once)",
	ArgsUsage: "NETWORK CONTAINER",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "ip", Usage: "fixed IPv4 address"},
		&cli.StringSliceFlag{Name: "alias", Usage: "network-scoped alias"},
	},
	Action: func(c *cli.Context) error {
		if err := nargs(c, 2, 2); err != nil {
			return err
		}
		ip, err := parseAddr("ip", c.String("ip"))
		if err != nil {
			return err
		}
		return network.Connect(dataRoot(c), c.Args().Get(0), c.Args().Get(1),
			network.NetworkRequest{Name: c.Args().Get(0), IP: ip, Aliases: c.StringSlice("alias")})
	},
}

var disconnectCommand = &cli.Command{
	Name:      "disconnect",
	Usage:     "disconnect a container from a network",
	ArgsUsage: "NETWORK CONTAINER",
	Flags:     []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "accepted for compatibility"}},
	Action: func(c *cli.Context) error {
		if err := nargs(c, 2, 2); err != nil {
			return err
		}
		return network.Disconnect(dataRoot(c), c.Args().Get(0), c.Args().Get(1))
	},
}
