package scenarios

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"strings"
	"sync"

	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/scenarios/internal/schema"
	"go.yaml.in/yaml/v3"
)

// sweepPlan is a compiled sweep: each parameter's values as YAML nodes,
// ready to be decoded into a point's scenario.
type sweepPlan struct {
	params []*sweepParam
	zip    bool
	n      int // points

	baseOnce sync.Once
	base     *decodedBase // the document decoded once, for the points
}

// sweepParam is one swept parameter with its values.
type sweepParam struct {
	path    string
	f       *field
	nodes   []*yaml.Node
	labels  []string  // the value as text, for tables and summary.json
	numbers []float64 // the value in base units, NaN when not numeric
	lines   []int
	where   []string // "sweep.params[0].values[2]", for errors
}

// MaxValidatedPoints is the most sweep points Validate checks one by one;
// beyond it, it checks every value of every parameter with the other
// parameters at their first value, and Point reports a problem that only
// a combination has.
const MaxValidatedPoints = 20000

// indices returns each parameter's value index at point i: for a grid, the
// first parameter varies slowest (row-major order); for zip, all equal i.
func (p *sweepPlan) indices(i int) []int {
	idx := make([]int, len(p.params))
	if p.zip {
		for k := range idx {
			idx[k] = i
		}
		return idx
	}
	for k := len(p.params) - 1; k >= 0; k-- {
		n := len(p.params[k].nodes)
		idx[k] = i % n
		i /= n
	}
	return idx
}

// compileSweep checks the sweep's own fields and turns every parameter's
// values or range into YAML nodes.
func (s *Scenario) compileSweep(c *collector) *sweepPlan {
	plan := &sweepPlan{zip: s.Sweep.Combine == "zip"}
	before := len(c.Errs) // c may hold the document's decoding errors already
	if len(s.Sweep.Params) == 0 {
		s.errAt(c, "sweep", "empty sweep: sweep.params lists no parameter (remove sweep, or add {path: ..., values: [...]})")
		return plan
	}
	seen := map[string]int{}
	for i, sp := range s.Sweep.Params {
		at := fmt.Sprintf("sweep.params[%d]", i)
		if sp.Path == "" {
			s.errAt(c, at, "path: required, e.g. network.uplink.bandwidth")
			continue
		}
		f, msg := lookupPath(sp.Path)
		if msg != "" {
			s.errAt(c, at+".path", "%s", msg)
			continue
		}
		if ns := schema.NoSweepAncestor(registry, sp.Path); ns != "" {
			s.errAt(c, at+".path", "%s cannot be swept (it describes the run, not the simulated world)", ns)
			continue
		}
		if j, dup := seen[sp.Path]; dup {
			s.errAt(c, at+".path", "%s is already swept by sweep.params[%d]", sp.Path, j)
			continue
		}
		seen[sp.Path] = i
		hasValues, hasRange := s.written(at+".values"), s.written(at+".range")
		p := &sweepParam{path: sp.Path, f: f}
		switch {
		case hasValues && hasRange:
			s.errAt(c, at, "give values or range, not both")
			continue
		case hasRange:
			s.compileRange(c, at+".range", sp.Range, p)
		case hasValues:
			if len(sp.Values) == 0 {
				s.errAt(c, at+".values", "empty list of values")
				continue
			}
			for j := range sp.Values {
				n := &sp.Values[j]
				p.nodes = append(p.nodes, n)
				p.labels = append(p.labels, nodeLabel(n))
				p.numbers = append(p.numbers, schema.NodeNumber(f, n))
				p.lines = append(p.lines, n.Line)
				p.where = append(p.where, fmt.Sprintf("%s.values[%d]", at, j))
			}
		default:
			s.errAt(c, at, "needs values: [...] or range: {from, to, steps}")
			continue
		}
		plan.params = append(plan.params, p)
	}
	if len(c.Errs) > before {
		return plan
	}
	plan.n = 1
	for i, p := range plan.params {
		if plan.zip {
			if len(p.nodes) != len(plan.params[0].nodes) {
				s.errAt(c, fmt.Sprintf("sweep.params[%d]", i), "zip needs lists of equal length: %s has %d values, %s has %d",
					p.path, len(p.nodes), plan.params[0].path, len(plan.params[0].nodes))
			}
			plan.n = len(plan.params[0].nodes)
			continue
		}
		if plan.n > MaxPoints/len(p.nodes) {
			s.errAt(c, "sweep", "the grid has more than %d points: refused", MaxPoints)
			return plan
		}
		plan.n *= len(p.nodes)
	}
	return plan
}

