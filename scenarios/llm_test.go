package scenarios

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

func init() {
	whatIfChecks["llm-chat"] = func(t *testing.T, s *Scenario, run *result.Run) {
		// Prefill on the phone grows with the prompt (about 260 tokens/s),
		// the cloud's barely: the phone answers first for the shortest
		// prompt and last for the longest.
		for _, out := range []string{"32", "128"} {
			at := func(mode, prompt string) float64 {
				return metricOf(pick(t, run, "llama-3.2-1b", mode, "warm", "llm.output.tokens="+out, "network.preset=lte", "network.uplink.bandwidth=3Mbps", "llm.prompt.tokens="+prompt), "llm.ttft")
			}
			if !(at("on-device", "64") < at("cloud", "64")) || !(at("on-device", "1024") > at("cloud", "1024")) {
				t.Errorf("answer %s: TTFT on-device %v, %v; cloud %v, %v at 64, 1024 prompt tokens", out,
					at("on-device", "64"), at("on-device", "1024"), at("cloud", "64"), at("cloud", "1024"))
			}
		}
		// The cloud's first token comes later over the slower uplink.
		cloud := func(net, up, metric string) float64 {
			return metricOf(pick(t, run, "llama-3.2-1b", "cloud", "warm", "llm.output.tokens=128", "network.preset="+net, "network.uplink.bandwidth="+up, "llm.prompt.tokens=1024"), metric)
		}
		for _, net := range []string{"home-wifi", "lte", "5g"} {
			if slow, fast := cloud(net, "0.5Mbps", "llm.ttft"), cloud(net, "3Mbps", "llm.ttft"); !(slow > fast) {
				t.Errorf("%s: cloud TTFT %v at 0.5 Mbps, %v at 3 Mbps", net, slow, fast)
			}
		}
		// WiFi has no cellular promotion and tail: the cloud's first token
		// comes sooner and costs the phone far less than over LTE or 5G.
		for _, cell := range []string{"lte", "5g"} {
			if w, c := cloud("home-wifi", "3Mbps", "llm.ttft"), cloud(cell, "3Mbps", "llm.ttft"); !(w < c) {
				t.Errorf("cloud TTFT %v over home-wifi, %v over %s", w, c, cell)
			}
			if w, c := cloud("home-wifi", "3Mbps", "llm.energy_per_conversation"), cloud(cell, "3Mbps", "llm.energy_per_conversation"); !(w < c/5) {
				t.Errorf("cloud energy %v J over home-wifi, %v J over %s", w, c, cell)
			}
		}
		wantLine(t, run, 0, "on-device beats cloud below")
		wantLine(t, run, 3, "cloud wins everywhere")
		wantLine(t, run, len(run.Conclusions)-1, "regret vs the best fixed choice")
	}
	whatIfChecks["llm-crowd"] = func(t *testing.T, s *Scenario, run *result.Run) {
		// The phone's own answer does not depend on the crowd; the
		// cloud's first token comes later as the crowd fills the server.
		dev1 := metricOf(pick(t, run, "llama-3.2-1b", "on-device", "warm", "phone.count=1"), "llm.ttft")
		devN := metricOf(pick(t, run, "llama-3.2-1b", "on-device", "warm", "phone.count=3000"), "llm.ttft")
		if math.Abs(devN/dev1-1) > 1e-9 {
			t.Errorf("on-device TTFT %v with 1 phone, %v with 3000", dev1, devN)
		}
		c1 := metricOf(pick(t, run, "llama-3.2-1b", "cloud", "warm", "phone.count=1"), "llm.ttft")
		cN := metricOf(pick(t, run, "llama-3.2-1b", "cloud", "warm", "phone.count=3000"), "llm.ttft")
		if !(cN > c1) {
			t.Errorf("cloud TTFT %v with 1 phone, %v with 3000", c1, cN)
		}
		wantLine(t, run, 0, "on-device beats cloud above")
		// The load-aware hybrid: alone, the phone sees no delay and chats
		// as the cloud does; in a saturated crowd the delay it saw keeps
		// later turns on the phone, ahead of the cloud's queue.
		h1 := metricOf(pick(t, run, "llama-3.2-1b", "hybrid", "warm", "phone.count=1"), "llm.ttft")
		hN := metricOf(pick(t, run, "llama-3.2-1b", "hybrid", "warm", "phone.count=3000"), "llm.ttft")
		if h1 != c1 || !(hN < cN) {
			t.Errorf("hybrid TTFT %v with 1 phone (cloud %v), %v with 3000 (cloud %v)", h1, c1, hN, cN)
		}
		wantLine(t, run, len(run.Conclusions)-1, "TTFT + delay seen")
	}
}

