package scenarios

import (
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/infersim/infersim/result"
)

// pointAcc accumulates one point's groups while its tasks are merged;
// only the point being merged is open, so memory does not grow with the
// number of points.
type pointAcc struct {
	pd     *pointData
	groups []*groupAcc // by cell·2 + (0 cold, 1 warm)
	ci     *result.CI95
}

// newPointAcc starts a point's accumulation; ci computes its confidence
// intervals (the run's, reused point after point).
func newPointAcc(pd *pointData, ci *result.CI95) *pointAcc {
	return &pointAcc{pd: pd, groups: make([]*groupAcc, 2*len(pd.cells)), ci: ci}
}

// groupAcc accumulates one group: a cell's cold or warm requests over
// every replication. Confidence intervals come from the replication
// means; the latencies' percentiles are each replication's (its own
// tallies) averaged over the replications, with their intervals, and the
// other percentiles pool every request (see result.Stat).
type groupAcc struct {
	outcomes [result.NumOutcomes]int
	requests int
	latency  tally
	all      tally // latency of every request, failures at their failure time
	phases   [result.NumPhases]tally
	energy   [result.NumComponents]tally
	total    tally
	tail     tally // TailEnergy
	reps     []repAcc
	rep0     int // the replication of reps[0]: 0, or a world's (resetWorld)
}

// ExactQuantiles is the number of observations up to which a group's
// percentiles, and a replication's latency percentiles within a group,
// are exact (linear interpolation between order statistics); beyond it
// they come from result.Tally's streaming sketch, within its relative
// accuracy (result.DefaultAccuracy). A small group (the cold requests of
// a few replications) thus gets true percentiles, and memory stays
// bounded for a large one: a group keeps at most ExactQuantiles values
// per replication for each of its two latencies.
const ExactQuantiles = 1000

// repAcc is one replication's sums within a group.
type repAcc struct {
	n, ok       int
	latency     float64
	all         float64 // summed latency of every request
	phases      [result.NumPhases]float64
	energy      [result.NumComponents]float64
	total       float64
	tail        float64
	first, last float64 // first arrival and last end of ok requests
	metrics     []float64
	lat, lall   tally // the replication's latencies: successful, every request
}

// tally keeps its first ExactQuantiles values and summarises them
// exactly; past that it hands them to a streaming result.Tally and streams
// the rest. Its storage is reused across points (reset).
type tally struct {
	vals   []float64
	stream *result.Tally // nil while exact
}

// Add records x.
func (t *tally) Add(x float64) {
	if t.stream != nil {
		t.stream.Add(x)
		return
	}
	if len(t.vals) < ExactQuantiles {
		t.vals = append(t.vals, x)
		return
	}
	t.stream = &result.Tally{}
	for _, v := range t.vals {
		t.stream.Add(v)
	}
	t.stream.Add(x)
}

// merge adds o's values to t: one by one while o is exact (what adding
// them to t would do), else by merging o's streaming tally
// (result.Tally.Merge: the same counts, extremes and sketch buckets; the
// moments by the pairwise update, equal to the sequential ones up to
// rounding).
func (t *tally) merge(o *tally) {
	if o.stream == nil {
		for _, v := range o.vals {
			t.Add(v)
		}
		return
	}
	if t.stream == nil {
		if len(t.vals) == 0 {
			t.stream, o.stream = o.stream, nil
			return
		}
		t.stream = &result.Tally{}
		for _, v := range t.vals {
			t.stream.Add(v)
		}
	}
	t.stream.Merge(o.stream)
}

func (t *tally) reset() {
	t.vals = t.vals[:0]
	t.stream = nil
}

