package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/infersim/infersim/scenarios/internal/schema"
)

func mustParse(t testing.TB, src string) *Scenario {
	t.Helper()
	s, err := Parse([]byte(src), "test.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pointTable lists every point's parameters as "path=value" joined by ";".
func pointTable(t *testing.T, s *Scenario) []string {
	t.Helper()
	var out []string
	for i := 0; i < s.Points(); i++ {
		pt, err := s.Point(i)
		if err != nil {
			t.Fatal(err)
		}
		var ps []string
		for _, p := range pt.Params {
			ps = append(ps, p.Name+"="+p.Value)
		}
		out = append(out, strings.Join(ps, ";"))
	}
	return out
}

func TestSweepGrid(t *testing.T) {
	s := mustParse(t, minimal+`sweep:
  params:
    - {path: network.uplink.bandwidth, values: [1Mbps, 10Mbps, 100Mbps]}
    - {path: workload.modes, values: [cloud-cpu, [cloud-gpu, on-device-cpu]]}
`)
	got := pointTable(t, s)
	want := []string{
		"network.uplink.bandwidth=1Mbps;workload.modes=cloud-cpu",
		"network.uplink.bandwidth=1Mbps;workload.modes=[cloud-gpu, on-device-cpu]",
		"network.uplink.bandwidth=10Mbps;workload.modes=cloud-cpu",
		"network.uplink.bandwidth=10Mbps;workload.modes=[cloud-gpu, on-device-cpu]",
		"network.uplink.bandwidth=100Mbps;workload.modes=cloud-cpu",
		"network.uplink.bandwidth=100Mbps;workload.modes=[cloud-gpu, on-device-cpu]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("points:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Each point's scenario has the values applied, and its cells follow.
	pt, _ := s.Point(3)
	if bw := pt.Scenario.Network.Uplink.Bandwidth; bw != 10e6 {
		t.Errorf("point 3 bandwidth = %v", bw)
	}
	if n := len(pt.Scenario.Cells()); n != 2 {
		t.Errorf("point 3 has %d cells, want 2", n)
	}
	if p := pt.Params[0]; p.Number != 10e6 || !p.IsNumeric() {
		t.Errorf("param %+v", p)
	}
	if p := pt.Params[1]; p.IsNumeric() {
		t.Errorf("modes param is numeric: %+v", p)
	}
	// The swept field is written, so the preset does not override it; the
	// downlink still comes from the preset.
	if pt.Scenario.Network.Downlink.Bandwidth != 50e6 {
		t.Errorf("downlink %v", pt.Scenario.Network.Downlink.Bandwidth)
	}
	if got := s.SweepPaths(); strings.Join(got, ",") != "network.uplink.bandwidth,workload.modes" {
		t.Errorf("SweepPaths = %v", got)
	}
}

func TestSweepZip(t *testing.T) {
	s := mustParse(t, minimal+`sweep:
  combine: zip
  params:
    - {path: network.preset, values: [campus-wifi, lte, 3g]}
    - {path: network.uplink.latency, values: [10ms, 50ms, 100ms]}
`)
	got := pointTable(t, s)
	want := "network.preset=campus-wifi;network.uplink.latency=10ms|network.preset=lte;network.uplink.latency=50ms|network.preset=3g;network.uplink.latency=100ms"
	if strings.Join(got, "|") != want {
		t.Errorf("points %v", got)
	}
	// A swept preset fills what it fills; the swept latency overrides it.
	pt, _ := s.Point(1)
	if pt.Scenario.Network.Radio != "lte" || pt.Scenario.Network.Uplink.Latency != 0.05 {
		t.Errorf("point 1: radio %s latency %v", pt.Scenario.Network.Radio, pt.Scenario.Network.Uplink.Latency)
	}
}

// TestSweepLogRange checks log steps by hand: 0.25 to 100 Mbps in 13 steps
// has ratio 400^(1/12) = 1.647548 between steps; the values are rounded to
// 4 significant digits in the unit of from.
func TestSweepLogRange(t *testing.T) {
	s := mustParse(t, minimal+`sweep:
  params:
    - {path: network.uplink.bandwidth, range: {from: 0.25Mbps, to: 100Mbps, steps: 13, scale: log}}
`)
	want := []string{"0.25", "0.4119", "0.6786", "1.118", "1.842", "3.035", "5", "8.238", "13.57", "22.36", "36.84", "60.7", "100"}
	ratio := math.Pow(400, 1.0/12)
	for i := 0; i < s.Points(); i++ {
		pt, _ := s.Point(i)
		p := pt.Params[0]
		if p.Value != want[i]+"Mbps" {
			t.Errorf("value %d = %s, want %sMbps", i, p.Value, want[i])
		}
		exact := 0.25e6 * math.Pow(ratio, float64(i))
		if math.Abs(p.Number-exact)/exact > 5e-4 {
			t.Errorf("value %d = %v, exact %v", i, p.Number, exact)
		}
		if got := float64(pt.Scenario.Network.Uplink.Bandwidth); got != p.Number {
			t.Errorf("point %d runs %v, labelled %v", i, got, p.Number)
		}
	}
	if s.Points() != 13 {
		t.Errorf("%d points", s.Points())
	}
}

func TestSweepLinearRanges(t *testing.T) {
	tests := []struct {
		path, rng string
		want      string
	}{
		{"phone.memory.background_pressure", "{from: 0, to: 0.9, steps: 4}", "0 0.3 0.6 0.9"},
		{"phone.memory.background_pressure", "{from: 0%, to: 90%, steps: 4}", "0 0.3 0.6 0.9"},
		{"phone.count", "{from: 1, to: 1000, steps: 4, scale: log}", "1 10 100 1000"},
		{"cloud.workers", "{from: 1, to: 7, steps: 4}", "1 3 5 7"},
		{"workload.arrivals.think", "{from: 0s, to: 1.5s, steps: 4}", "0s 0.5s 1s 1.5s"},
		{"phone.gc.pause_scale", "{from: 2, to: 2, steps: 1}", "2"},
	}
	for _, tt := range tests {
		s := mustParse(t, minimal+fmt.Sprintf("sweep:\n  params:\n    - {path: %s, range: %s}\n", tt.path, tt.rng))
		var got []string
		for i := 0; i < s.Points(); i++ {
			pt, _ := s.Point(i)
			got = append(got, pt.Params[0].Value)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s %s: %v, want %s", tt.path, tt.rng, got, tt.want)
		}
	}
	_, err := Parse([]byte(minimal+"sweep:\n  params:\n    - {path: cloud.workers, range: {from: 1, to: 3, steps: 5}}\n"), "t.yaml", "")
	if err == nil || !strings.Contains(err.Error(), "the range gives 2 twice") {
		t.Errorf("duplicate integers: %v", err)
	}
}

func TestSweepIndexPaths(t *testing.T) {
	s := mustParse(t, strings.Replace(minimal, "[alexnet]", "[alexnet, nin]", 1)+`sweep:
  params:
    - {path: "models[1]", values: [squeezenet-v1.0, mobilenet-v1]}
    - {path: "workload.images[0].size", values: [1920x1080]}
`)
	pt, err := s.Point(1)
	if err != nil {
		t.Fatal(err)
	}
	if m := pt.Scenario.Models; len(m) != 2 || m[0] != "alexnet" || m[1] != "mobilenet-v1" {
		t.Errorf("models %v", m)
	}
	if sz := pt.Scenario.Workload.Images[0].Size; sz != (ImageSize{W: 1920, H: 1080}) {
		t.Errorf("size %v", sz)
	}
	// An index past the list is an error naming it.
	_, err = Parse([]byte(minimal+"sweep:\n  params:\n    - {path: \"models[3]\", values: [nin]}\n"), "t.yaml", "")
	if err == nil || !strings.Contains(err.Error(), "t.yaml:9: sweep.params[0].values[0]: models: has 1 entries; [3] is out of range [0, 0]") {
		t.Errorf("got %v", err)
	}
	// A list that takes its default (images: study) can be indexed.
	s = mustParse(t, strings.Replace(minimal, "  images: [{size: 960x540}]\n", "", 1)+"sweep:\n  params:\n    - {path: \"workload.images[2].count\", values: [3]}\n")
	pt, _ = s.Point(0)
	if g := pt.Scenario.Workload.Images; len(g) != 3 || g[2].Count != 3 || g[0].Count != 15 {
		t.Errorf("images %+v", g)
	}
}

func TestSetAndOverride(t *testing.T) {
	s := mustParse(t, minimal)
	if err := s.Set("phone.memory.background_pressure", "0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.Phone.Memory.BackgroundPressure != 0 {
		t.Errorf("pressure %v: the preset overrode a zero that was set", s.Phone.Memory.BackgroundPressure)
	}
	if err := s.Set("network.uplink.bandwith", "1Mbps"); err == nil || !strings.Contains(err.Error(), `did you mean "bandwidth"`) {
		t.Errorf("Set with a typo: %v", err)
	}
	if err := s.Override(3, 7); err != nil {
		t.Fatal(err)
	}
	if s.Replications != 3 || s.Cells()[0].Requests != 7 || s.Phone.Memory.BackgroundPressure != 0 {
		t.Errorf("after Override: %d replications, %d requests, pressure %v", s.Replications, s.Cells()[0].Requests, s.Phone.Memory.BackgroundPressure)
	}
	// A duration gives way to requests; times arrivals keep their first times.
	d := mustParse(t, strings.Replace(minimal, "  requests: 2\n", "  duration: 1h\n", 1))
	if err := d.Override(0, 4); err != nil || d.Cells()[0].Requests != 4 {
		t.Errorf("duration override: %v, %+v", err, d.Cells())
	}
	tm := mustParse(t, strings.Replace(minimal, "  requests: 2\n", "  arrivals: {type: times, at: [0s, 1s, 2s, 3s]}\n", 1))
	if err := tm.Override(0, 2); err != nil || tm.Cells()[0].Requests != 2 || len(tm.Workload.Arrivals.At) != 2 {
		t.Errorf("times override: %v, %+v", err, tm.Workload.Arrivals)
	}
}

func TestPresetsThenFields(t *testing.T) {
	s := mustParse(t, minimal+`network:
  preset: lte
  uplink: {bandwidth: 2Mbps}
phone:
  memory: {ram: 1GiB}
`)
	n := s.Network
	if n.Radio != "lte" || n.Model != "tcp" || n.Uplink.Bandwidth != 2e6 || n.Downlink.Bandwidth == 2e6 {
		t.Errorf("network %+v", n)
	}
	if s.Phone.Memory.RAM != 1<<30 || s.Phone.Memory.HeapLimit != 192<<20 {
		t.Errorf("memory %+v", s.Phone.Memory)
	}
	// preset none: every channel field must be given.
	_, err := Parse([]byte(minimal+"network: {preset: none, uplink: {bandwidth: 1Mbps}}\n"), "t.yaml", "")
	if err == nil || !strings.Contains(err.Error(), "t.yaml:7: network.downlink: bandwidth: required with network.preset none") {
		t.Errorf("preset none: %v", err)
	}
}

// TestResolvedYAMLRoundTrip: the resolved YAML (summary.json's scenario)
// loads back to a scenario whose resolved YAML is the same.
func TestResolvedYAMLRoundTrip(t *testing.T) {
	for _, n := range BuiltinNames() {
		s, err := Builtin(n)
		if err != nil {
			t.Fatal(err)
		}
		y := s.YAML()
		back, err := Parse(y, "back.yaml", "")
		if err != nil {
			t.Fatalf("%s: resolved YAML does not load:\n%s\n%v", n, y, err)
		}
		if y2 := back.YAML(); string(y2) != string(y) {
			t.Errorf("%s: round trip differs:\n%s\n---\n%s", n, y, y2)
		}
	}
}

// deriveFresh is derive as it was before points started from a decoded
// base: the document decoded afresh for every point (the reference that
// TestPointMatchesFreshDecode holds derive to).
func deriveFresh(s *Scenario, i int, c *collector) *Scenario {
	p := &Scenario{file: s.file, dir: s.dir, doc: s.doc, shared: s.shared, filled: map[string]bool{}}
	d := schema.NewDecoder(c)
	root := reflect.ValueOf(p).Elem()
	d.Decode(registry, s.doc, root, "", 0)
	if s.plan != nil && len(s.plan.params) > 0 {
		for k, j := range s.plan.indices(i) {
			sp := s.plan.params[k]
			d.Apply(registry, root, sp.path, sp.nodes[j])
		}
	}
	p.set, p.lines, p.bad = d.Set, d.Lines, d.Bad
	p.plan = &sweepPlan{n: 1}
	p.validate(c)
	return p
}

// TestPointMatchesFreshDecode: every point of every built-in scenario,
// and of scenarios whose points or document have errors, comes out of
// derive exactly as from decoding the document afresh — the same values,
// bookkeeping, resolved configuration and errors — and building points
// leaves the decoded base unchanged.
func TestPointMatchesFreshDecode(t *testing.T) {
	var ss []*Scenario
	for _, name := range BuiltinNames() {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s)
	}
	sweep := "sweep:\n  params:\n    - {path: network.uplink.bandwidth, values: [1Mbps, 10Mbps]}\n"
	for _, src := range []string{
		minimal + "sweep:\n  params:\n    - path: network.uplink.bandwidth\n      values: [1Mbps, -2Mbps, 3]\n",
		strings.Replace(minimal, "[cloud-gpu]", "[split:8]", 1) + "sweep:\n  params:\n    - {path: models, values: [alexnet, squeezenet-v1.0]}\n",
		minimal + "phone: {bogus: 1, gpu: [x]}\n" + sweep,
		minimal + "base: &b {bandwidth: 5Mbps}\nnetwork:\n  uplink: {<<: *b, latency: 10ms}\n" + sweep,
		minimal + "sweep:\n  params:\n    - path: workload.images\n      values:\n        - study\n        - [{size: 10x10, count: 2}]\n        - [{size: 0x1}]\n" +
			"    - {path: \"workload.images[0].count\", values: [1, 0]}\n",
		minimal + "conclusions: [{kind: trend, param: network.uplink.bandwidth}]\noutputs: {charts: [{kind: sweep, param: network.uplink.bandwidth}]}\n" + sweep,
	} {
		s, err := decodeScenario([]byte(src), "t.yaml", "")
		if s == nil {
			t.Fatalf("cannot decode (%v):\n%s", err, src)
		}
		s.Validate() // errors or not, the sweep is compiled
		ss = append(ss, s)
	}
	for _, s := range ss {
		if s.plan == nil || len(s.plan.params) == 0 {
			continue // Point returns the scenario itself
		}
		for i := 0; i < s.Points(); i++ {
			c1, c2 := &collector{File: s.file}, &collector{File: s.file}
			got, want := s.derive(i, c1), deriveFresh(s, i, c2)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s point %d: derive differs from decoding afresh:\n got %+v\nwant %+v", s.Name, i, got, want)
			}
			if fmt.Sprint(c1.Errs) != fmt.Sprint(c2.Errs) {
				t.Fatalf("%s point %d: errors differ:\n got %v\nwant %v", s.Name, i, c1.Errs, c2.Errs)
			}
		}
		fresh := &collector{File: s.file}
		want := s.cloneDecoded(fresh)
		want.filled = nil
		b := s.plan.base
		if b == nil {
			t.Fatalf("%s: %d points, no base", s.Name, s.plan.n)
		}
		if !reflect.DeepEqual(b.s, want) || fmt.Sprint(b.errs) != fmt.Sprint(fresh.Errs) {
			t.Errorf("%s: the decoded base changed after the points were built", s.Name)
		}
	}
}