// llmLines counts the hybrid regret lines a chat run adds to its
// scenario's conclusions.
func llmLines(run *result.Run) int {
	n := 0
	for _, l := range run.Conclusions {
		if strings.HasPrefix(l, "hybrid (") {
			n++
		}
	}
	return n
}

const chatScenario = `name: chat
seed: 3
phone: {device: pixel4}
network: {preset: lte}
llm:
  model: llama-3.2-1b
  modes: [on-device, cloud, hybrid]
  prompt: {tokens: 200, dist: lognormal, cv: 0.5}
  output: {tokens: 64, dist: exponential}
  turns: 3
  hybrid: {max_prompt: 400}
workload:
  requests: 2
  start: warm
  warmup: 0
  arrivals: {type: closed, think: 2s}
`

// A chat's records: every turn counted (a conversation's turns grow its
// context), TTFT and tokens in requests.csv, the llm.* metrics in the
// summaries, the regret line for hybrid.
func TestChatRun(t *testing.T) {
	s := mustParse(t, chatScenario)
	dir := t.TempDir()
	res := runIn(t, s, dir, 1)
	var recs []result.Record
	f, err := os.Open(filepath.Join(dir, result.RequestsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := result.ReadRecords(f, "requests.csv", func(r *result.Record) error { recs = append(recs, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3*2*3 {
		t.Fatalf("%d records, want 3 modes × 2 conversations × 3 turns", len(recs))
	}
	for _, r := range recs {
		if r.Outcome != result.OK || r.Tokens < 1 || !(r.TTFT > 0 && r.TTFT <= r.Latency()+2e-6) || r.Image != llmImage {
			t.Errorf("record %+v", r)
		}
		if r.Mode == "cloud" && r.UpBytes == 0 || r.Mode == "on-device" && r.UpBytes != 0 {
			t.Errorf("%s turn uploaded %v bytes", r.Mode, r.UpBytes)
		}
	}
	// Later turns upload more (the whole history).
	if recs[0].Mode != "on-device" {
		t.Fatalf("first record %s", recs[0].Mode)
	}
	for _, sm := range res.Run.Summaries {
		for _, name := range []string{"llm.ttft", "llm.tpot", "llm.energy_per_token", "llm.energy_per_conversation", "llm.battery_per_100", "llm.tokens_per_s", "llm.on_phone"} {
			if st, ok := sm.Metric(name); !ok || math.IsNaN(st.Mean) {
				t.Errorf("%s: %s missing", sm.Mode, name)
			}
		}
		share := metricOf(&sm, "llm.on_phone")
		switch sm.Mode {
		case "on-device":
			if share != 1 {
				t.Errorf("on-device share %v", share)
			}
		case "cloud":
			if share != 0 {
				t.Errorf("cloud share %v", share)
			}
		}
		// energy per conversation is the turns' energy over 2 conversations
		if e, pc := sm.EnergyTotal.Mean*float64(sm.Requests), metricOf(&sm, "llm.energy_per_conversation"); math.Abs(e/2/pc-1) > 1e-9 {
			t.Errorf("%s: energy per conversation %v, want %v", sm.Mode, pc, e/2)
		}
	}
	if llmLines(res.Run) != 1 {
		t.Errorf("conclusions %q", res.Run.Conclusions)
	}
}

// The CNN scenarios' summaries carry no llm metric.
func TestChatMetricsOnlyInChats(t *testing.T) {
	s := mustParse(t, `name: cnn
phone: {device: nexus5, cpu: nexus5-caffe-cpu}
models: [squeezenet-v1.0]
workload: {modes: [on-device-cpu], images: [{size: 960x540, count: 2}]}
outputs: {plots: false, requests: false}
`)
	res := runIn(t, s, t.TempDir(), 1)
	for _, sm := range res.Run.Summaries {
		for _, m := range sm.Metrics {
			if strings.HasPrefix(m.Name, "llm.") {
				t.Errorf("%s in a photo scenario", m.Name)
			}
		}
	}
}

// Same scenario and seed: byte-identical outputs at any number of
// workers.
func TestChatDeterminism(t *testing.T) {
	for _, name := range []string{"llm-chat", "llm-crowd"} {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && name == "llm-crowd" {
				t.Skip("short")
			}
			var got [2][][]byte
			for i, j := range []int{1, 2} {
				s, err := Builtin(name)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.ApplyQuick(); err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				runIn(t, s, dir, j)
				for _, f := range []string{result.SummaryCSVFile, result.RequestsFile} {
					got[i] = append(got[i], readFile(t, filepath.Join(dir, f)))
				}
			}
			for k := range got[0] {
				if !bytes.Equal(got[0][k], got[1][k]) {
					t.Errorf("file %d differs between -j 1 and -j 2", k)
				}
			}
		})
	}
}

// Errors name the file, the line and the field.
func TestChatValidation(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"llm: {model: llama-3.2-1bb}\n", `test.yaml:2: llm.model: unknown language model "llama-3.2-1bb"`},
		{"llm: {modes: [on-device, on-device]}\n", `llm.modes[1]: "on-device" is listed twice`},
		{"llm: {modes: [phone]}\n", `llm.modes[0]`},
		{"llm: {runtime: mlc}\n", `llm.runtime: unknown phone LLM runtime "mlc"`},
		{"llm: {prompt: {tokens: 0}}\n", `llm.prompt.tokens`},
		{"llm: {processor: tpu}\n", `test.yaml:2: llm.processor`},
		{"llm: {processor: gpu}\n", `test.yaml:2: llm.processor: snapdragon-8-gen-3 has no gpu runtime (it has: cpu executorch-xnnpack-sd8gen3, npu qnn-htp-sd8gen3)`},
		{"llm: {processor: npu}\n", `test.yaml:2: llm.format: int4-g128 does not run on the npu runtime qnn-htp-sd8gen3 (it runs w4a16, w8a16)`},
		{"llm:\n  processor: npu\n  format: bf16\n", `test.yaml:4: llm.format: bf16 does not run on the npu runtime qnn-htp-sd8gen3`},
		{"llm: {runtime: llamacpp-opencl-sd8elite}\n", `llm.format: int4-g128 does not run on the gpu runtime llamacpp-opencl-sd8elite (it runs f16, q4_0)`},
		{"llm: {format: w4a16}\n", `llm.format: w4a16 does not run on the cpu runtime executorch-xnnpack-sd8gen3 (it runs bf16, int4-g128)`},
	} {
		_, err := Parse([]byte("name: bad\n"+tc.yaml), "test.yaml", "")
		var el ErrorList
		if err == nil || !errors.As(err, &el) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.yaml, err, tc.want)
		}
	}
	if _, err := Parse([]byte("name: ok\nllm: {}\n"), "test.yaml", ""); err != nil {
		t.Errorf("an llm section of defaults: %v", err)
	}
}

