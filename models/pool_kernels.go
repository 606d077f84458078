package models

import "math"

// Pooling kernels: the reference (poolRef) and the separable fast kernel
// (poolJob). Tested against each other by TestPoolKernels.

// poolGeom is the geometry of one pooling layer over one image, with Caffe's
// rounding (pooling_layer.cpp Reshape): out = ceil((in + 2·pad − kernel) /
// stride) + 1, reduced by one if the last window would start in the padding
// (only possible when pad > 0). Newer Caffe's round_mode FLOOR uses floor.
type poolGeom struct {
	c, h, w int
	kh, kw  int
	sh, sw  int
	ph, pw  int
	oh, ow  int
	max     bool // MAX; false means AVE
}

func (g *poolGeom) finish(floor bool) {
	g.oh = poolOut(g.h, g.kh, g.sh, g.ph, floor)
	g.ow = poolOut(g.w, g.kw, g.sw, g.pw, floor)
}

func poolOut(in, k, s, p int, floor bool) int {
	n := in + 2*p - k
	var o int
	if floor {
		o = n/s + 1
	} else {
		o = (n+s-1)/s + 1
	}
	if p > 0 && (o-1)*s >= in+p {
		o--
	}
	return o
}

// poolRef is the reference pooling, Caffe's Forward_cpu loop for one image:
// MAX takes the maximum over the window clipped to the image (padding never
// wins); AVE divides the window sum by the window size clipped to the padded
// image (in + pad), so padding counts as zeros but the area beyond it does not.
func poolRef(g *poolGeom, in, out []float32) {
	for c := 0; c < g.c; c++ {
		plane := in[c*g.h*g.w : (c+1)*g.h*g.w]
		for y := 0; y < g.oh; y++ {
			for x := 0; x < g.ow; x++ {
				hs, ws := y*g.sh-g.ph, x*g.sw-g.pw
				he, we := min(hs+g.kh, g.h+g.ph), min(ws+g.kw, g.w+g.pw)
				area := (he - hs) * (we - ws)
				hs, ws = max(hs, 0), max(ws, 0)
				he, we = min(he, g.h), min(we, g.w)
				var v float32
				if g.max {
					v = -math.MaxFloat32
					for i := hs; i < he; i++ {
						for j := ws; j < we; j++ {
							if plane[i*g.w+j] > v {
								v = plane[i*g.w+j]
							}
						}
					}
				} else {
					for i := hs; i < he; i++ {
						for j := ws; j < we; j++ {
							v += plane[i*g.w+j]
						}
					}
					v /= float32(area)
				}
				out[(c*g.oh+y)*g.ow+x] = v
			}
		}
	}
}

// poolJob is the fast pooling kernel: for each output row it first reduces
// the window's input rows vertically into a scratch row (one pass over each
// input row), then reduces each output's columns horizontally. Channels are
// split over the threads; each thread has its own scratch row.
type poolJob struct {
	g       *poolGeom
	in, out []float32
	tmp     [][]float32
}

func (j *poolJob) units() int { return j.g.c }

func (j *poolJob) run(worker, lo, hi int) {
	g := j.g
	tmp := j.tmp[worker][:g.w]
	for c := lo; c < hi; c++ {
		plane := j.in[c*g.h*g.w : (c+1)*g.h*g.w]
		out := j.out[c*g.oh*g.ow : (c+1)*g.oh*g.ow]
		if g.max {
			poolMaxPlane(g, plane, out, tmp)
		} else {
			poolAvePlane(g, plane, out, tmp)
		}
	}
}

func poolMaxPlane(g *poolGeom, plane, out, tmp []float32) {
	for y := 0; y < g.oh; y++ {
		hs := y*g.sh - g.ph
		he := min(hs+g.kh, g.h)
		hs = max(hs, 0)
		o := out[y*g.ow : (y+1)*g.ow]
		if hs >= he {
			for x := range o {
				o[x] = -math.MaxFloat32
			}
			continue
		}
		copy(tmp, plane[hs*g.w:(hs+1)*g.w])
		for r := hs + 1; r < he; r++ {
			maxInto(tmp, plane[r*g.w:(r+1)*g.w])
		}
		x0 := 0
		if g.kw == 3 && g.sw == 2 && g.pw == 0 {
			// The common 3×3/2 window (AlexNet, NIN, SqueezeNet): all
			// windows that fit the row in one vectorised pass.
			x0 = min(len(o), (g.w-3)/2+1)
			hmax3s2(o[:x0], tmp)
		}
		for x := x0; x < len(o); x++ {
			ws := x*g.sw - g.pw
			we := min(ws+g.kw, g.w)
			ws = max(ws, 0)
			m := float32(-math.MaxFloat32)
			for _, v := range tmp[ws:we] {
				m = max(m, v) // branch-free; a compare-and-branch mispredicts on real data
			}
			o[x] = m
		}
	}
}

func poolAvePlane(g *poolGeom, plane, out, tmp []float32) {
	if g.oh == 1 && g.ow == 1 && g.kh == g.h && g.kw == g.w && g.ph == 0 && g.pw == 0 {
		// Global average pooling (NIN, SqueezeNet, MobileNet): one pass
		// over the plane with four independent partial sums.
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+4 <= len(plane); i += 4 {
			q := plane[i : i+4 : i+4]
			s0 += q[0]
			s1 += q[1]
			s2 += q[2]
			s3 += q[3]
		}
		for ; i < len(plane); i++ {
			s0 += plane[i]
		}
		out[0] = ((s0 + s1) + (s2 + s3)) / float32(g.h*g.w)
		return
	}
	for y := 0; y < g.oh; y++ {
		hs := y*g.sh - g.ph
		hp := min(hs+g.kh, g.h+g.ph) - hs // window height within the padded image
		he := min(hs+g.kh, g.h)
		hs = max(hs, 0)
		clear(tmp)
		for r := hs; r < he; r++ {
			addInto(tmp, plane[r*g.w:(r+1)*g.w])
		}
		o := out[y*g.ow : (y+1)*g.ow]
		for x := range o {
			ws := x*g.sw - g.pw
			wp := min(ws+g.kw, g.w+g.pw) - ws
			we := min(ws+g.kw, g.w)
			ws = max(ws, 0)
			var s float32
			for _, v := range tmp[ws:we] {
				s += v
			}
			o[x] = s / float32(hp*wp)
		}
	}
}
