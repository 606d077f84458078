package scenarios

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// handScenario is a scenario whose sweep names the parameters of the
// hand-made summaries below; conclusions are appended per test.
const handScenario = `name: hand
replications: 2
phone: {gpu: nexus5-cnndroid-gpu}
models: [alexnet, nin]
workload:
  modes: [on-device-cpu, on-device-gpu, cloud-gpu]
  images: [{size: 960x540, count: 4}]
  duration: 1h
sweep:
  params:
    - {path: network.preset, values: [campus-wifi, lte]}
    - {path: network.uplink.bandwidth, values: [1Mbps, 10Mbps, 100Mbps]}
`

// sum makes a summary with a mean latency, an energy and params.
func sum(point int, model, mode string, start result.Start, lat, energy float64, params ...result.Param) result.Summary {
	nan := math.NaN()
	st := func(m float64) result.Stat {
		return result.Stat{N: 4, Mean: m, SD: nan, CI95: nan, Min: m, P50: m, P95: 1.5 * m, P99: 2 * m, Max: 2 * m}
	}
	s := result.Summary{Key: result.Key{Point: point, Model: model, Mode: mode, Image: "960x540", Start: start},
		Params: params, Requests: 4, Latency: st(lat), EnergyTotal: st(energy), Throughput: 0.5, BatteryPer1000: 10 * energy}
	s.Outcomes[result.OK] = 4
	s.Energy[result.Radio] = st(energy / 4)
	for p := range s.Phases {
		s.Phases[p] = result.Stat{Mean: nan, SD: nan, CI95: nan, Min: nan, P50: nan, P95: nan, P99: nan, Max: nan}
	}
	return s
}

func bw(mbps float64) result.Param {
	return result.Param{Name: "network.uplink.bandwidth", Value: strconv.FormatFloat(mbps, 'g', 3, 64) + "Mbps", Number: mbps * 1e6}
}

func preset(name string) result.Param {
	return result.Param{Name: "network.preset", Value: name, Number: math.NaN()}
}

// handRun is alexnet and nin, on-device and cloud, at 1, 10 and 100 Mbps
// (campus-wifi). AlexNet: on-device 1, 2, 3 s; cloud 3, 1.5, 0.5 s (they
// cross on a log axis at 10^0.8 = 6.31 Mbps, the result.Crossings
// example). NIN: on-device 5 s everywhere, cloud 1 s everywhere.
func handRun() []result.Summary {
	var sums []result.Summary
	for i, b := range []float64{1, 10, 100} {
		ps := []result.Param{preset("campus-wifi"), bw(b)}
		sums = append(sums,
			sum(i, "alexnet", "on-device-cpu", result.Warm, []float64{1, 2, 3}[i], 10, ps...),
			sum(i, "alexnet", "on-device-cpu", result.Cold, 8, 20, ps...),
			sum(i, "alexnet", "cloud-gpu", result.Warm, []float64{3, 1.5, 0.5}[i], []float64{12, 6, 2}[i], ps...),
			sum(i, "nin", "on-device-cpu", result.Warm, 5, 9, ps...),
			sum(i, "nin", "cloud-gpu", result.Warm, 1, 1, ps...),
		)
	}
	return sums
}

func conclude1(t *testing.T, conclusion string, sums []result.Summary) string {
	t.Helper()
	s := mustParse(t, handScenario+"conclusions:\n"+conclusion)
	lines, err := Conclude(s, sums)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	return lines[0]
}

