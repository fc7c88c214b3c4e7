package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"myrunc/internal/trace"
	"myrunc/spec"
)

// logToStderr is false when --log sends logs elsewhere, so errors are
// still printed to stderr for the user.
var logToStderr = true

// setupLogging makes slog write runc-style lines: with --log-format json
// one {"level","msg","time"} object per line, the shape containerd reads.
func setupLogging(c *cli.Context) error {
	var w io.Writer = os.Stderr
	if p := c.String("log"); p != "" {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_SYNC, 0o644)
		if err != nil {
			return fmt.Errorf("open log file: %w", err)
		}
		w, logToStderr = f, false
	}
	level := slog.LevelInfo
	if c.Bool("debug") {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: lowerLevel}
	var h slog.Handler
	switch c.String("log-format") {
	case "json":
		h = slog.NewJSONHandler(w, opts)
	case "text":
		h = slog.NewTextHandler(w, opts)
	default:
		return fmt.Errorf("--log-format: %q is not text or json", c.String("log-format"))
	}
	slog.SetDefault(slog.New(h))
	if c.Bool("debug") {
		// the steps --trace times, as they happen
		trace.SetDebug(func(step string) { slog.Debug(step) })
		if c.Args().Present() {
			slog.Debug("command", "args", c.Args().Slice())
		}
	}
	spec.Warnf = func(format string, args ...any) { slog.Warn(fmt.Sprintf(format, args...)) }
	return nil
}

func lowerLevel(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.LevelKey && len(groups) == 0 {
		return slog.String(slog.LevelKey, strings.ToLower(a.Value.String()))
	}
	return a
}
