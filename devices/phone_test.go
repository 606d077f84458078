package devices

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// TestKillForcesReload: the app loads NIN on the stub CNNdroid, goes to
// the background, memory pressure makes the low-memory killer take it,
// and the next request (after the app returns) loads the model again; its
// load phase is read + parse + convert, by hand.
func TestKillForcesReload(t *testing.T) {
	s := fixedSpec(t)
	e := stubCNNdroid()
	w := newWorld(t, s, PhoneOptions{GPU: e})
	rq := Request{Model: "nin", Mode: Mode{Kind: OnDeviceGPU}, Width: 227, Height: 227}
	w.submit(t, rq)
	w.env.Schedule(100, func() { w.phone.Background(50) })
	w.env.Schedule(120, func() {
		if err := w.phone.setPressure(0.7); err != nil {
			t.Error(err)
		}
	})
	w.env.Schedule(140, func() { _ = w.phone.setPressure(0.25) })
	w.env.Schedule(160, func() { w.submit(t, rq) })
	w.run(t)
	if len(w.records) != 2 {
		t.Fatalf("%d records", len(w.records))
	}
	net, _ := models.Zoo("nin")
	file := float64(net.WeightFileBytes())
	var params float64
	for _, l := range net.Layers() {
		params += float64(l.ParamBytes)
	}
	wantLoad := file/float64(s.Storage.ReadRate) + file/50e6 + params/10e6
	for i, r := range w.records {
		if !r.Cold || r.Outcome != result.OK {
			t.Errorf("request %d: cold %v outcome %v", i, r.Cold, r.Outcome)
		}
		if !near(r.Phases[result.Load].Duration, wantLoad, 1e-9) {
			t.Errorf("request %d: load %v s, want read + parse + convert = %v s", i, r.Phases[result.Load].Duration, wantLoad)
		}
	}
	if st := w.phone.Stats(); st.Kills != 1 || st.Loads != 2 {
		t.Errorf("stats %+v", st)
	}
	// The second request arrived in the foreground (at 160 > 150).
	if r := w.records[1]; !near(r.Arrival, 160, 0) || r.Phases[result.Load].Start != 160 {
		t.Errorf("second request %+v", r)
	}
}

// TestKillInFlight: a request still loading when the app is killed in
// the background ends with outcome killed; a request arriving in the
// background waits for the foreground (policy wait) or is dropped.
func TestKillInFlight(t *testing.T) {
	for _, policy := range []string{"wait", "drop"} {
		s := fixedSpec(t)
		s.Lifecycle.BackgroundRequests = policy
		w := newWorld(t, s, PhoneOptions{GPU: stubCNNdroid()})
		rq := Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceGPU}, Width: 227, Height: 227}
		w.submit(t, rq) // loading AlexNet takes minutes on the stub
		w.env.Schedule(5, func() { w.phone.Background(20) })
		w.env.Schedule(6, func() { _ = w.phone.setPressure(0.75) })
		w.env.Schedule(24, func() { _ = w.phone.setPressure(0.25) })
		w.env.Schedule(10, func() { w.submit(t, rq) })
		w.run(t)
		if len(w.records) != 2 || w.records[0].Outcome != result.Killed || !near(w.records[0].End, 6, 0) {
			t.Fatalf("%s: %v, first ended %v", policy, outcomes(w.records), w.records[0].End)
		}
		second := w.records[1]
		switch policy {
		case "wait":
			if second.Outcome != result.OK || !second.Cold || second.Phases[result.Load].Start != 25 {
				t.Errorf("wait: second %v cold %v load from %v", second.Outcome, second.Cold, second.Phases[result.Load].Start)
			}
		case "drop":
			if second.Outcome != result.Dropped || second.End != 10 {
				t.Errorf("drop: second %v at %v", second.Outcome, second.End)
			}
		}
	}
}

