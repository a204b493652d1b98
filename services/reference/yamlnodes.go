package reference

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Readers of YAML nodes that report problems as *ParseError at the node's
// line and column, with the key path as Field ("contract_years[1].max_required_drugs").

func errAt(n *yaml.Node, field, format string, args ...any) *ParseError {
	return &ParseError{Line: n.Line, Column: n.Column, Field: field, Problem: fmt.Sprintf(format, args...)}
}

// resolve follows an alias (*anchor) to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// fields reads mapping n into its values by key, rejecting keys not in
// known and keys given twice. It returns the key nodes too, for positions.
func fields(n *yaml.Node, path string, known ...string) (map[string]*yaml.Node, error) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return nil, errAt(n, path, "must be a mapping of key: value")
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		key := joinPath(path, k.Value)
		if !contains(known, k.Value) {
			return nil, errAt(k, key, "unknown key (known: %s)", strings.Join(known, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, errAt(k, key, "key appears twice")
		}
		out[k.Value] = v
	}
	return out, nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// intIn reads a whole number from lo to hi.
func intIn(n *yaml.Node, field string, lo, hi int) (int, error) {
	var v int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		return 0, errAt(n, field, "must be a whole number")
	}
	if v < lo || v > hi {
		return 0, errAt(n, field, "must be from %d to %d", lo, hi)
	}
	return v, nil
}

func boolean(n *yaml.Node, field string) (bool, error) {
	var v bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		return false, errAt(n, field, "must be true or false")
	}
	return v, nil
}

// stringList reads a sequence of strings, checking each with bad (which
// returns the problem, or "") and rejecting repeats.
func stringList(n *yaml.Node, field string, bad func(string) string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, errAt(n, field, "must be a list")
	}
	out := make([]string, 0, len(n.Content))
	for i, item := range n.Content {
		item = resolve(item)
		f := fmt.Sprintf("%s[%d]", field, i)
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			return nil, errAt(item, f, "must be a string")
		}
		if p := bad(item.Value); p != "" {
			return nil, errAt(item, f, "%s", p)
		}
		if contains(out, item.Value) {
			return nil, errAt(item, f, "%q appears twice", item.Value)
		}
		out = append(out, item.Value)
	}
	return out, nil
}

// cents reads a positive USD amount with at most 2 decimals ("1623.00" or
// 1623) into cents exactly, without floating point. A null is absent.
func cents(n *yaml.Node, field string) (amount int64, given bool, err error) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return 0, false, nil
	}
	bad := errAt(n, field, `must be a positive amount in USD with at most 2 decimals, e.g. "1623.00"`)
	if n.Kind != yaml.ScalarNode {
		return 0, false, bad
	}
	whole, frac, _ := strings.Cut(n.Value, ".")
	if whole == "" || len(frac) > 2 || !allDigits(whole) || !allDigits(frac) || len(whole) > 12 {
		return 0, false, bad
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "00")[:2], 10, 64)
	if amount = w*100 + f; amount <= 0 {
		return 0, false, bad
	}
	return amount, true, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// yamlLine finds the line in a YAML syntax error ("yaml: line 3: ...").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a YAML syntax error into a *ParseError when it names a
// line (the parser does not report columns).
func yamlError(err error) error {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &ParseError{Line: line, Problem: "not valid YAML: " + m[2]}
	}
	return fmt.Errorf("not valid YAML: %w", err)
}
