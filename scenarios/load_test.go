package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// minimal is the smallest valid scenario; bad cases are variations of it.
const minimal = `name: tiny
models: [alexnet]
workload:
  modes: [cloud-gpu]
  images: [{size: 960x540}]
  requests: 2
`

func TestBadScenarios(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the error, each on some line
	}{
		{"unknown field", "name: tiny\nmodels: [alexnet]\nworkload:\n  modes: [cloud-gpu]\nnetwork:\n  uplink: {bandwith: 25Mbps}\n",
			[]string{`bad.yaml:6: network.uplink.bandwith: unknown field (did you mean "bandwidth"?)`}},
		{"unknown top-level field", "name: tiny\nmodel: [alexnet]\nworkload: {modes: [cloud-gpu]}\n",
			[]string{`bad.yaml:2: model: unknown field (did you mean "models"?)`, `models: required`}},
		{"bad unit", minimal + "network:\n  uplink: {bandwidth: 25Mbs}\n",
			[]string{`bad.yaml:8: network.uplink.bandwidth: "25Mbs": unknown bit rate unit "Mbs"`}},
		{"bare number", minimal + "network:\n  uplink: {latency: 20}\n",
			[]string{`bad.yaml:8: network.uplink.latency: "20": missing unit: a duration needs one, e.g. 20ms`}},
		{"unit on a plain number", minimal + "replications: 10x\n",
			[]string{`bad.yaml:7: replications: expected an integer without a unit, got "10x"`}},
		{"negative bandwidth", minimal + "network:\n  downlink:\n    bandwidth: -5Mbps\n",
			[]string{`bad.yaml:9: network.downlink.bandwidth: -5Mbps must be > 0`}},
		{"replications", minimal + "replications: 0\n", []string{`bad.yaml:7: replications: 0 must be ≥ 1`}},
		{"pressure", minimal + "phone:\n  memory: {background_pressure: 120%}\n",
			[]string{`bad.yaml:8: phone.memory.background_pressure: 1.2 must be < 1`}},
		{"wrong type", minimal + "replications: ten\n", []string{`bad.yaml:7: replications: expected an integer, got "ten"`}},
		{"mapping for a scalar", minimal + "seed: {a: 1}\n", []string{`bad.yaml:7: seed: expected an integer, got a mapping`}},
		{"missing profile", minimal + "phone:\n  gpu: nexus5-cnndroid\n",
			[]string{`bad.yaml:8: phone.gpu: unknown processor profile "nexus5-cnndroid" (did you mean "nexus5-cnndroid-gpu"?)`}},
		{"profile of the wrong target", minimal + "cloud:\n  gpu: nexus5-caffe-cpu\n",
			[]string{`bad.yaml:8: cloud.gpu: processor profile "nexus5-caffe-cpu" is a phone-cpu profile; cloud.gpu needs a server-gpu one`}},
		{"unknown preset", minimal + "network: {preset: campus-wif}\n",
			[]string{`bad.yaml:7: network.preset: unknown network preset "campus-wif" (did you mean "campus-wifi"?)`}},
		{"unknown model", strings.Replace(minimal, "[alexnet]", "[alexnet, squeezenet-v1]", 1),
			[]string{`bad.yaml:2: models[1]: unknown zoo model "squeezenet-v1" (did you mean "squeezenet-v1.0"?)`}},
		{"unknown trace", minimal + "network:\n  uplink: {trace: lte-drvie}\n",
			[]string{`bad.yaml:8: network.uplink.trace: no builtin trace "lte-drvie" (did you mean "lte-drive"?)`}},
		{"split beyond the model", strings.Replace(minimal, "[cloud-gpu]", "[split:99]", 1),
			[]string{`bad.yaml:4: workload.modes[0]: split:99 is beyond the last layer of alexnet (it has 24 layers); valid cuts: 0 (cloud)`, `24 (all layers, on-device)`}},
		{"split not a cut", strings.NewReplacer("[cloud-gpu]", "[split:8]", "[alexnet]", "[squeezenet-v1.0]").Replace(minimal),
			[]string{`bad.yaml:4: workload.modes[0]: split:8 is not a valid cut of squeezenet-v1.0; valid cuts: 0 (cloud), 1, 2, 3, 4, 5, 6, 11, 12, 13, 18,`, `, 64, 65, 66, 67 (all layers, on-device)`}},
		{"gpu mode without gpu", strings.Replace(minimal, "[cloud-gpu]", "[on-device-gpu]", 1),
			[]string{`bad.yaml:4: workload.modes[0]: on-device-gpu needs a GPU framework: set phone.gpu (nexus5-cnndroid-gpu, pixel4-tflite-gpu)`}},
		{"unknown mode", strings.Replace(minimal, "[cloud-gpu]", "[cloud-tpu]", 1),
			[]string{`bad.yaml:4: workload.modes[0]: unknown mode "cloud-tpu" (did you mean "cloud-cpu"?)`}},
		{"poisson without rate", minimal + "  arrivals: {type: poisson, think: 1s}\n",
			[]string{`bad.yaml:7: workload.arrivals.think: does not apply to poisson arrivals`, `bad.yaml:7: workload.arrivals: poisson arrivals need a rate`}},
		{"bare rate", minimal + "  arrivals: {type: poisson, rate: 30}\n",
			[]string{`bad.yaml:7: workload.arrivals.rate: "30": missing unit: a rate needs one, e.g. 0.5/s or 30/min`}},
		{"decreasing times", strings.Replace(minimal, "  requests: 2\n", "", 1) + "  arrivals: {type: times, at: [0s, 5s, 2s]}\n",
			[]string{`bad.yaml:6: workload.arrivals.at[2]: 2s comes before the previous time 5s`}},
		{"requests and duration", minimal + "  duration: 1h\n", []string{`bad.yaml:7: workload.duration: give requests or duration, not both`}},
		{"empty sweep", minimal + "sweep: {params: []}\n", []string{`bad.yaml:7: sweep: empty sweep`}},
		{"sweep without values", minimal + "sweep:\n  params:\n    - {path: seed}\n", []string{`bad.yaml:9: sweep.params[0].path: seed cannot be swept`}},
		{"sweep unknown path", minimal + "sweep:\n  params:\n    - {path: network.uplink.bandwith, values: [1Mbps]}\n",
			[]string{`bad.yaml:9: sweep.params[0].path: network.uplink has no field "bandwith" (did you mean "bandwidth"?)`}},
		{"zip length mismatch", minimal + "sweep:\n  combine: zip\n  params:\n    - {path: network.uplink.bandwidth, values: [1Mbps, 2Mbps, 3Mbps]}\n    - {path: workload.modes, values: [cloud-cpu, cloud-gpu]}\n",
			[]string{`bad.yaml:11: sweep.params[1]: zip needs lists of equal length: workload.modes has 2 values, network.uplink.bandwidth has 3`}},
		{"bad swept value", minimal + "sweep:\n  params:\n    - path: network.uplink.bandwidth\n      values: [1Mbps, -2Mbps, 3]\n",
			[]string{`bad.yaml:10: sweep.params[0].values[1]: network.uplink.bandwidth: -2Mbps must be > 0`,
				`bad.yaml:10: sweep.params[0].values[2]: network.uplink.bandwidth: "3": missing unit: a bit rate needs one, e.g. 25Mbps`}},
		{"swept split beyond a swept model", strings.Replace(minimal, "[cloud-gpu]", "[split:8]", 1) + "sweep:\n  params:\n    - {path: models, values: [alexnet, squeezenet-v1.0]}\n",
			[]string{`bad.yaml:4: workload.modes[0]: split:8 is not a valid cut of squeezenet-v1.0`, `(at sweep point 1: models=squeezenet-v1.0)`}},
		{"range on text", minimal + "sweep:\n  params:\n    - {path: workload.modes, range: {from: 1, to: 2, steps: 2}}\n",
			[]string{`bad.yaml:9: sweep.params[0].range: a range needs a numeric field; workload.modes is a list (use values)`}},
		{"range in two units", minimal + "sweep:\n  params:\n    - {path: network.uplink.bandwidth, range: {from: 5MB/s, to: 50Mbps, steps: 3}}\n",
			[]string{`bad.yaml:9: sweep.params[0].range: from is in MB/s and to in Mbps: write both in one unit (the values are written in from's), e.g. from: 40Mbps, to: 50Mbps`}},
		{"range in two duration units", minimal + "sweep:\n  params:\n    - {path: network.uplink.latency, range: {from: 500ms, to: 2s, steps: 3}}\n",
			[]string{`bad.yaml:9: sweep.params[0].range: from is in ms and to in s: write both in one unit (the values are written in from's), e.g. from: 0.5s, to: 2s`}},
		{"log range from 0", minimal + "sweep:\n  params:\n    - {path: phone.gc.pause_scale, range: {from: 0, to: 2, steps: 3, scale: log}}\n",
			[]string{`bad.yaml:9: sweep.params[0].range: a log range needs from and to above 0`}},
		{"duplicate key", minimal + "seed: 1\nseed: 2\n", []string{`bad.yaml:8: seed: given twice (first at line 7)`}},
		{"bad name", strings.Replace(minimal, "name: tiny", "name: My Run", 1),
			[]string{`bad.yaml:1: name: "My Run" must be lower-case letters, digits and '-'`}},
		{"yaml syntax error", "name: tiny\nmodels: [alexnet\nworkload: {modes: [cloud-gpu]}\n", []string{`bad.yaml:`, `YAML syntax:`}},
		{"tab indentation", "name: tiny\nworkload:\n\tmodes: [cloud-gpu]\n", []string{`bad.yaml:3: YAML syntax: tabs are not allowed for indentation; use spaces`}},
		{"two documents", minimal + "---\nname: other\n", []string{`bad.yaml:7: a scenario file holds one YAML document`}},
		{"not a mapping", "- a\n- b\n", []string{`bad.yaml:1: expected a mapping with fields name, description`}},
		{"empty file", "", []string{`bad.yaml: empty file`}},
		{"deeply nested", "name: x\nmodels: " + strings.Repeat("[", 100000) + "\n", []string{`bad.yaml:2: nested deeper than 64 levels: refused`}},
		{"deeply nested block", "name: x\nsweep:\n  params:\n    - path: models\n      values:\n" + deepBlock(70), []string{`nested deeper than 64 levels: refused`}},
		{"alias bomb", aliasBomb(), []string{`more than 200000 nodes (alias expansion, "billion laughs"?): refused`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			s, err := Parse([]byte(tt.src), "bad.yaml", "")
			if err == nil {
				t.Fatalf("no error; scenario %+v", s)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			for _, line := range strings.Split(msg, "\n") {
				if !strings.HasPrefix(line, "scenarios: bad.yaml") {
					t.Errorf("line not of the form scenarios: file:line: ...: %q", line)
				}
			}
			var l ErrorList
			var e *Error
			if !errors.As(err, &l) && !errors.As(err, &e) {
				t.Errorf("error is %T, want ErrorList or *Error", err)
			}
		})
	}
}