// compileRange generates a range's values, rounded to 4 significant
// digits in the unit of from ("0.4119Mbps"): the text is the value, so a
// label in a table reads back exactly.
func (s *Scenario) compileRange(c *collector, at string, r Range, p *sweepParam) {
	f := p.f
	if !f.Kind().IsNumeric() {
		s.errAt(c, at, "a range needs a numeric field; %s is a %s (use values)", p.path, f.KindName())
		return
	}
	read := func(name, text string) (float64, bool) {
		if text == "" {
			s.errAt(c, at, "%s: required", name)
			return 0, false
		}
		x, msg := schema.ParseScalar(f, &yaml.Node{Kind: yaml.ScalarNode, Value: text})
		if msg != "" {
			s.errAt(c, at+"."+name, "%s", msg)
			return 0, false
		}
		return schema.NumberOf(reflect.ValueOf(x)), true
	}
	from, ok1 := read("from", r.From)
	to, ok2 := read("to", r.To)
	if !ok1 || !ok2 {
		return
	}
	if uf, ut := schema.UnitOf(f, r.From), schema.UnitOf(f, r.To); uf != "" && ut != "" && uf != ut {
		// 5MB/s to 50Mbps reads as 40 to 50 Mbps: a factor of 8 a user
		// rarely means. One unit, as the values are written in from's.
		same, _ := schema.RangeText(f.Kind(), from, ut)
		s.errAt(c, at, "from is in %s and to in %s: write both in one unit (the values are written in from's), e.g. from: %s, to: %s", uf, ut, same, strings.TrimSpace(r.To))
		return
	}
	if !s.written(at + ".steps") {
		s.errAt(c, at, "steps: required (the number of values, ends included)")
		return
	}
	n := r.Steps
	if n < 1 {
		return // reported by the field check
	}
	logScale := r.Scale == "log"
	if logScale && !(from > 0 && to > 0) {
		s.errAt(c, at, "a log range needs from and to above 0")
		return
	}
	line := s.line(at)
	seen := map[string]bool{}
	for j := 0; j < n; j++ {
		x := from
		if n > 1 {
			t := float64(j) / float64(n-1)
			if logScale {
				x = math.Exp(math.Log(from) + t*(math.Log(to)-math.Log(from)))
			} else {
				x = from + t*(to-from)
			}
		}
		if j == n-1 {
			x = to
		}
		if f.Kind() == kInt || f.Kind() == kUint {
			x = math.Round(x)
		}
		text, tag := schema.RangeText(f.Kind(), x, schema.UnitOf(f, r.From))
		if seen[text] {
			s.errAt(c, at, "the range gives %s twice (integers, or values equal to 4 significant digits): use fewer steps", text)
			return
		}
		seen[text] = true
		node := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: text, Line: line}
		x = schema.NodeNumber(f, node) // the text is the value
		p.nodes = append(p.nodes, node)
		p.labels = append(p.labels, text)
		p.numbers = append(p.numbers, x)
		p.lines = append(p.lines, line)
		p.where = append(p.where, fmt.Sprintf("%s (value %d of %d, %s)", at, j+1, n, text))
	}
}

// nodeLabel prints a sweep value compactly: a scalar as written, a
// one-element list as its element, anything else in YAML flow style.
func nodeLabel(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.ScalarNode:
		return n.Value
	case n.Kind == yaml.SequenceNode && len(n.Content) == 1 && n.Content[0].Kind == yaml.ScalarNode:
		return n.Content[0].Value
	}
	c := *n
	setFlow(&c)
	b, err := yaml.Marshal(&c)
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

