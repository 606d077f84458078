package devices

import (
	"math"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// TestMeterWorkedExample is the worked example of Meter's doc comment.
func TestMeterWorkedExample(t *testing.T) {
	s := fixedSpec(t)
	env := sim.NewEnv()
	defer env.Close()
	m := newEnergyMeter(env)
	cpu := cpuModel{meter: m, cpuConst: &cpuConst{cores: 4, idle: float64(s.Power.CPUIdle), shared: float64(s.Power.CPUShared), perCore: float64(s.Power.CPUPerCore)}}
	m.Set(result.Base, s.Power.Base)
	env.Process("caffe", func(p *sim.Proc) error {
		start := m.Read()
		cpu.add(4)
		_ = p.Sleep(2.0)
		cpu.add(-4)
		d := m.Read().Sub(start)
		if c := float64(d.Energy[result.CPU]); !near(c, 9.842798596, 1e-9) {
			t.Errorf("caffe cpu energy %v, want 9.8428 J", c)
		}
		if b := float64(d.Energy[result.Base]); !near(b, 1.393308, 1e-9) {
			t.Errorf("caffe base energy %v, want 1.393308 J", b)
		}
		if tot := float64(d.Total()); !near(tot, 11.236106596, 1e-9) {
			t.Errorf("caffe total %v, want 11.236108 J", tot)
		}
		if dr := s.Battery.Drain(d.Total()); !near(dr, 0.0357110, 1e-5) {
			t.Errorf("caffe drain %v %%, want 0.0357 %%", dr)
		}
		// CNNdroid: one core and the GPU for 0.85 s.
		start = m.Read()
		gpu := gpuModel{meter: m, gpuConst: &gpuConst{idle: 0, active: float64(s.Power.GPUActive)}}
		cpu.add(1)
		gpu.set(true)
		if p := float64(m.TotalPower() - s.Power.Base); !near(p, 2.73368, 1e-9) {
			t.Errorf("cnndroid compute power %v, want 2.73368 W (below caffe's 4.9214 W)", p)
		}
		_ = p.Sleep(0.85)
		cpu.add(-1)
		gpu.set(false)
		d = m.Read().Sub(start)
		if tot := float64(d.Total()); !near(tot, 2.915784, 1e-6) {
			t.Errorf("cnndroid total %v, want 2.9158 J", tot)
		}
		return nil
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
}

// TestOnDeviceEnergyByHand: one warm inference on the stub Caffe CPU
// framework: preprocess 0.1 s on one core, compute 2 s on four cores.
func TestOnDeviceEnergyByHand(t *testing.T) {
	s := fixedSpec(t)
	w := newWorld(t, s, PhoneOptions{CPU: oneLayerCPU(2.0)})
	if _, err := w.phone.Preload("alexnet", engine.PhoneCPU); err != nil {
		t.Fatal(err)
	}
	if err := w.env.RunUntil(100); err != nil {
		t.Fatal(err)
	}
	w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 227, Height: 227})
	w.run(t)
	r := w.records[0]
	idle, shared, core, base := float64(s.Power.CPUIdle), float64(s.Power.CPUShared), float64(s.Power.CPUPerCore), float64(s.Power.Base)
	wantCPU := (idle+shared+core)*0.1 + (idle+shared+4*core)*2.0
	if !near(r.Energy[result.CPU], wantCPU, 1e-9) || !near(r.Energy[result.Base], base*2.1, 1e-9) ||
		r.Energy[result.GPU] != 0 || r.Energy[result.Radio] != 0 {
		t.Errorf("energy %v, want cpu %v base %v", r.Energy, wantCPU, base*2.1)
	}
	if r.Cold || !near(r.Latency(), 2.1, 1e-12) || !near(r.Phases[result.Compute].Duration, 2.0, 1e-12) {
		t.Errorf("record %+v", r)
	}
}

// TestCloudRadioEnergyByHand: one cloud request over a constant-rate LTE
// link: the radio spends the promotion, the upload at β + α_up·Mbps, β
// while idle in the inactivity timer and while waiting for the reply's
// first byte, the download at β + α_down·Mbps, and the whole tail.
func TestCloudRadioEnergyByHand(t *testing.T) {
	s := fixedSpec(t)
	w := newWorld(t, s, PhoneOptions{CPU: oneLayerCPU(2.0)})
	lte := network.LTERadio()
	const (
		up, down = 6e6, 13e6 // bits/s (Huang et al. 2012 medians)
		lat      = 0.02
		serverT  = 0.03
	)
	srv := &stubEngine{name: "srv", target: engine.ServerGPU, perLayer: serverT, only: true}
	w.connect(t, "lte", func(c *network.LinkConfig) {
		c.Model = network.Constant{}
		c.Up = network.ChannelConfig{Bandwidth: up, Latency: lat}
		c.Down = network.ChannelConfig{Bandwidth: down, Latency: lat}
		c.Radio = &lte
	}, ServerConfig{Engine: srv, Workers: 1, MaxBatch: 1})
	w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: CloudGPU}, Width: 227, Height: 227})
	w.run(t)
	r := w.records[0]
	jpeg := 227 * 227 * 145650.0 / (960 * 540) // resized upload, fallback bytes per pixel
	tUp := 8 * jpeg / up
	tDown := 8 * 1000 / down
	beta := float64(lte.Beta)
	want := float64(lte.IdlePower)*0.1 + // idle (paging) during the preprocess
		float64(lte.Promotion.Power)*float64(lte.Promotion.Delay) +
		(beta+float64(lte.AlphaUp)*up/1e6)*tUp +
		beta*(lat+serverT) + // inactivity timer (0.1 s) until the download
		beta*lat + // download: radio active, first byte in flight
		(beta+float64(lte.AlphaDown)*down/1e6)*tDown +
		float64(lte.TailEnergy())
	if got := r.Energy[result.Radio]; !near(got, want, 1e-9) {
		t.Errorf("radio energy %v J, want %v J", got, want)
	}
	// Latency: preprocess 0.1, promotion 0.26, upload, latency, server,
	// latency, download.
	wantLat := 0.1 + float64(lte.Promotion.Delay) + tUp + lat + serverT + lat + tDown
	if !near(r.Latency(), wantLat, 1e-9) {
		t.Errorf("latency %v, want %v", r.Latency(), wantLat)
	}
	if !near(r.Phases[result.Wake].Duration, float64(lte.Promotion.Delay), 1e-12) ||
		!near(r.Phases[result.Upload].Duration, tUp+lat, 1e-9) || !near(r.Phases[result.Server].Duration, serverT, 1e-12) {
		t.Errorf("phases %+v", r.Phases)
	}
	// The record closed when the radio went idle: it owns the whole tail
	// (the radio's energy after its end, TailEnergy), and no other
	// component after its end: the base energy covers the latency only.
	if !near(r.Energy[result.Base], float64(s.Power.Base)*wantLat, 1e-9) {
		t.Errorf("base energy %v, want base × latency %v", r.Energy[result.Base], float64(s.Power.Base)*wantLat)
	}
	if !near(r.TailEnergy, float64(lte.TailEnergy()), 1e-9) || !near(r.TailEnergy, 11.05244, 1e-6) {
		t.Errorf("tail energy %v J, want the whole LTE tail %v J (11.052 J)", r.TailEnergy, lte.TailEnergy())
	}
	_ = units.Bytes(0)
}