// llm.processor picks the runtime of that processor on llm.runtime's SoC;
// unset, llm.runtime's own (the CPU for the default), so existing
// scenarios are unchanged.
func TestChatProcessor(t *testing.T) {
	for _, tc := range []struct{ yaml, runtime, kernel string }{
		{"llm: {}\n", "executorch-xnnpack-sd8gen3", "w4a8"},
		{"llm: {processor: cpu, format: bf16}\n", "executorch-xnnpack-sd8gen3", "bf16"},
		{"llm: {processor: npu, format: w4a16}\n", "qnn-htp-sd8gen3", "w4a16"},
		{"llm: {processor: npu, format: w8a16}\n", "qnn-htp-sd8gen3", "w8a16"},
		{"llm: {runtime: genie-htp-sd8elite, format: w4a16}\n", "genie-htp-sd8elite", "w4a16"},
		{"llm: {runtime: genie-htp-sd8elite, processor: gpu, format: q4_0}\n", "llamacpp-opencl-sd8elite", "q4_0"},
		{"llm: {runtime: llamacpp-opencl-sd8elite, format: f16}\n", "llamacpp-opencl-sd8elite", "f16"},
	} {
		s, err := Parse([]byte("name: ok\n"+tc.yaml), "test.yaml", "")
		if err != nil {
			t.Errorf("%q: %v", tc.yaml, err)
			continue
		}
		lp, err := prepareLLM(s)
		if err != nil {
			t.Errorf("%q: %v", tc.yaml, err)
			continue
		}
		if lp.runtime.Name != tc.runtime || string(lp.model.Kernel) != tc.kernel {
			t.Errorf("%q: runtime %s, kernel %s; want %s, %s", tc.yaml, lp.runtime.Name, lp.model.Kernel, tc.runtime, tc.kernel)
		}
	}
}

