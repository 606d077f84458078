package result

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultAccuracy is the relative accuracy of a Tally's streaming quantiles
// unless set with Accuracy.
const DefaultAccuracy = 0.005

// TallyOption configures a Tally; see NewTally.
type TallyOption func(*Tally)

// Exact makes the Tally keep every value, so that Quantile is exact (at a
// cost of 8 bytes per value).
func Exact() TallyOption { return func(t *Tally) { t.exact = true } }

// Accuracy sets the relative accuracy alpha of the streaming quantiles: a
// quantile estimate x̂ of the true order statistic x satisfies
// |x̂ − x| ≤ alpha·|x|. It panics unless 0 < alpha < 1.
func Accuracy(alpha float64) TallyOption {
	if !(alpha > 0 && alpha < 1) {
		panic(fmt.Sprintf("result: accuracy %v not in (0, 1)", alpha))
	}
	return func(t *Tally) { t.alpha = alpha }
}

// Tally summarizes a sequence of observations: count, mean, variance,
// minimum, maximum and quantiles. Mean and variance use Welford's update
// (numerically stable); quantiles are exact with the Exact option and
// otherwise come from a DDSketch (Masson, Rim and Lee, "DDSketch: a fast and
// fully-mergeable quantile sketch with relative-error guarantees", VLDB
// 2019) of relative accuracy DefaultAccuracy. The zero value is a ready,
// streaming Tally.
type Tally struct {
	n        int
	mean, m2 float64
	min, max float64
	exact    bool
	sorted   bool
	values   []float64
	alpha    float64
	gamma    float64 // (1+alpha)/(1-alpha)
	lnGamma  float64
	// invLnGamma is 1/lnGamma and indexTol the margin of fastIndex.
	invLnGamma, indexTol float64
	pos, neg             buckets // |x| above minIndexable, by sign
	zeros                int
	sketching            bool
	// lastX is the last positive value sketched and lastI its bucket
	// index: a value repeated (a constant phase, a fixed energy) skips
	// the logarithm.
	lastX float64
	lastI int
}

// minIndexable is the smallest magnitude the sketch indexes; smaller values
// count as zero.
const minIndexable = 1e-300

// maxBuckets caps each sign's buckets; beyond it the lowest magnitudes are
// collapsed together (DDSketch's collapsing store), which only degrades the
// smallest quantiles of data spanning more than 2·maxBuckets·alpha e-folds.
const maxBuckets = 8192

// buckets is a dense run of counts for bucket indexes off, off+1, ...
type buckets struct {
	off    int
	counts []uint64
}

func (b *buckets) add(i int, n uint64) {
	if len(b.counts) == 0 {
		b.off = i
		b.counts = append(b.counts, n)
		return
	}
	if i < b.off {
		if hi := b.off + len(b.counts) - 1; hi-i >= maxBuckets {
			i = hi - maxBuckets + 1 // collapse into the lowest kept bucket
			if i >= b.off {
				b.counts[i-b.off] += n
				return
			}
		}
		grow := b.off - i
		b.counts = append(make([]uint64, grow, grow+len(b.counts)), b.counts...)
		b.off = i
	} else if j := i - b.off; j >= len(b.counts) {
		b.counts = append(b.counts, make([]uint64, j-len(b.counts)+1)...)
		if len(b.counts) > maxBuckets {
			drop := len(b.counts) - maxBuckets
			for k := 1; k <= drop; k++ {
				b.counts[drop] += b.counts[drop-k]
			}
			b.counts = b.counts[drop:]
			b.off += drop
		}
	}
	b.counts[i-b.off] += n
}

// NewTally returns an empty Tally configured by opts.
func NewTally(opts ...TallyOption) *Tally {
	t := &Tally{}
	for _, o := range opts {
		o(t)
	}
	return t
}

func (t *Tally) initSketch() {
	if t.alpha == 0 {
		t.alpha = DefaultAccuracy
	}
	t.gamma = (1 + t.alpha) / (1 - t.alpha)
	t.lnGamma = math.Log(t.gamma)
	t.invLnGamma = 1 / t.lnGamma
	t.indexTol = fastLnErr * t.invLnGamma
	t.lastX = 0 // no positive value has an index yet
	t.sketching = true
}