func setFlow(n *yaml.Node) {
	n.Style |= yaml.FlowStyle
	for i, e := range n.Content {
		c := *e
		setFlow(&c)
		n.Content[i] = &c
	}
}

// derive builds point i's scenario: the document as decoded (a copy of
// the plan's decoded base, which is what decoding the document afresh
// gives), the point's sweep values decoded over it, then validated. Its
// errors, the document's decoding errors first, go to c.
func (s *Scenario) derive(i int, c *collector) *Scenario {
	b := s.plan.decodedBase(s)
	p := b.copy()
	d := b.decoder(c)
	root := reflect.ValueOf(p).Elem()
	if len(s.plan.params) > 0 {
		for k, j := range s.plan.indices(i) {
			sp := s.plan.params[k]
			d.Apply(registry, root, sp.path, sp.nodes[j])
		}
	}
	p.set, p.lines, p.bad = d.Set, d.Lines, d.Bad
	p.plan = &sweepPlan{n: 1}
	p.validate(c)
	return p
}

// decodedBase is a scenario's document decoded once, with the decoder's
// state after it, for the points to start from: decoding the document
// again for every point cost a third of Point's time.
type decodedBase struct {
	s      *Scenario // decoded, not validated; its set, lines and bad are the decoder's
	errs   ErrorList // the decoder's errors
	visits int       // nodes visited (the MaxNodes budget)
	over   bool      // the budget was spent
}

// decodedBase returns the plan's decoded base of s's document, decoding
// it on first use (safe for concurrent use).
func (p *sweepPlan) decodedBase(s *Scenario) *decodedBase {
	p.baseOnce.Do(func() {
		c := &collector{File: s.file}
		b, d := s.decodeOwnDoc(c)
		p.base = &decodedBase{s: b, errs: c.Errs, visits: d.Visits, over: d.Over}
	})
	return p.base
}

// copy returns a scenario equal to the base that shares nothing the
// decoder or Validate writes: its own lists and maps.
func (b *decodedBase) copy() *Scenario {
	p := &Scenario{}
	*p = *b.s
	unshare(reflect.ValueOf(p).Elem())
	p.filled = map[string]bool{}
	p.set, p.lines, p.bad = nil, nil, nil
	return p
}

// decoder returns a decoder in the state the base's decoding left it in,
// with its own maps; the base's errors are reported to c again, as
// decoding the document again would report them.
func (b *decodedBase) decoder(c *collector) *schema.Decoder {
	for _, e := range b.errs {
		c.Add(e.Line, e.Field, "%s", e.Msg)
	}
	d := schema.NewDecoder(c)
	d.Set, d.Lines, d.Bad = maps.Clone(b.s.set), maps.Clone(b.s.lines), maps.Clone(b.s.bad)
	d.Visits, d.Over = b.visits, b.over
	return d
}

// unshare gives v, a shallow copy, its own copy of every list, map and
// pointed-to value below it (exported fields; the decoded values are
// trees), so that writing into v cannot change the value it was copied
// from. It panics on a kind a scenario does not hold (a programmer error).
func unshare(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				unshare(f)
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := 0; i < c.Len(); i++ {
			unshare(c.Index(i))
		}
		v.Set(c)
	case reflect.Map:
		if v.IsNil() {
			return
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			unshare(e)
			c.SetMapIndex(it.Key(), e)
		}
		v.Set(c)
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(v.Elem())
		unshare(c.Elem())
		v.Set(c)
	case reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		panic("scenarios: unshare: unexpected " + v.Kind().String() + " in a scenario")
	}
}

// cloneDecoded returns the scenario decoded afresh from its document, with
// no sweep values applied and not validated.
func (s *Scenario) cloneDecoded(c *collector) *Scenario {
	p, _ := s.decodeOwnDoc(c)
	p.filled = map[string]bool{}
	return p
}

