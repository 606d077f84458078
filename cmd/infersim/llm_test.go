package main

import (
	"bytes"
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
