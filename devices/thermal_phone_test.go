package devices

import (
	"math"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/devices/thermal"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// TestThermalGovernorSettles: four Krait cores held busy for 30 minutes
// at 25 °C in free air. The steady junction temperature at OPP i solves,
// by hand from the preset's conductances (soc–board 0.125, board–skin 1,
// skin–ambient 0.25 W/K: 8 + 1 + 4 K/W) with the screen's base power into
// the skin,
//
//	T(i) = T_amb + 13·P_soc(i, T) + 4·P_base,
//	P_soc(i, T) = CPUIdle + s_i(T)·(CPUShared + 4·CPUPerCore)
//
// with s_i(T) = P_core(i, T)/P_core(top, 25 °C). The KTM cap starts at the
// top (index 13) and drops two entries per 250 ms poll while the junction
// is at or above 60 °C; it rises again only below 50 °C. So it ends at the
// highest index of 13, 11, 9, … whose steady temperature is below 60 °C,
// i*, or dithers between i* and i* + 2 if that steady temperature is below
// 50 °C. Over the last five minutes the mean cap index must lie in
// [i*, i* + 2] and the junction inside [50, 60] °C (± 0.5 K).
func TestThermalGovernorSettles(t *testing.T) {
	spec := fixedSpec(t)
	env := sim.NewEnv()
	defer env.Close()
	ph, err := NewPhone(env, sim.NewStreams(1), "phone[0]", spec, PhoneOptions{Thermal: &ThermalOptions{Ambient: 25}})
	if err != nil {
		t.Fatal(err)
	}
	proc := ph.heat.cpu.proc
	top := proc.Len() - 1
	pw := spec.Power
	steady := func(i int) float64 {
		T := 25.0
		for k := 0; k < 200; k++ {
			s := proc.CorePower(i, T) / proc.CorePower(top, 25)
			p := float64(pw.CPUIdle) + s*(float64(pw.CPUShared)+4*float64(pw.CPUPerCore))
			T = 25 + 13*p + 4*float64(pw.Base)
		}
		return T
	}
	star := -1
	for i := top; i >= 0; i -= 2 {
		if steady(i) < 60 {
			star = i
			break
		}
	}
	if star < 0 {
		t.Fatal("no OPP of the lattice is steady below 60 °C")
	}
	t.Logf("i* = %d (%.1f MHz, steady %.2f °C; i*+2: %.2f °C)", star, proc.Freq(star)/1e6, steady(star), steady(min(star+2, top)))

	ph.cpu.add(4)
	var capSum, tMin, tMax float64
	var n int
	tMin, tMax = math.Inf(1), math.Inf(-1)
	env.Process("probe", func(p *sim.Proc) error {
		if err := p.Sleep(25 * 60); err != nil {
			return err
		}
		for range 5 * 60 * 4 {
			if err := p.Sleep(0.25); err != nil {
				return err
			}
			capSum += float64(ph.heat.cpu.gov.Cap())
			n++
			T := ph.Temps()[ph.heat.soc]
			tMin, tMax = math.Min(tMin, T), math.Max(tMax, T)
		}
		ph.Stop()
		return nil
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	mean := capSum / float64(n)
	t.Logf("minutes 25-30: mean cap index %.2f, junction %.2f-%.2f °C, first throttle at %.2f s", mean, tMin, tMax, ph.FirstThrottle())
	if mean < float64(star)-1e-9 || mean > float64(min(star+2, top))+1e-9 {
		t.Errorf("mean cap index %.2f outside [%d, %d]", mean, star, star+2)
	}
	if tMin < 49.5 || tMax > 60.5 {
		t.Errorf("junction %.2f-%.2f °C outside [50, 60] ± 0.5 K", tMin, tMax)
	}
	if ft := ph.FirstThrottle(); !(ft > 0 && ft < 60) {
		t.Errorf("first throttle at %v s; the junction's 15 s time constant puts it within the first minute", ft)
	}
}

// TestThermalStretch: a layer's time at the cap is d/Speed(f_cap, f_top, m):
// compute-bound work stretches by f_top/f_cap, memory-bound work not at all.
func TestThermalStretch(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	ph, err := NewPhone(env, sim.NewStreams(1), "phone[0]", fixedSpec(t), PhoneOptions{Thermal: &ThermalOptions{Ambient: 25}})
	if err != nil {
		t.Fatal(err)
	}
	d := ph.heat.cpu
	if got := ph.heat.stretch(2, 0, false, 4); got != 2 {
		t.Errorf("cold phone at the top OPP: stretch(2 s) = %v, want 2", got)
	}
	for ph.heat.cpu.gov.Cap() > 5 {
		ph.heat.net.SetTemps([]float64{70, 25, 25})
		d.gov.Tick(ph.heat.net, 1)
	}
	c := d.gov.Cap()
	ratio := d.proc.Freq(d.top) / d.proc.Freq(c)
	for _, tc := range []struct {
		m, want float64
	}{{0, 2 * ratio}, {1, 2}, {0.5, 2 * (0.5*ratio + 0.5)}} {
		if got := ph.heat.stretch(2, tc.m, false, 4); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("cap %d (%.0f MHz), m = %v: stretch(2 s) = %v, want %v", c, d.proc.Freq(c)/1e6, tc.m, got, tc.want)
		}
	}
	// Hotplug: the soc at the 80 °C core limit for two polls takes two
	// cores offline; four threads on two cores double the compute-bound
	// share, and the busy power counts the two online cores only.
	for range 2 {
		ph.heat.net.SetTemps([]float64{85, 25, 25})
		d.gov.Tick(ph.heat.net, 1)
	}
	if got := d.gov.Online(); got != 2 {
		t.Fatalf("after two polls at 85 °C: %d cores online, want 2", got)
	}
	c = d.gov.Cap()
	ratio = d.proc.Freq(d.top) / d.proc.Freq(c)
	for _, tc := range []struct {
		m, cores, want float64
	}{{0, 4, 2 * 2 * ratio}, {1, 4, 2}, {0.5, 4, 2 * (0.5*2*ratio + 0.5)}, {0, 1, 2 * ratio}, {0, 2, 2 * ratio}} {
		if got := ph.heat.stretch(2, tc.m, false, tc.cores); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("2 cores online, m = %v, %v threads: stretch(2 s) = %v, want %v", tc.m, tc.cores, got, tc.want)
		}
	}
	ph.cpu.add(4)
	ph.heat.cpuScale = 1
	two, four := ph.cpu.power(), units.Power(ph.cpu.idle+ph.cpu.shared+4*ph.cpu.perCore)
	if want := units.Power(ph.cpu.idle + ph.cpu.shared + 2*ph.cpu.perCore); math.Abs(float64(two-want)) > 1e-12 || !(two < four) {
		t.Errorf("4 busy cores, 2 online: CPU power %v, want %v", two, want)
	}
	ph.cpu.add(-4)
	var nilHeat *phoneHeat
	if got := nilHeat.stretch(2, 0, false, 4); got != 2 {
		t.Errorf("no thermal model: stretch = %v, want 2", got)
	}
}

// sustained runs back-to-back AlexNet requests for dur seconds and
// returns the records' latencies and energies with their arrival times.
// Arrival times count from the end of the model's preload.
func sustained(t *testing.T, opt *ThermalOptions, mode ModeKind, dur float64, seed uint64) (arr, lat, en []float64, ph *Phone, t0 float64) {
	t.Helper()
	kp := testKernelProfile(t)
	cpu, err := engine.LoadProcessor("nexus5-caffe-cpu", kp)
	if err != nil {
		t.Fatal(err)
	}
	gpu, err := engine.LoadProcessor("nexus5-cnndroid-gpu", kp)
	if err != nil {
		t.Fatal(err)
	}
	env := sim.NewEnv()
	t.Cleanup(env.Close)
	ph, err = NewPhone(env, sim.NewStreams(seed), "phone[0]", fixedSpec(t), PhoneOptions{CPU: cpu, GPU: gpu, Thermal: opt})
	if err != nil {
		t.Fatal(err)
	}
	rq := Request{Model: "alexnet", Mode: Mode{Kind: mode}, Width: 960, Height: 540}
	ph.OnRecord(func(r *result.Record) {
		if r.Outcome != result.OK {
			t.Errorf("outcome %v", r.Outcome)
		}
		arr = append(arr, r.Arrival-t0)
		lat = append(lat, r.End-r.Arrival)
		en = append(en, r.TotalEnergy())
	})
	ph.OnEnd(func(r *result.Record) {
		if env.Now() < dur {
			env.Schedule(0, func() {
				if err := ph.Submit(rq); err != nil {
					t.Error(err)
				}
			})
			return
		}
		ph.Stop()
	})
	target := engine.PhoneCPU
	if mode == OnDeviceGPU {
		target = engine.PhoneGPU
	}
	pr, err := ph.Preload("alexnet", target)
	if err != nil {
		t.Fatal(err)
	}
	env.AllOf(pr).AddCallback(func(*sim.Event) {
		t0 = env.Now()
		dur += t0
		if err := ph.Submit(rq); err != nil {
			t.Error(err)
		}
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	return arr, lat, en, ph, t0
}

// TestThermalColdPhoneUnchanged: until the governor first lowers the cap,
// a phone with the thermal model computes exactly as one without (its
// frequency is the top one and the DVFS factor only moves power).
func TestThermalColdPhoneUnchanged(t *testing.T) {
	a0, l0, _, _, _ := sustained(t, nil, OnDeviceCPU, 60, 7)
	a1, l1, _, ph, t0 := sustained(t, &ThermalOptions{Ambient: 25}, OnDeviceCPU, 60, 7)
	ft := ph.FirstThrottle() - t0
	if math.IsNaN(ft) {
		t.Fatal("no throttling in a minute of four busy cores")
	}
	k := 0
	for i := range l1 {
		if i >= len(l0) || a1[i]+l1[i] > ft {
			break
		}
		if a0[i] != a1[i] || l0[i] != l1[i] {
			t.Errorf("request %d before the first throttle (%.2f s): latency %v with the thermal model, %v without", i, ft, l1[i], l0[i])
		}
		k++
	}
	if k < 2 {
		t.Errorf("only %d requests before the first throttle at %.2f s", k, ft)
	}
}

// TestThermalSustainedSlowsCPU: thirty minutes back to back on the CPU:
// the last minute's latency exceeds the first's (the cap has fallen), and
// the GPU framework (CNNdroid: the Adreno has no thermal limit on the
// Nexus 5) keeps its speed.
func TestThermalSustainedSlowsCPU(t *testing.T) {
	if testing.Short() {
		t.Skip("30 simulated minutes")
	}
	perMin := func(arr, lat []float64, from, to float64) float64 {
		var s float64
		var n int
		for i := range arr {
			if arr[i] >= from && arr[i] < to {
				s += lat[i]
				n++
			}
		}
		return s / float64(n)
	}
	const dur = 30 * 60
	arr, lat, _, ph, _ := sustained(t, &ThermalOptions{Ambient: 25}, OnDeviceCPU, dur, 3)
	first, last := perMin(arr, lat, 0, 60), perMin(arr, lat, dur-60, dur)
	d := ph.heat.cpu
	t.Logf("cpu: minute 1 %.3f s, minute 30 %.3f s (cap %.1f MHz)", first, last, d.proc.Freq(d.gov.Cap())/1e6)
	if !(last > 1.3*first) {
		t.Errorf("CPU latency minute 30 %.3f s not 30 %% above minute 1 %.3f s", last, first)
	}
	arr, lat, _, _, _ = sustained(t, &ThermalOptions{Ambient: 25}, OnDeviceGPU, dur, 3)
	g1, g30 := perMin(arr, lat, 0, 60), perMin(arr, lat, dur-60, dur)
	t.Logf("gpu: minute 1 %.3f s, minute 30 %.3f s", g1, g30)
	if math.Abs(g30/g1-1) > 0.05 {
		t.Errorf("GPU latency moved from %.3f to %.3f s", g1, g30)
	}
}

// TestThermalDeterminism: the same seed gives the same samples.
func TestThermalDeterminism(t *testing.T) {
	run := func() []ThermalSample {
		var out []ThermalSample
		opt := &ThermalOptions{Ambient: 30, Enclosure: "case", OnSample: func(s *ThermalSample) {
			c := *s
			c.Temps = append([]float64(nil), s.Temps...)
			out = append(out, c)
		}}
		sustained(t, opt, OnDeviceCPU, 120, 11)
		return out
	}
	a, b := run(), run()
	if len(a) != len(b) || len(a) < 100 {
		t.Fatalf("%d and %d samples", len(a), len(b))
	}
	for i := range a {
		if a[i].T != b[i].T || a[i].CPUFreq != b[i].CPUFreq || a[i].Power != b[i].Power || a[i].Temps[0] != b[i].Temps[0] {
			t.Fatalf("sample %d differs: %+v vs %+v", i, a[i], b[i])
		}
	}
}

// TestThermalOptionsErrors: an unknown preset or enclosure is refused.
func TestThermalOptionsErrors(t *testing.T) {
	for _, opt := range []ThermalOptions{{Preset: "nokia3310"}, {Enclosure: "fridge"}} {
		env := sim.NewEnv()
		if _, err := NewPhone(env, sim.NewStreams(1), "phone[0]", fixedSpec(t), PhoneOptions{Thermal: &opt}); err == nil {
			t.Errorf("%+v: no error", opt)
		}
		env.Close()
	}
	if _, err := thermal.EnclosureByName("pocket"); err != nil {
		t.Error(err)
	}
}

// TestSustainedCPU: four busy cores at 25 °C settle at OPP 7 (1190.4 MHz,
// TestThermalGovernorSettles), so compute-bound speed over minutes 25-30
// is 1190.4/2265.6, and memory-bound work keeps speed 1.
func TestSustainedCPU(t *testing.T) {
	spec := fixedSpec(t)
	got, err := SustainedCPU(spec, ThermalOptions{Ambient: 25}, 0, 1500, 1800)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1190.4 / 2265.6; math.Abs(got-want) > 1e-9 {
		t.Errorf("compute-bound speed %v, want %v", got, want)
	}
	if got, _ := SustainedCPU(spec, ThermalOptions{Ambient: 25}, 1, 1500, 1800); math.Abs(got-1) > 1e-12 {
		t.Errorf("memory-bound speed %v, want 1", got)
	}
	if _, err := SustainedCPU(spec, ThermalOptions{}, 0, 10, 5); err == nil {
		t.Error("empty window: no error")
	}
}

// TestThermalHotplugSlowsCPU: a Nexus 5 in a pocket at 60 °C running
// Caffe's four threads back to back sits at the KTM's lowest frequency
// and still passes the 80 °C core limit; the KTM then offlines cores 1-3
// one per poll, and the requests that follow take longer than those at
// the same frequency on four cores (four threads time-share what is left;
// only the memory-bound share of a layer does not stretch), while the CPU
// draws less.
func TestThermalHotplugSlowsCPU(t *testing.T) {
	type sample struct{ t, soc, online, power float64 }
	var samples []sample
	opt := &ThermalOptions{Ambient: 60, Enclosure: "pocket", OnSample: func(s *ThermalSample) {
		samples = append(samples, sample{s.T, s.Temps[0], s.Online, s.Power})
	}}
	arr, lat, _, _, t0 := sustained(t, opt, OnDeviceCPU, 1800, 7)
	off := -1
	for i, s := range samples {
		if s.online < 4 {
			off = i
			break
		}
	}
	if off < 0 {
		t.Fatalf("no core offlined; soc reached %.1f °C", samples[len(samples)-1].soc)
	}
	// The sample closes the second in which a poll read ≥ 80 °C; the
	// junction (2 J/K) then cools by at most the dropped core's watts per
	// J/K and second, under 1 K.
	if s := samples[off]; s.soc < 79 || samples[off-1].soc >= 80 {
		t.Errorf("first core offline in the second ending at %.1f °C (%.1f °C a second before): not where the junction crosses the 80 °C core limit", s.soc, samples[off-1].soc)
	}
	for _, s := range samples[off:] {
		if s.online < 1 {
			t.Fatalf("%v cores online at %v s: the mask keeps core 0", s.online, s.t)
		}
	}
	tOff := samples[off].t - t0
	var before, after []float64
	for i, a := range arr {
		switch {
		case a+lat[i] < tOff && a > tOff-120:
			before = append(before, lat[i])
		case a > tOff+10:
			after = append(after, lat[i])
		}
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	if len(before) == 0 || len(after) == 0 {
		t.Fatalf("%d requests before the first offlining, %d after", len(before), len(after))
	}
	t.Logf("first core offline at %.0f s (soc %.1f °C); latency %.2f s before, %.2f s after", tOff, samples[off].soc, mean(before), mean(after))
	if !(mean(after) > 1.5*mean(before)) {
		t.Errorf("latency %.2f s after offlining, %.2f s before: want the work of four threads on fewer cores to take longer", mean(after), mean(before))
	}
	pb, pa := samples[off-1].power, samples[len(samples)-1].power
	if !(pa < pb) {
		t.Errorf("phone power %.2f W after offlining, %.2f W before", pa, pb)
	}
}

// TestThermalClusters: on the Pixel 4 the prime and gold clusters are
// separate domains and each slows the share of the work its threads run
// (the preset's placement: prime, gold, gold, gold). With the skin at
// 50.5 °C the prime core's 49 and 50 °C monitors cap it at 1056 MHz
// (thermal-engine-flame-normal_mode.conf) while the gold cluster, under no
// skin rule and with the junction cold, keeps 2419.2 MHz. By hand:
//
//	four threads: rate (1056 + 3 × 2419.2) / (2841.6 + 3 × 2419.2) = 8313.6 / 10099.2
//	one thread:   on the fastest core now, a gold one: 2419.2 / 2841.6
//	              (cold it ran on the prime core)
//	power factor: (P_prime(1056) + 3 P_gold(2419.2)) / (P_prime(2841.6) + 3 P_gold(2419.2)) at T_ref
//
// and a layer of duration d with memory-bound share m takes
// d ((1 − m)/rate + m).
func TestThermalClusters(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	spec, err := LookupPhone("pixel4")
	if err != nil {
		t.Fatal(err)
	}
	ph, err := NewPhone(env, sim.NewStreams(1), "phone[0]", spec, PhoneOptions{Thermal: &ThermalOptions{Ambient: 25}})
	if err != nil {
		t.Fatal(err)
	}
	h := ph.heat
	if len(h.slots) != 4 || h.slots[0].proc.Spec.Name != "prime" || h.slots[1].proc.Spec.Name != "gold" || h.slots[3] != h.slots[1] {
		t.Fatalf("slots %v, want prime, gold, gold, gold", h.slots)
	}
	for _, d := range h.ticking {
		if d.proc.Spec.Name == "silver" {
			t.Error("the silver cluster is ticked, though no simulated thread runs on it")
		}
	}
	if got := h.stretch(2, 0, false, 4); got != 2 {
		t.Errorf("cold: stretch(2 s) = %v, want 2", got)
	}
	prime, gold := h.slots[0], h.slots[1]
	h.net.SetTemps([]float64{25, 25, 50.5})
	prime.gov.Tick(h.net, 1)
	gold.gov.Tick(h.net, 1)
	if f := prime.proc.Freq(prime.gov.Cap()); f != 1056e6 {
		t.Fatalf("prime at skin 50.5 °C: cap %v Hz, want 1056 MHz", f)
	}
	if f := gold.proc.Freq(gold.gov.Cap()); f != 2419.2e6 {
		t.Fatalf("gold with a cold junction: cap %v Hz, want 2419.2 MHz", f)
	}
	four, one := 8313.6/10099.2, 2419.2/2841.6
	for _, tc := range []struct {
		cores, m, rate float64
	}{{4, 0, four}, {4, 0.5, four}, {4, 1, 1}, {8, 0, four}, {1, 0, one}, {1, 0.3, one}} {
		want := 2 * ((1-tc.m)/tc.rate + tc.m)
		if got := h.stretch(2, tc.m, false, tc.cores); math.Abs(got-want) > 1e-12 {
			t.Errorf("%v threads, m = %v: stretch(2 s) = %.12f, want %.12f", tc.cores, tc.m, got, want)
		}
	}
	ref := prime.proc.Spec.RefTemp
	wantScale := (prime.proc.CorePower(prime.gov.Cap(), ref) + 3*gold.proc.CorePower(gold.top, ref)) /
		(prime.proc.CorePower(prime.top, ref) + 3*gold.proc.CorePower(gold.top, ref))
	if got := h.cpuScaleNow(); math.Abs(got-wantScale) > 1e-12 || !(got < 1) {
		t.Errorf("busy power factor %.12f, want %.12f (< 1)", got, wantScale)
	}
	if !h.cpuThrottled() {
		t.Error("prime capped but the CPU is not reported throttled")
	}
}
