package llm

import (
	"math"
	"testing"
)

// TestParamsByHand checks the counts of two models against sums done by
// hand from their config.json, and those against the publishers' counts.
func TestParamsByHand(t *testing.T) {
	tests := []struct {
		name                      string
		total, embedding, nonEmb  int64
		matmul                    int64
		statedTotal, statedNonEmb float64 // publisher, 0 = not stated
		kvPerTokenFP16            int64
	}{
		{
			// Llama-3.2-1B: V=128256 H=2048 L=16 nh=32 nkv=8 hd=64 I=8192, tied.
			//   embedding      128256·2048                     = 262,668,288
			//   q, o           2 · 2048·(32·64)                =   8,388,608
			//   k, v           2 · 2048·(8·64)                 =   2,097,152
			//   gate, up, down 3 · 2048·8192                   =  50,331,648
			//   2 RMSNorms     2 · 2048                        =       4,096
			//   per layer                                      =  60,821,504
			//   16 layers + final norm 2048                    = 973,146,112 (non-embedding)
			//   total = 973,146,112 + 262,668,288              = 1,235,814,400
			//   matmul = 16·60,817,408 + 262,668,288 (tied head) = 1,235,746,816
			//   KV/token fp16 = 2·16·8·64·2                    = 32,768 B
			// Meta's card: 1.23B.
			name: "llama-3.2-1b", total: 1_235_814_400, embedding: 262_668_288, nonEmb: 973_146_112,
			matmul: 1_235_746_816, statedTotal: 1.23e9, kvPerTokenFP16: 32_768,
		},
		{
			// Qwen2.5-0.5B: V=151936 H=896 L=24 nh=14 nkv=2 hd=896/14=64 I=4864, tied, QKV bias.
			//   embedding      151936·896                      = 136,134,656
			//   q, o           2 · 896·896                     =   1,605,632
			//   k, v           2 · 896·128                     =     229,376
			//   q,k,v biases   896 + 128 + 128                 =       1,152
			//   gate, up, down 3 · 896·4864                    =  13,074,432
			//   2 RMSNorms     2 · 896                         =       1,792
			//   per layer                                      =  14,912,384
			//   24 layers + final norm 896                     = 357,898,112 (non-embedding)
			//   total                                          = 494,032,768
			//   matmul = 24·14,909,440 + 136,134,656           = 493,961,216
			//   KV/token fp16 = 2·24·2·64·2                    = 12,288 B
			// Qwen's card: 0.49B, 0.36B non-embedding.
			name: "qwen2.5-0.5b", total: 494_032_768, embedding: 136_134_656, nonEmb: 357_898_112,
			matmul: 493_961_216, statedTotal: 0.49e9, statedNonEmb: 0.36e9, kvPerTokenFP16: 12_288,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Zoo(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			p := c.Params()
			if p.Total != tt.total || p.Embedding != tt.embedding || p.NonEmbedding != tt.nonEmb || p.Matmul != tt.matmul {
				t.Errorf("Params = %+v, want total %d embedding %d non-embedding %d matmul %d", p, tt.total, tt.embedding, tt.nonEmb, tt.matmul)
			}
			// Publishers round to two significant figures: within half a unit of the last digit.
			if d := math.Abs(float64(p.Total) - tt.statedTotal); d > 0.01e9 {
				t.Errorf("total %d is %.0f from the stated %.2g", p.Total, d, tt.statedTotal)
			}
			if tt.statedNonEmb > 0 {
				if d := math.Abs(float64(p.NonEmbedding) - tt.statedNonEmb); d > 0.01e9 {
					t.Errorf("non-embedding %d is %.0f from the stated %.2g", p.NonEmbedding, d, tt.statedNonEmb)
				}
			}
			if got := c.KVBytesPerToken(2); got != tt.kvPerTokenFP16 {
				t.Errorf("KV bytes/token = %d, want %d", got, tt.kvPerTokenFP16)
			}
		})
	}
}