// Add records x. It panics if x is NaN.
func (t *Tally) Add(x float64) {
	if math.IsNaN(x) {
		panic("result: Tally.Add(NaN)")
	}
	t.n++
	if t.n == 1 {
		t.min, t.max = x, x
	} else {
		t.min = MinOf(t.min, x)
		t.max = MaxOf(t.max, x)
	}
	d := x - t.mean
	t.mean += d / float64(t.n)
	t.m2 += d * (x - t.mean)
	if t.exact {
		t.values = append(t.values, x)
		t.sorted = false
		return
	}
	if !t.sketching {
		t.initSketch()
	}
	t.sketch(x, 1)
}

func (t *Tally) sketch(x float64, n uint64) {
	switch {
	case x > minIndexable:
		if x != t.lastX {
			t.lastX, t.lastI = x, t.index(x)
		}
		t.pos.add(t.lastI, n)
	case x < -minIndexable:
		t.neg.add(t.index(-x), n)
	default:
		t.zeros += int(n)
	}
}

// index is the bucket of x > 0: ⌈math.Log(x)/lnGamma⌉, bit for bit, by
// fastIndex when that is sure of it.
func (t *Tally) index(x float64) int {
	if i, ok := t.fastIndex(x); ok {
		return i
	}
	return int(math.Ceil(math.Log(x) / t.lnGamma))
}

// The logarithm of fastIndex: x = m·2^e, m in [1, 2); m's top lnBits
// bits pick c, the centre of their interval, and ln m = ln c + ln(1+r),
// r = m/c − 1, |r| ≤ 2^−(lnBits+1), by four terms of its series.
const lnBits = 7

var lnCentre, lnInvCentre = func() (ln, inv [1 << lnBits]float64) {
	for j := range ln {
		c := 1 + (float64(j)+0.5)/(1<<lnBits)
		ln[j], inv[j] = math.Log(c), 1/c
	}
	return
}()

// fastLnErr bounds |fastIndex's ln x − ln x| + |math.Log(x) − ln x| ten
// times over: the series' truncation |r|⁵/5 ≤ 1.9·10⁻¹³ (|r| ≤ 1/256);
// the roundings of e·Ln2 (Ln2's own, times |e| ≤ 1074, and the product's),
// of the two sums (each at most half an ulp of |ln x| ≤ 745: 5.7·10⁻¹⁴),
// of the table and of r, below 5·10⁻¹³ together; math.Log's result is
// within an ulp (1.1·10⁻¹³ at 745). Sum below 10⁻¹².
const fastLnErr = 1e-11

// fastIndex is index without math.Log: a logarithm from the bits of x and
// a table, whose error (with math.Log's and the roundings of the
// quotient: fastLnErr/lnGamma + |v|·10⁻¹⁵, several times what they can
// reach) leaves ⌈v⌉ the same unless v is that close to an integer;
// then ok is false and index takes math.Log.
func (t *Tally) fastIndex(x float64) (int, bool) {
	b := math.Float64bits(x)
	e := int(b>>52) & 0x7ff
	if e == 0 || e == 0x7ff || b>>63 != 0 {
		return 0, false // subnormal, Inf, NaN or negative: math.Log
	}
	j := b >> (52 - lnBits) & (1<<lnBits - 1)
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	r := m*lnInvCentre[j] - 1
	ln := float64(e-1023)*math.Ln2 + (lnCentre[j] + r*(1-r*(0.5-r*(1.0/3-r*0.25))))
	v := ln * t.invLnGamma
	c := math.Ceil(v)
	tol := t.indexTol + math.Abs(v)*1e-15
	if c-v < tol || v-(c-1) < tol {
		return 0, false
	}
	return int(c), true
}

func (t *Tally) bucketValue(i int) float64 { return 2 * math.Pow(t.gamma, float64(i)) / (t.gamma + 1) }

// MinOf is math.Min(a, b) for a and b that are not NaN (−0 below +0),
// by comparisons: math.Min is a call on amd64, a Tally's Add makes two.
func MinOf(a, b float64) float64 {
	if b < a || b == 0 && a == 0 && math.Signbit(b) {
		return b
	}
	return a
}

// MaxOf is math.Max(a, b) for a and b that are not NaN (+0 above −0).
func MaxOf(a, b float64) float64 {
	if b > a || b == 0 && a == 0 && !math.Signbit(b) {
		return b
	}
	return a
}

// Count returns the number of observations.
func (t *Tally) Count() int { return t.n }

// Mean returns the mean (NaN if empty).
func (t *Tally) Mean() float64 {
	if t.n == 0 {
		return math.NaN()
	}
	return t.mean
}

// Variance returns the unbiased sample variance (NaN with fewer than two
// observations).
func (t *Tally) Variance() float64 {
	if t.n < 2 {
		return math.NaN()
	}
	return t.m2 / float64(t.n-1)
}