func TestConcludeKinds(t *testing.T) {
	sums := handRun()
	tests := []struct {
		name, conclusion, want string
	}{
		{"crossover, log-interpolated, and no crossing", `  - {kind: crossover, param: network.uplink.bandwidth, a: {modes: [on-device]}, b: {modes: [cloud]}}
`, "mean latency: on-device beats cloud below 6.3 Mbps uplink (no CI) for alexnet; cloud wins everywhere in 1–100 Mbps uplink for nin"},
		{"crossover on cold starts: the cloud's warm requests stand for its cold ones", `  - {kind: crossover, param: network.uplink.bandwidth, where: {start: cold, models: [alexnet]}, a: {modes: [on-device]}, b: {modes: [cloud]}}
`, "mean latency (cold, alexnet): cloud wins everywhere in 1–100 Mbps uplink"},
		{"crossover with a higher-is-better metric flips the winner", `  - {kind: crossover, metric: throughput, better: higher, param: network.uplink.bandwidth, where: {models: [nin]}, a: {modes: [on-device]}, b: {modes: [cloud]}}
`, "throughput (nin): on-device and cloud tie everywhere in 1–100 Mbps uplink"},
		{"trend: grows, falls and flat", `  - {kind: trend, param: network.uplink.bandwidth}
`, "mean latency as the uplink goes 1 Mbps → 100 Mbps: grows 3× for alexnet on-device-cpu, falls 6× for alexnet cloud-gpu, stays within ±5 % (no CI) for nin"},
		{"compare with a share", `  - {kind: compare, metric: energy, where: {params: [network.uplink.bandwidth=10Mbps]}, a: {modes: [cloud]}, b: {modes: [on-device]}, share: energy.radio}
`, "energy per request (uplink 10Mbps): cloud uses 1.7–9× less energy (no CI) than on-device; 25 % of cloud's is radio energy"},
		{"compare along a parameter", `  - {kind: compare, param: network.uplink.bandwidth, where: {models: [alexnet]}, a: {modes: [cloud]}, b: {modes: [on-device]}}
`, "mean latency (alexnet): cloud is 3× slower (no CI) than on-device at 1 Mbps uplink, 6× faster (no CI) at 100 Mbps uplink"},
		{"threshold reached, interpolated in log x", `  - {kind: threshold, param: network.uplink.bandwidth, level: 2.5, where: {modes: [on-device]}}
`, "mean latency (on-device-cpu): reaches 2.5 s from about 32 Mbps uplink (between 10 and 100 Mbps) for alexnet; already 2.5 s at 1 Mbps uplink for nin"},
		{"threshold never reached", `  - {kind: threshold, param: network.uplink.bandwidth, level: 4, where: {models: [alexnet], modes: [on-device]}}
`, "mean latency (alexnet, on-device-cpu): stays below 4 s in 1–100 Mbps uplink (at most 3 s)"},
		{"best along a parameter", `  - {kind: best, param: network.uplink.bandwidth, where: {models: [alexnet]}}
`, "lowest mean latency (alexnet): on-device-cpu below 6.3 Mbps uplink, cloud-gpu above"},
		{"best without a parameter", `  - {kind: best, where: {params: [network.uplink.bandwidth=100Mbps]}}
`, "lowest mean latency (uplink 100Mbps): cloud-gpu for every model (500 ms–1 s)"},
		{"best without a parameter, different winners", `  - {kind: best, where: {params: [network.uplink.bandwidth=1Mbps]}}
`, "lowest mean latency (uplink 1Mbps): on-device-cpu for alexnet (1 s), cloud-gpu for nin (1 s)"},
		{"cold and warm merged", `  - {kind: trend, param: network.uplink.bandwidth, where: {start: all, models: [alexnet], modes: [on-device]}}
`, "mean latency (cold and warm requests, alexnet, on-device-cpu) as the uplink goes 1 Mbps → 100 Mbps: grows 1.2× (4.5 s → 5.5 s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := conclude1(t, tc.conclusion, sums); got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestConcludeNoData: a group without successful requests says so, and a
// selection that matches nothing is an error naming the conclusion.
func TestConcludeNoData(t *testing.T) {
	sums := handRun()
	for i := range sums {
		if sums[i].Model == "nin" && sums[i].Mode == "cloud-gpu" {
			sums[i].Outcomes = [result.NumOutcomes]int{}
			sums[i].Outcomes[result.Timeout] = 4
		}
	}
	got := conclude1(t, `  - {kind: crossover, param: network.uplink.bandwidth, a: {modes: [on-device]}, b: {modes: [cloud]}}
`, sums)
	if !strings.HasSuffix(got, "; no data to compare for nin") {
		t.Errorf("got %s", got)
	}
	s := mustParse(t, handScenario+"conclusions:\n  - {kind: trend, param: network.uplink.bandwidth, where: {modes: [auto]}}\n")
	lines, err := Conclude(s, sums)
	if err == nil || len(lines) != 0 || !strings.Contains(err.Error(), "test.yaml:14: conclusions[0]: no result matches where (auto)") {
		t.Errorf("lines %q, err %v", lines, err)
	}
	run := &result.Run{Complete: true, Summaries: sums}
	if l, d := conclusionsOf(s, run); len(l) != 1 || len(d) != 1 || !strings.HasPrefix(l[0], "(conclusions[0] not computed: no result matches") {
		t.Errorf("conclusionsOf = %q", l)
	}
	run.Complete = false
	if l, _ := conclusionsOf(s, run); l != nil {
		t.Errorf("an interrupted run has conclusions %q", l)
	}
}

// TestConclusionErrors: a broken conclusions, quick or charts section is
// reported with its file, line and field, all at once.
func TestConclusionErrors(t *testing.T) {
	src := handScenario + `conclusions:
  - {kind: crossover, metric: latency.p98, param: network.uplink.bandwidth}
  - {kind: trend, param: phone.gc.pause_scale, a: {modes: [cloud]}}
  - {kind: threshold, param: network.preset}
  - {kind: compare, a: {modes: [phone], params: [network.preset=3g, bandwidth]}, b: {models: [squeezenet]}}
  - {metric: energy}
  - {kind: defaults, metric: energy}
quick:
  requests: 3
  duration: 1min
  sweep:
    - {path: network.uplink.bandwidth, steps: 3}
    - {path: phone.count, values: [1]}
outputs:
  charts:
    - {kind: sweep, param: phone.count, metric: p98}
    - {kind: energy, param: network.preset, params: [network.preset=wifi]}
`
	_, err := Parse([]byte(src), "test.yaml", "")
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{
		`test.yaml:14: conclusions[0].metric: unknown metric "latency.p98" (did you mean "latency.p95"?)`,
		`test.yaml:14: conclusions[0]: a: required by crossover`,
		`test.yaml:14: conclusions[0]: b: required by crossover`,
		`test.yaml:15: conclusions[1].param: "phone.gc.pause_scale" is not swept (sweep paths: network.preset, network.uplink.bandwidth)`,
		`test.yaml:15: conclusions[1].a: does not apply to trend`,
		`test.yaml:16: conclusions[2].param: network.preset is a name; threshold needs a numeric parameter`,
		`test.yaml:16: conclusions[2]: level: required by threshold`,
		`test.yaml:17: conclusions[3].a.modes[0]: "phone" is neither a mode nor a family`,
		`test.yaml:17: conclusions[3].a.params[0]: network.preset=3g: not a value of the sweep (campus-wifi, lte)`,
		`test.yaml:17: conclusions[3].a.params[1]: "bandwidth": write path=value`,
		`test.yaml:17: conclusions[3].b.models[0]: "squeezenet" is not one of the scenario's models`,
		`test.yaml:18: conclusions[4]: kind: required`,
		`test.yaml:19: conclusions[5].metric: does not apply to defaults`,
		`test.yaml:22: quick.duration: give requests or duration, not both`,
		`test.yaml:24: quick.sweep[0].steps: network.uplink.bandwidth is swept by values, not a range: give values`,
		`test.yaml:25: quick.sweep[1].path: "phone.count" is not swept`,
		`test.yaml:28: outputs.charts[0].param: "phone.count" is not swept`,
		`test.yaml:28: outputs.charts[0].metric: unknown chart metric "p98" (did you mean "p95"?)`,
		`test.yaml:29: outputs.charts[1].param: only a sweep chart has a param`,
		`test.yaml:29: outputs.charts[1].params[0]: network.preset=wifi: not a value of the sweep (campus-wifi, lte)`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks\n  %s\nin\n%v", w, err)
		}
	}
}

func TestApplyQuick(t *testing.T) {
	src := `name: q
replications: 5
models: [alexnet]
workload:
  modes: [cloud-gpu]
  images: [{size: 960x540}]
  duration: 1h
sweep:
  params:
    - {path: network.uplink.bandwidth, range: {from: 1Mbps, to: 100Mbps, steps: 9, scale: log}}
    - {path: network.preset, values: [campus-wifi, home-wifi, lte]}
quick:
  replications: 2
  duration: 10min
  sweep:
    - {path: network.uplink.bandwidth, steps: 3}
    - {path: network.preset, values: [lte]}
`
	s := mustParse(t, src)
	if !s.HasQuick() || s.Points() != 27 {
		t.Fatalf("points %d", s.Points())
	}
	if err := s.ApplyQuick(); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		if s.Replications != 2 || s.Workload.Duration != 600 || s.Points() != 3 {
			t.Errorf("quick: %d replications, %v, %d points", s.Replications, s.Workload.Duration, s.Points())
		}
		if got := strings.Join(pointTable(t, s), " | "); got != "network.uplink.bandwidth=1Mbps;network.preset=lte | network.uplink.bandwidth=10Mbps;network.preset=lte | network.uplink.bandwidth=100Mbps;network.preset=lte" {
			t.Errorf("points: %s", got)
		}
	}
	check()
	if err := s.ApplyQuick(); err != nil { // idempotent
		t.Fatal(err)
	}
	check()
	// A quick value is checked where it is written.
	bad := strings.Replace(src, "values: [lte]", "values: [lte, satellite]", 1)
	b, err := Parse([]byte(bad), "test.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	err = b.ApplyQuick()
	if err == nil || !strings.Contains(err.Error(), `test.yaml:17: sweep.params[1].values[1]: network.preset: unknown network preset "satellite"`) {
		t.Errorf("bad quick value: %v", err)
	}
	// Without a quick section, nothing changes.
	n := mustParse(t, minimal)
	if err := n.ApplyQuick(); err != nil || n.HasQuick() || n.Cells()[0].Requests != 2 {
		t.Errorf("no quick section: %v", err)
	}
}

// whatIfChecks assert, for each built-in what-if, the direction theory
// fixes, on the quick run's summaries, and that its conclusion line says
// the same.
var whatIfChecks = map[string]func(t *testing.T, s *Scenario, run *result.Run){
	"bandwidth-sweep": func(t *testing.T, s *Scenario, run *result.Run) {
		// Cloud latency falls as the uplink gets faster.
		for _, up := range []string{"original", "resized"} {
			for _, m := range s.Models {
				lo := pick(t, run, m, "cloud-gpu", "", "workload.upload="+up, "network.uplink.bandwidth=0.25Mbps")
				hi := pick(t, run, m, "cloud-gpu", "", "workload.upload="+up, "network.uplink.bandwidth=100Mbps")
				if !(hi.Latency.Mean < lo.Latency.Mean) {
					t.Errorf("%s, upload %s: cloud latency %v at 100 Mbps, %v at 0.25 Mbps", m, up, hi.Latency.Mean, lo.Latency.Mean)
				}
			}
		}
		wantLine(t, run, 4, "falls ")
		wantLine(t, run, 2, "cloud wins everywhere in 0.25–100 Mbps uplink")
	},
	"memory-pressure": func(t *testing.T, s *Scenario, run *result.Run) {
		// Kills rise with pressure.
		for _, m := range s.Models {
			for _, mode := range s.Workload.Modes {
				lo := metricOf(pickAny(t, run, m, mode, "phone.memory.background_pressure=0"), "app.kills")
				hi := metricOf(pickAny(t, run, m, mode, "phone.memory.background_pressure=0.9"), "app.kills")
				if !(hi > lo) {
					t.Errorf("%s %s: %v kills at 90 %% pressure, %v at 0", m, mode, hi, lo)
				}
			}
		}
		wantLine(t, run, 0, "reaches 50 % from about")
		wantLine(t, run, 1, "rises to ")
		// Loads are physical (issue 17, finding 1): a world cannot complete
		// more loads than fit in its duration, one clean load (a cold
		// request at no pressure) at a time, and it cannot spend more
		// seconds loading than it lasts.
		hours := float64(s.Workload.Duration) / 3600
		for _, m := range s.Models {
			for _, mode := range s.Workload.Modes {
				load := pick(t, run, m, mode, "cold", "phone.memory.background_pressure=0").Phases[result.Load].Mean
				if !(load > 0) {
					t.Fatalf("%s %s: clean load %v s", m, mode, load)
				}
				for _, p := range []string{"0", "0.3", "0.45", "0.6", "0.9"} {
					g := pickAny(t, run, m, mode, "phone.memory.background_pressure="+p)
					perHour := metricOf(g, "model.loads") / hours
					if limit := 3600 / load; perHour > limit {
						t.Errorf("%s %s at pressure %s: %.1f completed loads/h, more than 3600 s / %.1f s = %.1f", m, mode, p, perHour, load, limit)
					}
					if ls := metricOf(g, "model.load_s") / hours; ls > 3600 {
						t.Errorf("%s %s at pressure %s: %.0f s loading per hour", m, mode, p, ls)
					}
				}
			}
		}
	},
	"gc-storm": func(t *testing.T, s *Scenario, run *result.Run) {
		// p99 rises with the pause scale (AlexNet, the large Java heap).
		for _, a := range []string{"1", "4"} {
			lo := pick(t, run, "alexnet", "on-device-gpu", "warm", "phone.gc.alloc_scale="+a, "phone.gc.pause_scale=1")
			hi := pick(t, run, "alexnet", "on-device-gpu", "warm", "phone.gc.alloc_scale="+a, "phone.gc.pause_scale=16")
			if !(hi.Latency.P99 > lo.Latency.P99) {
				t.Errorf("alloc scale %s: p99 %v at pause scale 16, %v at 1", a, hi.Latency.P99, lo.Latency.P99)
			}
		}
		wantLine(t, run, 0, "grows ")
	},
	"app-switching": func(t *testing.T, s *Scenario, run *result.Run) {
		// Reloads per hour fall as the switching interval grows.
		for _, mode := range []string{"on-device-cpu", "on-device-gpu"} {
			lo := metricOf(pickAny(t, run, "nin", mode, "phone.lifecycle.background_every=1min"), "model.loads")
			hi := metricOf(pickAny(t, run, "nin", mode, "phone.lifecycle.background_every=30min"), "model.loads")
			if !(hi < lo) {
				t.Errorf("%s: %v loads with 30 min between trips, %v with 1 min", mode, hi, lo)
			}
		}
		wantLine(t, run, 0, "falls ")
	},
	"lte-vs-wifi": func(t *testing.T, s *Scenario, run *result.Run) {
		// LTE costs at least WiFi's energy per request.
		for _, think := range []string{"1s", "10s", "60s"} {
			lte := pick(t, run, "squeezenet-v1.0", "cloud-gpu", "warm", "network.preset=lte", "workload.arrivals.think="+think)
			wifi := pick(t, run, "squeezenet-v1.0", "cloud-gpu", "warm", "network.preset=campus-wifi", "workload.arrivals.think="+think)
			if !(lte.EnergyTotal.Mean >= wifi.EnergyTotal.Mean) {
				t.Errorf("think %s: LTE %v J, WiFi %v J", think, lte.EnergyTotal.Mean, wifi.EnergyTotal.Mean)
			}
		}
		wantLine(t, run, 0, "lte uses ")
	},
	"split-inference": func(t *testing.T, s *Scenario, run *result.Run) {
		// With a fast uplink, the phone spends less with split:0 than
		// computing every layer itself (split:N).
		for model, n := range map[string]string{"alexnet": "24", "squeezenet-v1.0": "67"} {
			zero := pick(t, run, model, "split:0", "warm", "network.uplink.bandwidth=50Mbps")
			all := pick(t, run, model, "split:"+n, "warm", "network.uplink.bandwidth=50Mbps")
			if !(zero.EnergyTotal.Mean < all.EnergyTotal.Mean) {
				t.Errorf("%s at 50 Mbps: split:0 %v J, split:%s %v J", model, zero.EnergyTotal.Mean, n, all.EnergyTotal.Mean)
			}
		}
		wantLine(t, run, 1, "split:0")
	},
	"crowded-cloud": func(t *testing.T, s *Scenario, run *result.Run) {
		// Without batching, queueing delay rises with the phones. With
		// batching it need not: one phone waits max_wait for a batch that
		// never fills, a crowd fills batches at once. Batching raises the
		// saturation point: at 1000 phones its queue is the shorter one.
		one := pick(t, run, "alexnet", "cloud-gpu", "warm", "cloud.batching.max_batch=1", "phone.count=1")
		many := pick(t, run, "alexnet", "cloud-gpu", "warm", "cloud.batching.max_batch=1", "phone.count=1000")
		if !(many.Phases[result.Queue].Mean > one.Phases[result.Queue].Mean) {
			t.Errorf("max batch 1: queue %v at 1000 phones, %v at 1", many.Phases[result.Queue].Mean, one.Phases[result.Queue].Mean)
		}
		many16 := pick(t, run, "alexnet", "cloud-gpu", "warm", "cloud.batching.max_batch=16", "phone.count=1000")
		if !(many16.Phases[result.Queue].Mean < many.Phases[result.Queue].Mean) {
			t.Errorf("1000 phones: queue %v with max batch 16, %v without", many16.Phases[result.Queue].Mean, many.Phases[result.Queue].Mean)
		}
		nb := pick(t, run, "alexnet", "cloud-gpu", "warm", "cloud.batching.max_batch=1", "phone.count=300")
		wb := pick(t, run, "alexnet", "cloud-gpu", "warm", "cloud.batching.max_batch=16", "phone.count=300")
		if !(wb.Phases[result.Queue].Mean < nb.Phases[result.Queue].Mean) {
			t.Errorf("300 phones: queue %v with batching, %v without", wb.Phases[result.Queue].Mean, nb.Phases[result.Queue].Mean)
		}
		wantLine(t, run, 0, "on-device beats cloud above")
	},
	"modern-phone": func(t *testing.T, s *Scenario, run *result.Run) {
		// The 2019 phone computes faster than the 2013 one.
		for _, m := range s.Models {
			n5 := pick(t, run, m, "on-device-cpu", "warm", "phone.device=nexus5")
			p4 := pick(t, run, m, "on-device-cpu", "warm", "phone.device=pixel4")
			if !(p4.Latency.Mean < n5.Latency.Mean) {
				t.Errorf("%s: Pixel 4 %v s, Nexus 5 %v s", m, p4.Latency.Mean, n5.Latency.Mean)
			}
		}
		wantLine(t, run, 0, "phone nexus5")
	},
}

// pick returns the one summary of a model, mode, start ("" any) and
// params.
func pick(t *testing.T, run *result.Run, model, mode, start string, params ...string) *result.Summary {
	t.Helper()
	var found []*result.Summary
	for i := range run.Summaries {
		s := &run.Summaries[i]
		if s.Model != model || s.Mode != mode || (start != "" && string(s.Start) != start) {
			continue
		}
		ok := true
		for _, pv := range params {
			path, val, _ := strings.Cut(pv, "=")
			has := false
			for _, p := range s.Params {
				has = has || (p.Name == path && p.Value == val)
			}
			ok = ok && has
		}
		if ok {
			found = append(found, s)
		}
	}
	if len(found) == 0 || (start != "" && len(found) > 1) {
		t.Fatalf("%d summaries for %s %s %s %v", len(found), model, mode, start, params)
	}
	return found[0]
}

// pickAny returns any group of a cell (world metrics are in each).
func pickAny(t *testing.T, run *result.Run, model, mode string, params ...string) *result.Summary {
	t.Helper()
	return pick(t, run, model, mode, "", params...)
}

func metricOf(s *result.Summary, name string) float64 {
	st, _ := s.Metric(name)
	return st.Mean
}

func wantLine(t *testing.T, run *result.Run, i int, sub string) {
	t.Helper()
	if i >= len(run.Conclusions) || !strings.Contains(run.Conclusions[i], sub) {
		t.Errorf("conclusion %d lacks %q: %q", i, sub, run.Conclusions)
	}
}

// TestWhatIfGolden runs every built-in what-if (a scenario with a quick
// section) at its quick size, compares summary.csv with
// testdata/golden/NAME.summary.csv (-rewrite to update; review the diff),
// checks every conclusion was computed, and asserts the direction theory
// fixes.
func TestWhatIfGolden(t *testing.T) {
	n := 0
	for _, name := range BuiltinNames() {
		s, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		if !s.HasQuick() {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			if err := s.ApplyQuick(); err != nil {
				t.Fatal(err)
			}
			if len(s.Conclusions) == 0 || len(s.Outputs.Charts) == 0 {
				t.Error("a what-if states conclusions and the charts that show them")
			}
			dir := t.TempDir()
			res := runIn(t, s, dir, 2)
			got := readFile(t, filepath.Join(dir, result.SummaryCSVFile))
			golden := filepath.Join("testdata", "golden", name+".summary.csv")
			if *rewrite {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Errorf("%v (run with -rewrite to create it)", err)
			} else if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -rewrite and review the diff)\n%s", result.SummaryCSVFile, golden, firstDiff(string(want), string(got)))
			}
			if len(res.Run.Conclusions) != len(s.Conclusions)+thermalLines(res.Run)+llmLines(res.Run) {
				t.Fatalf("%d conclusions for %d entries", len(res.Run.Conclusions), len(s.Conclusions))
			}
			for _, l := range res.Run.Conclusions {
				if strings.Contains(l, "not computed") || strings.Contains(l, "n/a") {
					t.Errorf("conclusion: %s", l)
				}
				t.Log(l)
			}
			check := whatIfChecks[name]
			if check == nil {
				t.Fatalf("no direction check for %s", name)
			}
			check(t, s, res.Run)
		})
	}
	if n != 11 {
		t.Errorf("%d what-if scenarios, want 11", n)
	}
}

