package models

import "math"

// Element-wise and small kernels: ReLU, softmax, per-channel affine
// (standalone BatchNorm and Scale), element-wise sum/product/max.

// reluJob applies y = x > 0 ? x : slope·x, positions split over threads.
type reluJob struct {
	in, out []float32
	slope   float32
}

// reluBlock is reluJob's unit of work, in elements.
const reluBlock = 4096

func (j *reluJob) units() int { return (len(j.in) + reluBlock - 1) / reluBlock }

func (j *reluJob) run(_, lo, hi int) {
	a, b := lo*reluBlock, min(hi*reluBlock, len(j.in))
	reluSlice(j.in[a:b], j.out[a:b], j.slope)
}

func reluSlice(in, out []float32, slope float32) {
	out = out[:len(in)]
	for i, v := range in {
		if v < 0 {
			v *= slope
		}
		out[i] = v
	}
}

// softmax computes a numerically stable softmax along the middle axis of an
// outer × n × inner array: subtract the maximum, exponentiate, normalise.
// Sums are accumulated in float64.
func softmax(in, out []float32, outer, n, inner int) {
	for o := 0; o < outer; o++ {
		base := o * n * inner
		for p := 0; p < inner; p++ {
			m := float32(-math.MaxFloat32)
			for i := 0; i < n; i++ {
				if v := in[base+i*inner+p]; v > m {
					m = v
				}
			}
			var s float64
			for i := 0; i < n; i++ {
				e := math.Exp(float64(in[base+i*inner+p] - m))
				out[base+i*inner+p] = float32(e)
				s += e
			}
			inv := 1 / s
			for i := 0; i < n; i++ {
				out[base+i*inner+p] = float32(float64(out[base+i*inner+p]) * inv)
			}
		}
	}
}

// channelAffine computes out[c][p] = in[c][p]·mul[c] + add[c] (add may be
// nil) over an outer × c × inner array.
func channelAffine(in, out, mul, add []float32, outer, c, inner int) {
	for o := 0; o < outer; o++ {
		for ch := 0; ch < c; ch++ {
			base := (o*c + ch) * inner
			x, y := in[base:base+inner], out[base:base+inner]
			m := mul[ch]
			var a float32
			if add != nil {
				a = add[ch]
			}
			for i, v := range x {
				y[i] = v*m + a
			}
		}
	}
}