// StdDev returns the sample standard deviation.
func (t *Tally) StdDev() float64 { return math.Sqrt(t.Variance()) }

// Min returns the smallest observation (NaN if empty).
func (t *Tally) Min() float64 {
	if t.n == 0 {
		return math.NaN()
	}
	return t.min
}

// Max returns the largest observation (NaN if empty).
func (t *Tally) Max() float64 {
	if t.n == 0 {
		return math.NaN()
	}
	return t.max
}

// IsExact reports whether Quantile is exact.
func (t *Tally) IsExact() bool { return t.exact }

// Quantile returns the q-quantile (NaN if empty). Exact: linear
// interpolation between the order statistics around rank q·(n−1) (type 7 of
// Hyndman and Fan 1996, R's default). Streaming: an estimate within relative
// accuracy alpha of the order statistic of rank ⌊q·(n−1)⌋, clamped to
// [Min, Max] (and exactly Min or Max at the ends). It panics unless 0 ≤ q ≤ 1.
func (t *Tally) Quantile(q float64) float64 {
	if !(q >= 0 && q <= 1) {
		panic(fmt.Sprintf("result: quantile %v not in [0, 1]", q))
	}
	if t.n == 0 {
		return math.NaN()
	}
	if t.exact {
		if !t.sorted {
			slices.Sort(t.values)
			t.sorted = true
		}
		h := q * float64(t.n-1)
		lo := int(h)
		if lo >= t.n-1 {
			return t.values[t.n-1]
		}
		return t.values[lo] + (h-float64(lo))*(t.values[lo+1]-t.values[lo])
	}
	rank := uint64(q * float64(t.n-1))
	switch rank {
	case 0:
		return t.min
	case uint64(t.n - 1):
		return t.max
	}
	var seen uint64
	v := t.max
	// Negative values, most negative (largest index) first.
	if c := t.neg.counts; len(c) > 0 {
		for j := len(c) - 1; j >= 0; j-- {
			seen += c[j]
			if seen > rank {
				v = -t.bucketValue(t.neg.off + j)
				return math.Max(t.min, math.Min(t.max, v))
			}
		}
	}
	seen += uint64(t.zeros)
	if seen > rank {
		return 0
	}
	for j, n := range t.pos.counts {
		seen += n
		if seen > rank {
			v = t.bucketValue(t.pos.off + j)
			break
		}
	}
	return math.Max(t.min, math.Min(t.max, v))
}

// Merge adds o's observations to t, as if they had been added to t (moments
// by Chan, Golub and LeVeque's pairwise update). The result is exact only
// if both are. It panics if both are streaming with different accuracies.
func (t *Tally) Merge(o *Tally) {
	if o.n == 0 {
		return
	}
	if t.n == 0 {
		t.min, t.max = o.min, o.max
	} else {
		t.min = math.Min(t.min, o.min)
		t.max = math.Max(t.max, o.max)
	}
	n := float64(t.n + o.n)
	d := o.mean - t.mean
	t.m2 += o.m2 + d*d*float64(t.n)*float64(o.n)/n
	t.mean += d * float64(o.n) / n
	nt := t.n
	t.n += o.n
	if t.exact && o.exact {
		t.values = append(t.values, o.values...)
		t.sorted = false
		return
	}
	// At least one is streaming: t streams from now on.
	if t.exact {
		vals := t.values
		t.exact, t.values = false, nil
		t.initSketch()
		for _, x := range vals {
			t.sketch(x, 1)
		}
	} else if !t.sketching {
		if nt > 0 {
			panic("result: Tally.Merge into a tally with no sketch")
		}
		t.alpha = o.alpha
		t.initSketch()
	}
	if o.exact {
		for _, x := range o.values {
			t.sketch(x, 1)
		}
		return
	}
	if o.alpha != t.alpha {
		panic(fmt.Sprintf("result: Tally.Merge of accuracies %v and %v", t.alpha, o.alpha))
	}
	for j, c := range o.pos.counts {
		if c > 0 {
			t.pos.add(o.pos.off+j, c)
		}
	}
	for j, c := range o.neg.counts {
		if c > 0 {
			t.neg.add(o.neg.off+j, c)
		}
	}
	t.zeros += o.zeros
}

// TimeWeighted is the time average of a piecewise-constant level, such as a
// queue length or the number of busy units (utilization). Update records
// that the level changes at time t; the mean weighs each level by how long
// it lasted. The zero value starts at the first Update.
type TimeWeighted struct {
	started  bool
	t0, last float64
	level    float64
	area     float64
	min, max float64
}

