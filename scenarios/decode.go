package scenarios

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// Limits on hostile input. A scenario is a page of YAML; these are far
// above any real one and far below what could slow the loader down.
const (
	// MaxFileSize is the largest scenario file Load reads.
	MaxFileSize = 1 << 20
	// MaxDepth is the deepest nesting of mappings and lists accepted.
	MaxDepth = 64
	// MaxNodes is the most YAML nodes the decoder visits, aliases
	// expanded: a "billion laughs" document stops here.
	MaxNodes = 200000
	// MaxPoints is the most sweep points a scenario may expand to.
	MaxPoints = 1000000
)

// decoder walks a YAML node tree against the registry, filling a value and
// collecting every error on the way.
type decoder struct {
	c      *collector
	set    map[string]bool
	lines  map[string]int
	bad    map[string]bool // paths whose value could not be decoded
	visits int
	over   bool // the node budget is spent; stop descending
}

func newDecoder(c *collector) *decoder {
	return &decoder{c: c, set: map[string]bool{}, lines: map[string]int{}, bad: map[string]bool{}}
}

// fail reports a problem with the value at path.
func (d *decoder) fail(line int, path, format string, args ...any) {
	d.bad[path] = true
	d.c.add(line, path, format, args...)
}

// visit counts a node against the budget and resolves aliases; it returns
// nil when the budget is spent.
func (d *decoder) visit(n *yaml.Node, path string) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > MaxDepth {
			d.fail(n.Line, path, "alias chain too long")
			return nil
		}
		n = n.Alias
	}
	d.visits++
	if d.visits > MaxNodes {
		if !d.over {
			d.over = true
			d.fail(n.Line, path, "the document expands to more than %d nodes (alias expansion, \"billion laughs\"?): refused", MaxNodes)
		}
		return nil
	}
	return n
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// decode reads n into v according to f. path names the field in errors.
func (d *decoder) decode(f *field, n *yaml.Node, v reflect.Value, path string, depth int) {
	if n = d.visit(n, path); n == nil {
		return
	}
	if depth > MaxDepth {
		d.fail(n.Line, path, "nested deeper than %d levels: refused", MaxDepth)
		d.over = true
		return
	}
	if isNull(n) {
		return // written but empty ("gpu:" or "gpu: ~"): not set
	}
	if path != "" {
		d.set[path] = true
		d.lines[path] = n.Line
	}
	switch f.kind {
	case kStruct:
		d.decodeStruct(f, n, v, path, depth)
	case kList:
		d.decodeList(f, n, v, path, depth)
	case kAny:
		v.Set(reflect.ValueOf(*d.copyNode(n, path, depth)))
	default:
		if n.Kind != yaml.ScalarNode {
			d.fail(n.Line, path, "expected %s, got %s", aKind(f.kind), describe(n))
			return
		}
		x, msg := parseScalar(f, n)
		if msg != "" {
			d.fail(n.Line, path, "%s", msg)
			return
		}
		v.Set(reflect.ValueOf(x).Convert(v.Type()))
	}
}

type pair struct{ key, val *yaml.Node }

// pairs returns a mapping's key/value pairs with YAML merge keys ("<<:
// *base") expanded: explicit keys override merged ones; a key given twice
// is an error.
func (d *decoder) pairs(n *yaml.Node, path string, depth int) []pair {
	var merged, explicit []pair
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			src := d.visit(val, path)
			if src == nil {
				continue
			}
			srcs := []*yaml.Node{src}
			if src.Kind == yaml.SequenceNode {
				srcs = src.Content
			}
			for _, s := range srcs {
				if s = d.visit(s, path); s == nil {
					continue
				}
				if s.Kind != yaml.MappingNode || depth > MaxDepth {
					d.fail(k.Line, path, "a merge key (<<) needs a mapping or a list of mappings")
					continue
				}
				merged = append(merged, d.pairs(s, path, depth+1)...)
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.fail(k.Line, path, "a key must be a plain name, got %s", describe(k))
			continue
		}
		if l, dup := first[k.Value]; dup {
			d.fail(k.Line, join(path, k.Value), "given twice (first at line %d)", l)
			continue
		}
		first[k.Value] = k.Line
		explicit = append(explicit, pair{k, val})
	}
	out := explicit
	for _, p := range merged {
		if _, ok := first[p.key.Value]; !ok {
			first[p.key.Value] = p.key.Line
			out = append(out, p)
		}
	}
	return out
}

func (d *decoder) decodeStruct(f *field, n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && f.shorthand != nil {
			if d.shorthand(f, n, v, path, depth) {
				return
			}
		}
		d.fail(n.Line, path, "expected a mapping with fields %s, got %s", strings.Join(f.childNames(), ", "), describe(n))
		return
	}
	for _, p := range d.pairs(n, path, depth) {
		if d.over {
			return
		}
		c := f.child(p.key.Value)
		if c == nil {
			d.fail(p.key.Line, join(path, p.key.Value), "unknown field%s", didYouMean(p.key.Value, f.childNames()))
			continue
		}
		d.decode(c, p.val, v.FieldByName(c.goName), join(path, c.name), depth+1)
	}
}

// shorthand decodes a scalar that stands for a whole value ("images:
// study"); it reports whether n was one.
func (d *decoder) shorthand(f *field, n *yaml.Node, v reflect.Value, path string, depth int) bool {
	text, ok := f.shorthand[n.Value]
	if !ok {
		return false
	}
	node := copyTree(parsedText(text), 0)
	setLines(node, n.Line)
	sub := *f
	sub.shorthand = nil
	d.decode(&sub, node, v, path, depth)
	return true
}

