package llm

import (
	"fmt"
	"slices"
	"strings"
)

// WeightFormat is how the weight matrices are stored. A matrix of R rows
// (output features) and C columns takes R·C·Bits/8 bytes of values plus
// its scales: one ScaleBytes per row when PerRow, or one per group of
// GroupSize consecutive elements of a row (⌈C/GroupSize⌉ per row).
// Norm and bias vectors are not quantised: they take VectorBytes per
// element (the float width, fp16 for the integer formats).
type WeightFormat struct {
	Name       string
	Bits       int  // bits per stored value: 32, 16, 8 or 4
	Float      bool // values are floats (fp32, fp16, bf16)
	PerRow     bool // one scale per output row (int8 per channel)
	GroupSize  int  // elements per scale group; 0 = no groups
	ScaleBytes int  // bytes of each scale (plus zero point, if any)
	Source     string
}

// The formats. The block layouts of llama.cpp are from ggml's ggml-common.h
// (block_q8_0: fp16 d + 32 int8; block_q4_0: fp16 d + 16 bytes of 32
// nibbles), i.e. 8.5 and 4.5 bits per weight.
var (
	F32  = WeightFormat{Name: "f32", Bits: 32, Float: true, Source: "IEEE 754 binary32"}
	F16  = WeightFormat{Name: "f16", Bits: 16, Float: true, Source: "IEEE 754 binary16"}
	BF16 = WeightFormat{Name: "bf16", Bits: 16, Float: true, Source: "bfloat16 (the dtype of the published checkpoints)"}
	// Int8 is symmetric int8 with one fp32 scale per output channel, the
	// layout of this package's int8 kernel.
	Int8 = WeightFormat{Name: "int8", Bits: 8, PerRow: true, ScaleBytes: 4, Source: "per-channel symmetric int8, fp32 scales"}
	Q8_0 = WeightFormat{Name: "q8_0", Bits: 8, GroupSize: 32, ScaleBytes: 2, Source: "ggml block_q8_0 (ggml-common.h): 34 B per 32 weights"}
	Q4_0 = WeightFormat{Name: "q4_0", Bits: 4, GroupSize: 32, ScaleBytes: 2, Source: "ggml block_q4_0 (ggml-common.h): 18 B per 32 weights"}
	// Int4G128 is 4-bit with an fp16 scale per 128 weights (scale only,
	// symmetric), the group size of ExecuTorch's 4-bit groupwise Llama
	// recipe.
	Int4G128 = WeightFormat{Name: "int4-g128", Bits: 4, GroupSize: 128, ScaleBytes: 2, Source: "4-bit groupwise, group 128, fp16 scale"}
)

// Formats lists the named formats.
func Formats() []WeightFormat { return []WeightFormat{F32, F16, BF16, Int8, Q8_0, Q4_0, Int4G128} }

// FormatByName returns a named format.
func FormatByName(name string) (WeightFormat, error) {
	for _, f := range Formats() {
		if f.Name == strings.ToLower(name) {
			return f, nil
		}
	}
	names := []string{}
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return WeightFormat{}, fmt.Errorf("llm: unknown weight format %q (have %s)", name, strings.Join(names, ", "))
}

// MatrixBytes is the size of a rows × cols matrix in this format.
func (f WeightFormat) MatrixBytes(rows, cols int64) int64 {
	b := (rows*cols*int64(f.Bits) + 7) / 8
	switch {
	case f.PerRow:
		b += rows * int64(f.ScaleBytes)
	case f.GroupSize > 0:
		g := int64(f.GroupSize)
		b += rows * ((cols + g - 1) / g) * int64(f.ScaleBytes)
	}
	return b
}

// BitsPerWeight is the average storage per weight of a long row.
func (f WeightFormat) BitsPerWeight() float64 {
	if f.GroupSize > 0 {
		return float64(f.Bits) + 8*float64(f.ScaleBytes)/float64(f.GroupSize)
	}
	return float64(f.Bits)
}

// VectorBytes is the bytes per element of norm weights and biases.
func (f WeightFormat) VectorBytes() int {
	if f.Float {
		return f.Bits / 8
	}
	return 2
}
