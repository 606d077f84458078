package scenarios

import (
	"strings"
	"testing"
)

// TestConclusionNotSwept: a conclusion whose param, or a where/a/b
// params entry, names a path that is not swept suggests the closest swept
// path, else lists them, else says that the scenario sweeps nothing.
func TestConclusionNotSwept(t *testing.T) {
	noSweep := handScenario[:strings.Index(handScenario, "sweep:")]
	for _, tc := range []struct {
		name, base, conclusion, want string
	}{
		{"param typo", handScenario, `{kind: trend, param: network.uplink.bandwith}`,
			`conclusions[0].param: "network.uplink.bandwith" is not swept (did you mean "network.uplink.bandwidth"?)`},
		{"param far off", handScenario, `{kind: trend, param: phone.count}`,
			`conclusions[0].param: "phone.count" is not swept (sweep paths: network.preset, network.uplink.bandwidth)`},
		{"param, no sweep", noSweep, `{kind: trend, param: network.preset}`,
			`conclusions[0].param: "network.preset" is not swept (the scenario has no sweep)`},
		{"where typo", handScenario, `{kind: best, where: {params: [network.presets=lte]}}`,
			`conclusions[0].where.params[0]: "network.presets" is not swept (did you mean "network.preset"?)`},
		{"side typo", handScenario, `{kind: compare, a: {modes: [on-device]}, b: {modes: [cloud], params: [" network.uplink.bandwidht=1Mbps"]}}`,
			`conclusions[0].b.params[0]: "network.uplink.bandwidht" is not swept (did you mean "network.uplink.bandwidth"?)`},
		{"where far off", handScenario, `{kind: best, where: {params: [phone.count=1]}}`,
			`conclusions[0].where.params[0]: "phone.count" is not swept (sweep paths: network.preset, network.uplink.bandwidth)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.base+"conclusions:\n  - "+tc.conclusion+"\n"), "c.yaml", "")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n%v\nlacks\n%s", err, tc.want)
			}
		})
	}
}
