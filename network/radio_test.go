package network

import (
	"math"
	"testing"

	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/sim"
	"github.com/infersim/infersim/units"
)

// meter integrates piecewise-constant power, as the devices package's
// energy meter will: at each change it adds power × (now − last).
type meter struct {
	last   float64
	power  float64
	joules float64
	states []string
}

func (m *meter) PowerChanged(now float64, p units.Power, state string) {
	m.joules += m.power * (now - m.last)
	m.last, m.power = now, float64(p)
	m.states = append(m.states, state)
}

// until returns the energy integrated up to t.
func (m *meter) until(t float64) float64 { return m.joules + m.power*(t-m.last) }

func v(id string) float64 { return reference.MustLookup(id).Value }

// uploadsAt runs uploads of the given sizes at the given times on a
// constant 6 Mbps / 13 Mbps link with the given radio and returns the
// meter and the transfers.
func uploadsAt(t *testing.T, spec RadioSpec, at []float64, sizes []units.Bytes) (*meter, []Transfer, *Radio) {
	t.Helper()
	env := sim.NewEnv()
	t.Cleanup(env.Close)
	l := mustLink(t, env, LinkConfig{Radio: &spec,
		Up: ch(6*units.Mbps, 20*units.Millisecond), Down: ch(13*units.Mbps, 20*units.Millisecond)})
	m := &meter{}
	l.Radio().OnPower(m)
	trs := make([]Transfer, len(at))
	for i := range at {
		env.Process("app", func(p *sim.Proc) error {
			if err := p.Sleep(at[i]); err != nil {
				return err
			}
			var err error
			trs[i], err = l.Upload(p, sizes[i])
			return err
		})
	}
	if err := env.Run(); err != nil {
		t.Fatal(err)
	}
	return m, trs, l.Radio()
}

func TestLTEIsolatedUploadEnergy(t *testing.T) {
	m, trs, r := uploadsAt(t, LTERadio(), []float64{0}, []units.Bytes{units.Megabyte})
	// By hand, from ARO's parameters (facts R-lte-*):
	promo := v("R-lte-promotion-time") // 0.26 s at 1.21 W
	flow := 8e6 / 6e6                  // 1 MB at 6 Mbps
	pFlow := v("R-lte-beta") + v("R-lte-alpha-up")*6
	// Tail: inactivity at β, short DRX and long DRX averaged over their
	// pulses (2 ms at 1.68 W every 20 ms / 40 ms, 1.06 W between).
	pShort := (0.002*v("R-lte-drx-on-power") + 0.018*v("R-lte-long-drx-power")) / 0.020 // 1.122 W
	pLong := (0.002*v("R-lte-drx-on-power") + 0.038*v("R-lte-long-drx-power")) / 0.040  // 1.091 W
	tail := v("R-lte-inactivity")*v("R-lte-beta") + v("R-lte-short-drx")*pShort + v("R-lte-long-drx")*pLong
	want := promo*v("R-lte-promotion-power") + flow*pFlow + tail
	// 0.26·1.21 + 1.33333·(1.2 + 0.43839·6) + 0.1·1.2 + 0.02·1.122 + 10·1.091
	if math.Abs(want-16.47416) > 1e-4 {
		t.Fatalf("hand arithmetic: %g J", want)
	}
	end := promo + flow + v("R-lte-tail")
	if got := m.until(end); math.Abs(got-want) > 1e-9 {
		t.Errorf("LTE isolated 1 MB upload: %.9f J, want %.9f J", got, want)
	}
	if got := float64(r.Energy()); math.Abs(got-want) > 1e-9 {
		t.Errorf("Radio.Energy = %.9f J, want %.9f J", got, want)
	}
	if r.State() != "idle" {
		t.Errorf("radio ends in %q", r.State())
	}
	// The promotion adds to the transfer: 0.26 + 1.3333 + 0.02.
	if tr := trs[0]; !near(tr.End, promo+flow+0.02) || !near(tr.Awake, promo) {
		t.Errorf("transfer %+v", tr)
	}
	if got, want := float64(LTERadio().TailEnergy()), tail; math.Abs(got-want) > 1e-12 {
		t.Errorf("TailEnergy %g, want %g", got, want)
	}
}

func TestLTETwoUploadsShareOneTail(t *testing.T) {
	// 1 MB at 0, then 100 kB at 5 s, inside the first upload's long DRX.
	m, trs, _ := uploadsAt(t, LTERadio(), []float64{0, 5}, []units.Bytes{units.Megabyte, 100 * units.Kilobyte})
	beta, aUp := v("R-lte-beta"), v("R-lte-alpha-up")
	pShort := (0.002*1.68 + 0.018*1.06) / 0.020
	pLong := (0.002*1.68 + 0.038*1.06) / 0.040
	flow1 := 8e6 / 6e6
	end1 := 0.26 + flow1 // the radio's last byte of upload 1
	flow2 := 8e5 / 6e6
	// Upload 1: promotion and transfer. Then the tail runs from end1 to 5
	// s: inactivity, short DRX, and long DRX until 5 s. Upload 2: no
	// promotion, the transfer, then a full tail.
	want := 0.26*1.21 + flow1*(beta+aUp*6) +
		0.1*beta + 0.02*pShort + (5-(end1+0.12))*pLong +
		flow2*(beta+aUp*6) +
		0.1*beta + 0.02*pShort + 10*pLong
	end := 5 + flow2 + 10.12
	if got := m.until(end); math.Abs(got-want) > 1e-9 {
		t.Errorf("two uploads in one tail: %.9f J, want %.9f J", got, want)
	}
	// Compared with two isolated uploads, sharing saves a promotion and
	// the rest of the first tail.
	if trs[1].Wake() != 0 || !near(trs[1].End, 5+flow2+0.02) {
		t.Errorf("second upload waited for the radio: %+v", trs[1])
	}
}