// fill sets st's count, moments, extremes and percentiles: exactly
// (percentiles by linear interpolation between order statistics, type 7
// of Hyndman and Fan 1996, as result.Tally's exact mode) while every value
// is kept, else from the streaming tally.
func (t *tally) fill(st *result.Stat) {
	if t.stream != nil {
		s := t.stream
		st.N, st.Mean, st.SD, st.Min, st.Max = s.Count(), s.Mean(), s.StdDev(), s.Min(), s.Max()
		st.P50, st.P95, st.P99 = s.Quantile(0.5), s.Quantile(0.95), s.Quantile(0.99)
		return
	}
	n := len(t.vals)
	st.N = n
	if n == 0 {
		return
	}
	sum := 0.0
	for _, v := range t.vals {
		sum += v
	}
	mean := sum / float64(n)
	if n > 1 {
		ss := 0.0
		for _, v := range t.vals {
			ss += (v - mean) * (v - mean)
		}
		st.SD = math.Sqrt(ss / float64(n-1))
	}
	st.Mean = mean
	st.Min, st.Max = t.vals[0], t.vals[0]
	for _, v := range t.vals {
		if v != v { // NaN: order by sorting, as before
			st.Min, st.Max = math.NaN(), math.NaN()
			break
		}
		if v < st.Min {
			st.Min = v
		}
		if v > st.Max {
			st.Max = v
		}
	}
	if st.Min == st.Max { // one value (a phase that never occurs: 0)
		st.P50, st.P95, st.P99 = st.Min, st.Min, st.Min
		return
	}
	// The group is done: reorder its values in place. Percentiles need
	// only a few order statistics, which selection finds without a
	// full sort (the values are the same as a sort's).
	var at func(i int) float64
	if math.IsNaN(st.Min) {
		slices.Sort(t.vals)
		sorted := t.vals
		at = func(i int) float64 { return sorted[i] }
		st.Min, st.Max = sorted[0], sorted[n-1]
	} else {
		os := orderStats(t.vals, [...]float64{0.99, 0.95, 0.5})
		at = os.at
	}
	q := func(p float64) float64 {
		h := p * float64(n-1)
		lo := math.Floor(h)
		i := int(lo)
		if i+1 >= n {
			return st.Max
		}
		return at(i) + (h-lo)*(at(i+1)-at(i))
	}
	st.P50, st.P95, st.P99 = q(0.5), q(0.95), q(0.99)
}

// orderStatistics holds the order statistics a tally's percentiles need.
type orderStatistics struct {
	idx [6]int
	val [6]float64
	n   int
}

func (o *orderStatistics) at(i int) float64 {
	for k := 0; k < o.n; k++ {
		if o.idx[k] == i {
			return o.val[k]
		}
	}
	return math.NaN() // unreachable: fill asks for what it selected
}

// orderStats finds, in xs (no NaN; reordered), the order statistics at
// floor(p·(n−1)) and the next one for each p, given in decreasing order:
// each is selected among the values below the previous one.
func orderStats(xs []float64, ps [3]float64) orderStatistics {
	var o orderStatistics
	n := len(xs)
	hi := n // xs[:hi] holds the hi smallest values
	for _, p := range ps {
		i := int(math.Floor(p * float64(n-1)))
		for _, k := range [2]int{i + 1, i} {
			if k >= n || k >= hi && o.has(k) {
				continue
			}
			if !o.has(k) {
				selectKth(xs[:hi], k)
				o.idx[o.n], o.val[o.n] = k, xs[k]
				o.n++
			}
			hi = k
		}
	}
	return o
}

func (o *orderStatistics) has(k int) bool {
	for j := 0; j < o.n; j++ {
		if o.idx[j] == k {
			return true
		}
	}
	return false
}