// decodeOwnDoc decodes s's document into a new scenario, its errors to c,
// and returns it (not validated; no filled map) with the decoder.
func (s *Scenario) decodeOwnDoc(c *collector) (*Scenario, *schema.Decoder) {
	p := &Scenario{file: s.file, dir: s.dir, doc: s.doc, shared: s.shared}
	d := schema.NewDecoder(c)
	d.Decode(registry, s.doc, reflect.ValueOf(p).Elem(), "", 0)
	p.set, p.lines, p.bad = d.Set, d.Lines, d.Bad
	return p, d
}

// notSwept says that path is not one of the swept paths, suggesting the
// closest: `"network.uplink.bandwith" is not swept (did you mean
// "network.uplink.bandwidth"?)`, else listing them all (or saying that
// nothing is).
func notSwept(path string, paths []string) string {
	if m := schema.Suggest(path, paths); m != "" {
		return fmt.Sprintf("%q is not swept (did you mean %q?)", path, m)
	}
	if len(paths) == 0 {
		return fmt.Sprintf("%q is not swept (the scenario has no sweep)", path)
	}
	return fmt.Sprintf("%q is not swept (sweep paths: %s)", path, strings.Join(paths, ", "))
}

// pointErr is an error met at some sweep points.
type pointErr struct {
	e     *Error
	count int
	first int
}

// checkPoints validates every point (or, for a very large sweep, every
// value in context) and reports each problem once: a problem a sweep value
// causes at that value's line, naming the entry and the field; a problem
// some points have with the first such point's parameters.
func (s *Scenario) checkPoints(c *collector) {
	plan := s.plan
	var points []int
	if plan.n <= MaxValidatedPoints {
		for i := 0; i < plan.n; i++ {
			points = append(points, i)
		}
	} else {
		// Point with param k at value j and the others at 0.
		seen := map[int]bool{}
		stride := 1
		for k := len(plan.params) - 1; k >= 0; k-- {
			for j := range plan.params[k].nodes {
				i := j * stride
				if plan.zip {
					i = j
				}
				if !seen[i] {
					seen[i] = true
					points = append(points, i)
				}
			}
			stride *= len(plan.params[k].nodes)
		}
	}
	errs := map[string]*pointErr{}
	var order []string
	for _, i := range points {
		pc := &collector{File: s.file}
		s.derive(i, pc)
		idx := plan.indices(i)
		for _, e := range pc.Errs {
			e2 := s.attribute(e, idx)
			key := e2.Error()
			pe, ok := errs[key]
			if !ok {
				pe = &pointErr{e: e2, first: i}
				errs[key] = pe
				order = append(order, key)
			}
			pe.count++
		}
		if len(order) > 50 {
			break
		}
	}
	for _, key := range order {
		pe := errs[key]
		e := *pe.e
		if pe.count < len(points) && !strings.HasPrefix(e.Field, "sweep.") {
			e.Msg += fmt.Sprintf(" (at sweep point %d: %s)", pe.first, s.pointText(pe.first))
		}
		c.Add(e.Line, e.Field, "%s", e.Msg) // drops the decoding errors every point repeats
	}
}

// checkSweptBase reports the problems of values written in the file that
// a sweep replaces at every point ("network.uplink.bandwidth: -5Mbps"
// under a sweep of that path): no point sees them, but they are the
// user's mistakes all the same. base is the scenario validated without
// its sweep values, its errors in bc. Only problems of a written value at
// or under a swept path count; what the sweep supplies (a field required
// and not written) is no error.
func (s *Scenario) checkSweptBase(c *collector, bc *collector) {
	for _, e := range bc.Errs {
		if !s.set[e.Field] {
			continue
		}
		for _, sp := range s.plan.params {
			if e.Field == sp.path || strings.HasPrefix(e.Field, sp.path+".") || strings.HasPrefix(e.Field, sp.path+"[") {
				c.Add(e.Line, e.Field, "%s (the sweep replaces this value, but it is checked as written)", e.Msg)
				break
			}
		}
	}
}

