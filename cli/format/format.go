// Package format prints engine listings and inspect output the way
// Docker's CLI does: tables, --format Go templates (with "table" and
// "json" forms) and JSON.
package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"text/template"
)

// Funcs are the template functions Docker's --format offers.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"json": func(v any) (string, error) {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				return "", err
			}
			return strings.TrimSpace(b.String()), nil
		},
		"join":     strings.Join,
		"split":    strings.Split,
		"upper":    strings.ToUpper,
		"lower":    strings.ToLower,
		"title":    func(s string) string { return strings.ToUpper(s[:min(1, len(s))]) + s[min(1, len(s)):] },
		"println":  fmt.Sprintln,
		"pad":      func(s string, l, r int) string { return strings.Repeat(" ", l) + s + strings.Repeat(" ", r) },
		"truncate": func(s string, n int) string { return s[:min(n, len(s))] },
	}
}

// Parse compiles a --format template.
func Parse(text string) (*template.Template, error) {
	t, err := template.New("format").Funcs(Funcs()).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("--format: %w", err)
	}
	return t, nil
}

// Table prints rows with a --format: "" or "table" uses def (the default
// columns), "table TEMPLATE" a table of TEMPLATE's columns with headers
// named by headers (field name -> header), "json" one JSON object per
// row, anything else TEMPLATE per row without a header.
func Table(w io.Writer, format, def string, headers map[string]string, rows []any) error {
	switch {
	case format == "" || format == "table":
		format = "table " + def
	case format == "json":
		format = "{{json .}}"
	}
	text, isTable := strings.CutPrefix(format, "table ")
	text = strings.ReplaceAll(text, `\t`, "\t")
	t, err := Parse(text)
	if err != nil {
		return err
	}
	out := w
	var tw *tabwriter.Writer
	if isTable {
		tw = tabwriter.NewWriter(w, 10, 1, 3, ' ', 0)
		out = tw
		h, err := Parse(text)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := h.Execute(&b, headerRow(headers)); err != nil {
			return fmt.Errorf("--format: %w", err)
		}
		fmt.Fprintln(out, b.String())
	}
	for _, r := range rows {
		var b bytes.Buffer
		if err := t.Execute(&b, r); err != nil {
			return fmt.Errorf("--format: %w", err)
		}
		fmt.Fprintln(out, b.String())
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}

// headerRow answers every field with its header, so a table's template
// run on it prints the header line.
type headerRow map[string]string

// Inspect prints values as Docker's inspect does: an indented JSON array,
// or each value through a template.
func Inspect(w io.Writer, format string, values []any) error {
	if format == "" {
		b, err := json.MarshalIndent(values, "", "    ")
		if err != nil {
			return err
		}
		if len(values) == 0 {
			b = []byte("[]")
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	if format == "json" {
		format = "{{json .}}"
	}
	t, err := Parse(format)
	if err != nil {
		return err
	}
	for _, v := range values {
		// templates see the JSON shape (field names as Docker prints them)
		var generic any
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber() // 4261550, not 4.26155e+06
		if err := dec.Decode(&generic); err != nil {
			return err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, generic); err != nil {
			return fmt.Errorf("--format: %w", err)
		}
		fmt.Fprintln(w, b.String())
	}
	return nil
}
