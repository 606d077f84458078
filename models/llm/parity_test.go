package llm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// torchPython returns a Python interpreter that imports torch
// ($INFERSIM_PYTHON, python3 on PATH, or Debian's /usr/bin/python3), or
// "" when none does.
func torchPython() string {
	cands := []string{os.Getenv("INFERSIM_PYTHON"), "python3", "/usr/bin/python3"}
	for _, p := range cands {
		if p == "" {
			continue
		}
		if err := exec.Command(p, "-c", "import torch, numpy").Run(); err == nil {
			return p
		}
	}
	return ""
}

// writeTorchDir writes the model, its config and the input for
// testdata/torch_ref.py into a new temporary directory.
func writeTorchDir(t testing.TB, m *Model, prompt []int, generate int) string {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := WriteSafetensors(&b, m.Tensors()); err != nil {
		t.Fatal(err)
	}
	cfg, err := json.Marshal(m.Config)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(map[string]any{"prompt": prompt, "generate": generate})
	for name, data := range map[string][]byte{"weights.safetensors": b.Bytes(), "config.json": cfg, "input.json": in} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readF32Safetensors reads every float32 tensor of a safetensors file.
func readF32Safetensors(t *testing.T, path string) map[string][]float32 {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ReadSafetensorsHeader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(data)
	body := data[8+n:]
	// Offsets: the tensors tile the data section in offset order; rebuild them.
	var raw map[string]struct {
		Offsets []int64 `json:"data_offsets"`
	}
	if err := json.Unmarshal(data[8:8+n], &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string][]float32{}
	for _, ti := range h.Tensors {
		if ti.DType != "F32" {
			t.Fatalf("%s: dtype %s", ti.Name, ti.DType)
		}
		off := raw[ti.Name].Offsets
		v := make([]float32, ti.Bytes/4)
		if err := binary.Read(bytes.NewReader(body[off[0]:off[1]]), binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
		out[ti.Name] = v
	}
	return out
}

// maxRelDiff is max |a − b| / max |b|.
func maxRelDiff(a, b []float32) float64 {
	var d, s float64
	for i := range b {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
		s = math.Max(s, math.Abs(float64(b[i])))
	}
	return d / s
}

// TestTorchParity runs small random-weight models through our executor
// and through testdata/torch_ref.py, an independent PyTorch
// implementation, and compares the residual stream after every layer and
// the logits of every prompt token (within float32 error: 1e-4 of the
// largest value, a few hundred ulps accumulated over the layers), and the
// greedy tokens exactly.
func TestTorchParity(t *testing.T) {
	py := torchPython()
	if py == "" {
		t.Skip("PyTorch not found (tried $INFERSIM_PYTHON, python3, /usr/bin/python3): install Debian's python3-torch to run the parity test")
	}
	if testing.Short() {
		t.Skip("-short: skipping the PyTorch parity run")
	}
	c := tinyConfig("llama") // 2 layers, hidden 64, 4 heads, 2 KV heads, vocab 100
	llama3 := c
	llama3.Name = "tiny-llama3"
	llama3.RopeTheta = 500000
	llama3.RopeScaling = &RopeScaling{Type: "llama3", Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 16}
	cases := []struct {
		c Config
		q Quant
	}{
		{c, Quant{Kind: "f32"}},
		{llama3, Quant{Kind: "f32"}},
		{llama3, Quant{Kind: "q4", Group: 32}},
		{llama3, Quant{Kind: "int8"}},
	}
	for _, cfg := range testConfigs() {
		if cfg.Norm == RMSNorm && cfg.Name != c.Name && cfg.Name != llama3.Name {
			cases = append(cases, struct {
				c Config
				q Quant
			}{cfg, Quant{Kind: "f32"}})
		}
	}
	prompt := []int{1, 17, 42, 99, 5, 63, 2, 8, 71, 30, 11}
	const generate = 12
	for _, tc := range cases {
		t.Run(tc.c.Name+"/"+tc.q.Kind, func(t *testing.T) {
			m, err := RandomModel(tc.c, tc.q, 42)
			if err != nil {
				t.Fatal(err)
			}
			dir := writeTorchDir(t, m, prompt, generate)
			cmd := exec.Command(py, "testdata/torch_ref.py", "parity", dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("torch_ref.py: %v\n%s", err, out)
			}
			ref := readF32Safetensors(t, filepath.Join(dir, "out.safetensors"))
			var want struct{ Tokens []int }
			js, err := os.ReadFile(filepath.Join(dir, "out.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(js, &want); err != nil {
				t.Fatal(err)
			}

			e, err := NewExecutor(m, 2, len(prompt)+generate)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			hidden := map[string][]float32{}
			e.Trace = func(l int, h []float32) { hidden[fmt.Sprintf("hidden.%d", l)] = slices.Clone(h) }
			logits, err := e.Forward(prompt, true)
			if err != nil {
				t.Fatal(err)
			}
			var worst float64
			for l := -1; l < tc.c.Layers; l++ {
				k := fmt.Sprintf("hidden.%d", l)
				d := maxRelDiff(hidden[k], ref[k])
				worst = math.Max(worst, d)
				if d > 1e-4 {
					t.Errorf("%s: max relative difference %.3g > 1e-4", k, d)
				}
			}
			d := maxRelDiff(logits, ref["logits"])
			if d > 1e-4 {
				t.Errorf("logits: max relative difference %.3g > 1e-4", d)
			}
			t.Logf("max relative difference: layers %.2g, logits %.2g", worst, d)
			got, err := e.Generate(prompt, generate)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want.Tokens) {
				t.Errorf("greedy tokens\n  ours  %v\n  torch %v", got, want.Tokens)
			}
		})
	}
}
