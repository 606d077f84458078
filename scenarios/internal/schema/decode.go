package schema

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
	// MaxFileSize is the largest document ParseDocument reads.
	MaxFileSize = 1 << 20
	// MaxDepth is the deepest nesting of mappings and lists accepted.
	MaxDepth = 64
	// MaxNodes is the most YAML nodes the decoder visits, aliases
	// expanded: a "billion laughs" document stops here.
	MaxNodes = 200000
)

// Decoder walks a YAML node tree against a registry, filling a value and
// collecting every error on the way.
type Decoder struct {
	c      *Collector
	Set    map[string]bool // dot paths written
	Lines  map[string]int  // dot path → line of its value
	Bad    map[string]bool // paths whose value could not be decoded
	Visits int             // nodes visited, against MaxNodes
	Over   bool            // the node budget is spent; stop descending
}

// NewDecoder returns a decoder reporting to c.
func NewDecoder(c *Collector) *Decoder {
	return &Decoder{c: c, Set: map[string]bool{}, Lines: map[string]int{}, Bad: map[string]bool{}}
}

// Fail reports a problem with the value at path.
func (d *Decoder) Fail(line int, path, format string, args ...any) {
	d.Bad[path] = true
	d.c.Add(line, path, format, args...)
}

// visit counts a node against the budget and resolves aliases; it returns
// nil when the budget is spent.
func (d *Decoder) visit(n *yaml.Node, path string) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops > MaxDepth {
			d.Fail(n.Line, path, "alias chain too long")
			return nil
		}
		n = n.Alias
	}
	d.Visits++
	if d.Visits > MaxNodes {
		if !d.Over {
			d.Over = true
			d.Fail(n.Line, path, "the document expands to more than %d nodes (alias expansion, \"billion laughs\"?): refused", MaxNodes)
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

// Decode reads n into v according to f. path names the field in errors;
// depth is the nesting depth of n (0 for a document's root).
func (d *Decoder) Decode(f *Field, n *yaml.Node, v reflect.Value, path string, depth int) {
	if n = d.visit(n, path); n == nil {
		return
	}
	if depth > MaxDepth {
		d.Fail(n.Line, path, "nested deeper than %d levels: refused", MaxDepth)
		d.Over = true
		return
	}
	if isNull(n) {
		return // written but empty ("gpu:" or "gpu: ~"): not set
	}
	if path != "" {
		d.Set[path] = true
		d.Lines[path] = n.Line
	}
	switch f.kind {
	case KindStruct:
		d.decodeStruct(f, n, v, path, depth)
	case KindList:
		d.decodeList(f, n, v, path, depth)
	case KindAny:
		v.Set(reflect.ValueOf(*d.copyNode(n, path, depth)))
	default:
		if n.Kind != yaml.ScalarNode {
			d.Fail(n.Line, path, "expected %s, got %s", f.AKind(), describe(n))
			return
		}
		x, msg := ParseScalar(f, n)
		if msg != "" {
			d.Fail(n.Line, path, "%s", msg)
			return
		}
		v.Set(reflect.ValueOf(x).Convert(v.Type()))
	}
}

type pair struct{ key, val *yaml.Node }

// pairs returns a mapping's key/value pairs with YAML merge keys ("<<:
// *base") expanded: explicit keys override merged ones; a key given twice
// is an error.
func (d *Decoder) pairs(n *yaml.Node, path string, depth int) []pair {
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
					d.Fail(k.Line, path, "a merge key (<<) needs a mapping or a list of mappings")
					continue
				}
				merged = append(merged, d.pairs(s, path, depth+1)...)
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.Fail(k.Line, path, "a key must be a plain name, got %s", describe(k))
			continue
		}
		if l, dup := first[k.Value]; dup {
			d.Fail(k.Line, Join(path, k.Value), "given twice (first at line %d)", l)
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

func (d *Decoder) decodeStruct(f *Field, n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && f.shorthand != nil {
			if d.shorthand(f, n, v, path, depth) {
				return
			}
		}
		msg := fmt.Sprintf("expected a mapping with fields %s, got %s", strings.Join(f.ChildNames(), ", "), describe(n))
		if len(f.shorthand) > 0 {
			msg += fmt.Sprintf(" (or the shorthand %s)", strings.Join(sortedKeys(f.shorthand), ", "))
		}
		d.Fail(n.Line, path, "%s", msg)
		return
	}
	for _, p := range d.pairs(n, path, depth) {
		if d.Over {
			return
		}
		c := f.Child(p.key.Value)
		if c == nil {
			d.Fail(p.key.Line, Join(path, p.key.Value), "unknown field%s", DidYouMean(p.key.Value, f.ChildNames()))
			continue
		}
		d.Decode(c, p.val, v.FieldByName(c.goName), Join(path, c.name), depth+1)
	}
}

// shorthand decodes a scalar that stands for a whole value ("images:
// study"); it reports whether n was one.
func (d *Decoder) shorthand(f *Field, n *yaml.Node, v reflect.Value, path string, depth int) bool {
	parsed, ok := f.shorthandN[n.Value]
	if !ok {
		return false
	}
	node := CopyTree(parsed, 0)
	setLines(node, n.Line)
	sub := *f
	sub.shorthand, sub.shorthandN = nil, nil
	d.Decode(&sub, node, v, path, depth)
	return true
}

func setLines(n *yaml.Node, line int) {
	n.Line = line
	for _, c := range n.Content {
		setLines(c, line)
	}
}

func (d *Decoder) decodeList(f *Field, n *yaml.Node, v reflect.Value, path string, depth int) {
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
			msg += fmt.Sprintf(" (or the shorthand %s)", strings.Join(sortedKeys(f.shorthand), ", "))
		}
		d.Fail(n.Line, path, "%s", msg)
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, e := range n.Content {
		if d.Over {
			return
		}
		d.Decode(f.elem, e, s.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
	}
	v.Set(s)
}

func elemName(f *Field) string {
	if f.kind == KindStruct {
		return "mappings"
	}
	return f.KindName() + "s"
}

// copyNode returns a deep copy of n with aliases expanded, within the node
// budget.
func (d *Decoder) copyNode(n *yaml.Node, path string, depth int) *yaml.Node {
	c := *n
	c.Content = nil
	c.Anchor = ""
	if depth > MaxDepth {
		if !d.Over {
			d.Fail(n.Line, path, "nested deeper than %d levels: refused", MaxDepth)
			d.Over = true
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

// ParseScalar reads a scalar node as the field's kind. It returns the
// value (of a type convertible to the field's Go type) or a message.
func ParseScalar(f *Field, n *yaml.Node) (any, string) {
	s := n.Value
	quoted := n.Tag == "!!str" || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	switch f.kind {
	case KindText, KindName:
		return s, ""
	case KindEnum:
		values := f.EnumValues()
		for _, e := range values {
			if s == e {
				return s, ""
			}
		}
		return nil, fmt.Sprintf("unknown value %q%s", s, DidYouMean(s, values))
	case KindInt, KindUint, KindFloat:
		return parseNumber(f.kind, s, quoted)
	case KindBool:
		return parseBool(s, quoted)
	case KindWord:
		if f.parse != nil {
			if err := f.parse(s); err != nil {
				return nil, err.Error()
			}
		}
		return s, ""
	}
	if parse, ok := textParsers[f.kind]; ok {
		x, err := parse(s)
		if err != nil {
			return nil, parseMessage(err)
		}
		return x, ""
	}
	return nil, fmt.Sprintf("cannot read a %s", f.KindName())
}

// textParsers read the kinds written as text with a unit or a shape.
var textParsers = map[Kind]func(string) (any, error){
	KindFraction: func(s string) (any, error) { return ParseFraction(s) },
	KindDuration: func(s string) (any, error) { return units.ParseDuration(s) },
	KindBitRate:  func(s string) (any, error) { return units.ParseBitRate(s) },
	KindBytes:    func(s string) (any, error) { return units.ParseBytes(s) },
	KindCharge:   func(s string) (any, error) { return units.ParseCharge(s) },
	KindByteRate: func(s string) (any, error) { return units.ParseByteRate(s) },
	KindRate:     func(s string) (any, error) { return ParseRate(s) },
	KindSize:     func(s string) (any, error) { return ParseImageSize(s) },
}

// parseMessage words a parser's error: a units.ParseError as "input":
// message, any other error as its text.
func parseMessage(err error) string {
	var pe *units.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%q: %s", pe.Input, pe.Msg)
	}
	return err.Error()
}

// parseNumber reads an integer, a non-negative integer or a number; a
// quoted value is text, not a number.
func parseNumber(k Kind, s string, quoted bool) (any, string) {
	switch k {
	case KindInt:
		x, err := strconv.ParseInt(s, 10, 64)
		if err != nil || quoted {
			return nil, notNumber(s, "an integer")
		}
		if x > math.MaxInt32 || x < math.MinInt32 {
			return nil, fmt.Sprintf("%s is out of range [%d, %d]", s, math.MinInt32, math.MaxInt32)
		}
		return int(x), ""
	case KindUint:
		x, err := strconv.ParseUint(s, 10, 64)
		if err != nil || quoted {
			return nil, notNumber(s, "a non-negative integer")
		}
		return x, ""
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || quoted || math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, notNumber(s, "a number")
	}
	return x, ""
}

// parseBool reads true or false (YAML 1.2's spellings); a quoted value is
// text.
func parseBool(s string, quoted bool) (any, string) {
	if !quoted {
		switch s {
		case "true", "True", "TRUE":
			return true, ""
		case "false", "False", "FALSE":
			return false, ""
		}
	}
	return nil, fmt.Sprintf("expected true or false, got %q", s)
}

// notNumber explains why s is not the number wanted, recognising the
// commonest mistake: a unit on a plain number.
func notNumber(s, want string) string {
	if i := NumberLen(s); i > 0 && i < len(s) {
		return fmt.Sprintf("expected %s without a unit, got %q", want, s)
	}
	return fmt.Sprintf("expected %s, got %q", want, s)
}

// NumberLen returns the length of the number at the start of s (digits,
// sign, point).
func NumberLen(s string) int {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+') {
		i++
	}
	return i
}

// Apply decodes a value node into the field at path under root (rv is the
// root's value), as if it were written there: the same decoder, the same
// checks. A list index must be within the list (a list left out takes its
// default first). The fields on the way are marked written.
func (d *Decoder) Apply(root *Field, rv reflect.Value, path string, n *yaml.Node) {
	segs, msg := SplitPath(path)
	if msg != "" {
		d.Fail(n.Line, path, "%s", msg)
		return
	}
	f, v, cur := root, rv, ""
	for i, sg := range segs {
		if sg.Index < 0 {
			f = f.Child(sg.Name)
			v = v.FieldByName(f.goName)
			cur = Join(cur, sg.Name)
		} else {
			if v.Len() == 0 && f.defN != nil {
				d.Decode(f, f.defN, v, cur, 1)
			}
			if sg.Index >= v.Len() {
				if v.Len() == 0 {
					d.Fail(n.Line, cur, "has no entries; [%d] is out of range", sg.Index)
				} else {
					d.Fail(n.Line, cur, "has %d entries; [%d] is out of range [0, %d]", v.Len(), sg.Index, v.Len()-1)
				}
				return
			}
			f, v = f.elem, v.Index(sg.Index)
			cur = fmt.Sprintf("%s[%d]", cur, sg.Index)
		}
		if i < len(segs)-1 {
			d.Set[cur] = true
		}
	}
	d.Decode(f, n, v, cur, 1)
}
