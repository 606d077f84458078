package models

// Depthwise convolution (group = cin = cout): each channel convolved with its
// own kh×kw filter, channels split over the threads. Two kernels:
//
//   - depthwise3x3Plane, for 3×3 filters with stride 1 or 2 (both
//     directions alike), padding 0 or 1 and no dilation — every depthwise
//     layer of MobileNet v1. Each input row is copied once into a ring of
//     three zero-bordered rows on the stack, and each output row is then one
//     call of a row kernel (dw3Row: AVX2+FMA assembly on amd64, vectorised
//     over 8 output columns with the channel's nine weights and its bias in
//     registers, stride 2 deinterleaving even and odd columns with shuffles;
//     pure Go otherwise) that adds the bias and applies ReLU before the one
//     store of each output. No tap is tested against the image border.
//   - depthwiseGenericPlane, any other geometry: row-wise multiply-adds of
//     whole input rows per tap.
//
// Both are tested against convRef (TestDepthwiseKernels, TestConvKernels).

// dwMaxRow bounds the padded row of the 3×3 kernel, in floats: the input
// row with its borders, and the slack the row kernel's last block of 8
// output columns reads (dw3RowLen). Wider layers take the generic kernel.
const dwMaxRow = 1024

// depthwiseJob is one depthwise convolution as a job over channels.
type depthwiseJob struct {
	g       *convGeom
	w, bias []float32
	relu    bool
	in, out []float32
}

func (j *depthwiseJob) units() int { return j.g.cin }

func (j *depthwiseJob) run(_, lo, hi int) {
	g := j.g
	kk := g.kh * g.kw
	if dw3Fast(g) {
		var ring [3][dwMaxRow]float32
		n := dw3RowLen(g)
		for r := range ring {
			clear(ring[r][:n])
		}
		for c := lo; c < hi; c++ {
			var wb [10]float32
			copy(wb[:9], j.w[c*9:c*9+9])
			if j.bias != nil {
				wb[9] = j.bias[c]
			}
			depthwise3x3Plane(g, &wb, j.relu, j.in[c*g.h*g.w:(c+1)*g.h*g.w],
				j.out[c*g.oh*g.ow:(c+1)*g.oh*g.ow], &ring)
		}
		return
	}
	for c := lo; c < hi; c++ {
		depthwiseGenericPlane(g, j.w[c*kk:(c+1)*kk], j.bias, c, j.relu,
			j.in[c*g.h*g.w:(c+1)*g.h*g.w], j.out[c*g.oh*g.ow:(c+1)*g.oh*g.ow])
	}
}

// dw3Fast reports whether the 3×3 kernel handles g.
func dw3Fast(g *convGeom) bool {
	return g.kh == 3 && g.kw == 3 && g.dh == 1 && g.dw == 1 &&
		(g.sh == 1 || g.sh == 2) && g.sw == g.sh && g.ph == g.pw && g.ph <= 1 &&
		g.oh > 0 && g.ow > 0 && dw3RowLen(g) <= dwMaxRow
}

// dw3RowLen is the padded row length the 3×3 kernel needs: the row with its
// left and right padding, and everything the row kernel reads for its
// ⌈ow/8⌉ blocks of 8 outputs (output x reads padded columns s·x … s·x+2;
// stride 2 loads 16 columns from s·x0 and 16 from s·x0+2 per block).
func dw3RowLen(g *convGeom) int {
	blocks := (g.ow + 7) / 8
	return max(g.w+2*g.pw, 8*g.sw*blocks+2)
}

// depthwise3x3Plane convolves one channel: wb holds the nine weights, row
// by row, then the bias. ring's rows are zero outside [p, p+w) on entry and
// stay so.
func depthwise3x3Plane(g *convGeom, wb *[10]float32, relu bool, in, out []float32, ring *[3][dwMaxRow]float32) {
	p, s := g.ph, g.sh
	loaded := -1 // highest padded row index in the ring
	for oy := 0; oy < g.oh; oy++ {
		for py := max(s*oy, loaded+1); py <= s*oy+2; py++ {
			row := ring[py%3][p : p+g.w]
			if iy := py - p; iy < 0 || iy >= g.h {
				clear(row)
			} else {
				copy(row, in[iy*g.w:(iy+1)*g.w])
			}
			loaded = py
		}
		dw3Row(out[oy*g.ow:(oy+1)*g.ow], &ring[(s*oy)%3], &ring[(s*oy+1)%3], &ring[(s*oy+2)%3], wb, s, relu)
	}
}

// dw3RowGo is the pure-Go row kernel: out[x] = bias + Σ_k Σ_j
// w[k][j]·r_k[s·x+j], then ReLU if relu.
func dw3RowGo(out []float32, r0, r1, r2 *[dwMaxRow]float32, wb *[10]float32, s int, relu bool) {
	w0, w1, w2, w3, w4, w5, w6, w7, w8, b := wb[0], wb[1], wb[2], wb[3], wb[4], wb[5], wb[6], wb[7], wb[8], wb[9]
	for x := range out {
		i := s * x
		a0, a1, a2 := r0[i:i+3:i+3], r1[i:i+3:i+3], r2[i:i+3:i+3]
		v := b + w0*a0[0] + w1*a0[1] + w2*a0[2]
		v += w3*a1[0] + w4*a1[1] + w5*a1[2]
		v += w6*a2[0] + w7*a2[1] + w8*a2[2]
		if relu && v < 0 {
			v = 0
		}
		out[x] = v
	}
}

// depthwiseGenericPlane convolves one channel of any geometry: each output
// row accumulates whole input rows per tap (row-wise multiply-add), which
// keeps the inner loop free of bounds tests.
func depthwiseGenericPlane(g *convGeom, w, bias []float32, c int, relu bool, in, out []float32) {
	var b float32
	if bias != nil {
		b = bias[c]
	}
	for oy := 0; oy < g.oh; oy++ {
		row := out[oy*g.ow : (oy+1)*g.ow]
		for x := range row {
			row[x] = b
		}
		for i := 0; i < g.kh; i++ {
			iy := oy*g.sh - g.ph + i*g.dh
			if iy < 0 || iy >= g.h {
				continue
			}
			src := in[iy*g.w : (iy+1)*g.w]
			for j := 0; j < g.kw; j++ {
				wv := w[i*g.kw+j]
				off := j*g.dw - g.pw
				lo := 0
				if off < 0 {
					lo = (-off + g.sw - 1) / g.sw
				}
				hi := 0
				if last := g.w - 1 - off; last >= 0 {
					hi = last/g.sw + 1
				}
				hi = min(hi, g.ow)
				if lo >= hi {
					continue
				}
				if g.sw == 1 {
					axpy(row[lo:hi], src[lo+off:hi+off], wv)
					continue
				}
				for ox := lo; ox < hi; ox++ {
					row[ox] += wv * src[ox*g.sw+off]
				}
			}
		}
		if relu {
			for x, v := range row {
				if v < 0 {
					row[x] = 0
				}
			}
		}
	}
}
