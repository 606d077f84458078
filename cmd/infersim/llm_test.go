package main

import (
	"bytes"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infersim/infersim/models/llm"
)

func TestModelsLLM(t *testing.T) {
	out, _, err := execute(t, "models", "llm")
	if err != nil {
		t.Fatal(err)
	}
	// Llama-3.2-1B's exact count and Qwen2.5-0.5B's KV cache (12 KiB/token).
	for _, want := range []string{"llama-3.2-1b  1235814400", "qwen2.5-0.5b   494032768", "phi-3-mini-4k"} {
		if !strings.Contains(out, want) {
			t.Errorf("models llm output lacks %q:\n%s", want, out)
		}
	}
	out, _, err = execute(t, "models", "llm", "show", "qwen2.5-0.5b")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "non-embedding 357898112") || !strings.Contains(out, "q4_0") {
		t.Errorf("show output:\n%s", out)
	}
	// A user's config.json.
	p := filepath.Join(t.TempDir(), "config.json")
	cfg := `{"model_type":"llama","num_hidden_layers":2,"hidden_size":64,"intermediate_size":96,"num_attention_heads":4,"vocab_size":100}`
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, err = execute(t, "models", "llm", "show", p); err != nil || !strings.Contains(out, "2 layers, hidden 64") {
		t.Errorf("show %s: %v\n%s", p, err, out)
	}
	// A safetensors file: shapes inferred from the header.
	c, err := llm.Zoo("smollm2-135m")
	if err != nil {
		t.Fatal(err)
	}
	c.Layers, c.Vocab = 2, 64
	m, err := llm.RandomModel(c, llm.Quant{Kind: "q4"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := llm.WriteSafetensors(&b, m.Tensors()); err != nil {
		t.Fatal(err)
	}
	st := filepath.Join(t.TempDir(), "model.safetensors")
	if err := os.WriteFile(st, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, err = execute(t, "models", "llm", "show", "--head-dim", "64", st); err != nil || !strings.Contains(out, "9 heads / 3 KV heads × 64, vocab 64") {
		t.Errorf("show %s: %v\n%s", st, err, out)
	}
	if _, _, err := execute(t, "models", "llm", "show", "no-such-model"); err == nil {
		t.Error("unknown model accepted")
	}
	if _, _, err := execute(t, "models", "llm", "--format", "q3"); err == nil {
		t.Error("unknown format accepted")
	}
}

// The runtimes listing names each runtime's SoC, processor and formats,
// and the peak bandwidths are the SoCs' facts (76.8 and 84.8 GB/s).
func TestModelsLLMRuntimes(t *testing.T) {
	out, _, err := execute(t, "models", "llm", "runtimes")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"executorch-xnnpack-sd8gen3  snapdragon-8-gen-3  cpu        bf16, int4-g128  76.8",
		"genie-htp-sd8elite          snapdragon-8-elite  npu        w4a16, w8a16     84.8",
		"llamacpp-opencl-sd8elite    snapdragon-8-elite  gpu        f16, q4_0        84.8",
		"qnn-htp-sd8gen3             snapdragon-8-gen-3  npu        w4a16, w8a16     76.8",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("models llm runtimes lacks %q:\n%s", want, out)
		}
	}
}

