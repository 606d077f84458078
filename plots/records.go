package plots

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/infersim/infersim/result"
)

// Records streams request records: it calls fn for each record in order and
// stops at the first error fn returns, returning it. The record passed to
// fn may be reused between calls; copy what you keep. A result file can hold
// millions of records, so charts read them as a stream and keep only what
// they draw.
type Records func(fn func(*result.Record) error) error

// RecordsFile streams the requests.csv at path (see result.ReadRecords),
// or the requests.parquet when path ends in .parquet
// (result.ReadParquetRecords).
func RecordsFile(path string) Records {
	return func(fn func(*result.Record) error) error {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("plots: %w", err)
		}
		defer f.Close()
		if strings.HasSuffix(path, ".parquet") {
			st, err := f.Stat()
			if err != nil {
				return fmt.Errorf("plots: %w", err)
			}
			return result.ReadParquetRecords(f, st.Size(), path, fn)
		}
		return result.ReadRecords(f, path, fn)
	}
}

// RecordSlice streams records held in memory.
func RecordSlice(rs []result.Record) Records {
	return func(fn func(*result.Record) error) error {
		for i := range rs {
			if err := fn(&rs[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// DefaultMaxSamples is how many latencies CollectLatencies keeps per series
// unless told otherwise: enough for a smooth curve and a p99 within about
// 0.1 percentage points of rank, and 160 kB per series however long the run.
const DefaultMaxSamples = 20000

// LatencySeries is the end-to-end latencies of one group of requests, as
// the CDF chart draws them.
type LatencySeries struct {
	Point              int    // sweep point index
	Model, Mode, Image string // the group's key, as in result.Record
	Cold               bool   // cold-start requests (the model loaded first)
	// Seconds holds the latencies of successful requests: all of them when
	// Count ≤ the sample size, otherwise a uniform random sample of them.
	Seconds []float64
	// Count is the number of successful requests seen.
	Count int
	// Failed is the number of requests that did not end ok (they have no
	// latency to plot).
	Failed int
	// SplitLayers is, for a split:K mode, the model's layer count, as in
	// result.Summary (records do not carry it: Draw copies it from the
	// run's summaries); 0 when not known. The legend names split:K with
	// K = SplitLayers "all on the phone".
	SplitLayers int
}

// setSplitLayers copies each series' SplitLayers from the summary of its
// point, model and mode.
func setSplitLayers(series []LatencySeries, sums []result.Summary) {
	type key struct {
		point       int
		model, mode string
	}
	layers := map[key]int{}
	for _, s := range sums {
		if s.SplitLayers > 0 {
			layers[key{s.Point, s.Model, s.Mode}] = s.SplitLayers
		}
	}
	for i := range series {
		s := &series[i]
		if n, ok := layers[key{s.Point, s.Model, s.Mode}]; ok {
			s.SplitLayers = n
		}
	}
}

// Sampled reports whether Seconds is a sample rather than every latency.
func (s *LatencySeries) Sampled() bool { return s.Count > len(s.Seconds) }

// CollectLatencies reads records once and groups the latencies of successful
// requests by point, model, mode, image and cold or warm start, in order of
// first appearance.
// keep, when not nil, selects the records to use. Each series keeps at most
// maxSamples latencies (DefaultMaxSamples when maxSamples ≤ 0) by reservoir
// sampling (Vitter's algorithm R) with a generator seeded from the series'
// key, so the same file always gives the same sample and the same chart.
// A successful record with a NaN or infinite latency is a *NotFiniteError.
func CollectLatencies(recs Records, maxSamples int, keep func(*result.Record) bool) ([]LatencySeries, error) {
	if recs == nil {
		return nil, empty("latency CDF: no records")
	}
	if maxSamples <= 0 {
		maxSamples = DefaultMaxSamples
	}
	type key struct {
		point              int
		model, mode, image string
		cold               bool
	}
	idx := map[key]int{}
	var out []LatencySeries
	var rngs []*rand.Rand
	n := 0
	err := recs(func(r *result.Record) error {
		n++
		if keep != nil && !keep(r) {
			return nil
		}
		k := key{r.Point, r.Model, r.Mode, r.Image, r.Cold}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, LatencySeries{Point: r.Point, Model: r.Model, Mode: r.Mode, Image: r.Image, Cold: r.Cold})
			h := fnv.New64a()
			fmt.Fprintf(h, "%d/%s/%s/%s", r.Point, r.Model, r.Mode, r.Image)
			if r.Cold {
				h.Write([]byte("/cold"))
			}
			rngs = append(rngs, rand.New(rand.NewPCG(h.Sum64(), 0x1f2e3d4c)))
		}
		s := &out[i]
		if r.Outcome != result.OK {
			s.Failed++
			return nil
		}
		lat := r.Latency()
		if math.IsNaN(lat) || math.IsInf(lat, 0) {
			return &NotFiniteError{Field: fmt.Sprintf("record %d (point %d, replication %d, phone %d, request %d): latency", n, r.Point, r.Replication, r.Phone, r.Request), Value: lat}
		}
		s.Count++
		if len(s.Seconds) < maxSamples {
			s.Seconds = append(s.Seconds, lat)
		} else if j := rngs[i].IntN(s.Count); j < maxSamples {
			s.Seconds[j] = lat
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
