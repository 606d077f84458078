package conclude

import (
	"fmt"
	"strings"

	"github.com/infersim/infersim/result"
)

// Conclusion is one entry of a scenario's conclusions section, as the
// scenario file writes it (package scenarios decodes and checks it).
type Conclusion struct {
	Kind   string   `yaml:"kind"`
	Metric string   `yaml:"metric"`
	Param  string   `yaml:"param"`
	Where  Selector `yaml:"where"`
	A      Selector `yaml:"a"`
	B      Selector `yaml:"b"`
	Level  float64  `yaml:"level"`
	Share  string   `yaml:"share"`
	Better string   `yaml:"better"`
}

// Selector picks cells of a run: every list that is given must contain
// the cell's value; params entries are "path=value" with a swept path.
type Selector struct {
	Label  string   `yaml:"label"`
	Models []string `yaml:"models"`
	Modes  []string `yaml:"modes"`
	Images []string `yaml:"images"`
	Start  string   `yaml:"start"`
	Params []string `yaml:"params"`
}

// ModeFamilies returns the names a selector's modes may use for a family
// of modes: on-device, cloud, split, remote (cloud and split), auto, any.
func ModeFamilies() []string {
	return []string{"on-device", "cloud", "split", "remote", "auto", "any"}
}

// matchMode reports whether mode is entry, or in the family entry names.
func matchMode(entry, mode string) bool {
	switch entry {
	case "on-device":
		return strings.HasPrefix(mode, "on-device")
	case "cloud":
		return strings.HasPrefix(mode, "cloud")
	case "split":
		return strings.HasPrefix(mode, "split:")
	case "remote":
		return strings.HasPrefix(mode, "cloud") || strings.HasPrefix(mode, "split:")
	case "any":
		return true
	}
	return entry == mode
}

// Context is what conclusions need to know of the scenario besides the
// summaries.
type Context struct {
	// Replications is the number of replications per point.
	Replications int
	// Phones is the number of phones per world, unless phone.count is
	// swept.
	Phones int
	// Duration is the workload's duration in seconds, 0 for a workload of
	// a number of requests.
	Duration float64
	// Fraction reports whether a swept path's values are fractions (they
	// are printed as percentages); nil: none is.
	Fraction func(path string) bool
	// CommonSeeds: replication r of every sweep point ran with the same
	// seed (sweep.seeds: common), so cells of different points pair up
	// by replication as the cells of one point do.
	CommonSeeds bool
}

// Input is a run's summaries grouped into cells, ready for conclusions.
type Input struct {
	ev    *evalCtx
	cells []*cellView
}

// NewInput groups a run's summaries into cells (a model × mode × image at
// a point, with its cold and warm groups) for the conclusions of a
// scenario described by ctx.
func NewInput(ctx Context, sums []result.Summary) *Input {
	ev := &evalCtx{reps: max(1, ctx.Replications), phones: float64(max(1, ctx.Phones)), duration: ctx.Duration, fraction: ctx.Fraction, commonSeeds: ctx.CommonSeeds}
	return &Input{ev: ev, cells: cellViews(sums)}
}

// Line computes one conclusion's sentence (Conclusion's, at most
// MaxSentence characters).
func (in *Input) Line(cn *Conclusion) (string, error) {
	c, err := in.Conclusion(cn, MaxSentence)
	return c.Sentence, err
}

// Conclusion computes one conclusion: a sentence of at most budget
// characters that summarises its groups, and the table of the groups
// (result.Conclusion). A conclusion says what the data support and nothing
// more: a crossover that does not happen in the swept range is reported
// as such, a group without successful requests as "no data", a difference
// whose 95 % CI holds none as not distinguishable. The error reports a
// conclusion that cannot be computed at all (no summary matches its
// selectors, an unknown metric or kind).
func (in *Input) Conclusion(cn *Conclusion, budget int) (result.Conclusion, error) {
	md, msg := lookupMetric(cn.Metric)
	if md == nil {
		return result.Conclusion{}, fmt.Errorf("%s", msg)
	}
	var cells []*cellView
	for _, c := range in.cells {
		if cn.Where.matches(c) {
			cells = append(cells, c)
		}
	}
	if len(cells) == 0 {
		return result.Conclusion{}, fmt.Errorf("no result matches where (%s)", cn.Where.label())
	}
	k, ok := lookupKind(cn.Kind)
	if !ok || k.eval == nil {
		return result.Conclusion{}, fmt.Errorf("unknown kind %q", cn.Kind)
	}
	e := &evaluator{ev: in.ev, cn: cn, md: md, lower: cn.Better != "higher"}
	f, err := k.eval(e, contextPhrase(md, cn, cells), cells)
	if err != nil {
		return result.Conclusion{}, err
	}
	return f.conclusion(cn.Kind, budget), nil
}

// contextPhrase is what a line is about: the metric's phrase and, in
// parentheses, the start and the values where pins to a single one:
// "mean latency (cold, alexnet)".
func contextPhrase(md *metricDef, cn *Conclusion, cells []*cellView) string {
	ctx := md.phrase
	var notes []string
	switch cn.Where.Start {
	case "all":
		notes = append(notes, "cold and warm requests")
	case "cold", "warm":
		notes = append(notes, cn.Where.Start)
	}
	for _, d := range cn.Where.restricts() {
		vals := map[string]bool{}
		for _, c := range cells {
			vals[c.dim(d)] = true
		}
		if len(vals) == 1 {
			for v := range vals {
				notes = append(notes, dimPhrase(d, v))
			}
		}
	}
	if len(notes) > 0 {
		ctx += " (" + strings.Join(notes, ", ") + ")"
	}
	return ctx
}
