package llm

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// benchModels are the decode benchmark's models: the parity test's tiny
// model and a random model of SmolLM2-135M's shape.
func benchModels(b *testing.B) []Config {
	smol, err := Zoo("smollm2-135m")
	if err != nil {
		b.Fatal(err)
	}
	return []Config{tinyConfig("llama"), smol}
}

// benchPrompt is 32 tokens; decode runs from context 33 to 32 + benchDecode.
var benchPrompt = func() []int {
	p := make([]int, 32)
	for i := range p {
		p[i] = (7*i + 3) % 100
	}
	return p
}()

const benchDecode = 64

// BenchmarkDecode times greedy decode steps of our executor after a
// 32-token prefill, at contexts 33…96 (the cache is refilled every 64
// steps, outside the timer), and reports tokens/s.
func BenchmarkDecode(b *testing.B) {
	for _, c := range benchModels(b) {
		for _, q := range []Quant{{Kind: "f32"}, {Kind: "int8"}, {Kind: "q4", Group: 32}} {
			m, err := RandomModel(c, q, 1)
			if err != nil {
				b.Fatal(err)
			}
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", c.Name, q.Kind, threads), func(b *testing.B) {
					e, err := NewExecutor(m, threads, len(benchPrompt)+benchDecode+1)
					if err != nil {
						b.Fatal(err)
					}
					defer e.Close()
					logits, err := e.Prefill(benchPrompt)
					if err != nil {
						b.Fatal(err)
					}
					tok := Argmax(logits)
					steps := 0
					for b.Loop() {
						if steps == benchDecode {
							b.StopTimer()
							logits, _ = e.Prefill(benchPrompt)
							tok = Argmax(logits)
							steps = 0
							b.StartTimer()
						}
						if logits, err = e.Decode(tok); err != nil {
							b.Fatal(err)
						}
						tok = Argmax(logits)
						steps++
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tok/s")
					b.ReportMetric(float64(m.Bytes())/1e6, "weightMB")
				})
			}
		}
	}
}

// BenchmarkTorchDecode runs testdata/torch_ref.py's decode benchmark on
// the same models and weights (float32; the quantised models' weights are
// dequantised, so PyTorch always runs fp32 matrices): 32-token prefill,
// then benchDecode greedy steps with a KV cache. Each benchmark
// iteration is one such run; tok/s is PyTorch's own timing of the decode
// steps.
func BenchmarkTorchDecode(b *testing.B) {
	py := torchPython()
	if py == "" {
		b.Skip("PyTorch not found")
	}
	for _, c := range benchModels(b) {
		m, err := RandomModel(c, Quant{Kind: "f32"}, 1)
		if err != nil {
			b.Fatal(err)
		}
		dir := writeTorchDir(b, m, benchPrompt, 0)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/f32/threads=%d", c.Name, threads), func(b *testing.B) {
				var sum float64
				runs := 0
				for b.Loop() {
					cmd := exec.Command(py, "testdata/torch_ref.py", "bench", dir, strconv.Itoa(threads), strconv.Itoa(benchDecode))
					// One thread count for every pool torch may use (OpenMP, and the BLAS's own).
					n := strconv.Itoa(threads)
					cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+n, "OPENBLAS_NUM_THREADS="+n, "MKL_NUM_THREADS="+n)
					out, err := cmd.Output()
					if err != nil {
						b.Fatalf("torch_ref.py bench: %v", err)
					}
					var r struct {
						DecodeTokS float64 `json:"decode_tok_s"`
					}
					if err := json.Unmarshal(out, &r); err != nil {
						b.Fatalf("torch_ref.py bench output %q: %v", out, err)
					}
					sum += r.DecodeTokS
					runs++
				}
				b.ReportMetric(sum/float64(runs), "tok/s")
			})
		}
		os.RemoveAll(dir)
	}
}
