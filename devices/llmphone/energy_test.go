package llmphone

import (
	"math"
	"testing"
)

// The CPU power is the power profile's currents at the assumed voltage:
// (634 + 3 × 291 + 15.68) mA × 3.87 V.
func TestOnePlus12Power(t *testing.T) {
	p := OnePlus12Power()
	if want := (634 + 3*291 + 15.68) / 1000 * 3.87; math.Abs(p.CPU-want) > 1e-12 {
		t.Errorf("cpu %v W, want %v W", p.CPU, want)
	}
	if want := 32e-12; math.Abs(p.DRAMJoulesPerByte-want) > 1e-24 {
		t.Errorf("dram %v J/B, want %v (4 pJ/bit)", p.DRAMJoulesPerByte, want)
	}
}

// A step's energy is the CPU's power over its time plus the bytes it
// moves at the DRAM's energy per byte; an unknown phase is an error.
func TestPhaseEnergy(t *testing.T) {
	r, err := ExecuTorchSD8Gen3()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"bf16", "spinquant"} {
		m, err := OnePlus12("llama-3.2-1b", v)
		if err != nil {
			t.Fatal(err)
		}
		for _, ctx := range []int{96, 1500} {
			e, err := r.DecodeEnergy(m, ctx)
			if err != nil {
				t.Fatal(err)
			}
			dt, _ := r.DecodeTime(m, ctx)
			c := m.Config.DecodeCost(bf16, r.kvElem(m), ctx)
			want := r.Power.CPU*dt + r.Power.DRAMJoulesPerByte*(m.WeightBytes+float64(c.KVReadBytes+c.KVWriteBytes))
			if math.Abs(e-want) > 1e-12*want {
				t.Errorf("%s decode at %d: %v J, want %v J", v, ctx, e, want)
			}
			t.Logf("1b %s: decode at %d: %.3f J/token (%.2f W)", v, ctx, e, e/dt)
		}
		e, err := r.PrefillEnergy(m, 64)
		if err != nil {
			t.Fatal(err)
		}
		pt, _ := r.PrefillTime(m, 64)
		if want := r.Power.CPU*pt + r.Power.DRAMJoulesPerByte*m.WeightBytes; math.Abs(e-want) > 1e-12*want {
			t.Errorf("%s prefill: %v J, want %v J", v, e, want)
		}
		t.Logf("1b %s: prefill of 64: %.4f J/token", v, e/64)
		if _, err := r.PhasePower(m, "train", 10); err == nil {
			t.Error("an unknown phase was accepted")
		}
	}
}
