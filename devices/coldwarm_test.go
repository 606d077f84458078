package devices

import (
	"math"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
)

// TestColdWarmCompute: a cold request (the model loads first) computes
// like a warm one. SqueezeNet on the Nexus 5 CPU has a large spread (the
// shipped profile's per-layer CVs sum to a CV of about 0.28 for the whole
// net), so a run of 10 replications, with 10 cold requests, can show a
// cold mean a few hundred ms away from the warm one either way; over many
// worlds the two agree within their standard errors: there is no
// systematic difference (no GC, bitmap or core accounting effect).
func TestColdWarmCompute(t *testing.T) {
	cpu, err := engine.LoadProcessor("nexus5-caffe-cpu", testKernelProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	spec := fixedSpec(t)
	const worlds, perWorld = 300, 4
	var cold, warm []float64
	for w := 0; w < worlds; w++ {
		env := sim.NewEnv()
		ph, err := NewPhone(env, sim.NewStreams(sim.DeriveSeed(5, w)), "phone[0]", spec, PhoneOptions{CPU: cpu})
		if err != nil {
			t.Fatal(err)
		}
		ph.OnRecord(func(r *result.Record) {
			if r.Outcome != result.OK {
				t.Errorf("outcome %v", r.Outcome)
			}
			if r.Cold {
				cold = append(cold, r.Phases[result.Compute].Duration)
			} else {
				warm = append(warm, r.Phases[result.Compute].Duration)
			}
		})
		env.Process("workload", func(p *sim.Proc) error {
			for range perWorld {
				if err := ph.Submit(Request{Model: "squeezenet-v1.0", Mode: Mode{Kind: OnDeviceCPU}, Width: 960, Height: 540}); err != nil {
					return err
				}
				if err := p.Sleep(20); err != nil {
					return err
				}
			}
			return nil
		})
		if err := env.Run(); err != nil {
			t.Fatal(err)
		}
		env.Close()
	}
	mc, sc := meanSD(cold)
	mw, sw := meanSD(warm)
	se := math.Sqrt(sc*sc/float64(len(cold)) + sw*sw/float64(len(warm)))
	t.Logf("compute: cold %.3f s ± %.3f (n %d), warm %.3f s ± %.3f (n %d); sd of one cold request %.3f s", mc, sc/math.Sqrt(float64(len(cold))), len(cold), mw, sw/math.Sqrt(float64(len(warm))), len(warm), sc)
	if len(cold) != worlds || math.Abs(mc-mw) > 4*se {
		t.Errorf("cold compute %.3f s, warm %.3f s: %.1f standard errors apart", mc, mw, math.Abs(mc-mw)/se)
	}
}

func meanSD(xs []float64) (float64, float64) {
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	ss := 0.0
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(xs)-1))
}
