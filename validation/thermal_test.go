package validation

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/scenarios"
)

// TestWhatIfHeldOutBand: the tolerance the sustained-load scenario states
// (thermal.held_out) is the reference fact's band, so the run's verdict
// and validate's row judge against one number.
func TestWhatIfHeldOutBand(t *testing.T) {
	s, err := scenarios.Builtin("sustained-load")
	if err != nil {
		t.Fatal(err)
	}
	h := s.Thermal.HeldOut
	f, ok := reference.Lookup(h.Fact)
	if !ok {
		t.Fatalf("held-out fact %q not in reference/facts.yaml", h.Fact)
	}
	if f.Low != h.Low || f.High != h.High || h.SE != 2 {
		t.Errorf("scenario band [%v, %v] ± %v SE, fact %s [%v, %v]", h.Low, h.High, h.SE, f.ID, f.Low, f.High)
	}
}

// TestHeldOutKept reads a made-up thermal-summary.csv: only the held-out
// group's rows count, as minute-1 / last-minute latency per replication.
func TestHeldOutKept(t *testing.T) {
	csv := "point,phone.device,thermal.ambient,replication,model,mode,image,first_throttle_s,min1_latency_s,last_min_latency_s,last_min_cpu_mhz\n" +
		"0,nexus5,25,0,alexnet,on-device-cpu,960x540,27,1.8,2.7,1190.4\n" +
		"2,pixel4,25,0,alexnet,on-device-cpu,960x540,,0.0440,0.0550,1804.8\n" +
		"2,pixel4,25,1,alexnet,on-device-cpu,960x540,,0.0440,0.0440,2419.2\n" +
		"3,pixel4,35,0,alexnet,on-device-cpu,960x540,297,0.0440,0.1500,710.4\n"
	path := filepath.Join(t.TempDir(), "thermal-summary.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	h := scenarios.ThermalHeldOut{Fact: "T-x", Device: "pixel4", Mode: "on-device-cpu", Ambient: 25}
	kept, mhz, err := heldOutKept(path, h)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 2 || math.Abs(kept[0]-0.8) > 1e-12 || kept[1] != 1 || math.Abs(mhz-2112) > 1e-9 {
		t.Errorf("kept %v, MHz %v", kept, mhz)
	}
	h.Ambient = 30
	if _, _, err := heldOutKept(path, h); err == nil {
		t.Error("no group at 30 °C: no error")
	}
}
