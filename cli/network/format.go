package network

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

// printFormatted prints each item through a Go template over Docker's
// JSON field names (or as JSON lines for "json"); one line per item.
func printFormatted(format string, items any, lines bool) error {
	b, err := json.Marshal(items)
	if err != nil {
		return err
	}
	var list []map[string]any
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	if format == "json" {
		for _, it := range list {
			b, _ := json.Marshal(it)
			fmt.Println(string(b))
		}
		return nil
	}
	t, err := template.New("format").Funcs(template.FuncMap{
		"json":  func(v any) string { b, _ := json.Marshal(v); return string(b) },
		"join":  func(v []any, sep string) string { return joinAny(v, sep) },
		"lower": strings.ToLower,
		"upper": strings.ToUpper,
	}).Parse(format)
	if err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	for _, it := range list {
		var sb strings.Builder
		if err := t.Execute(&sb, it); err != nil {
			return fmt.Errorf("--format: %w", err)
		}
		out := sb.String()
		if lines || !strings.HasSuffix(out, "\n") {
			out = strings.TrimSuffix(out, "\n") + "\n"
		}
		os.Stdout.WriteString(out)
	}
	return nil
}

func joinAny(v []any, sep string) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, sep)
}
