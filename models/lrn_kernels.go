package models

import "math"

// LRN kernels (across channels): the reference (lrnRef) and the
// sliding-window fast kernel (lrnJob). Tested by TestLRNKernels.

// lrnGeom holds an LRN layer's parameters and input size. Caffe
// (lrn_layer.cpp CrossChannelForward_cpu): scale[c] = k + α/n ·
// Σ_{c' = c−⌊(n−1)/2⌋}^{c+n−1−⌊(n−1)/2⌋} x[c']² (channels outside [0, C)
// count as zero), out = x · scale^(−β).
type lrnGeom struct {
	c, hw int
	size  int
	alpha float32
	beta  float32
	k     float32
}

// lrnRef computes every window sum afresh and the power with math.Pow.
func lrnRef(g *lrnGeom, in, out []float32) {
	pre := (g.size - 1) / 2
	for c := 0; c < g.c; c++ {
		for p := 0; p < g.hw; p++ {
			var s float64
			for cc := max(c-pre, 0); cc <= min(c+g.size-1-pre, g.c-1); cc++ {
				{
					v := float64(in[cc*g.hw+p])
					s += v * v
				}
			}
			scale := float64(g.k) + float64(g.alpha)/float64(g.size)*s
			out[c*g.hw+p] = float32(float64(in[c*g.hw+p]) * math.Pow(scale, -float64(g.beta)))
		}
	}
}

// lrnJob is the fast LRN: spatial positions are split over the threads; each
// thread keeps a running sum of squares over the channel window for its
// positions (add the channel entering, subtract the one leaving), so each
// element is squared twice instead of n times, and every inner loop walks
// contiguous memory. For β = 0.75 (AlexNet, GoogLeNet) scale^−0.75 is
// computed exactly as 1/(√s·√√s) with hardware square roots instead of
// exp/log; other β use math.Exp(−β·log s).
type lrnJob struct {
	g       *lrnGeom
	in, out []float32
	tmp     [][]float32
}

// lrnBlock is the unit of work: a block of positions whose running sums
// stay in L1.
const lrnBlock = 256

func (j *lrnJob) units() int { return (j.g.hw + lrnBlock - 1) / lrnBlock }

func (j *lrnJob) run(worker, lo, hi int) {
	g := j.g
	acc := j.tmp[worker]
	for b := lo; b < hi; b++ {
		p0, p1 := b*lrnBlock, min((b+1)*lrnBlock, g.hw)
		lrnBlockRun(g, j.in, j.out, acc[:p1-p0], p0, p1)
	}
}

func lrnBlockRun(g *lrnGeom, in, out, acc []float32, p0, p1 int) {
	pre := (g.size - 1) / 2
	head := g.size - 1 - pre // channels ahead of c in its window
	an := g.alpha / float32(g.size)
	clear(acc)
	for c := 0; c <= head && c < g.c; c++ {
		sqAcc(acc, in[c*g.hw+p0:c*g.hw+p1], false)
	}
	fast := g.beta == 0.75
	for c := 0; c < g.c; c++ {
		if c > 0 {
			if add := c + head; add < g.c {
				sqAcc(acc, in[add*g.hw+p0:add*g.hw+p1], false)
			}
			if sub := c - pre - 1; sub >= 0 {
				sqAcc(acc, in[sub*g.hw+p0:sub*g.hw+p1], true)
			}
		}
		x := in[c*g.hw+p0 : c*g.hw+p1]
		o := out[c*g.hw+p0 : c*g.hw+p1]
		if fast {
			lrnPow075(o, x, acc, g.k, an)
			continue
		}
		x = x[:len(acc)]
		o = o[:len(acc)]
		nb := -float64(g.beta)
		for i, s := range acc {
			s = g.k + an*s
			o[i] = x[i] * float32(math.Exp(nb*math.Log(float64(s))))
		}
	}
}
