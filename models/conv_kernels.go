package models

// Convolution kernels: the naive reference (convRef), the im2col + GEMM path,
// the plain-GEMM path for 1×1 stride-1 unpadded convolutions, and the direct
// depthwise kernel. Tested against each other by TestConvKernels.

// convGeom is the geometry of one 2-D convolution over a single image, in
// Caffe's terms (caffe.proto ConvolutionParameter; conv_layer.cpp
// compute_output_shape: out = (in + 2·pad − (dilation·(kernel−1)+1)) / stride + 1).
type convGeom struct {
	cin, h, w        int // input channels and spatial size
	cout             int
	kh, kw           int
	sh, sw           int
	ph, pw           int
	dh, dw           int
	group            int
	oh, ow           int
	depthwise        bool // group == cin == cout: direct kernel, no GEMM
	pointwise        bool // 1×1, stride 1, pad 0: the input is already the GEMM operand
	colRows, colCols int  // im2col matrix of one group: (cin/group·kh·kw) × (oh·ow)
}

func (g *convGeom) finish() {
	g.oh = (g.h+2*g.ph-(g.dh*(g.kh-1)+1))/g.sh + 1
	g.ow = (g.w+2*g.pw-(g.dw*(g.kw-1)+1))/g.sw + 1
	g.depthwise = g.group > 1 && g.group == g.cin && g.cout == g.cin
	g.pointwise = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0
	g.colRows = g.cin / g.group * g.kh * g.kw
	g.colCols = g.oh * g.ow
}

// convRef is the reference convolution: out[o][y][x] = bias[o] +
// Σ_{c in o's group, i, j} w[o][c][i][j] · in[c][y·sh−ph+i·dh][x·sw−pw+j·dw],
// zero outside the image, then ReLU if relu. w is [cout][cin/group][kh][kw].
func convRef(g *convGeom, w, bias []float32, relu bool, in, out []float32) {
	cg, mg := g.cin/g.group, g.cout/g.group
	for o := 0; o < g.cout; o++ {
		grp := o / mg
		for y := 0; y < g.oh; y++ {
			for x := 0; x < g.ow; x++ {
				var s float32
				if bias != nil {
					s = bias[o]
				}
				for c := 0; c < cg; c++ {
					ci := grp*cg + c
					for i := 0; i < g.kh; i++ {
						iy := y*g.sh - g.ph + i*g.dh
						if iy < 0 || iy >= g.h {
							continue
						}
						for j := 0; j < g.kw; j++ {
							ix := x*g.sw - g.pw + j*g.dw
							if ix < 0 || ix >= g.w {
								continue
							}
							s += w[((o*cg+c)*g.kh+i)*g.kw+j] * in[(ci*g.h+iy)*g.w+ix]
						}
					}
				}
				if relu && s < 0 {
					s = 0
				}
				out[(o*g.oh+y)*g.ow+x] = s
			}
		}
	}
}

// convFast runs the convolution with the fast kernels. packed holds one
// packed weight matrix per group (nil for depthwise).
func convFast(ctx *fwdCtx, g *convGeom, w []float32, packed []*packedA, bias []float32, relu bool, in, out []float32) {
	if g.depthwise {
		ctx.dw = depthwiseJob{g: g, w: w, bias: bias, relu: relu, in: in, out: out}
		ctx.pool.run(&ctx.dw)
		ctx.dw = depthwiseJob{}
		return
	}
	cg, mg := g.cin/g.group, g.cout/g.group
	inPlane, outPlane := g.h*g.w, g.oh*g.ow
	for grp := 0; grp < g.group; grp++ {
		gin := in[grp*cg*inPlane : (grp+1)*cg*inPlane]
		gout := out[grp*mg*outPlane : (grp+1)*mg*outPlane]
		ep := epilogue{relu: relu}
		if bias != nil {
			ep.bias = bias[grp*mg : (grp+1)*mg]
		}
		if g.pointwise {
			packed[grp].mul(ctx.gemm, outPlane, gin, inPlane, gout, outPlane, ep)
			continue
		}
		// im2col in tiles of whole output rows small enough to stay in
		// L2 (colTile floats), each followed by its GEMM into the matching
		// columns of the output: the matrix is written and read while
		// cached instead of going through memory (AlexNet conv1's is 4.4 MB).
		rows := max(1, min(g.oh, colTile/(g.colRows*g.ow)))
		for oy0 := 0; oy0 < g.oh; oy0 += rows {
			oy1 := min(oy0+rows, g.oh)
			n := (oy1 - oy0) * g.ow
			col := ctx.col[:g.colRows*n]
			ctx.im2col = im2colJob{g: g, in: gin, col: col, oy0: oy0, oy1: oy1}
			ctx.pool.run(&ctx.im2col)
			ctx.im2col = im2colJob{}
			packed[grp].mul(ctx.gemm, n, col, n, gout[oy0*g.ow:], outPlane, ep)
		}
	}
}