// attribute rewrites a point's error caused by a swept value so that it
// points at the value: its line, its entry, and the resulting field.
func (s *Scenario) attribute(e *Error, idx []int) *Error {
	for k, sp := range s.plan.params {
		under := e.Field == sp.path || strings.HasPrefix(e.Field, sp.path+".") || strings.HasPrefix(e.Field, sp.path+"[")
		above := strings.HasPrefix(sp.path, e.Field+".") || strings.HasPrefix(sp.path, e.Field+"[")
		if under || above {
			j := idx[k]
			return &Error{File: e.File, Line: sp.lines[j], Field: sp.where[j], Msg: e.Field + ": " + e.Msg}
		}
	}
	return e
}

// pointText describes point i's parameters: "path=value, ...".
func (s *Scenario) pointText(i int) string {
	var parts []string
	for k, j := range s.plan.indices(i) {
		parts = append(parts, s.plan.params[k].path+"="+s.plan.params[k].labels[j])
	}
	return strings.Join(parts, ", ")
}

// Point is one sweep point: its index, its parameter values, and its own
// validated scenario (the sweep's values applied, defaults and presets
// filled).
type Point struct {
	Index    int
	Params   []result.Param
	Scenario *Scenario
}

// Points returns the number of sweep points of a validated scenario: 1
// without a sweep.
func (s *Scenario) Points() int {
	if s.plan == nil {
		return 1
	}
	return max(1, s.plan.n)
}

// SweepPaths returns the swept parameters' paths, in the order of the
// sweep (the columns of summary.csv after "point").
func (s *Scenario) SweepPaths() []string {
	if s.plan == nil {
		return nil
	}
	var p []string
	for _, sp := range s.plan.params {
		p = append(p, sp.path)
	}
	return p
}

// Point returns point i of a validated scenario. Without a sweep, point 0
// is the scenario itself.
func (s *Scenario) Point(i int) (*Point, error) {
	if s.plan == nil {
		return nil, &Error{File: s.file, Msg: "Point called before Validate"}
	}
	if i < 0 || i >= s.Points() {
		return nil, &Error{File: s.file, Msg: fmt.Sprintf("no point %d (the scenario has %d)", i, s.Points())}
	}
	if len(s.plan.params) == 0 {
		return &Point{Index: 0, Scenario: s}, nil
	}
	c := &collector{File: s.file}
	p := s.derive(i, c)
	if len(c.Errs) > 0 {
		idx := s.plan.indices(i)
		var l ErrorList
		for _, e := range c.Errs {
			l = append(l, s.attribute(e, idx))
		}
		return nil, l
	}
	pt := &Point{Index: i, Scenario: p}
	for k, j := range s.plan.indices(i) {
		sp := s.plan.params[k]
		pt.Params = append(pt.Params, result.Param{Name: sp.path, Value: sp.labels[j], Number: sp.numbers[j]})
	}
	return pt, nil
}

// Set sets the field at a dot path (list indices allowed) to a value
// written in YAML, exactly as if the file said so: "0", "25Mbps",
// "[alexnet, nin]". It marks the field as written, so Validate keeps it
// rather than the default or the preset's value. Call Validate afterwards.
func (s *Scenario) Set(path, value string) error {
	if _, msg := lookupPath(path); msg != "" {
		return &Error{File: s.file, Field: path, Msg: msg}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(value), &doc); err != nil || len(doc.Content) != 1 {
		return &Error{File: s.file, Field: path, Msg: fmt.Sprintf("%q is not a YAML value", value)}
	}
	s.init()
	c := &collector{File: s.file}
	d := schema.NewDecoder(c)
	d.Set, d.Lines = s.set, s.lines
	d.Apply(registry, reflect.ValueOf(s).Elem(), path, doc.Content[0])
	if err := c.Err(); err != nil {
		return err
	}
	// The document a sweep re-decodes must say the same.
	s.doc = encode(s, false)
	s.plan, s.res = nil, nil
	return nil
}