func TestDrawTokens(t *testing.T) {
	seq := func(xs ...float64) func() float64 {
		i := 0
		return func() float64 { x := xs[i%len(xs)]; i++; return x }
	}
	for _, tc := range []struct {
		l    TokenLength
		u, n float64
		want int
	}{
		{TokenLength{Tokens: 100, Dist: "fixed"}, 0.3, 1, 100},
		{TokenLength{Tokens: 100, Dist: "exponential"}, 1 - math.Exp(-1), 0, 100}, // −100·ln(e^−1)
		{TokenLength{Tokens: 100, Dist: "lognormal", CV: 0}, 0, 2, 100},
		{TokenLength{Tokens: 1, Dist: "exponential"}, 0, 0, 1}, // at least 1
	} {
		if got := drawTokens(tc.l, seq(tc.u), seq(tc.n)); got != tc.want {
			t.Errorf("%+v: %d, want %d", tc.l, got, tc.want)
		}
	}
	// The log-normal's mean is the mean asked for: 20 000 draws (cv 0.5:
	// standard error 0.7 tokens; 4 standard errors).
	rng := rand.New(rand.NewPCG(1, 2))
	l := TokenLength{Tokens: 200, Dist: "lognormal", CV: 0.5}
	sum := 0
	for i := 0; i < 20000; i++ {
		sum += drawTokens(l, rng.Float64, rng.NormFloat64)
	}
	if m := float64(sum) / 20000; math.Abs(m-200) > 2.8 {
		t.Errorf("log-normal mean %v, want 200", m)
	}
}

// The energy note names the processor that ran and its power: the CPU
// runtime's four busy big cores, a GPU or NPU runtime's labelled prior
// (3.0 W, 1.5 W above base; devices/llmphone), never the CPU's cores.
func TestChatEnergyNoteProcessor(t *testing.T) {
	for _, tc := range []struct{ yaml, want, not string }{
		{"llm: {}\n", "four busy big cores", "prior of"},
		{"llm: {processor: npu, format: w4a16}\n", "npu runtime qnn-htp-sd8gen3", "four busy big cores"},
		{"llm: {runtime: genie-htp-sd8elite, processor: gpu, format: q4_0}\n", "gpu runtime llamacpp-opencl-sd8elite", "four busy big cores"},
	} {
		s, err := Parse([]byte("name: ok\n"+tc.yaml), "test.yaml", "")
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		note := llmEnergyNoteFor(s)
		if !strings.Contains(note, tc.want) || strings.Contains(note, tc.not) {
			t.Errorf("%q: note %q: want %q, not %q", tc.yaml, note, tc.want, tc.not)
		}
		for proc, w := range map[string]string{"gpu": "3.0 W above base", "npu": "1.5 W above base"} {
			if strings.Contains(tc.yaml, "processor: "+proc) && !strings.Contains(note, w) {
				t.Errorf("%q: note %q does not give the %s prior %q", tc.yaml, note, proc, w)
			}
		}
	}
}