// NewTimeWeighted returns a TimeWeighted starting at time t0 with the given
// level.
func NewTimeWeighted(t0, level float64) *TimeWeighted {
	w := &TimeWeighted{}
	w.Update(t0, level)
	return w
}

// Update sets the level from time t on. It panics if t is before the
// previous update or either argument is NaN.
func (w *TimeWeighted) Update(t, level float64) {
	if math.IsNaN(t) || math.IsNaN(level) {
		panic("result: TimeWeighted.Update with NaN")
	}
	if !w.started {
		w.started = true
		w.t0, w.last, w.level, w.min, w.max = t, t, level, level, level
		return
	}
	if t < w.last {
		panic(fmt.Sprintf("result: TimeWeighted.Update at t=%v before %v", t, w.last))
	}
	w.area += w.level * (t - w.last)
	w.last, w.level = t, level
	w.min = math.Min(w.min, level)
	w.max = math.Max(w.max, level)
}

// Add changes the level by delta at time t (Update(t, Level()+delta)).
func (w *TimeWeighted) Add(t, delta float64) { w.Update(t, w.level+delta) }

// Started reports whether the level has been set (by NewTimeWeighted or a
// first Update).
func (w *TimeWeighted) Started() bool { return w.started }

// Level returns the current level.
func (w *TimeWeighted) Level() float64 { return w.level }

// Min returns the smallest level seen.
func (w *TimeWeighted) Min() float64 { return w.min }

// Max returns the largest level seen.
func (w *TimeWeighted) Max() float64 { return w.max }

// Area returns the integral of the level from the start to until.
// It panics if until is before the last update.
func (w *TimeWeighted) Area(until float64) float64 {
	if until < w.last {
		panic(fmt.Sprintf("result: TimeWeighted.Area until t=%v before %v", until, w.last))
	}
	return w.area + w.level*(until-w.last)
}

// Mean returns the time average of the level from the start to until (NaN
// for an empty interval). It panics if until is before the last update.
func (w *TimeWeighted) Mean(until float64) float64 {
	a := w.Area(until)
	if until <= w.t0 {
		return math.NaN()
	}
	return a / (until - w.t0)
}

// ConfidenceInterval returns the mean of samples (for example one value per
// replication) and the half-width of its two-sided confidence interval at
// the given level (such as 0.95), from Student's t distribution with n−1
// degrees of freedom: halfWidth = t_{(1+level)/2, n−1}·s/√n. The half-width
// is NaN with fewer than two samples. It panics unless 0 < level < 1.
func ConfidenceInterval(samples []float64, level float64) (mean, halfWidth float64) {
	if !(level > 0 && level < 1) {
		panic(fmt.Sprintf("result: confidence level %v not in (0, 1)", level))
	}
	var t Tally
	t.exact = true // keeps the tally from building a sketch
	for _, x := range samples {
		t.Add(x)
	}
	if t.n < 2 {
		return t.Mean(), math.NaN()
	}
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(t.n - 1)}
	return t.mean, st.Quantile((1+level)/2) * t.StdDev() / math.Sqrt(float64(t.n))
}

// CI95 computes the half-width of the 95 % confidence interval of a mean,
// what ConfidenceInterval(xs, 0.95) returns, bit for bit, keeping the
// Student-t quantile of each sample size it has met: a run has one or two
// sample sizes (its replications) and the quantile is most of the cost.
// The zero value is ready; a CI95 is not safe for concurrent use (a run's
// merge owns one).
type CI95 struct {
	q map[int]float64 // quantile at (1 + 0.95)/2 by degrees of freedom
}

// HalfWidth returns the half-width of the 95 % confidence interval of the
// mean of xs: NaN with fewer than two values or a NaN among them.
func (c *CI95) HalfWidth(xs []float64) float64 {
	n := len(xs)
	if n < 2 {
		return math.NaN()
	}
	var mean, m2 float64 // Welford's update, as Tally's
	for i, x := range xs {
		if math.IsNaN(x) {
			return math.NaN()
		}
		d := x - mean
		mean += d / float64(i+1)
		m2 += d * (x - mean)
	}
	sd := math.Sqrt(m2 / float64(n-1))
	return c.quantile(n-1) * sd / math.Sqrt(float64(n))
}

func (c *CI95) quantile(df int) float64 {
	if q, ok := c.q[df]; ok {
		return q
	}
	if c.q == nil {
		c.q = map[int]float64{}
	}
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile((1 + 0.95) / 2)
	c.q[df] = q
	return q
}