// TestCostsByHand checks decode and prefill costs of Llama-3.2-1B in bf16.
func TestCostsByHand(t *testing.T) {
	c, err := Zoo("llama-3.2-1b")
	if err != nil {
		t.Fatal(err)
	}
	// Decode at ctx 1024 (1023 cached + itself):
	//   FLOPs  = 2·1,235,746,816 + 16 layers · 4·32·64·1024 = 2,471,493,632 + 134,217,728 = 2,605,711,360
	//   weights (bf16): matrices 1,235,746,816·2 = 2,471,493,632
	//                   + one embedding row 2048·2 = 4,096
	//                   + vectors (16·2·2048 + 2048)·2 = 135,168   → 2,471,632,896
	//   KV read  = 1023 · 32,768 = 33,521,664;  KV write = 32,768
	d := c.DecodeCost(BF16, 2, 1024)
	want := Cost{Tokens: 1, FLOPs: 2_605_711_360, WeightBytes: 2_471_632_896, KVReadBytes: 33_521_664, KVWriteBytes: 32_768}
	if d != want {
		t.Errorf("DecodeCost = %+v, want %+v", d, want)
	}
	// Prefill of 8 tokens:
	//   FLOPs = 8·2,471,493,632 + 16·4·32·64·(1+…+8 = 36) = 19,771,949,056 + 4,718,592 = 19,776,667,648
	//   weights = 2,471,493,632 + 8 rows·4,096 + 135,168 = 2,471,661,568
	//   KV write = 8·32,768 = 262,144
	p := c.PrefillCost(BF16, 2, 8)
	wantP := Cost{Tokens: 8, FLOPs: 19_776_667_648, WeightBytes: 2_471_661_568, KVWriteBytes: 262_144}
	if p != wantP {
		t.Errorf("PrefillCost = %+v, want %+v", p, wantP)
	}
}

// TestFormatBytes checks the block formats' sizes per matrix.
func TestFormatBytes(t *testing.T) {
	tests := []struct {
		f          WeightFormat
		rows, cols int64
		want       int64
		bits       float64
	}{
		{F32, 2048, 2048, 16_777_216, 32},
		{BF16, 2048, 2048, 8_388_608, 16},
		{Int8, 2048, 2048, 4_194_304 + 2048*4, 8},
		{Q8_0, 2048, 2048, 2048 * 64 * 34, 8.5}, // 64 blocks of 34 B per row
		{Q4_0, 2048, 2048, 2048 * 64 * 18, 4.5}, // 64 blocks of 18 B per row
		{Q4_0, 3, 33, 50 + 3*2*2, 4.5},          // 99 nibbles → 50 B, plus 2 groups per row
		{Int4G128, 8192, 2048, 8192 * (1024 + 16*2), 4.125},
	}
	for _, tt := range tests {
		if got := tt.f.MatrixBytes(tt.rows, tt.cols); got != tt.want {
			t.Errorf("%s %d×%d: %d bytes, want %d", tt.f.Name, tt.rows, tt.cols, got, tt.want)
		}
		if got := tt.f.BitsPerWeight(); got != tt.bits {
			t.Errorf("%s: %g bits/weight, want %g", tt.f.Name, got, tt.bits)
		}
	}
}

// TestZooCounts checks every zoo model against the publisher's rounded
// count: within 3% (Gemma 2's "2.6B" and Phi-3's "3.8B" are the coarsest).
func TestZooCounts(t *testing.T) {
	stated := map[string]float64{
		"smollm2-135m": 135e6, "smollm2-360m": 360e6, "qwen2.5-0.5b": 0.49e9, "tinyllama-1.1b": 1.1e9,
		"llama-3.2-1b": 1.23e9, "qwen2.5-1.5b": 1.54e9, "smollm2-1.7b": 1.7e9, "gemma-2-2b": 2.6e9,
		"llama-3.2-3b": 3.21e9, "phi-3-mini-4k": 3.8e9,
	}
	for _, name := range ZooNames() {
		c, err := Zoo(name)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := stated[name]
		if !ok {
			t.Errorf("%s: no stated count in the test", name)
			continue
		}
		if rel := math.Abs(float64(c.Params().Total)/s - 1); rel > 0.03 {
			t.Errorf("%s: %d params, %.1f%% from the stated %.3g", name, c.Params().Total, 100*rel, s)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	good, err := Zoo("smollm2-135m")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mut  func(*Config)
	}{
		{"zero layers", func(c *Config) { c.Layers = 0 }},
		{"heads not multiple", func(c *Config) { c.KVHeads = 4 }},
		{"odd head dim", func(c *Config) { c.HeadDim = 63 }},
		{"bad eps", func(c *Config) { c.NormEps = 0 }},
		{"bad act", func(c *Config) { c.Act = "relu" }},
		{"bad theta", func(c *Config) { c.RopeTheta = 0 }},
		{"norms", func(c *Config) { c.NormsPerLayer = 3 }},
		{"window without pattern", func(c *Config) { c.SlidingWindow = 10; c.SlidingEvery = 0 }},
	}
	for _, tt := range tests {
		c := good
		tt.mut(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted", tt.name)
		}
	}
}