// TestUnsupported: CNNdroid has no Concat layer (fact P5), so SqueezeNet
// ends at once with outcome unsupported.
func TestUnsupported(t *testing.T) {
	w := newWorld(t, fixedSpec(t), PhoneOptions{GPU: stubCNNdroid()})
	w.submit(t, Request{Model: "squeezenet-v1.0", Mode: Mode{Kind: OnDeviceGPU}, Width: 227, Height: 227})
	w.run(t)
	if r := w.records[0]; r.Outcome != result.Unsupported || r.End != 0 || r.Cold {
		t.Errorf("record %+v", r)
	}
}

func TestSubmitErrors(t *testing.T) {
	w := newWorld(t, fixedSpec(t), PhoneOptions{CPU: stubCaffe()})
	for _, c := range []struct {
		rq   Request
		want string
	}{
		{Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceGPU}, Width: 1, Height: 1}, "no processor"},
		{Request{Model: "alexnet", Mode: Mode{Kind: CloudCPU}, Width: 1, Height: 1}, "no server-cpu server"},
		{Request{Model: "resnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 1, Height: 1}, "resnet"},
		{Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 0, Height: 1}, "image size"},
		{Request{Model: "squeezenet-v1.1", Mode: splitAt(7), Width: 1, Height: 1}, "not a valid cut of squeezenet-v1.1; valid cuts: 0 (cloud), 1 (data), 2 (conv1), 3 (conv1), 4 (pool1), 5 (fire2/squeeze1x1), 6 (fire2/squeeze1x1), 11 (fire2/concat)"},
		{Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 1, Height: 1, Timeout: -1}, "timeout"},
	} {
		err := w.phone.Submit(c.rq)
		if err == nil || !strings.HasPrefix(err.Error(), "devices: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error with %q", c.rq, err, c.want)
		}
	}
	if _, err := NewPhone(w.env, w.streams, "p", fixedSpec(t), PhoneOptions{CPU: stubCNNdroid()}); err == nil || !strings.Contains(err.Error(), "cpu:") {
		t.Errorf("a GPU processor as the CPU: %v", err)
	}
}