// TestConcludeRobust: undefined statistics, groups without requests and
// summaries without the swept parameter give sentences or errors, never a
// panic.
func TestConcludeRobust(t *testing.T) {
	sums := handRun()
	nan := math.NaN()
	sums[0].Latency.Mean = nan
	sums[1].Requests, sums[1].Outcomes = 0, [result.NumOutcomes]int{}
	sums[2].Params = nil
	sums[3].EnergyTotal.Mean = math.Inf(1)
	sums = append(sums, result.Summary{Key: result.Key{Point: 9, Model: "nin", Mode: "split:3", Start: result.Warm}})
	s := mustParse(t, handScenario+`conclusions:
  - {kind: crossover, param: network.uplink.bandwidth, a: {modes: [on-device]}, b: {modes: [remote]}}
  - {kind: trend, metric: energy.per_hour, param: network.uplink.bandwidth, where: {start: all}}
  - {kind: compare, metric: app.kill_rate, param: network.uplink.bandwidth, a: {modes: [on-device]}, b: {modes: [cloud]}, share: energy.radio}
  - {kind: threshold, metric: model.reloads/h, param: network.uplink.bandwidth, level: 1}
  - {kind: best, metric: energy, better: higher, param: network.uplink.bandwidth}
  - {kind: best, metric: reload.battery/h}
`)
	lines, err := Conclude(s, sums)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		t.Log(l)
	}
	if len(lines) != 6 {
		t.Errorf("%d lines", len(lines))
	}
	if _, err := Conclude(s, nil); err == nil {
		t.Error("no summaries: no error")
	}
}
