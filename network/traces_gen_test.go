package network

// The builtin traces under traces/ are made here, deterministically, from a
// fixed seed and integer arithmetic on the generator's raw bits (no
// library distribution whose algorithm could change between Go releases).
// TestBuiltinTracesRegenerate checks that the committed files are exactly
// what the generators produce; run
//
//	go test ./network -run TestBuiltinTracesRegenerate -regen
//
// to rewrite them after changing a generator.

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

var regen = flag.Bool("regen", false, "rewrite network/traces/* from their generators")

// uniform returns a number in [0, 1) from the top 53 bits of src.
func uniform(src *rand.PCG) float64 { return float64(src.Uint64()>>11) / (1 << 53) }

// genWiFiSteady is a steady home/office WiFi uplink: 20 Mbps ± 2 Mbps,
// uniform, a new value every 0.5 s, repeating every 60 s.
func genWiFiSteady() []byte {
	src := rand.NewPCG(2018, 1)
	var b bytes.Buffer
	b.WriteString("# wifi-steady: a steady WiFi channel, 20 Mbps ± 2 Mbps (uniform), 0.5 s steps.\n")
	b.WriteString("# Made by infersim (network/traces_gen_test.go, genWiFiSteady); plain format: seconds Mbps.\n")
	for i := 0; i < 120; i++ {
		fmt.Fprintf(&b, "%.1f %.3f\n", float64(i)*0.5, 18+4*uniform(src))
	}
	b.WriteString("period 60\n")
	return b.Bytes()
}

// lteDriveRates is a fluctuating LTE drive: a random walk of log-rate
// around 6 Mbps (Huang et al. 2012's median uplink), clamped to
// [0.3, 20] Mbps, with a 1 s outage (0 Mbps, a handover) every 30 s, one
// value per 0.5 s over 120 s.
func lteDriveRates() []float64 {
	src := rand.NewPCG(2012, 6)
	lg := math.Log(6)
	rates := make([]float64, 240)
	for i := range rates {
		lg += 0.35 * (2*uniform(src) - 1)
		lg += 0.05 * (math.Log(6) - lg) // pull back towards the median
		lg = math.Min(math.Max(lg, math.Log(0.3)), math.Log(20))
		r := math.Exp(lg)
		if i%60 == 58 || i%60 == 59 {
			r = 0
		}
		rates[i] = math.Round(r*1000) / 1000
	}
	return rates
}

func genLTEDrive() []byte {
	var b bytes.Buffer
	b.WriteString("# lte-drive: a fluctuating LTE drive, log-rate random walk around 6 Mbps in [0.3, 20] Mbps,\n")
	b.WriteString("# a 1 s outage every 30 s, 0.5 s steps. Made by infersim (network/traces_gen_test.go,\n")
	b.WriteString("# genLTEDrive); plain format: seconds Mbps.\n")
	for i, r := range lteDriveRates() {
		fmt.Fprintf(&b, "%.1f %.3f\n", float64(i)*0.5, r)
	}
	b.WriteString("period 120\n")
	return b.Bytes()
}

// genLTEDriveUp is the first 20 s of the same LTE drive as a Mahimahi
// packet-delivery trace: one line per 1500-byte opportunity, the bytes
// accumulated millisecond by millisecond at the drive's rate.
func genLTEDriveUp() []byte {
	rates := lteDriveRates()
	var b bytes.Buffer
	acc := 0.0
	const ms = 20000
	last := 0
	for t := 1; t <= ms; t++ {
		acc += rates[(t-1)/500] * 1e6 / 8 / 1000 // bytes this millisecond
		for acc >= 1500 {
			acc -= 1500
			fmt.Fprintf(&b, "%d\n", t)
			last = t
		}
	}
	if last != ms { // end the trace at exactly 20 s
		fmt.Fprintf(&b, "%d\n", ms)
	}
	return b.Bytes()
}

var traceGenerators = map[string]func() []byte{
	"wifi-steady.txt":   genWiFiSteady,
	"lte-drive.txt":     genLTEDrive,
	"lte-drive-up.mahi": genLTEDriveUp,
}

func TestBuiltinTracesRegenerate(t *testing.T) {
	for name, gen := range traceGenerators {
		want := gen()
		path := filepath.Join("traces", name)
		if *regen {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := builtinTraces.ReadFile("traces/" + name)
		if err != nil {
			t.Fatalf("%s: %v (run with -regen)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its generator's output; run go test -run TestBuiltinTracesRegenerate -regen", name)
		}
	}
}
