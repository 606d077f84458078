package devices

import (
	"testing"

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
	m := NewMeter(env)
	cpu := cpuModel{meter: m, cores: 4, idle: float64(s.Power.CPUIdle), perCore: float64(s.Power.CPUPerCore)}
	m.Set(result.Base, s.Power.Base)
	env.Process("caffe", func(p *sim.Proc) error {
		start := m.Read()
		cpu.add(4)
		_ = p.Sleep(2.0)
		cpu.add(-4)
		d := m.Read().Sub(start)
		if c := float64(d.Energy[result.CPU]); !near(c, 11.87272, 1e-9) {
			t.Errorf("caffe cpu energy %v, want 11.87272 J", c)
		}
		if b := float64(d.Energy[result.Base]); !near(b, 1.393308, 1e-9) {
			t.Errorf("caffe base energy %v, want 1.393308 J", b)
		}
		if tot := float64(d.Total()); !near(tot, 13.266028, 1e-9) {
			t.Errorf("caffe total %v, want 13.266028 J", tot)
		}
		if dr := s.Battery.Drain(d.Total()); !near(dr, 0.0421625, 1e-5) {
			t.Errorf("caffe drain %v %%, want 0.0422 %%", dr)
		}
		// CNNdroid: one core and the GPU for 0.85 s.
		start = m.Read()
		gpu := gpuModel{meter: m, idle: 0, active: float64(s.Power.GPUActive)}
		cpu.add(1)
		gpu.set(true)
		if p := float64(m.TotalPower() - s.Power.Base); !near(p, 2.73368, 1e-9) {
			t.Errorf("cnndroid compute power %v, want 2.73368 W (below caffe's 5.93636 W)", p)
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
	if _, err := w.phone.Preload("alexnet", PhoneCPU); err != nil {
		t.Fatal(err)
	}
	if err := w.env.RunUntil(100); err != nil {
		t.Fatal(err)
	}
	w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 227, Height: 227})
	w.run(t)
	r := w.records[0]
	idle, core, base := float64(s.Power.CPUIdle), float64(s.Power.CPUPerCore), float64(s.Power.Base)
	wantCPU := (idle+core)*0.1 + (idle+4*core)*2.0
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
	srv := &stubEngine{name: "srv", target: ServerGPU, perLayer: serverT, only: true}
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
	// The record closed when the radio went idle: its base energy covers
	// the request and the whole tail.
	if tail := float64(lte.TailDuration()); !near(r.Energy[result.Base], float64(s.Power.Base)*(wantLat+tail), 1e-9) {
		t.Errorf("base energy %v, want base × (latency + tail %v)", r.Energy[result.Base], tail)
	}
	_ = units.Bytes(0)
}
