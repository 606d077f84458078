package network

import (
	"math"
	"testing"

	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// TestTCPFlowTimeValue: the allocation-free slow-start walk gives bit for
// bit the generic one over the model's RateLimit, across sizes, shares,
// RTTs and losses.
func TestTCPFlowTimeValue(t *testing.T) {
	m := DefaultTCP()
	for _, rtt := range []units.Duration{0, 0.001, 0.04, 0.3} {
		for _, loss := range []float64{0, 1e-4, 0.01} {
			for _, peak := range []units.BitRate{1e5, 6e6, 1e8} {
				lim, ok := m.limit(rtt, loss, peak)
				if (m.Limit(rtt, loss, peak) != nil) != ok {
					t.Fatalf("rtt %v loss %v: limit and Limit disagree", rtt, loss)
				}
				for _, share := range []float64{0, 1e4, 3e6, float64(peak)} {
					for _, bytes := range []float64{0, 1, 14600, 14601, 1e5, 1e6, 3e7} {
						want := flowTime(bytes*8, share, m.Limit(rtt, loss, peak))
						got := flowTime(bytes*8, share, nil)
						if ok {
							got = lim.flowTime(bytes*8, share)
						}
						if math.Float64bits(got) != math.Float64bits(want) {
							t.Fatalf("rtt %v loss %v peak %v share %v: %v B: %v, want %v", rtt, loss, peak, share, bytes, got, want)
						}
					}
				}
			}
		}
	}
}

// TestEstimatorMatches: one Estimator gives EstimateUpload's answer for
// every size, and Time allocates nothing.
func TestEstimatorMatches(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	for _, name := range []string{"lte", "campus-wifi", "3g"} {
		p, err := LookupPreset(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, model := range []Model{Constant{}, DefaultTCP(), capModel{}} {
			cfg := p.Link
			cfg.Model = model
			l := mustLink(t, env, cfg)
			l.Up.Start(200*units.Kilobyte, nil) // a flow already sharing
			e := l.UploadEstimator()
			for _, size := range []units.Bytes{0, 1000, 14500, 36900, 290400, 2.25e6} {
				if got, want := e.Time(size), l.EstimateUpload(size); math.Float64bits(float64(got)) != math.Float64bits(float64(want)) {
					t.Errorf("%s %s: %v B: estimator %v, EstimateUpload %v", name, model.Name(), size, got, want)
				}
			}
			if model.Name() != "cap" {
				if a := testing.AllocsPerRun(100, func() { _ = e.Time(36900) }); a != 0 {
					t.Errorf("%s %s: Time allocates %v times", name, model.Name(), a)
				}
			}
		}
	}
}

// capModel is a model the link knows only through the Model interface.
type capModel struct{ Constant }

func (capModel) Name() string { return "cap" }
func (capModel) Limit(units.Duration, float64, units.BitRate) RateLimit {
	return capLimit(2 * units.Mbps)
}

// TestTransferAllocs: a warm upload over tcp on a WiFi link reuses its
// flow, its Done event and its tcp cap, and the channel and radio keep
// their sim.Timer: no allocation per transfer.
func TestTransferAllocs(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	p, _ := LookupPreset("campus-wifi")
	cfg := p.Link
	cfg.Up.Jitter, cfg.Down.Jitter = Jitter{}, Jitter{}
	l := mustLink(t, env, cfg)
	n := 0
	env.Process("app", func(pr *sim.Proc) error {
		for range 200 {
			if _, err := l.Upload(pr, 14500); err != nil {
				return err
			}
			if err := pr.Sleep(1); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	// Warm up: the first transfers fill the pools.
	if err := env.RunUntil(10); err != nil {
		t.Fatal(err)
	}
	if len(l.Up.free) != 1 {
		t.Errorf("%d flows pooled, want 1", len(l.Up.free))
	}
	allocs := testing.AllocsPerRun(1, func() {
		if err := env.RunUntil(env.Now() + 100); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.0f allocations for 100 uploads", allocs)
	if allocs > 5 {
		t.Errorf("%.0f allocations for 100 uploads, want none per upload", allocs)
	}
}