// selectKth reorders xs so that xs[k] is its k-th smallest value (from
// 0), with no larger value before it and no smaller one after it
// (Hoare's selection with a median-of-three pivot, insertion sort for
// short ranges).
func selectKth(xs []float64, k int) {
	lo, hi := 0, len(xs)-1
	for hi-lo > 12 {
		mid := lo + (hi-lo)/2
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return // j < k < i: xs[k] equals the pivot, in place
		}
	}
	for i := lo + 1; i <= hi; i++ {
		for j := i; j > lo && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

func (p *pointAcc) group(cell int, cold bool) *groupAcc {
	i := 2 * cell
	if !cold {
		i++
	}
	g := p.groups[i]
	if g == nil {
		g = groupPool.Get().(*groupAcc)
		g.reset(p.pd.reps)
		p.groups[i] = g
	}
	return g
}

// groupPool recycles accumulators (and their kept values) between points.
var groupPool = sync.Pool{New: func() any { return &groupAcc{} }}

func (g *groupAcc) reset(reps int) {
	g.outcomes = [result.NumOutcomes]int{}
	g.requests = 0
	g.latency.reset()
	g.all.reset()
	g.total.reset()
	g.tail.reset()
	for i := range g.phases {
		g.phases[i].reset()
	}
	for i := range g.energy {
		g.energy[i].reset()
	}
	if cap(g.reps) < reps {
		g.reps = make([]repAcc, reps)
	}
	g.reps = g.reps[:reps]
	for r := range g.reps {
		lat, lall := g.reps[r].lat, g.reps[r].lall // keep their storage
		lat.reset()
		lall.reset()
		g.reps[r] = repAcc{first: math.Inf(1), last: math.Inf(-1), lat: lat, lall: lall}
	}
	g.rep0 = 0
}

// release returns the point's accumulators to the pool.
func (p *pointAcc) release() {
	for i, g := range p.groups {
		if g != nil {
			groupPool.Put(g)
			p.groups[i] = nil
		}
	}
}

// add accumulates one record. Latency and phases count successful
// requests; energy counts every request (a failed one spent it too), and
// so does the latency with failures, a failed request counted from its
// arrival to the moment it failed (Record.End: its timeout, the kill, the
// failed allocation), which is when its user stopped waiting.
func (g *groupAcc) add(r *result.Record) {
	g.requests++
	g.outcomes[r.Outcome]++
	ra := &g.reps[r.Replication-g.rep0]
	ra.n++
	e := r.TotalEnergy()
	g.total.Add(e)
	ra.total += e
	g.tail.Add(r.TailEnergy)
	ra.tail += r.TailEnergy
	for c, x := range r.Energy {
		g.energy[c].Add(x)
		ra.energy[c] += x
	}
	l := r.Latency()
	g.all.Add(l)
	ra.all += l
	ra.lall.Add(l)
	if r.Outcome != result.OK {
		return
	}
	ra.ok++
	g.latency.Add(l)
	ra.latency += l
	ra.lat.Add(l)
	for p := range r.Phases {
		d := r.Phases[p].Duration
		g.phases[p].Add(d)
		ra.phases[p] += d
	}
	ra.first = result.MinOf(ra.first, r.Arrival)
	ra.last = result.MaxOf(ra.last, r.End)
}

// merge folds a world's group (resetWorld) into g: its requests into the
// pooled tallies, in the order the world finished them, and its one
// replication's sums as that replication's.
func (g *groupAcc) merge(w *groupAcc) {
	g.requests += w.requests
	for i, n := range w.outcomes {
		g.outcomes[i] += n
	}
	g.latency.merge(&w.latency)
	g.all.merge(&w.all)
	g.total.merge(&w.total)
	g.tail.merge(&w.tail)
	for i := range g.phases {
		g.phases[i].merge(&w.phases[i])
	}
	for i := range g.energy {
		g.energy[i].merge(&w.energy[i])
	}
	// The world's replication moves into g whole; w takes the storage of
	// the one it replaces, so that no slice is shared between g and the
	// pooled w (whose next reset reuses its tallies' storage).
	old := g.reps[w.rep0]
	g.reps[w.rep0] = w.reps[0]
	if old.metrics != nil {
		g.reps[w.rep0].metrics = old.metrics
	}
	w.reps[0].lat, w.reps[0].lall = old.lat, old.lall
}

// addMetrics records a world's metrics for a replication of the cell, in
// both of its groups.
func (p *pointAcc) addMetrics(cell, rep int, m []float64) {
	for _, cold := range []bool{true, false} {
		g := p.group(cell, cold)
		g.reps[rep].metrics = m
	}
}

// summaries returns the point's summaries in cell order, cold before warm;
// a group with no request is left out.
func (p *pointAcc) summaries() []result.Summary {
	var out []result.Summary
	for i, g := range p.groups {
		if g == nil || g.requests == 0 {
			continue
		}
		cell := p.pd.cells[i/2]
		start := result.Cold
		if i%2 == 1 {
			start = result.Warm
		}
		out = append(out, g.summary(p.pd, cell, start, p.ci))
	}
	return out
}

func (g *groupAcc) summary(pd *pointData, cell Cell, start result.Start, ci *result.CI95) result.Summary {
	s := result.Summary{
		Key:      result.Key{Point: pd.index, Model: cell.Model, Mode: cell.Mode, Image: cellImage(pd, cell), Start: start},
		Params:   pd.params,
		Requests: g.requests,
		Outcomes: g.outcomes,
		// A split cut's reader needs the layer count to tell "all on the
		// phone" (result.ModeLabel).
		SplitLayers: splitLayers(cell.Model, cell.Mode),
	}
	// Replication means for the confidence intervals.
	means := func(sum func(r *repAcc) float64, okOnly bool) []float64 {
		var m []float64
		for r := range g.reps {
			ra := &g.reps[r]
			n := ra.n
			if okOnly {
				n = ra.ok
			}
			if n > 0 {
				m = append(m, sum(ra)/float64(n))
			}
		}
		return m
	}
	s.Latency = stat(ci, &g.latency, means(func(r *repAcc) float64 { return r.latency }, true))
	s.LatencyAll = stat(ci, &g.all, means(func(r *repAcc) float64 { return r.all }, false))
	var rates tally
	var rateMeans []float64
	var lp, ap repPercentiles
	for r := range g.reps {
		ra := &g.reps[r]
		nan := math.NaN()
		rm := result.RepMeans{Requests: ra.n, OK: ra.ok, Latency: nan, LatencyAll: nan, Energy: nan,
			LatencyP50: nan, LatencyP95: nan, LatencyP99: nan, LatencyAllP95: nan, LatencyAllP99: nan, Throughput: nan}
		if ra.n > 0 {
			rm.LatencyAll, rm.Energy = ra.all/float64(ra.n), ra.total/float64(ra.n)
			rate := float64(ra.ok) / float64(ra.n)
			rates.Add(rate)
			rateMeans = append(rateMeans, rate)
			st := ap.add(&ra.lall)
			rm.LatencyAllP95, rm.LatencyAllP99 = st.P95, st.P99
		}
		if ra.ok > 0 {
			rm.Latency = ra.latency / float64(ra.ok)
			st := lp.add(&ra.lat)
			rm.LatencyP50, rm.LatencyP95, rm.LatencyP99 = st.P50, st.P95, st.P99
			if ra.last > ra.first {
				rm.Throughput = float64(ra.ok) / (ra.last - ra.first)
			}
		}
		s.Reps = append(s.Reps, rm)
	}
	lp.set(ci, &s.Latency)
	ap.set(ci, &s.LatencyAll)
	s.Success = stat(ci, &rates, rateMeans)
	for p := range s.Phases {
		s.Phases[p] = stat(ci, &g.phases[p], means(func(r *repAcc) float64 { return r.phases[p] }, true))
	}
	for c := range s.Energy {
		s.Energy[c] = stat(ci, &g.energy[c], means(func(r *repAcc) float64 { return r.energy[c] }, false))
	}
	s.EnergyTotal = stat(ci, &g.total, means(func(r *repAcc) float64 { return r.total }, false))
	// Throughput: successful requests per simulated second of the group's
	// span (first arrival to last end), averaged over replications.
	var tp []float64
	for _, rm := range s.Reps {
		if !math.IsNaN(rm.Throughput) {
			tp = append(tp, rm.Throughput)
		}
	}
	s.Throughput = mean(tp)
	if pd.battery > 0 && !math.IsNaN(s.EnergyTotal.Mean) {
		s.BatteryPer1000 = 1000 * s.EnergyTotal.Mean / pd.battery * 100
	} else {
		s.BatteryPer1000 = math.NaN()
	}
	// Per-request metrics, then world metrics (one value per
	// replication), sorted by name.
	tails := make([]float64, len(g.reps))
	for r := range g.reps {
		tails[r] = math.NaN()
		if ra := &g.reps[r]; ra.n > 0 {
			tails[r] = ra.tail / float64(ra.n)
		}
	}
	s.Metrics = append(s.Metrics, result.Metric{Name: "energy.tail",
		Stat: stat(ci, &g.tail, means(func(r *repAcc) float64 { return r.tail }, false)), Reps: tails})
	for k, mi := range worldMetrics {
		var xs []float64
		reps := make([]float64, len(g.reps))
		for r := range g.reps {
			reps[r] = math.NaN()
			// NaN: the world does not measure the metric (llm.* in a
			// world of photos).
			if m := g.reps[r].metrics; m != nil && !math.IsNaN(m[k]) {
				xs = append(xs, m[k])
				reps[r] = m[k]
			}
		}
		if len(xs) == 0 {
			continue
		}
		var t tally
		for _, x := range xs {
			t.Add(x)
		}
		s.Metrics = append(s.Metrics, result.Metric{Name: mi.Name, Stat: stat(ci, &t, xs), Reps: reps})
	}
	slices.SortStableFunc(s.Metrics, func(a, b result.Metric) int { return strings.Compare(a.Name, b.Name) })
	return s
}

// repPercentiles collects the replications' percentiles of a latency.
type repPercentiles struct {
	p50, p95, p99 []float64
}

// add computes a replication's percentiles from its tally (which it
// reorders) and records them.
func (p *repPercentiles) add(t *tally) result.Stat {
	var st result.Stat
	t.fill(&st)
	p.p50, p.p95, p.p99 = append(p.p50, st.P50), append(p.p95, st.P95), append(p.p99, st.P99)
	return st
}

// set makes st's percentiles the means of the replications' with their
// 95 % intervals (NaN with fewer than two replications; see result.Stat).
func (p *repPercentiles) set(ci *result.CI95, st *result.Stat) {
	if len(p.p50) == 0 {
		return
	}
	st.P50, st.P95, st.P99 = mean(p.p50), mean(p.p95), mean(p.p99)
	if len(p.p50) >= 2 {
		st.P50CI95, st.P95CI95, st.P99CI95 = ci.HalfWidth(p.p50), ci.HalfWidth(p.p95), ci.HalfWidth(p.p99)
	}
}

// stat summarises a tally: the mean of the replication means (every
// replication weighs the same, so the mean is the one its interval is
// about) with the 95 % confidence interval from them (NaN with fewer than
// two); SD, extremes and percentiles pool the tally's values.
func stat(ci *result.CI95, t *tally, repMeans []float64) result.Stat {
	st := result.NaNStat()
	t.fill(&st)
	if st.N == 0 {
		return st
	}
	if len(repMeans) > 0 {
		st.Mean = mean(repMeans)
	}
	if len(repMeans) >= 2 {
		st.CI95 = ci.HalfWidth(repMeans)
	}
	return st
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