// colTile bounds an im2col tile, in floats (1 MB, Zen 4's L2). Measured on
// SqueezeNet v1.0's conv1 (best of 4 runs, shared machine): untiled 3.5 /
// 4.6 ms at 1 / 2 threads, 1 MB tiles 3.1 / 3.9 ms, 512 KB 3.2 / 4.2 ms.
const colTile = 256 << 10

// im2colJob lays out the receptive fields of one group for output rows
// [oy0, oy1) as a (cg·kh·kw) × ((oy1−oy0)·ow) matrix; its rows are the
// units of work.
type im2colJob struct {
	g        *convGeom
	in, col  []float32
	oy0, oy1 int
}

func (j *im2colJob) units() int { return j.g.colRows }

func (j *im2colJob) run(_, lo, hi int) {
	g := j.g
	kk := g.kh * g.kw
	n := (j.oy1 - j.oy0) * g.ow
	for r := lo; r < hi; r++ {
		c, rem := r/kk, r%kk
		ki, kj := rem/g.kw, rem%g.kw
		im2colRow(g, j.in[c*g.h*g.w:(c+1)*g.h*g.w], ki, kj, j.oy0, j.oy1, j.col[r*n:(r+1)*n])
	}
}

// im2colRow fills one im2col row for output rows [oy0, oy1): kernel tap
// (ki, kj) of one input plane.
func im2colRow(g *convGeom, plane []float32, ki, kj, oy0, oy1 int, dst []float32) {
	off := kj*g.dw - g.pw
	// Output columns whose input column ow·sw+off lies inside [0, w).
	lo := 0
	if off < 0 {
		lo = (-off + g.sw - 1) / g.sw
	}
	hi := 0
	if last := g.w - 1 - off; last >= 0 {
		hi = last/g.sw + 1
	}
	hi = min(hi, g.ow)
	lo = min(lo, hi)
	for oy := oy0; oy < oy1; oy++ {
		row := dst[(oy-oy0)*g.ow : (oy-oy0+1)*g.ow]
		iy := oy*g.sh - g.ph + ki*g.dh
		if iy < 0 || iy >= g.h {
			clear(row)
			continue
		}
		src := plane[iy*g.w : (iy+1)*g.w]
		clear(row[:lo])
		clear(row[hi:])
		if g.sw == 1 {
			copy(row[lo:hi], src[lo+off:hi+off])
			continue
		}
		for ox := lo; ox < hi; ox++ {
			row[ox] = src[ox*g.sw+off]
		}
	}
}

// depthwiseJob is the direct depthwise kernel: each channel convolved with
// its own kh×kw filter, channels split over the threads. Each output row
// accumulates whole input rows per tap (row-wise multiply-add), which keeps
// the inner loop free of bounds tests.
type depthwiseJob struct {
	g       *convGeom
	w, bias []float32
	relu    bool
	in, out []float32
}

func (j *depthwiseJob) units() int { return j.g.cin }

func (j *depthwiseJob) run(_, lo, hi int) {
	g := j.g
	for c := lo; c < hi; c++ {
		depthwisePlane(g, j.w[c*g.kh*g.kw:(c+1)*g.kh*g.kw], j.bias, c, j.relu,
			j.in[c*g.h*g.w:(c+1)*g.h*g.w], j.out[c*g.oh*g.ow:(c+1)*g.oh*g.ow])
	}
}

func depthwisePlane(g *convGeom, w, bias []float32, c int, relu bool, in, out []float32) {
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