// splitWorld is a phone with the stub Caffe CPU framework, a constant
// link without radio, and a GPU server.
func splitWorld(t *testing.T, upBW units.BitRate) *world {
	w := newWorld(t, fixedSpec(t), PhoneOptions{CPU: stubCaffe()})
	w.connect(t, "campus-wifi", func(c *network.LinkConfig) {
		c.Model = network.Constant{}
		c.Up = network.ChannelConfig{Bandwidth: upBW, Latency: 0.01}
		c.Down = network.ChannelConfig{Bandwidth: 100e6, Latency: 0.01}
		c.Radio = nil
	}, ServerConfig{Engine: stubServer(engine.ServerGPU, 1e12), Workers: 1, MaxBatch: 1})
	if _, err := w.phone.Preload("alexnet", engine.PhoneCPU); err != nil {
		t.Fatal(err)
	}
	if err := w.env.RunUntil(1000); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestSplitEnds: split:N is on-device, split:0 is the cloud.
func TestSplitEnds(t *testing.T) {
	net, _ := models.Zoo("alexnet")
	n := len(net.Layers())
	pair := func(a, b Mode) (result.Record, result.Record) {
		var rs [2]result.Record
		for i, m := range []Mode{a, b} {
			w := splitWorld(t, 20e6)
			w.submit(t, Request{Model: "alexnet", Mode: m, Width: 960, Height: 540})
			w.run(t)
			rs[i] = w.records[0]
		}
		return rs[0], rs[1]
	}
	sp, od := pair(splitAt(n), Mode{Kind: OnDeviceCPU})
	if !samePhases(sp, od) || sp.Energy != od.Energy || sp.Split != n || od.Split != -1 || sp.UpBytes != 0 {
		t.Errorf("split:%d %+v\non-device %+v", n, sp, od)
	}
	sp, cl := pair(splitAt(0), Mode{Kind: CloudGPU})
	if !samePhases(sp, cl) || sp.Energy != cl.Energy || sp.UpBytes != cl.UpBytes || sp.Split != 0 {
		t.Errorf("split:0 %+v\ncloud %+v", sp, cl)
	}
	// A middle cut uploads the cut's activation: after pool5, 256×6×6 floats.
	w := splitWorld(t, 20e6)
	k := -1
	for _, s := range net.SplitPoints() {
		if s.Name == "pool5" {
			k = s.AfterLayer + 1
		}
	}
	w.submit(t, Request{Model: "alexnet", Mode: splitAt(k), Width: 960, Height: 540})
	w.run(t)
	if r := w.records[0]; r.UpBytes != 256*6*6*4 || r.Outcome != result.OK || r.Split != k {
		t.Errorf("split at pool5: %+v", r)
	}
	// AlexNet is a chain: every cut is valid. SqueezeNet's fire modules
	// branch: a cut inside one is not.
	for k := range n + 1 {
		if err := w.phone.validateSplit("alexnet", k); err != nil {
			t.Errorf("ValidateSplit(alexnet, %d) = %v", k, err)
		}
	}
	if err := w.phone.validateSplit("squeezenet-v1.1", 7); err == nil || !strings.Contains(err.Error(), "(fire2/concat)") {
		t.Errorf("ValidateSplit(squeezenet, 7) = %v", err)
	}
}

// samePhases compares two records' phases, NaN equal to NaN.
func samePhases(a, b result.Record) bool { return fmt.Sprint(a.Phases) == fmt.Sprint(b.Phases) }

// TestAutoThreshold: AlexNet's n = 24 layers take P/n = 0.5/24 s each on
// the phone (resident) and S/n = 10/24 ms each on the server; the
// one-way latency is L = 10 ms each way and the downlink 100 Mbps. The
// cloud (K = 0) beats on-device (K = n) when
//
//	2L + 8J/B + S + 8·1000/100e6 < P  ⇔  B > B* = 8J / (P − S − 2L − 8e-5)
//
// with J = 227·227 px × 0.2810 B/px = 14 478 B the resized JPEG: B* =
// 246.5 kbit/s. A split at K costs K(P − S)/n + 2L + 8a_K/B + S + 8e-5
// with a_K the cut's activation; the smallest, 4 kB before the softmax
// (K = 23), saves P/n − S/n − 2L − 8e-5 = 0.34 ms over on-device only
// above B = 32 000 / 0.00034 ≈ 95 Mbit/s, and beats the cloud only below
// 84 000 / (23 (P − S)/n) ≈ 179 kbit/s, where on-device is better still.
func TestAutoThreshold(t *testing.T) {
	jpeg := 227 * 227 * 145650.0 / (960 * 540)
	bStar := 8 * jpeg / (0.5 - 0.01 - 0.02 - 8e-5)
	for _, c := range []struct {
		bw   float64
		want int // chosen K: 0 = cloud, n = on-device
	}{{bStar / 2, -1}, {bStar * 0.98, -1}, {bStar * 1.02, 0}, {bStar * 100, 0}} {
		phone := oneLayerCPU(0.5 / 24)
		phone.only = false
		w := newWorld(t, fixedSpec(t), PhoneOptions{CPU: phone, OracleAuto: true})
		srv := &stubEngine{name: "srv", target: engine.ServerGPU, perLayer: 0.01 / 24}
		w.connect(t, "campus-wifi", func(cfg *network.LinkConfig) {
			cfg.Model = network.Constant{}
			cfg.Up = network.ChannelConfig{Bandwidth: units.BitRate(c.bw), Latency: 0.01}
			cfg.Down = network.ChannelConfig{Bandwidth: 100e6, Latency: 0.01}
			cfg.Radio = nil
		}, ServerConfig{Engine: srv, Workers: 1, MaxBatch: 1})
		if _, err := w.phone.Preload("alexnet", engine.PhoneCPU); err != nil {
			t.Fatal(err)
		}
		if err := w.env.RunUntil(1000); err != nil {
			t.Fatal(err)
		}
		w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: Auto}, Width: 960, Height: 540})
		w.run(t)
		r := w.records[0]
		n := mustNet(t, w.phone, "alexnet").layers
		want := c.want
		if want < 0 {
			want = n
		}
		if r.Split != want || r.Mode != "auto" || r.Outcome != result.OK {
			t.Errorf("uplink %.0f bit/s (B* = %.0f): chose K = %d, want %d", c.bw, bStar, r.Split, want)
		}
	}
}