func setLines(n *yaml.Node, line int) {
	n.Line = line
	for _, c := range n.Content {
		setLines(c, line)
	}
}

func (d *decoder) decodeList(f *field, n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind == yaml.ScalarNode {
		if f.shorthand != nil && d.shorthand(f, n, v, path, depth) {
			return
		}
		if f.scalarList {
			n = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: n.Line, Column: n.Column, Content: []*yaml.Node{n}}
		}
	}
	if n.Kind != yaml.SequenceNode {
		msg := fmt.Sprintf("expected a list of %s, got %s", elemName(f.elem), describe(n))
		if len(f.shorthand) > 0 {
			keys := make([]string, 0, len(f.shorthand))
			for k := range f.shorthand {
				keys = append(keys, k)
			}
			msg += fmt.Sprintf(" (or the shorthand %s)", strings.Join(keys, ", "))
		}
		d.fail(n.Line, path, "%s", msg)
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, e := range n.Content {
		if d.over {
			return
		}
		d.decode(f.elem, e, s.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
	}
	v.Set(s)
}

func elemName(f *field) string {
	if f.kind == kStruct {
		return "mappings"
	}
	return kindNames[f.kind] + "s"
}

// copyNode returns a deep copy of n with aliases expanded, within the node
// budget.
func (d *decoder) copyNode(n *yaml.Node, path string, depth int) *yaml.Node {
	c := *n
	c.Content = nil
	c.Anchor = ""
	if depth > MaxDepth {
		if !d.over {
			d.fail(n.Line, path, "nested deeper than %d levels: refused", MaxDepth)
			d.over = true
		}
		return &c
	}
	for _, e := range n.Content {
		if e = d.visit(e, path); e == nil {
			break
		}
		c.Content = append(c.Content, d.copyNode(e, path, depth+1))
	}
	return &c
}

// parseScalar reads a scalar node as the field's kind. It returns the
// value (of a type convertible to the field's Go type) or a message.
func parseScalar(f *field, n *yaml.Node) (any, string) {
	s := n.Value
	unitErr := func(err error) string {
		var pe *units.ParseError
		if errors.As(err, &pe) {
			return fmt.Sprintf("%q: %s", pe.Input, pe.Msg)
		}
		return err.Error()
	}
	isStringTag := n.Tag == "!!str" || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	switch f.kind {
	case kText, kName:
		return s, ""
	case kEnum:
		for _, e := range f.enum {
			if s == e {
				return s, ""
			}
		}
		return nil, fmt.Sprintf("unknown value %q%s", s, didYouMean(s, f.enum))
	case kInt:
		x, err := strconv.ParseInt(s, 10, 64)
		if err != nil || isStringTag {
			return nil, notNumber(s, "an integer")
		}
		if x > math.MaxInt32 || x < math.MinInt32 {
			return nil, fmt.Sprintf("%s is out of range [%d, %d]", s, math.MinInt32, math.MaxInt32)
		}
		return int(x), ""
	case kUint:
		x, err := strconv.ParseUint(s, 10, 64)
		if err != nil || isStringTag {
			return nil, notNumber(s, "a non-negative integer")
		}
		return x, ""
	case kFloat:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || isStringTag || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, notNumber(s, "a number")
		}
		return x, ""
	case kFraction:
		x, err := ParseFraction(s)
		if err != nil {
			return nil, err.Error()
		}
		return x, ""
	case kBool:
		switch s {
		case "true", "True", "TRUE":
			if !isStringTag {
				return true, ""
			}
		case "false", "False", "FALSE":
			if !isStringTag {
				return false, ""
			}
		}
		return nil, fmt.Sprintf("expected true or false, got %q", s)
	case kDuration:
		x, err := units.ParseDuration(s)
		if err != nil {
			return nil, unitErr(err)
		}
		return x, ""
	case kBitRate:
		x, err := units.ParseBitRate(s)
		if err != nil {
			return nil, unitErr(err)
		}
		return x, ""
	case kBytes:
		x, err := units.ParseBytes(s)
		if err != nil {
			return nil, unitErr(err)
		}
		return x, ""
	case kCharge:
		x, err := units.ParseCharge(s)
		if err != nil {
			return nil, unitErr(err)
		}
		return x, ""
	case kByteRate:
		x, err := units.ParseByteRate(s)
		if err != nil {
			return nil, unitErr(err)
		}
		return x, ""
	case kRate:
		x, err := ParseRate(s)
		if err != nil {
			return nil, err.Error()
		}
		return x, ""
	case kSize:
		x, err := ParseImageSize(s)
		if err != nil {
			return nil, err.Error()
		}
		return x, ""
	case kMode:
		if _, err := parseMode(s); err != nil {
			return nil, err.Error()
		}
		return s, ""
	}
	return nil, fmt.Sprintf("cannot read a %s", kindNames[f.kind])
}

// notNumber explains why s is not the number wanted, recognising the
// commonest mistake: a unit on a plain number.
func notNumber(s, want string) string {
	if i := numberLen(s); i > 0 && i < len(s) {
		return fmt.Sprintf("expected %s without a unit, got %q", want, s)
	}
	return fmt.Sprintf("expected %s, got %q", want, s)
}

func numberLen(s string) int {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+') {
		i++
	}
	return i
}