// lteTailUntil returns the energy of the LTE tail's first d seconds, from
// the radio spec's table.
func lteTailUntil(spec network.RadioSpec, d float64) float64 {
	e := 0.0
	for _, ts := range spec.Tail {
		x := math.Min(d, float64(ts.Duration))
		e += float64(ts.Power) * x
		d -= x
		if d <= 0 {
			break
		}
	}
	return e
}

// TestSharedTailByHand: two cloud requests over LTE, the second arriving
// 3 s after the first, inside its tail. The first owns the tail from its
// end until the second starts (inactivity 0.1 s, short DRX 0.02 s, then
// long DRX), the second the whole tail after its own end; no component
// but the radio is charged after a request's end, and the two records'
// radio energy is every joule the radio spent from the first arrival to
// idle, each counted once.
func TestSharedTailByHand(t *testing.T) {
	s := fixedSpec(t)
	w := newWorld(t, s, PhoneOptions{CPU: oneLayerCPU(2.0)})
	lte := network.LTERadio()
	srv := &stubEngine{name: "srv", target: engine.ServerGPU, perLayer: 0.03, only: true}
	w.connect(t, "lte", func(c *network.LinkConfig) {
		c.Model = network.Constant{}
		c.Up = network.ChannelConfig{Bandwidth: 6e6, Latency: 0.02}
		c.Down = network.ChannelConfig{Bandwidth: 13e6, Latency: 0.02}
		c.Radio = &lte
	}, ServerConfig{Engine: srv, Workers: 1, MaxBatch: 1})
	var ends []float64
	w.phone.OnEnd(func(r *result.Record) { ends = append(ends, r.End) })
	rq := Request{Model: "alexnet", Mode: Mode{Kind: CloudGPU}, Width: 227, Height: 227}
	w.submit(t, rq)
	w.env.Schedule(3, func() {
		if err := w.phone.Submit(rq); err != nil {
			t.Error(err)
		}
	})
	start := w.phone.energyMeter().Read()
	w.run(t)
	total := w.phone.energyMeter().Read().Sub(start)
	if len(w.records) != 2 || len(ends) != 2 {
		t.Fatalf("%d records, %d ends", len(w.records), len(ends))
	}
	a, b := w.records[0], w.records[1]
	if ends[0] != a.End || ends[1] != b.End {
		t.Errorf("OnEnd at %v, records end at %v and %v", ends, a.End, b.End)
	}
	if want := lteTailUntil(lte, 3-a.End); !near(a.TailEnergy, want, 1e-9) {
		t.Errorf("first tail %v J, want %v J (tail from %v to 3 s)", a.TailEnergy, want, a.End)
	}
	if !near(b.TailEnergy, float64(lte.TailEnergy()), 1e-9) {
		t.Errorf("second tail %v J, want the whole tail %v J", b.TailEnergy, lte.TailEnergy())
	}
	base := float64(s.Power.Base)
	for i, r := range w.records {
		if !near(r.Energy[result.Base], base*r.Latency(), 1e-9) {
			t.Errorf("record %d: base %v J, want base × latency %v J", i, r.Energy[result.Base], base*r.Latency())
		}
	}
	// The radio between the first end and the second arrival, and after
	// the second end, is all tail; before the first arrival nothing.
	if got, want := a.Energy[result.Radio]+b.Energy[result.Radio], float64(total.Energy[result.Radio]); !near(got, want, 1e-9) {
		t.Errorf("radio energy of the records %v J, meter %v J: each joule once", got, want)
	}
}
