package devices_test

import (
	"math"
	"testing"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/llmphone"
)

// The oneplus12 preset and devices/llmphone's power model read the same
// power profile: four busy big cores plus cpu.awake in the preset's
// table is llmphone's CPU power; RAM and battery are the facts'.
func TestOnePlus12Preset(t *testing.T) {
	s, err := devices.LookupPhone("oneplus12")
	if err != nil {
		t.Fatal(err)
	}
	cpu := float64(s.Power.CPUIdle + s.Power.CPUShared + 4*s.Power.CPUPerCore)
	if want := llmphone.OnePlus12Power().CPU; math.Abs(cpu-want) > 1e-9 {
		t.Errorf("preset's four-core CPU power %v W, llmphone's %v W", cpu, want)
	}
	if got := float64(s.Memory.RAM); got != 16*(1<<30) {
		t.Errorf("RAM %v, want 16 GiB", s.Memory.RAM)
	}
	if got, want := float64(s.Battery.Capacity), 5.4*3600; math.Abs(got-want) > 1e-9 {
		t.Errorf("battery %v C, want 5400 mAh = %v C", got, want)
	}
}
