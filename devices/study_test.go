package devices

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
)

// TestG10FromTheModel: with the shipped Nexus 5 processors and the
// embedded kernel profile, CNNdroid's phone power during compute is below
// Caffe's (fact G10-power: Caffe keeps 4 cores busy at 1.47 W each,
// CNNdroid one core and the GPU), yet a first-launch inference costs
// CNNdroid more energy, because of its long model load (fact G10-energy).
func TestG10FromTheModel(t *testing.T) {
	kp := models.DefaultProfile()
	caffe, err := engine.LoadProcessor("nexus5-caffe-cpu", kp)
	if err != nil {
		t.Skipf("shipped processors unavailable: %v", err)
	}
	cnndroid, err := engine.LoadProcessor("nexus5-cnndroid-gpu", kp)
	if err != nil {
		t.Skipf("shipped processors unavailable: %v", err)
	}
	type res struct{ power, firstEnergy float64 }
	run := func(mode ModeKind) res {
		w := newWorld(t, fixedSpec(t), PhoneOptions{CPU: caffe, GPU: cnndroid, KernelProfile: kp})
		rq := Request{Model: "alexnet", Mode: Mode{Kind: mode}, Width: 960, Height: 540}
		w.submit(t, rq) // first launch: cold
		w.env.Schedule(500, func() { w.submit(t, rq) })
		w.run(t)
		if len(w.records) != 2 || w.records[0].Outcome != result.OK || w.records[1].Outcome != result.OK {
			t.Fatalf("%v: %v", mode, outcomes(w.records))
		}
		warm := w.records[1]
		// Mean power of CPU and GPU while computing: the warm request's CPU
		// and GPU energy minus what the preprocess (one core) took.
		s := w.phone.spec
		pre := warm.Phases[result.Preprocess].Duration
		comp := warm.Phases[result.Compute].Duration
		cpuGPU := warm.Energy[result.CPU] + warm.Energy[result.GPU] - (float64(s.Power.CPUIdle)+float64(s.Power.CPUPerCore))*pre
		idleOther := float64(s.Power.CPUIdle) * (warm.Latency() - pre - comp)
		return res{power: (cpuGPU - idleOther) / comp, firstEnergy: w.records[0].TotalEnergy()}
	}
	c, g := run(OnDeviceCPU), run(OnDeviceGPU)
	t.Logf("compute power: caffe %.3f W, cnndroid %.3f W; first launch: caffe %.1f J, cnndroid %.1f J", c.power, g.power, c.firstEnergy, g.firstEnergy)
	if !(g.power < c.power) {
		t.Errorf("G10-power: CNNdroid %.3f W is not below Caffe %.3f W during compute", g.power, c.power)
	}
	if !(g.firstEnergy > c.firstEnergy) {
		t.Errorf("G10-energy: CNNdroid's first launch %.1f J is not above Caffe's %.1f J", g.firstEnergy, c.firstEnergy)
	}
}

// TestPressureOU: the Ornstein–Uhlenbeck pressure keeps its mean and its
// stationary standard deviation.
func TestPressureOU(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	var xs []float64
	pr := &pressure{spec: FluctuationSpec{Model: "ou", SD: 0.05, Timescale: 10, Step: 1}, mean: 0.4, ram: 1,
		rng: rand.New(rand.NewPCG(3, 4)), changed: func(x float64) { xs = append(xs, x) }}
	env.Process("pressure", pr.run)
	if err := env.RunUntil(200000); err != nil {
		t.Fatal(err)
	}
	var sum, sq float64
	for _, x := range xs {
		sum += x
	}
	m := sum / float64(len(xs))
	for _, x := range xs {
		sq += (x - m) * (x - m)
	}
	sd := math.Sqrt(sq / float64(len(xs)-1))
	if math.Abs(m-0.4) > 0.003 || math.Abs(sd-0.05) > 0.003 {
		t.Errorf("OU mean %.4f sd %.4f, want 0.4 and 0.05", m, sd)
	}
}

// TestLifecycleEvery: switch every 60 s for 30 s: background at 60, 150,
// 240; foreground at 90, 180.
func TestLifecycleEvery(t *testing.T) {
	s := fixedSpec(t)
	s.Lifecycle = LifecycleSpec{Switch: "every", Every: 60, BackgroundFor: 30}
	var log []float64
	w := newWorld(t, s, PhoneOptions{CPU: stubCaffe(), Sink: SpanFunc(func(sp *result.Span) {
		if sp.Lane == "phone[0]/app" {
			log = append(log, sp.Start)
		}
	})})
	if err := w.env.RunUntil(250); err != nil {
		t.Fatal(err)
	}
	want := []float64{60, 90, 150, 180, 240}
	if len(log) != len(want) {
		t.Fatalf("switches at %v, want %v", log, want)
	}
	for i := range want {
		if log[i] != want[i] {
			t.Errorf("switch %d at %v, want %v", i, log[i], want[i])
		}
	}
	if w.phone.inForeground() || w.phone.Stats().Switches != 5 {
		t.Errorf("foreground %v, switches %d", w.phone.inForeground(), w.phone.Stats().Switches)
	}
	w.phone.Stop()
	if err := w.env.Run(); err != nil {
		t.Fatal(err)
	}
}

// TestServerColdLoad: a cold server pays the model's load (file at the
// server's read rate, parse, convert) on each worker's first batch only,
// recorded in the request's load phase.
func TestServerColdLoad(t *testing.T) {
	w := newWorld(t, fixedSpec(t), PhoneOptions{CPU: oneLayerCPU(1)})
	srv := &stubEngine{name: "srv", target: engine.ServerGPU, perLayer: 0.01, only: true, parse: 1e9}
	w.connect(t, "campus-wifi", nil, ServerConfig{Engine: srv, Workers: 1, MaxBatch: 1, Cold: true, ReadRate: 500e6})
	rq := Request{Model: "alexnet", Mode: Mode{Kind: CloudGPU}, Width: 227, Height: 227}
	w.submit(t, rq)
	w.env.Schedule(10, func() { w.submit(t, rq) })
	w.run(t)
	net, _ := models.Zoo("alexnet")
	file := float64(net.WeightFileBytes())
	want := file/500e6 + file/1e9
	a, b := w.records[0], w.records[1]
	if !a.Cold || !near(a.Phases[result.Load].Duration, want, 1e-9) || !near(a.Phases[result.Server].Duration, 0.01, 1e-12) {
		t.Errorf("first: cold %v load %v (want %v) server %v", a.Cold, a.Phases[result.Load].Duration, want, a.Phases[result.Server].Duration)
	}
	if b.Cold || b.Phases[result.Load].Occurred() {
		t.Errorf("second: cold %v load %+v", b.Cold, b.Phases[result.Load])
	}
}
