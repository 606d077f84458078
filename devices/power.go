package devices

import (
	"fmt"

	"github.com/infersim/infersim/units"
)

// Phone CPU power with a source and a range (issue 17, finding 9).
//
// The Nexus 5's only per-speed CPU number is the hammerhead
// power_profile.xml cpu.active (386.2 mA at 2265.6 MHz, 1.468 W at 3.8 V):
// a BatteryStats estimate measured at the battery, which the framework
// charges once per busy core-second. Android 8+ profiles split it into
// a cluster (shared) cost and a per-core cost, so multiplying the old
// single value by the busy cores counts the shared part once per core.
// The meter therefore models n busy cores as
//
//	P(n) = CPUShared·min(n, 1) + CPUPerCore·n       (on top of CPUIdle)
//
// with P(1) = cpu.active at every level, and the split taken from the one
// per-core rail measurement of a Krait core found (AnandTech 5559 p. 4,
// MSM8960 at 1.5 GHz: 0.45–0.75 W per core, scaled to 2.26 GHz by the
// power_profile ratio 386.2/256.5 = 1.506):
//
//	level    CPUShared  CPUPerCore  four cores   source of the per-core term
//	low      0.790 W    0.678 W     3.50 W       Krait rail, 0.45 W per core
//	nominal  0.338 W    1.129 W     4.86 W       Krait rail, 0.75 W per core ("at maximum load")
//	high     0 W        1.468 W     5.87 W       power_profile cpu.active, BatteryStats per core-second
//
// (reference/research-notes.md §6). A request's network wait keeps no
// core busy: the CPU draws CPUIdle, the power_profile's cpu.awake
// (17.4 mA, 66 mW), as BatteryStats charges a held wakelock. A model
// load's storage read keeps no core busy either; its parse and convert
// keep one core busy at the top step, i.e. cpu.active at 2265.6 MHz:
// CNNdroid parses each weight file on the calling thread after reading
// it whole (ParamUnpacker.java), and hammerhead's ondemand governor
// (init.hammerhead.rc, up_threshold 90) raises a fully busy core to its
// maximum (reference/research-notes.md §7, issue 11's check of G5-energy).

// PowerLevel is one end of the CPU power range: the shared and per-core
// terms that replace the nominal ones.
type PowerLevel struct {
	CPUShared  units.Power `yaml:"cpu_shared"`
	CPUPerCore units.Power `yaml:"cpu_per_core"`
}

func (l *PowerLevel) clone() *PowerLevel {
	if l == nil {
		return nil
	}
	c := *l
	return &c
}

// PowerLevels are the names WithPower accepts, low to high.
func PowerLevels() []string { return []string{"low", "nominal", "high"} }

// WithPower returns the spec with its CPU power at a level of its range:
// "nominal" (or "") keeps it, "low" and "high" take Power.Low and
// Power.High. A preset without that end of the range keeps its nominal
// values (its CPU power has no published range).
func (s PhoneSpec) WithPower(level string) (PhoneSpec, error) {
	var l *PowerLevel
	switch level {
	case "", "nominal":
		return s, nil
	case "low":
		l = s.Power.Low
	case "high":
		l = s.Power.High
	default:
		return s, fmt.Errorf("devices: phone %s: power level %q: want low, nominal or high", s.Name, level)
	}
	c := s.clone()
	if l != nil {
		c.Power.CPUShared, c.Power.CPUPerCore = l.CPUShared, l.CPUPerCore
	}
	return c, nil
}

// CPUBusyPower is the power n busy cores add to CPUIdle (n capped at
// cores).
func (p PowerSpec) CPUBusyPower(n float64, cores int) units.Power {
	n = min(n, float64(cores))
	if n <= 0 {
		return 0
	}
	return units.Power(float64(p.CPUShared)*min(n, 1) + float64(p.CPUPerCore)*n)
}

// validatePowerLevels checks the range's ends are non-negative and
// finite.
func (s PhoneSpec) validatePowerLevels(c specCheck) error {
	for _, e := range []struct {
		name string
		l    *PowerLevel
	}{{"low", s.Power.Low}, {"high", s.Power.High}} {
		if e.l == nil {
			continue
		}
		if err := c.nonneg("power."+e.name+".cpu_shared", float64(e.l.CPUShared)); err != nil {
			return err
		}
		if err := c.nonneg("power."+e.name+".cpu_per_core", float64(e.l.CPUPerCore)); err != nil {
			return err
		}
	}
	return nil
}