// The calibration on two tiny configs: the structure of its three
// tables (the fitted classes, fit and held-out phases, the held-out
// operators), not its numbers, which are this machine's timings.
func TestModelsLLMCalibrate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, cfg string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fit := write("fit.json", `{"model_type":"llama","num_hidden_layers":2,"hidden_size":64,"intermediate_size":96,"num_attention_heads":4,"num_key_value_heads":2,"vocab_size":100}`)
	held := write("held.json", `{"model_type":"qwen2","num_hidden_layers":3,"hidden_size":96,"intermediate_size":128,"num_attention_heads":6,"num_key_value_heads":2,"vocab_size":120}`)
	out, stderr, err := execute(t, "models", "llm", "calibrate", "--fit", fit, "--holdout", held, "--reps", "1", "--prompt", "8", "--decode", "2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "timing "+fit) || !strings.Contains(stderr, "timing "+held) {
		t.Errorf("progress on stderr:\n%s", stderr)
	}
	lines := strings.Split(out, "\n")
	find := func(prefix string) int {
		for i, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return i
			}
		}
		t.Fatalf("no line starting %q in:\n%s", prefix, out)
		return -1
	}
	c := find("class ")
	for i, class := range []string{"matrix", "attention", "vector"} {
		if f := strings.Fields(lines[c+1+i]); len(f) < 6 || f[0] != class {
			t.Errorf("class row %d: %q", i, lines[c+1+i])
		}
	}
	// The matrix products: prefill's are compute-bound, decode's not.
	if m := lines[c+1]; !strings.Contains(m, "prefill mlp") || !strings.Contains(m, "decode mlp") {
		t.Errorf("matrix row %q", m)
	}
	p := find("model ")
	for i, want := range [][3]string{{fit, "fit", "prefill"}, {fit, "fit", "decode"}, {held, "held out", "prefill"}, {held, "held out", "decode"}} {
		l := lines[p+1+i]
		if !strings.HasPrefix(l, want[0]+" ") || !strings.Contains(l, " "+want[1]+" ") || !strings.Contains(l, " "+want[2]+" ") || len(strings.Fields(l)) < 6 {
			t.Errorf("phase row %d: %q, want %v", i, l, want)
		}
	}
	o := find("phase ")
	if !strings.Contains(lines[o-1], "held out "+held) {
		t.Errorf("operator table heading %q", lines[o-1])
	}
	ops := 0
	for _, l := range lines[o+1:] {
		if strings.HasPrefix(l, "prefill ") || strings.HasPrefix(l, "decode ") {
			ops++
		}
	}
	if ops != 20 { // 10 operators of a llama-style block, each phase
		t.Errorf("%d operator rows, want 20:\n%s", ops, out)
	}
	// --write ships the run: the JSON reads back, and the constants file
	// is the roofline fitted to the JSON as read back.
	wdir := t.TempDir()
	if _, _, err := execute(t, "models", "llm", "calibrate", "--fit", fit, "--holdout", held, "--reps", "1", "--prompt", "8", "--decode", "2", "--write", wdir); err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(wdir, llm.HostCalibrationFile))
	if err != nil {
		t.Fatal(err)
	}
	h, err := llm.ReadHostCalibration(bytes.NewReader(js), llm.HostCalibrationFile)
	if err != nil {
		t.Fatal(err)
	}
	r, err := llm.FitRoofline(h.FitStats)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(wdir, llm.HostRooflineFile))
	if err != nil {
		t.Fatal(err)
	}
	want, err := format.Source(llm.RooflineGo(r, h))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, want) || h.Fit != fit || h.HoldOut != held || h.Reps != 1 {
		t.Errorf("written calibration: fit %q held %q reps %d; constants file matches its re-fit: %v", h.Fit, h.HoldOut, h.Reps, bytes.Equal(src, want))
	}
	for _, args := range [][]string{{"--reps", "0"}, {"--layers", "-1"}, {"--fit", "no-such-model"}, {"--quant", "q3"}, {"--layers", "1", "--write", wdir}} {
		if _, _, err := execute(t, append([]string{"models", "llm", "calibrate", "--fit", fit, "--holdout", held, "--reps", "1", "--prompt", "4", "--decode", "1"}, args...)...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// Merged repetitions: calls add, the median is the median of the
// repetitions' medians (2, 3, 7 → 3; 2, 7 → 4.5), the rates follow it.
func TestMergeRounds(t *testing.T) {
	st := func(med float64) []llm.OpStat {
		return []llm.OpStat{{Phase: "decode", Op: llm.OpMLP, Calls: 4, FLOPs: 9e6, Bytes: 18e6, MedianS: med, P10S: med / 2, P90S: med * 2}}
	}
	for _, tc := range []struct {
		meds     []float64
		want     float64
		calls    int
		p10, p90 float64
	}{
		{[]float64{7, 2, 3}, 3, 12, 1, 14},
		{[]float64{2, 7}, 4.5, 8, 1, 14},
		{[]float64{5}, 5, 4, 2.5, 10},
	} {
		var rounds [][]llm.OpStat
		for _, m := range tc.meds {
			rounds = append(rounds, st(m))
		}
		g := mergeRounds(rounds)[0]
		if g.MedianS != tc.want || g.Calls != tc.calls || g.P10S != tc.p10 || g.P90S != tc.p90 || g.GFLOPs != 9e6/tc.want/1e9 || g.GBps != 18e6/tc.want/1e9 {
			t.Errorf("%v: %+v, want median %g, %d calls, P10 %g, P90 %g", tc.meds, g, tc.want, tc.calls, tc.p10, tc.p90)
		}
	}
}
