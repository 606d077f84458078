package network

import (
	"math"
	"testing"

	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// near reports whether got is within 1e-9 s (or relative 1e-12) of want.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9+1e-12*math.Abs(want)
}

func mustLink(t testing.TB, env *sim.Env, cfg LinkConfig) *Link {
	t.Helper()
	l, err := NewLink(env, sim.NewStreams(1), "link[0]", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func ch(bw units.BitRate, lat units.Duration) ChannelConfig {
	return ChannelConfig{Bandwidth: bw, Latency: lat}
}

// runUpload uploads size bytes at time 0 and returns the Transfer.
func runUpload(t *testing.T, l *Link, env *sim.Env, size units.Bytes) Transfer {
	t.Helper()
	var tr Transfer
	env.Process("app", func(p *sim.Proc) error {
		var err error
		tr, err = l.Upload(p, size)
		return err
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	return tr
}

// The worked example of Constant's doc comment.
func TestConstantWorkedExample(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	l := mustLink(t, env, LinkConfig{Up: ch(6*units.Mbps, 20*units.Millisecond), Down: ch(13*units.Mbps, 20*units.Millisecond)})
	tr := runUpload(t, l, env, units.Megabyte)
	want := 0.02 + 8e6/6e6 // 1.353333 s
	if !near(tr.End, want) || !near(float64(tr.Duration()), want) {
		t.Errorf("1 MB at 6 Mbps over constant: end %.9f s, want %.9f s", tr.End, want)
	}
	if tr.Cold || tr.Wake() != 0 || !near(tr.FirstByte, 0.02) {
		t.Errorf("constant transfer: cold %v, wake %v, first byte %v", tr.Cold, tr.Wake(), tr.FirstByte)
	}
}

// The worked example of TCP's doc comment, round by round.
func TestTCPColdWorkedExample(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	l := mustLink(t, env, LinkConfig{Model: DefaultTCP(),
		Up: ch(6*units.Mbps, 20*units.Millisecond), Down: ch(13*units.Mbps, 20*units.Millisecond)})
	tr := runUpload(t, l, env, units.Megabyte)

	const (
		rtt  = 0.040               // 20 ms up + 20 ms down
		seg  = 1460.0              // MSS, bytes
		iw   = 10 * seg            // 14600 B
		bw   = 6e6                 // bits/s
		size = 1e6                 // bytes
		lat  = 0.020               // one-way
		hs   = rtt                 // SYN, SYN-ACK; the data goes with the ACK
		r0   = iw * 8 / rtt        // 2.92 Mbps < 6 Mbps: window-limited
		r1   = 2 * iw * 8 / rtt    // 5.84 Mbps < 6 Mbps: window-limited
		r2   = 4 * iw * 8 / rtt    // 11.68 Mbps ≥ 6 Mbps: the channel limits
		sent = r0*rtt/8 + r1*rtt/8 // 14600 + 29200 = 43800 B in two rounds
	)
	if !(r0 < bw && r1 < bw && r2 >= bw) || sent != 43800 {
		t.Fatalf("hand arithmetic: r0 %g r1 %g r2 %g sent %g", r0, r1, r2, sent)
	}
	rest := (size - sent) * 8 / bw  // 956200 B at 6 Mbps = 1.274933 s
	want := hs + 2*rtt + rest + lat // 1.414933 s
	if !near(tr.End, want) {
		t.Errorf("cold tcp 1 MB: end %.9f s, want %.9f s", tr.End, want)
	}
	if !tr.Cold || !near(float64(tr.Wake()), hs) || !near(tr.FirstByte, hs+lat) {
		t.Errorf("cold tcp: cold %v wake %v first byte %v", tr.Cold, tr.Wake(), tr.FirstByte)
	}
	if math.Abs(want-1.414933) > 1e-6 {
		t.Errorf("doc comment says 1.414933 s, hand arithmetic gives %.6f", want)
	}
}

// A second upload on the warm connection skips the handshake; after the
// idle timeout the connection is cold again.
func TestTCPWarmAndIdleTimeout(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	m := DefaultTCP()
	m.IdleTimeout = 10
	l := mustLink(t, env, LinkConfig{Model: m, Up: ch(6*units.Mbps, 20*units.Millisecond), Down: ch(13*units.Mbps, 20*units.Millisecond)})
	var trs []Transfer
	env.Process("app", func(p *sim.Proc) error {
		for _, at := range []float64{0, 5, 30} {
			if err := p.Sleep(at - p.Now()); err != nil {
				return err
			}
			tr, err := l.Upload(p, 10*units.Kilobyte)
			if err != nil {
				return err
			}
			trs = append(trs, tr)
		}
		return nil
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	// 10 kB < IW (14600 B): one round at 2.92 Mbps: 80000/2.92e6 s.
	flow := 10e3 * 8 / (14600 * 8 / 0.04)
	for i, want := range []struct {
		cold bool
		dur  float64
	}{{true, 0.04 + flow + 0.02}, {false, flow + 0.02}, {true, 0.04 + flow + 0.02}} {
		if trs[i].Cold != want.cold || !near(float64(trs[i].Duration()), want.dur) {
			t.Errorf("upload %d: cold %v, %.9f s; want %v, %.9f s", i, trs[i].Cold, trs[i].Duration(), want.cold, want.dur)
		}
	}
}

func TestMathisRate(t *testing.T) {
	// MSS 1460 B, RTT 40 ms, p = 1 %: 1460·8/0.04 = 292 kbps; ×sqrt(1.5)/0.1.
	want := 292e3 * math.Sqrt(1.5) / 0.1 // 3.5763 Mbps
	if got := float64(MathisRate(1460, 0.04, 0.01)); math.Abs(got-want) > 1e-6 {
		t.Errorf("MathisRate = %g, want %g", got, want)
	}
	if !math.IsInf(float64(MathisRate(1460, 0.04, 0)), 1) {
		t.Error("no loss should mean no cap")
	}
	// With 1 % loss on a 20 Mbps channel the flow never exceeds the bound:
	// rounds at 2.92 Mbps, then the Mathis cap 3.576 Mbps for the rest.
	lim := DefaultTCP().Limit(0.04, 0.01, 20*units.Mbps)
	r, d := lim.Next()
	if !near(float64(r), 2.92e6) || !near(float64(d), 0.04) {
		t.Errorf("round 0: %v for %v", r, d)
	}
	r, d = lim.Next()
	if !near(float64(r), want) || !math.IsInf(float64(d), 1) {
		t.Errorf("after round 0: %v for %v, want the Mathis cap for ever", r, d)
	}
}

// capLimit is a fixed own cap, like a receive window.
type capLimit units.BitRate

func (c capLimit) Next() (units.BitRate, units.Duration) {
	return units.BitRate(c), units.Duration(math.Inf(1))
}

// flowsAt starts flows of the given sizes (bytes) at the given times on a
// 10 Mbps channel and returns their completion times.
func flowsAt(t *testing.T, cfg ChannelConfig, starts []float64, sizes []units.Bytes, limits []RateLimit) []float64 {
	t.Helper()
	env := sim.NewEnv()
	defer env.Close()
	c, err := NewChannel(env, "c", cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ends := make([]float64, len(starts))
	for i := range starts {
		env.Process("flow", func(p *sim.Proc) error {
			if err := p.Sleep(starts[i]); err != nil {
				return err
			}
			var lim RateLimit
			if limits != nil {
				lim = limits[i]
			}
			if _, err := p.Wait(c.Start(sizes[i], lim).Done()); err != nil {
				return err
			}
			ends[i] = p.Now()
			return nil
		})
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	return ends
}

func TestSharingTwoThenThreeFlows(t *testing.T) {
	const MB = units.Megabyte
	cfg := ChannelConfig{Bandwidth: 10 * units.Mbps} // 1.25 MB/s
	// Two flows. A: 1 MB at 0; B: 0.5 MB at 0.2.
	//   0–0.2  A alone, 1.25 MB/s: A sends 0.25 MB, 0.75 MB left.
	//   0.2–   each 0.625 MB/s: B needs 0.8 s → ends 1.0; A sends 0.5 MB,
	//          0.25 MB left.
	//   1.0–   A alone: 0.2 s → ends 1.2.
	ends := flowsAt(t, cfg, []float64{0, 0.2}, []units.Bytes{MB, MB / 2}, nil)
	for i, want := range []float64{1.2, 1.0} {
		if !near(ends[i], want) {
			t.Errorf("two flows: flow %d ends %.9f, want %g", i, ends[i], want)
		}
	}
	// Three flows: C 0.25 MB joins at 0.4.
	//   0–0.2    A alone: A 0.75 MB left.
	//   0.2–0.4  A, B at 0.625 MB/s: A 0.625, B 0.375 left.
	//   0.4–     three at 1.25/3 MB/s: C needs 0.6 s → ends 1.0; then A
	//            0.375, B 0.125 left.
	//   1.0–     A, B at 0.625 MB/s: B needs 0.2 s → ends 1.2; A 0.25 left.
	//   1.2–     A alone: 0.2 s → ends 1.4 (1.75 MB at 1.25 MB/s = 1.4 s).
	ends = flowsAt(t, cfg, []float64{0, 0.2, 0.4}, []units.Bytes{MB, MB / 2, MB / 4}, nil)
	for i, want := range []float64{1.4, 1.2, 1.0} {
		if !near(ends[i], want) {
			t.Errorf("three flows: flow %d ends %.9f, want %g", i, ends[i], want)
		}
	}
}

func TestSharingWithCaps(t *testing.T) {
	const MB = units.Megabyte
	cfg := ChannelConfig{Bandwidth: 10 * units.Mbps}
	// Water-filling: A capped at 2 Mbps takes 2; B and C split the other
	// 8 Mbps: 4 each (0.5 MB/s).
	//   A 0.5 MB at 0.25 MB/s → ends 2.0 (its cap binds all along).
	//   B 0.5 MB at 0.5 MB/s → ends 1.0.
	//   C 1 MB: 0.5 MB by 1.0, then 10 − 2 = 8 Mbps (1 MB/s) alone with A:
	//   0.5 s → ends 1.5.
	ends := flowsAt(t, cfg, []float64{0, 0, 0}, []units.Bytes{MB / 2, MB / 2, MB},
		[]RateLimit{capLimit(2 * units.Mbps), nil, nil})
	for i, want := range []float64{2.0, 1.0, 1.5} {
		if !near(ends[i], want) {
			t.Errorf("capped sharing: flow %d ends %.9f, want %g", i, ends[i], want)
		}
	}
	// Rates at time 0, directly.
	env := sim.NewEnv()
	defer env.Close()
	c, _ := NewChannel(env, "c", cfg, nil)
	fa := c.Start(MB, capLimit(2*units.Mbps))
	fb := c.Start(MB, capLimit(7*units.Mbps))
	fc := c.Start(MB, nil)
	// Levels: 10/3 = 3.33 > 2, so A takes 2; (10−2)/2 = 4 < 7, so B and C
	// take 4 each.
	for i, want := range []float64{2e6, 4e6, 4e6} {
		if got := float64([]*Flow{fa, fb, fc}[i].Rate()); !near(got, want) {
			t.Errorf("rate of flow %d = %g, want %g", i, got, want)
		}
	}
	if got := c.waterLevel(math.Inf(1)); !near(got, 8e6/3) {
		t.Errorf("a fourth flow would get %g, want 8/3 Mbps", got)
	}
}

func TestTraceStepChangesEnd(t *testing.T) {
	// 8 Mbps (1 MB/s) until 0.5 s, then 2 Mbps (0.25 MB/s), not looped.
	tr := &Trace{Name: "step", Times: []float64{0, 0.5}, Rates: mbps(8, 2)}
	// 1 MB from 0: 0.5 MB by 0.5 s, the other 0.5 MB at 0.25 MB/s takes
	// 2 s → ends 2.5 (it would have ended at 1.0 at the start's rate).
	ends := flowsAt(t, ChannelConfig{Trace: tr}, []float64{0}, []units.Bytes{units.Megabyte}, nil)
	if !near(ends[0], 2.5) {
		t.Errorf("trace step: end %.9f, want 2.5", ends[0])
	}
	// Looped with period 1 s: 1 MB/s on [k, k+0.5), 0.25 MB/s on
	// [k+0.5, k+1): 0.625 MB per second. 1 MB: 0.625 MB by 1.0, 0.5 more
	// by 1.5 (1.125 > 1)... so it ends inside [1, 1.5): 0.375 MB at 1 MB/s
	// → 1.375.
	tr.Period = 1
	ends = flowsAt(t, ChannelConfig{Trace: tr}, []float64{0}, []units.Bytes{units.Megabyte}, nil)
	if !near(ends[0], 1.375) {
		t.Errorf("looped trace: end %.9f, want 1.375", ends[0])
	}
}

func TestZeroAndCancelledFlows(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	c, _ := NewChannel(env, "c", ChannelConfig{Bandwidth: 8 * units.Mbps}, nil)
	var endB float64
	env.Process("p", func(p *sim.Proc) error {
		if _, err := p.Wait(c.Start(0, nil).Done()); err != nil {
			return err
		}
		if p.Now() != 0 {
			t.Errorf("empty flow ended at %g", p.Now())
		}
		a := c.Start(units.Megabyte, nil)
		b := c.Start(units.Megabyte, nil)
		if err := p.Sleep(0.5); err != nil { // each got 0.25 MB
			return err
		}
		a.Cancel()
		a.Cancel() // idempotent
		if _, err := p.Wait(b.Done()); err != nil {
			return err
		}
		endB = p.Now() // 0.75 MB alone at 1 MB/s: 0.5 + 0.75
		return nil
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	if !near(endB, 1.25) {
		t.Errorf("after a cancel: end %g, want 1.25", endB)
	}
	if c.Flows() != 0 || env.Pending() != 0 {
		t.Errorf("left %d flows and %d events", c.Flows(), env.Pending())
	}
}

func TestEstimate(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	lte := LTERadio()
	l := mustLink(t, env, LinkConfig{Model: DefaultTCP(), Radio: &lte,
		Up: ch(6*units.Mbps, 20*units.Millisecond), Down: ch(13*units.Mbps, 20*units.Millisecond)})
	// Idle radio, cold connection: promotion + the cold tcp example.
	want := 0.26 + 1.414933333333
	if got := float64(l.EstimateUpload(units.Megabyte)); math.Abs(got-want) > 1e-9 {
		t.Errorf("estimate %.9f, want %.9f", got, want)
	}
	before := env.Pending()
	_ = l.EstimateDownload(units.Kilobyte)
	if env.Pending() != before || l.Radio().State() != "idle" {
		t.Error("estimate had side effects")
	}
	// With one flow already on the channel, a new one would get half.
	l2 := mustLink(t, env, LinkConfig{Up: ch(6*units.Mbps, 0), Down: ch(6*units.Mbps, 0)})
	l2.Up.Start(units.Megabyte, nil)
	if got := float64(l2.EstimateUpload(units.Megabyte)); !near(got, 8e6/3e6) {
		t.Errorf("shared estimate %g, want %g", got, 8e6/3e6)
	}
}

func TestDeterminism(t *testing.T) {
	run := func(seed uint64) []float64 {
		env := sim.NewEnv()
		defer env.Close()
		j := Jitter{Dist: "lognormal", Mean: 30 * units.Millisecond, SD: 20 * units.Millisecond}
		l, err := NewLink(env, sim.NewStreams(seed), "link[0]", LinkConfig{Model: DefaultTCP(),
			Up:   ChannelConfig{Bandwidth: 6 * units.Mbps, Latency: 0.02, Jitter: j},
			Down: ChannelConfig{Bandwidth: 13 * units.Mbps, Latency: 0.02, Jitter: j}})
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for i := 0; i < 3; i++ {
			env.Process("app", func(p *sim.Proc) error {
				for k := 0; k < 20; k++ {
					up, err := l.Upload(p, units.Bytes(10e3*(i+1)))
					if err != nil {
						return err
					}
					down, err := l.Download(p, units.Kilobyte)
					if err != nil {
						return err
					}
					out = append(out, up.End, down.End)
				}
				return nil
			})
		}
		if err := env.Run(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b, c := run(7), run(7), run(8)
	same := func(x, y []float64) bool {
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Error("same seed gave different transfer times")
	}
	if same(a, c) {
		t.Error("different seeds gave identical transfer times")
	}
}

func TestValidation(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	good := ch(6*units.Mbps, 0.02)
	bad := []struct {
		cfg  LinkConfig
		want string
	}{
		{LinkConfig{Up: ch(0, 0.02), Down: good}, "network: l.up.bandwidth: 0 bps must be positive and finite (or give a trace)"},
		{LinkConfig{Up: good, Down: ch(1e6, -1)}, "network: l.down.latency: -1 s must be finite and non-negative"},
		{LinkConfig{Up: ChannelConfig{Bandwidth: 1e6, Loss: 1}, Down: good}, "network: l.up.loss: 1 is not in [0, 1)"},
		{LinkConfig{Up: ChannelConfig{Bandwidth: 1e6, Jitter: Jitter{Dist: "pareto"}}, Down: good}, "network: l.up.jitter.dist: unknown distribution \"pareto\" (none, normal, exponential, lognormal)"},
		{LinkConfig{Up: ChannelConfig{Bandwidth: 1e6, Jitter: Jitter{Dist: "exponential", Mean: 1, SD: 2}}, Down: good}, "network: l.up.jitter: an exponential's sd equals its mean; give sd 0 or 1 s"},
		{LinkConfig{Model: TCP{MSS: 1460}, Up: good, Down: good}, "l.model: network: tcp.initial_window: 0 segments is not in [1, 2^20]"},
		{LinkConfig{Up: ChannelConfig{Trace: &Trace{Name: "x", Times: []float64{1}, Rates: mbps(1)}}, Down: good}, "l.up.trace: network: trace \"x\": the first point must be at time 0, not 1 s"},
	}
	for _, tc := range bad {
		_, err := NewLink(env, nil, "l", tc.cfg)
		if err == nil || err.Error() != tc.want {
			t.Errorf("got %v\nwant %s", err, tc.want)
		}
	}
	r := LTERadio()
	r.Tail[0].Duration = -1
	if _, err := NewLink(env, nil, "l", LinkConfig{Up: good, Down: good, Radio: &r}); err == nil {
		t.Error("negative tail accepted")
	}
	env.Process("p", func(p *sim.Proc) error {
		l := mustLink(t, env, LinkConfig{Up: good, Down: good})
		if _, err := l.Upload(p, -1); err == nil {
			t.Error("negative size accepted")
		}
		return nil
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
}

// An interrupted transfer leaves the channel, the radio and the handshake
// in order: a transfer that waited on the interrupted handshake does its
// own, and the radio's tail starts when the last live transfer ends.
func TestInterruptedTransfer(t *testing.T) {
	env := sim.NewEnv()
	defer env.Close()
	lte := LTERadio()
	l := mustLink(t, env, LinkConfig{Model: DefaultTCP(), Radio: &lte,
		Up: ch(6*units.Mbps, 20*units.Millisecond), Down: ch(13*units.Mbps, 20*units.Millisecond)})
	var errA error
	var b Transfer
	a := env.Process("a", func(p *sim.Proc) error {
		_, errA = l.Upload(p, units.Megabyte)
		return nil
	})
	env.Process("b", func(p *sim.Proc) error {
		var err error
		b, err = l.Upload(p, 10*units.Kilobyte)
		return err
	})
	env.Process("killer", func(p *sim.Proc) error {
		if err := p.Sleep(0.27); err != nil { // during a's handshake
			return err
		}
		return a.Interrupt("cancelled")
	})
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	if errA == nil {
		t.Fatal("a was not interrupted")
	}
	// b: promotion 0.26; a's handshake aborted at 0.27; b's own from 0.27
	// to 0.31; 10 kB in round 0 at 2.92 Mbps; 20 ms latency.
	want := 0.27 + 0.04 + 8e4/2.92e6 + 0.02
	if !b.Cold || !near(b.Connected, 0.31) || !near(b.End, want) {
		t.Errorf("b: %+v, want end %.9f", b, want)
	}
	if l.Up.Flows() != 0 || l.Radio().State() != "idle" {
		t.Errorf("left %d flows, radio %s", l.Up.Flows(), l.Radio().State())
	}
}
