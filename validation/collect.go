package validation

import (
	"context"
	"fmt"
	"math"
	"os"

	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/scenarios"
)

// cellKey identifies a group of requests of a run: a cell (model × mode ×
// image) and whether the model had to load.
type cellKey struct {
	model, mode, image string
	cold               bool
}

// acc sums one replication's successful requests of a group.
type acc struct {
	n, requests int
	outcomes    [result.NumOutcomes]int
	latency     float64
	phases      [result.NumPhases]float64
	energy      float64
	server2     float64 // Σ server phase², for its spread
}

// runData holds a run's requests grouped by cell and replication.
type runData struct {
	reps  int
	cells map[cellKey][]acc
}

func newRunData(reps int) *runData {
	return &runData{reps: reps, cells: map[cellKey][]acc{}}
}

func (d *runData) add(r *result.Record) {
	k := cellKey{r.Model, r.Mode, r.Image, r.Cold}
	a := d.cells[k]
	if a == nil {
		a = make([]acc, d.reps)
		d.cells[k] = a
	}
	if r.Replication < 0 || r.Replication >= d.reps {
		return
	}
	x := &a[r.Replication]
	x.requests++
	x.outcomes[r.Outcome]++
	if r.Outcome != result.OK {
		return
	}
	x.n++
	x.latency += r.Latency()
	for p := range r.Phases {
		x.phases[p] += r.Phases[p].Duration
	}
	x.energy += r.TotalEnergy()
	s := r.Phases[result.Server].Duration
	x.server2 += s * s
}

// perRep returns f's per-request mean over the groups keys (pooled) in
// each replication, NaN for a replication without successful requests, so
// that two such slices pair replication by replication.
func (d *runData) perRep(keys []cellKey, f func(*acc) float64) []float64 {
	out := make([]float64, d.reps)
	for rep := 0; rep < d.reps; rep++ {
		var sum float64
		n := 0
		for _, k := range keys {
			a := d.cells[k]
			if a == nil {
				continue
			}
			sum += f(&a[rep])
			n += a[rep].n
		}
		out[rep] = math.NaN()
		if n > 0 {
			out[rep] = sum / float64(n)
		}
	}
	return out
}

// present reports whether any replication has a value.
func present(xs []float64) bool {
	for _, x := range xs {
		if !math.IsNaN(x) {
			return true
		}
	}
	return false
}

// Metrics over a group's sums.
func latencyOf(a *acc) float64 { return a.latency }
func energyOf(a *acc) float64  { return a.energy }
func phaseOf(p result.Phase) func(*acc) float64 {
	return func(a *acc) float64 { return a.phases[p] }
}

// serverSD returns the per-replication standard deviation of the server
// phase of a group's successful requests.
func (d *runData) serverSD(k cellKey) []float64 {
	var out []float64
	for _, a := range d.cells[k] {
		if a.n < 2 {
			continue
		}
		m := a.phases[result.Server] / float64(a.n)
		v := (a.server2 - float64(a.n)*m*m) / float64(a.n-1)
		out = append(out, math.Sqrt(math.Max(v, 0)))
	}
	return out
}

// ratio divides per-replication values pairwise (NaN where either is).
func ratio(a, b []float64) []float64 {
	out := make([]float64, min(len(a), len(b)))
	for i := range out {
		out[i] = a[i] / b[i]
	}
	return out
}

// sum adds per-replication values pairwise.
func sum(a, b []float64) []float64 {
	out := make([]float64, min(len(a), len(b)))
	for i := range out {
		out[i] = a[i] + b[i]
	}
	return out
}

// finite drops NaN and infinite values.
func finite(xs []float64) []float64 {
	var out []float64
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

// mean is the mean of the finite values (NaN if none).
func mean(xs []float64) float64 {
	xs = finite(xs)
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// runScenario runs s into dir with the options' kernel profile and workers
// and groups its requests.
func runScenario(ctx context.Context, s *scenarios.Scenario, opts Options, dir string) (*runData, *result.Run, error) {
	s.Outputs.Requests = true
	s.Outputs.Plots = false
	s.Outputs.Trace = false
	res, err := scenarios.Run(ctx, s, scenarios.Options{Out: dir, Workers: opts.Workers,
		KernelProfile: opts.KernelProfile, KernelProfileName: opts.KernelProfileName})
	if err != nil {
		return nil, nil, fmt.Errorf("validation: running %s: %w", s.Name, err)
	}
	d := newRunData(res.Run.Replications)
	f, err := os.Open(res.Requests)
	if err != nil {
		return nil, nil, fmt.Errorf("validation: %w", err)
	}
	defer f.Close()
	if err := result.ReadRecords(f, res.Requests, func(r *result.Record) error { d.add(r); return nil }); err != nil {
		return nil, nil, fmt.Errorf("validation: %w", err)
	}
	return d, res.Run, nil
}

// runStudy runs the guo2018 scenario with reps replications (and requests
// per cell when > 0) into dir.
func runStudy(ctx context.Context, opts Options, kp *models.Profile, reps, requests int, dir string) (*runData, *result.Run, error) {
	s, err := scenarios.Builtin(scenarios.DefaultScenario)
	if err != nil {
		return nil, nil, fmt.Errorf("validation: %w", err)
	}
	if err := s.Override(reps, requests); err != nil {
		return nil, nil, fmt.Errorf("validation: %w", err)
	}
	return runScenario(ctx, s, opts, dir)
}

// cloudScenario measures MDInference's servers (facts C-*) on the two zoo
// models they list: the server phase of cloud requests is the server's
// compute time.
const cloudScenario = `name: validation-cloud
description: MDInference's c5 CPU and p2 K80 GPU servers (facts C-*) on SqueezeNet and MobileNet.
seed: 20180714
replications: 10
phone: {device: nexus5}
network: {preset: campus-wifi}
cloud: {cpu: cloud-cpu, gpu: cloud-gpu-k80}
models: [squeezenet-v1.0, mobilenet-v1]
workload:
  modes: [cloud-cpu, cloud-gpu]
  images: [{size: 960x540, count: 15}]
  arrivals: {type: closed, think: 1s}
`

// runCloud runs cloudScenario in a temporary directory.
func runCloud(ctx context.Context, opts Options, kp *models.Profile, reps, requests int) (*runData, error) {
	s, err := scenarios.Parse([]byte(cloudScenario), "validation-cloud.yaml", "")
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	if err := s.Override(reps, requests); err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	dir, err := os.MkdirTemp("", "infersim-validate-cloud-")
	if err != nil {
		return nil, fmt.Errorf("validation: %w", err)
	}
	defer os.RemoveAll(dir)
	d, _, err := runScenario(ctx, s, opts, dir)
	return d, err
}