// TestAutoEnergyObjective: over LTE, a 1.5 s computation (4 cores at
// 1.47 W: about 9 J) is faster in the cloud but cheaper on the phone,
// because the radio's tail alone costs about 11 J.
func TestAutoEnergyObjective(t *testing.T) {
	for _, obj := range []Objective{MinLatency, MinEnergy} {
		w := newWorld(t, fixedSpec(t), PhoneOptions{CPU: oneLayerCPU(1.5)})
		w.connect(t, "lte", nil, ServerConfig{Engine: &stubEngine{name: "srv", target: engine.ServerGPU, perLayer: 0.005, only: true}, Workers: 1, MaxBatch: 1})
		if _, err := w.phone.Preload("alexnet", engine.PhoneCPU); err != nil {
			t.Fatal(err)
		}
		if err := w.env.RunUntil(1000); err != nil {
			t.Fatal(err)
		}
		w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: Auto}, Objective: obj, Width: 960, Height: 540})
		w.run(t)
		r := w.records[0]
		n := mustNet(t, w.phone, "alexnet").layers
		if obj == MinLatency && r.Split == n || obj == MinEnergy && r.Split != n {
			t.Errorf("%v: chose %d (latency %.3f s, energy %.2f J)", obj, r.Split, r.Latency(), r.TotalEnergy())
		}
	}
}

// TestTimeout: a request over its deadline ends with outcome timeout at
// the deadline, and the phone goes on.
func TestTimeout(t *testing.T) {
	w := newWorld(t, fixedSpec(t), PhoneOptions{CPU: oneLayerCPU(2)})
	w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 227, Height: 227, Timeout: 1})
	w.env.Schedule(500, func() {
		w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceCPU}, Width: 227, Height: 227, Timeout: 100})
	})
	w.run(t)
	if len(w.records) != 2 || w.records[0].Outcome != result.Timeout || w.records[0].End != 1 || w.records[1].Outcome != result.OK {
		t.Fatalf("%v ends %v %v", outcomes(w.records), w.records[0].End, w.records[1].End)
	}
	if w.phone.cpu.busy != 0 || w.phone.gpu.users != 0 || w.phone.worker.Count() != 0 || w.phone.mutator.Count() != 0 {
		t.Errorf("resources left held: cpu %v gpu %v worker %v mutator %v", w.phone.cpu.busy, w.phone.gpu.users, w.phone.worker.Count(), w.phone.mutator.Count())
	}
}

// determinismRun simulates a busy world (noise everywhere, random life
// cycle, fluctuating pressure, LTE with jitter, batching servers) and
// returns its records.
func determinismRun(t *testing.T, seed uint64) []result.Record {
	spec := fixedSpec(t)
	spec.GC.PauseSigma = 0.3
	spec.Lifecycle = LifecycleSpec{Switch: "exponential", MeanForeground: 60, MeanBackground: 10, BackgroundRequests: "wait"}
	spec.Memory.Fluctuation = FluctuationSpec{Model: "ou", SD: 0.1, Timescale: 30, Step: 1}
	spec.Memory.BackgroundPressure = 0.45
	cpu, gpu := stubCaffe(), stubCNNdroid()
	cpu.cv, gpu.cv = 0.2, 0.1
	env := sim.NewEnv()
	defer env.Close()
	streams := sim.NewStreams(seed)
	ph, err := NewPhone(env, streams, "phone[0]", spec, PhoneOptions{CPU: cpu, GPU: gpu})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := network.LookupPreset("lte")
	link, err := network.NewLink(env, streams, "link[0]", p.Link)
	if err != nil {
		t.Fatal(err)
	}
	sg := stubServer(engine.ServerGPU, 1e12)
	sg.cv = 0.3
	s1, _ := NewServer(env, streams, "server", ServerConfig{Engine: sg, Workers: 2, MaxBatch: 4, MaxWait: 0.01}, nil)
	s2, _ := NewServer(env, streams, "server-cpu", ServerConfig{Engine: stubServer(engine.ServerCPU, 1e11), Workers: 1, MaxBatch: 1}, nil)
	if err := ph.Connect(link, s1, s2); err != nil {
		t.Fatal(err)
	}
	var recs []result.Record
	ph.OnRecord(func(r *result.Record) { recs = append(recs, *r) })
	arr := streams.Stream("workload")
	modes := []string{"on-device-cpu", "on-device-gpu", "cloud-cpu", "cloud-gpu", "split:16", "auto"}
	env.Process("workload", func(pr *sim.Proc) error {
		for i := range 60 {
			if err := pr.Sleep(arr.ExpFloat64() * 5); err != nil {
				return err
			}
			m, _ := ParseMode(modes[i%len(modes)])
			model := []string{"alexnet", "nin", "squeezenet-v1.1"}[i%3]
			if err := ph.Submit(Request{Model: model, Mode: m, Width: 1920, Height: 1080, Timeout: 120}); err != nil {
				return err
			}
		}
		return nil
	})
	if err := env.RunUntil(2000); err != nil {
		t.Fatal(err)
	}
	ph.Flush()
	return recs
}

