package scenarios

import (
	"math"
	"strings"
	"testing"
)

// TestJitterNone checks that jitter: none, and {dist: none} alone, switch
// the preset's jitter off (campus-wifi's is exponential) on the channel it
// is written for, and only there, while a mean beside dist none is still
// an error and a word other than none is refused with the shorthand named.
func TestJitterNone(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		up, down  bool // the channel keeps the preset's jitter
	}{
		{"preset", "", true, true},
		{"jitter: none", "network:\n  uplink:\n    jitter: none\n", false, true},
		{"dist none alone", "network:\n  downlink: {jitter: {dist: none}}\n", true, false},
		{"both", "network:\n  uplink: {jitter: none}\n  downlink: {jitter: {dist: none}}\n", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(minimal+tt.src), "j.yaml", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range []struct {
				dir  string
				keep bool
				dist string
				mean float64
			}{
				{"uplink", tt.up, s.res.link.Up.Jitter.Dist, float64(s.res.link.Up.Jitter.Mean)},
				{"downlink", tt.down, s.res.link.Down.Jitter.Dist, float64(s.res.link.Down.Jitter.Mean)},
			} {
				if ch.keep && (ch.dist != "exponential" || !(ch.mean > 0)) {
					t.Errorf("%s: jitter %s mean %g, want the preset's exponential", ch.dir, ch.dist, ch.mean)
				}
				if !ch.keep && (ch.dist != "" || ch.mean != 0) {
					t.Errorf("%s: jitter %s mean %g, want none", ch.dir, ch.dist, ch.mean)
				}
			}
			// The resolved scenario reads back the same.
			if _, err := Parse(s.YAML(), "resolved.yaml", ""); err != nil {
				t.Errorf("resolved YAML does not load: %v\n%s", err, s.YAML())
			}
		})
	}
	for _, tt := range []struct{ src, want string }{
		{"network:\n  uplink: {jitter: {dist: none, mean: 5ms}}\n", `j.yaml:8: network.uplink.jitter: dist none takes no mean or sd`},
		{"network:\n  uplink: {jitter: off}\n", `j.yaml:8: network.uplink.jitter: expected a mapping with fields dist, mean, sd, got "off" (or the shorthand none)`},
	} {
		_, err := Parse([]byte(minimal+tt.src), "j.yaml", "")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.src, err, tt.want)
		}
	}
}

// TestFieldReferenceNamesPresets checks that the field table names what a
// name field takes and the value each preset gives a preset-backed field.
func TestFieldReferenceNamesPresets(t *testing.T) {
	ref := FieldReference()
	for _, want := range []string{
		"| `phone.device` | phone preset (`nexus5`, `oneplus12`, `pixel4`) |",
		"| `network.preset` | network preset (`3g`, `5g`, `5g-mmwave`, `campus-wifi`, `campus-wifi-modi`, `home-wifi`, `lte`, `none`) |",
		"| from `phone.device`: nexus5 2GiB, oneplus12 16GiB, pixel4 6GiB |",
		"| from `network.preset`: 3g 145kbps, 5g 75.64Mbps, 5g-mmwave 132.7Mbps, campus-wifi 50Mbps, campus-wifi-modi 50Mbps, home-wifi 20Mbps, lte 6Mbps |",
		"from `network.preset`: 3g 75ms, 5g 30.5ms, 5g-mmwave 31.5ms, campus-wifi 2.958ms,",
		"| from `network.preset`: every preset: 0 |",
		"| `network.uplink.jitter` | mapping or `none` |",
		"; or a file path)",
		"| `models` | list of zoo models (`alexnet`, `mobilenet-v1`,",
	} {
		if !strings.Contains(ref, want) {
			t.Errorf("field reference lacks %q", want)
		}
	}
}

// TestJitterNoneSwept checks that a sweep may switch the preset's jitter
// off at some points: none and {dist: none} as values, beside a jitter of
// its own, each point's uplink as its value says, the downlink the
// preset's.
func TestJitterNoneSwept(t *testing.T) {
	s, err := Parse([]byte(minimal+"sweep:\n  params:\n    - {path: network.uplink.jitter, values: [none, {dist: exponential, mean: 10ms}, {dist: none}]}\n"), "j.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		dist string
		mean float64
	}{{"", 0}, {"exponential", 0.010}, {"", 0}}
	for i, w := range want {
		p, err := s.Point(i)
		if err != nil {
			t.Fatal(err)
		}
		up, down := p.Scenario.res.link.Up.Jitter, p.Scenario.res.link.Down.Jitter
		if up.Dist != w.dist || math.Abs(float64(up.Mean)-w.mean) > 1e-12 || down.Dist != "exponential" {
			t.Errorf("point %d (%s): uplink %+v, downlink %+v", i, p.Params[0].Value, up, down)
		}
	}
}

// TestNotSweptSuggests checks that a path the sweep does not vary, named by
// quick.sweep or a chart, gets the closest swept path, or the list.
func TestNotSweptSuggests(t *testing.T) {
	src := minimal + "sweep:\n  params:\n    - {path: network.uplink.bandwidth, values: [1Mbps, 2Mbps]}\n" +
		"quick:\n  sweep:\n    - {path: network.uplink.bandwith, values: [1Mbps]}\n" +
		"outputs:\n  charts:\n    - {kind: sweep, param: phone.count, metric: mean}\n"
	_, err := Parse([]byte(src), "q.yaml", "")
	for _, want := range []string{
		`q.yaml:12: quick.sweep[0].path: "network.uplink.bandwith" is not swept (did you mean "network.uplink.bandwidth"?)`,
		`q.yaml:15: outputs.charts[0].param: "phone.count" is not swept (sweep paths: network.uplink.bandwidth, split)`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}