func TestWiFiUploadEnergy(t *testing.T) {
	m, trs, _ := uploadsAt(t, WiFiRadio(), []float64{0, 1.5}, []units.Bytes{units.Megabyte, 100 * units.Kilobyte})
	// Upload 1 from 0 to 1.3333 s at 0.403 W; tail 0.25 s at 0.403 W to
	// 1.5833; upload 2 starts at 1.5 inside that tail (no promotion): it
	// runs 0.13333 s, then a full 0.25 s tail, then standby at 0.02 W.
	p, standby := v("R-wifi-active"), v("R-wifi-standby")
	flow1, flow2 := 8e6/6e6, 8e5/6e6
	want := flow1*p + (1.5-flow1)*p + flow2*p + 0.25*p
	end := 1.5 + flow2 + 0.25
	if got := m.until(end); math.Abs(got-want) > 1e-9 {
		t.Errorf("wifi: %.9f J, want %.9f J", got, want)
	}
	if got := m.until(end+10) - m.until(end); math.Abs(got-10*standby) > 1e-9 {
		t.Errorf("wifi standby: %.9f J over 10 s, want %.9f", got, 10*standby)
	}
	if trs[0].Wake() != 0 {
		t.Error("wifi has no promotion")
	}
}

func TestUMTSPromotionFromFACH(t *testing.T) {
	// 3G: idle → dch promotion 2 s; 100 kB at 6 Mbps; dch tail 4 s; an
	// upload at 10 s lands in fach and pays the 1.5 s fach → dch promotion.
	_, trs, r := uploadsAt(t, UMTSRadio(), []float64{0, 10}, []units.Bytes{100 * units.Kilobyte, 100 * units.Kilobyte})
	flow := 8e5 / 6e6
	if !near(trs[0].Awake, 2) || !near(trs[1].Awake-trs[1].Start, 1.5) {
		t.Errorf("3g promotions: %+v / %+v", trs[0], trs[1])
	}
	if !near(trs[1].End, 10+1.5+flow+0.02) {
		t.Errorf("3g second upload ends %g", trs[1].End)
	}
	if r.State() != "idle" {
		t.Errorf("3g ends in %q", r.State())
	}
}

func TestRadioSpecsValidate(t *testing.T) {
	for _, n := range Radios() {
		s, err := LookupRadio(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate("radio"); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := LookupRadio("6g"); err == nil {
		t.Error("unknown radio accepted")
	}
	s := WiFiRadio()
	s.Tail[0].Name = "active"
	if err := s.Validate("radio"); err == nil || err.Error() != `network: radio.tail[0]: state name "active" is also active` {
		t.Errorf("duplicate name: %v", err)
	}
	// The idle power average: 43 ms at 0.594 W every 1.28 s.
	if got := float64(LTERadio().IdlePower); math.Abs(got-0.043*0.594/1.28) > 1e-12 {
		t.Errorf("LTE idle power %g", got)
	}
}

// The 5G radios by hand from their facts: LTE's β (1.2 W) plus the band's
// Δβ, a 1.7 s LTE tail at LTE's mean tail power and the rest of the
// 12.3167 s tail with Δβ on top; mmWave costs more at rest and less per
// Mbps than low-band, and an unknown band is an error.
func TestNRRadio(t *testing.T) {
	for _, c := range []struct {
		band, name      string
		dbeta, up, down float64
	}{
		{"low", "5g", 0.2463, 0.032175, 0.011537},
		{"mmwave", "5g-mmwave", 2.5681, 0.008883, 0.001726},
	} {
		s, err := NRRadio(c.band)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate("radio"); err != nil {
			t.Errorf("%s: %v", c.band, err)
		}
		near := func(what string, got, want float64) {
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("%s: %s %v, want %v", c.band, what, got, want)
			}
		}
		if s.Name != c.name {
			t.Errorf("%s: named %q, want %q", c.band, s.Name, c.name)
		}
		near("beta", float64(s.Beta), 1.2+c.dbeta)
		near("alpha_up", float64(s.AlphaUp), c.up)
		near("alpha_down", float64(s.AlphaDown), c.down)
		near("promotion", float64(s.Promotion.Delay), 0.3233)
		near("tail", float64(s.TailDuration()), 12.3167)
		near("lte-tail", float64(s.Tail[0].Duration), 1.7)
		near("tail energy", float64(s.TailEnergy()), 1.7*1.0921+(12.3167-1.7)*(1.0921+c.dbeta))
		if lte := LTERadio(); s.IdlePower != lte.IdlePower || s.Promotion.Power != lte.Promotion.Power {
			t.Errorf("%s: idle or promotion power differs from LTE's", c.band)
		}
	}
	if _, err := NRRadio("sub6"); err == nil {
		t.Error("an unknown band was accepted")
	}
}