// TestDeterminism: same seed, same records, whatever GOMAXPROCS; another
// seed, other records.
func TestDeterminism(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	a := determinismRun(t, 11)
	runtime.GOMAXPROCS(2)
	b := determinismRun(t, 11)
	runtime.GOMAXPROCS(prev)
	c := determinismRun(t, 12)
	if len(a) < 50 {
		t.Fatalf("only %d records", len(a))
	}
	// %v prints every float exactly (shortest round-trip form), NaN too.
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("same seed, different records under GOMAXPROCS 1 and 2")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("different seeds, same records")
	}
	count := map[result.Outcome]int{}
	for _, r := range a {
		count[r.Outcome]++
	}
	t.Logf("outcomes: %v", count)
}

// TestParamBudgetRereads: with a 200 MB parameter budget, AlexNet's fc7
// and fc8 are not resident (the cumulative parameters pass 200 MB at fc7),
// so every inference re-reads their parameters from storage (at 76.29
// MB/s) and converts them again (stub: 10 MB/s): the warm compute grows
// by exactly that, and the resident memory shrinks by their bytes.
func TestParamBudgetRereads(t *testing.T) {
	net, _ := models.Zoo("alexnet")
	var over float64
	for _, l := range net.Layers() {
		if l.Name == "fc7" || l.Name == "fc8" {
			over += float64(l.ParamBytes)
		}
	}
	run := func(budget units.Bytes) (compute float64, java units.Bytes) {
		e := stubCNNdroid()
		e.fw.ParamBudget = budget
		w := newWorld(t, fixedSpec(t), PhoneOptions{GPU: e})
		if _, err := w.phone.Preload("alexnet", engine.PhoneGPU); err != nil {
			t.Fatal(err)
		}
		if err := w.env.RunUntil(200); err != nil {
			t.Fatal(err)
		}
		live := w.phone.memory().HeapLive
		w.submit(t, Request{Model: "alexnet", Mode: Mode{Kind: OnDeviceGPU}, Width: 227, Height: 227})
		w.run(t)
		if r := w.records[0]; r.Outcome != result.OK || r.Cold {
			t.Fatalf("budget %v: %v cold %v", budget, r.Outcome, r.Cold)
		}
		return w.records[0].Phases[result.Compute].Duration, live
	}
	full, liveFull := run(0)
	capped, liveCapped := run(200e6)
	want := over/float64(fixedSpec(t).Storage.ReadRate) + over/10e6
	if d := capped - full; !near(d, want, 1e-9) {
		t.Errorf("compute grew by %v s, want re-read + convert %v s", d, want)
	}
	if d := float64(liveFull - liveCapped); !near(d, over, 1e-9) {
		t.Errorf("resident Java bytes fell by %v, want %v", d, over)
	}
}

func mustNet(t *testing.T, ph *Phone, model string) *netInfo {
	t.Helper()
	ni, err := ph.net(model)
	if err != nil {
		t.Fatal(err)
	}
	return ni
}
