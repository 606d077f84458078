package conclude

import (
	"math"
	"strconv"
	"strings"

	"github.com/infersim/infersim/result"
)

// wording is how a sentence compares two values of a metric: a verb and
// the comparatives for more and for less ("is", "slower", "faster").
type wording struct{ verb, more, less string }

// wording returns the metric's words: latency is slower or faster, energy
// and battery are used more or less, other times are longer or shorter,
// the rest higher or lower.
func (e *evaluator) wording() wording {
	md := e.md
	switch {
	case strings.HasPrefix(md.name, "latency"):
		return wording{"is", "slower", "faster"}
	case md.unit == result.UnitJoules || md.unit == result.UnitJoulesPerHour || strings.HasPrefix(md.name, "energy") ||
		strings.HasPrefix(md.name, "battery") || strings.HasPrefix(md.name, "reload.battery"):
		return wording{"uses", "more energy", "less energy"}
	case md.unit == result.UnitSeconds || md.unit == result.UnitSecondsPerHour:
		return wording{"is", "longer", "shorter"}
	}
	return wording{"is", "higher", "lower"}
}

// word is the comparative for a turned ratio.
func (w wording) word(less bool) string {
	if less {
		return w.less
	}
	return w.more
}

// The ways two values compare, as a conclusion's classes name them.
const (
	cmpMore   = "more"   // a above b, the CI excludes 1 (or no CI)
	cmpLess   = "less"   // a below b
	cmpSame   = "same"   // no CI and within sameTolerance
	cmpND     = "nd"     // the CI holds 1
	cmpNoData = "nodata" // no ratio
)

// sameTolerance is the relative difference below which two values
// without a CI are "equal".
const sameTolerance = 0.005

// turned is a ratio turned around when it is below 1, so that it is
// always read as "N× more" or "N× less": its estimate and CI, and whether
// it was turned.
type turned struct {
	iv   interval
	less bool
	how  string // one of the cmp kinds
}

// turn classifies and turns a ratio's interval.
func turn(iv interval) turned {
	switch {
	case math.IsNaN(iv.est) || math.IsInf(iv.est, 0) || iv.est <= 0:
		return turned{iv: iv, how: cmpNoData}
	case iv.spans(1):
		return turned{iv: iv, how: cmpND}
	case !iv.has() && math.Abs(iv.est-1) < sameTolerance:
		return turned{iv: iv, how: cmpSame}
	case iv.est >= 1:
		return turned{iv: iv, how: cmpMore}
	}
	t := interval{est: 1 / iv.est, lo: math.NaN(), hi: math.NaN(), paired: iv.paired}
	if iv.has() {
		t.lo, t.hi = 1/iv.hi, math.Inf(1)
		if iv.lo > 0 {
			t.hi = 1 / iv.lo
		}
	}
	return turned{iv: t, less: true, how: cmpLess}
}

// cell prints a turned ratio for a table, the comparative's first word
// only (the column names the metric): "3.6× slower (3.5–3.7×)", "4× more",
// "not distinguishable (0.8–1.3×)", "1.00× (no CI)".
func (t turned) cell(w wording) string {
	switch t.how {
	case cmpNoData:
		return "n/a"
	case cmpND:
		return "not distinguishable (" + ciRange(t.iv) + ")"
	case cmpSame:
		return "equal within 0.5 % (no CI)"
	}
	head := ratioDigits(t.iv) + "× " + strings.Fields(w.word(t.less))[0]
	if !t.iv.has() {
		return head + " (no CI)"
	}
	return head + " (" + ciRange(t.iv) + ")"
}

// ratioDigits prints a ratio's estimate with the digits its CI supports
// (ratioText without one).
func ratioDigits(iv interval) string {
	if !iv.has() || math.IsInf(iv.hi, 0) {
		return strings.TrimSuffix(ratioText(iv.est), "×")
	}
	return strconv.FormatFloat(iv.est, 'f', ciDecimals((iv.hi-iv.lo)/2), 64)
}

// ciRange prints an interval of ratios: "3.5–3.7×".
func ciRange(iv interval) string {
	if !iv.has() {
		return "no CI"
	}
	if math.IsInf(iv.hi, 0) {
		return "95 % CI from " + sigFig(iv.lo, 2) + "×"
	}
	d := ciDecimals((iv.hi - iv.lo) / 2)
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', d, 64) }
	return f(iv.lo) + "–" + f(iv.hi) + "×"
}
