package llmphone

import "fmt"

// Phase is a part of an answer: the prompt's prefill or a decode step.
type Phase string

// The phases.
const (
	Prefill Phase = "prefill"
	Decode  Phase = "decode"
)

// PowerModel is the phone's power above its base (screen, radio idle)
// while the runtime computes: the busy CPU cores, and the DRAM traffic
// the phase moves.
type PowerModel struct {
	// CPU is the power of the runtime's busy cores and the awake SoC, W.
	CPU float64
	// DRAMJoulesPerByte is the energy of moving one byte between DRAM
	// and the SoC, J/B.
	DRAMJoulesPerByte float64
	Sources           []string
}

// The OnePlus 12's Android power profile (OnePlus's
// OPlusFrameworksResTarget overlay res/xml/power_profile.xml, read in
// github.com/OnePlus-12-Development/android_device_oneplus_waffle @
// f6ca22f), mA at the battery's nominal voltage. Clusters as the profile
// lists them: 3 cores up to 2016 MHz, 4 up to 2803.2 MHz, 1 up to
// 3187.2 MHz.
const (
	op12PrimeTopMA = 634   // cpu.core_power.cluster2 at 3187.2 MHz
	op12GoldTopMA  = 291   // cpu.core_power.cluster1 at 2803.2 MHz
	op12AwakeMA    = 15.68 // cpu.awake
	// op12Volts is an assumption: the nominal voltage of a 4.45 V-charge
	// Li-ion cell; the profile does not give one and no published OnePlus
	// 12 cell rating was found.
	op12Volts = 3.87
	// op12Threads is an assumption: the prime core and three of the
	// 2.8 GHz cluster busy at their top speed (ExecuTorch's llama runner
	// uses the performance cores; the card does not say how many).
	op12Threads = 4
	// dramJoulesPerByte is an assumption (a prior, no verified source):
	// 4 pJ per bit moved between LPDDR5X and the SoC, device, PHY and
	// controller together.
	dramJoulesPerByte = 4e-12 * 8
)

// OnePlus12Power is the power model of ExecuTorch's CPU runtime on the
// OnePlus 12: the power profile's prime core and three gold cores at top
// speed plus cpu.awake, at an assumed 3.87 V, and a DRAM energy prior.
// No published measurement of a phone's power during LLM inference could
// be verified (issue 21's search: MELT, arXiv 2410.03613, llm.npu were
// read as abstracts only), so these are a prior, not a fit.
func OnePlus12Power() PowerModel {
	ma := op12PrimeTopMA + (op12Threads-1)*op12GoldTopMA + op12AwakeMA
	return PowerModel{
		CPU:               ma / 1000 * op12Volts,
		DRAMJoulesPerByte: dramJoulesPerByte,
		Sources: []string{
			fmt.Sprintf("cpu: OnePlus 12 power_profile.xml (OnePlus-12-Development/android_device_oneplus_waffle @ f6ca22f): cluster2 %d mA + %d × cluster1 %d mA + cpu.awake %.2f mA = %.2f mA, at an assumed %.2f V",
				op12PrimeTopMA, op12Threads-1, op12GoldTopMA, op12AwakeMA, ma, op12Volts),
			fmt.Sprintf("threads %d: assumption (the prime core and three 2.8 GHz cores)", op12Threads),
			"dram: assumption, 4 pJ/bit (no verified source; the power profile's one memory.bandwidths bucket, 22.7 mA for 0.1–1.5 GB/s, does not reach decode's ~57 GB/s)",
		},
	}
}

// PhasePower is the power above the phone's base while model m runs
// phase p at context ctx (decode) or over a prompt of ctx tokens
// (prefill): the CPU's, plus the DRAM traffic of the phase over its time.
func (r Runtime) PhasePower(m Model, p Phase, ctx int) (float64, error) {
	var t, bytes float64
	var err error
	switch p {
	case Prefill:
		t, err = r.PrefillTime(m, ctx)
		bytes = m.WeightBytes
	case Decode:
		t, err = r.DecodeTime(m, ctx)
		c := m.Config.DecodeCost(bf16, r.kvElem(m), ctx)
		bytes = m.WeightBytes + float64(c.KVReadBytes+c.KVWriteBytes)
	default:
		return 0, fmt.Errorf("llmphone: unknown phase %q (want prefill or decode)", p)
	}
	if err != nil {
		return 0, err
	}
	return r.Power.CPU + r.Power.DRAMJoulesPerByte*bytes/t, nil
}

// DecodeEnergy is the energy above the phone's base of the decode step
// that produces the token at context ctx, J.
func (r Runtime) DecodeEnergy(m Model, ctx int) (float64, error) {
	p, err := r.PhasePower(m, Decode, ctx)
	if err != nil {
		return 0, err
	}
	t, _ := r.DecodeTime(m, ctx)
	return p * t, nil
}

// PrefillEnergy is the energy above the phone's base of prefilling a
// prompt of n tokens, J (divide by n for the energy per prompt token).
func (r Runtime) PrefillEnergy(m Model, n int) (float64, error) {
	p, err := r.PhasePower(m, Prefill, n)
	if err != nil {
		return 0, err
	}
	t, _ := r.PrefillTime(m, n)
	return p * t, nil
}