// deepBlock is a block-style list nested n levels deep.
func deepBlock(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat("  ", i+4) + "-\n")
	}
	b.WriteString(strings.Repeat("  ", n+4) + "- x\n")
	return b.String()
}

// aliasBomb is a "billion laughs" document: each level lists the previous
// one ten times, 10⁹ nodes when expanded, in a field the decoder copies.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("name: bomb\nmodels: [alexnet]\nworkload: {modes: [cloud-gpu]}\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	b.Reset()
	b.WriteString("name: bomb\nmodels: [alexnet]\nworkload: {modes: [cloud-gpu]}\nsweep:\n  params:\n    - path: workload.modes\n      values:\n")
	b.WriteString("        - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("        - &a" + itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestAllErrorsInOnePass(t *testing.T) {
	src := `name: Bad_Name
replications: 0
phone:
  devise: nexus5
  gpu: nexus5-cnndroid-gpuu
  memory: {background_pressure: 1.5, ram: 2}
network:
  uplink: {bandwith: 25Mbps, latency: -3ms}
models: [alexnet, nim]
workload:
  modes: [on-device-cpu, split:99, on-devce-gpu]
  requests: ten
`
	_, err := Parse([]byte(src), "many.yaml", "")
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`many.yaml:1: name:`,
		`many.yaml:2: replications: 0 must be ≥ 1`,
		`many.yaml:4: phone.devise: unknown field (did you mean "device"?)`,
		`many.yaml:5: phone.gpu: unknown processor profile "nexus5-cnndroid-gpuu" (did you mean "nexus5-cnndroid-gpu"?)`,
		`many.yaml:6: phone.memory.ram: "2": missing unit`,
		`many.yaml:6: phone.memory.background_pressure: 1.5 must be < 1`,
		`many.yaml:8: network.uplink.bandwith: unknown field (did you mean "bandwidth"?)`,
		`many.yaml:8: network.uplink.latency: -3ms must be ≥ 0`,
		`many.yaml:9: models[1]: unknown zoo model "nim" (did you mean "nin"?)`,
		`many.yaml:11: workload.modes[2]: unknown mode "on-devce-gpu" (did you mean "on-device-gpu"?)`,
		`many.yaml:11: workload.modes[1]: split:99 is beyond the last layer of alexnet`,
		`many.yaml:12: workload.requests: expected an integer, got "ten"`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Errorf("got %d errors, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if i < len(lines) && !strings.HasPrefix(lines[i], "scenarios: "+w) {
			t.Errorf("error %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestHugeFileRefusedQuickly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte("# " + strings.Repeat("x", 1021) + "\n")
	for i := 0; i < 50<<10; i++ { // 50 MB
		f.Write(line)
	}
	f.Close()
	start := time.Now()
	_, err = Load(path)
	if err == nil || !strings.Contains(err.Error(), "scenarios: "+path+": file is 52428800 bytes, more than the 1048576 a scenario may have: refused") {
		t.Errorf("got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	// The same bytes given to Parse are refused by their length.
	if _, err := Parse(make([]byte, MaxFileSize+1), "big.yaml", ""); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("Parse: got %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("no/such/file.yaml")
	if err == nil || !strings.Contains(err.Error(), "scenarios: no/such/file.yaml: no such file or directory") {
		t.Errorf("got %v", err)
	}
}

func TestTraceFileRelativeToScenario(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "up.txt"), []byte("0 5\n10 1\nperiod 20\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.txt"), []byte("0 5\n3 x\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(minimal+"network:\n  uplink: {trace: up.txt}\n  downlink: {trace: bad.txt}\n"), 0o644)
	_, err := Load(filepath.Join(dir, "s.yaml"))
	want := filepath.Join(dir, "bad.txt") + ":2:"
	if err == nil || !strings.Contains(err.Error(), "network.downlink.trace: "+want) || strings.Contains(err.Error(), "up.txt") {
		t.Errorf("got %v, want an error about %s only", err, want)
	}
}

// FuzzLoad feeds arbitrary bytes to the loader: it must never panic, and a
// scenario it accepts must encode to YAML that it accepts again.
//
// Seeds are small: the fuzzer minimizes each new interesting input by
// trying to remove every span of its bytes, a cost quadratic in its size,
// so whole built-in scenarios (1–5 KB) as seeds kept it minimizing, a
// dozen executions in 45 s (issue 18). Each built-in gives instead one
// seed per top-level section: minimal with that section of the built-in.
func FuzzLoad(f *testing.F) {
	for _, n := range BuiltinNames() {
		b, _ := BuiltinYAML(n)
		for _, seed := range sectionSeeds(string(b)) {
			f.Add([]byte(seed))
		}
	}
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "sweep:\n  params:\n    - {path: network.uplink.bandwidth, range: {from: 1Mbps, to: 10Mbps, steps: 3, scale: log}}\n"))
	f.Add([]byte(minimal + "network:\n  uplink: {jitter: none}\n  downlink: {jitter: {dist: none}}\n"))
	f.Add([]byte(minimal + "sweep:\n  params:\n    - {path: network.uplink.bandwidth, range: {from: 5MB/s, to: 50Mbps, steps: 3}}\n"))
	if b, err := os.ReadFile(filepath.Join("testdata", "eight-mistakes.yaml")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("<<: {name: x}\nmodels: alexnet\n"))
	f.Add([]byte(aliasBomb()))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.yaml", dir)
		if err != nil {
			return
		}
		back := s.YAML()
		if _, err := Parse(back, "fuzz-back.yaml", dir); err != nil {
			t.Errorf("accepted scenario encodes to YAML that fails:\n%s\n%v", back, err)
		}
	})
}

// An unknown network preset is one error: the link fields it would have
// filled are not reported missing on top of it.
func TestUnknownPresetOneError(t *testing.T) {
	_, err := Parse([]byte(minimal+"network: {preset: campus-wify}\n"), "bad.yaml", "")
	if err == nil {
		t.Fatal("no error")
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 1 {
		t.Errorf("%d errors, want 1:\n%s", len(lines), err)
	}
}

// sectionSeeds returns, for each top-level section of the scenario text
// src (comments and blank lines dropped), minimal with that section put in
// place of its own or added; seeds over 1 KB are left out.
func sectionSeeds(src string) []string {
	split := func(text string) (keys []string, blocks map[string]string) {
		blocks = map[string]string{}
		key := ""
		for _, line := range strings.Split(text, "\n") {
			if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			if line[0] != ' ' && line[0] != '-' {
				key, _, _ = strings.Cut(line, ":")
				keys = append(keys, key)
			}
			blocks[key] += line + "\n"
		}
		return keys, blocks
	}
	baseKeys, base := split(minimal)
	keys, blocks := split(src)
	var seeds []string
	for _, k := range keys {
		var b strings.Builder
		added := false
		for _, bk := range baseKeys {
			if bk == k {
				b.WriteString(blocks[k])
				added = true
			} else {
				b.WriteString(base[bk])
			}
		}
		if !added {
			b.WriteString(blocks[k])
		}
		if b.Len() <= 1024 {
			seeds = append(seeds, b.String())
		}
	}
	return seeds
}
