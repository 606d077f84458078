package models

// Convolution kernels: the naive reference (convRef), the GEMM whose B
// panels are gathered straight from the input (convPacker, im2col fused into
// the packing), the plain-GEMM path for 1×1 stride-1 unpadded convolutions,
// the direct depthwise kernels (depthwise.go), and the previous two-pass im2col + GEMM path
// kept for comparison. Tested against each other by TestConvKernels and
// TestFusedIm2colBitIdentical.

import "unsafe"

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
		switch {
		case g.pointwise && outPlane == 1:
			// A 1×1 map (MobileNet's fc7): a matrix-vector product on
			// the unpacked weights, bound by their bytes; the GEMM
			// would compute a whole micro-tile per output.
			sgemv(ctx.gemm, mg, cg, w[grp*mg*cg:(grp+1)*mg*cg], cg, gin, gout, ep)
		case g.pointwise:
			packed[grp].mul(ctx.gemm, outPlane, gin, inPlane, gout, outPlane, ep)
		case ctx.twoPass:
			convTwoPass(ctx, g, packed[grp], gin, gout, ep)
		default:
			// The GEMM worker that owns a range of output columns gathers
			// their receptive fields from the input straight into its packed
			// B panels: no im2col matrix is written and read back, and no
			// cache line of B moves between cores (BENCHMARKS.md, "Fused
			// im2col").
			ctx.packer = convPacker{g: g, in: gin}
			packed[grp].mulPacked(ctx.gemm, outPlane, &ctx.packer, gout, outPlane, ep)
			ctx.packer = convPacker{}
		}
	}
}

// convPacker is the im2col matrix of one group as a gemm.BPacker: element
// (r, p) with r = (c·kh + i)·kw + j and p = oy·ow + ox is
// in[c][oy·sh − ph + i·dh][ox·sw − pw + j·dw], zero outside the image. It
// writes the GEMM's packed panels directly; the matrix never exists.
type convPacker struct {
	g  *convGeom
	in []float32 // the group's cin/group input planes
}

// gatherOp fills row[d : d+n] of a panel from an input plane: element x is
// plane[s + x·sw], or zero when s < 0.
type gatherOp struct{ d, s, n int }

// maxPackNR bounds the panel width gemm asks for (its BPacker contract).
const maxPackNR = 32

// PackB implements gemm.BPacker. A panel row depends on the channel only
// through the plane it reads, so for each panel and kernel tap it plans the
// copies and zero fills once (tapPlan) and replays them, in order, for every
// channel of the block.
func (p *convPacker) PackB(dst []float32, pc, kc, jc, nc, nr int) {
	g := p.g
	kk := g.kh * g.kw
	plane := g.h * g.w
	var ops [3*maxPackNR + 1]gatherOp
	for jr := 0; jr < nc; jr += nr {
		nv := min(nr, nc-jr)
		panel := dst[jr*kc : jr*kc+kc*nr]
		oy, ox := (jc+jr)/g.ow, (jc+jr)%g.ow
		for t := range kk {
			// Rows of tap t in [pc, pc+kc): r = c·kk + t.
			c := 0
			if pc > t {
				c = (pc - t + kk - 1) / kk
			}
			r := c*kk + t
			if r >= pc+kc {
				continue
			}
			plan := ops[:tapPlan(g, t/g.kw, t%g.kw, oy, ox, nv, nr, &ops)]
			for ; r < pc+kc; r, c = r+kk, c+1 {
				gather(panel[(r-pc)*nr:(r-pc+1)*nr], p.in[c*plane:(c+1)*plane], plan, g.sw)
			}
		}
	}
}

// tapPlan plans the panel row of kernel tap (ki, kj) for the nv output
// pixels starting at (oy, ox), zero-padded to nr, and returns the number of
// ops written.
func tapPlan(g *convGeom, ki, kj, oy, ox, nv, nr int, ops *[3*maxPackNR + 1]gatherOp) int {
	dy, dx := ki*g.dh-g.ph, kj*g.dw-g.pw
	// Output columns [lo, hi) read input columns ox·sw+dx inside [0, w).
	lo := 0
	if dx < 0 {
		lo = (-dx + g.sw - 1) / g.sw
	}
	hi := 0
	if last := g.w - 1 - dx; last >= 0 {
		hi = min(last/g.sw+1, g.ow)
	}
	if lo >= hi {
		return zeroOp(ops, 0, 0, nr)
	}
	if g.sw == 1 && g.sh == 1 && g.ow == g.w {
		return linearPlan(g, dy*g.w+dx, dy, lo, hi, oy*g.ow+ox, nv, nr, ops)
	}
	no := 0
	for pos := 0; pos < nv; oy, ox = oy+1, 0 {
		n := min(nv-pos, g.ow-ox)
		iy := oy*g.sh + dy
		a, b := max(ox, lo), min(ox+n, hi)
		if iy < 0 || iy >= g.h || a >= b {
			no = zeroOp(ops, no, pos, n)
		} else {
			no = zeroOp(ops, no, pos, a-ox)
			ops[no] = gatherOp{d: pos + a - ox, s: iy*g.w + a*g.sw + dx, n: b - a}
			no++
			no = zeroOp(ops, no, pos+b-ox, ox+n-b)
		}
		pos += n
	}
	return zeroOp(ops, no, nv, nr-nv)
}

// linearPlan is tapPlan for a stride-1 convolution whose output rows are as
// wide as its input rows (the "same" padding of most 3×3 and 5×5 layers):
// pixel p then reads plane[p + base] wherever it is inside the image, so the
// panel row is one copy over the image rows it covers, then zero fills of
// the border columns it copied from the neighbouring rows. On a 13-wide map
// a 32-wide panel row takes one copy and two or three short fills instead
// of three copies and their fills.
func linearPlan(g *convGeom, base, dy, lo, hi, p0, nv, nr int, ops *[3*maxPackNR + 1]gatherOp) int {
	a := max(p0, max(0, -dy)*g.ow, -base)
	b := min(p0+nv, min(g.oh, g.h-dy)*g.ow, g.h*g.w-base)
	if a >= b {
		return zeroOp(ops, 0, 0, nr)
	}
	no := zeroOp(ops, 0, 0, a-p0)
	ops[no] = gatherOp{d: a - p0, s: a + base, n: b - a}
	no++
	no = zeroOp(ops, no, b-p0, nr-(b-p0))
	if lo == 0 && hi == g.ow {
		return no
	}
	for rs := a - a%g.ow; rs < b; rs += g.ow {
		x0, x1 := max(rs, a), min(rs+lo, b)
		no = zeroOp(ops, no, x0-p0, x1-x0)
		x0, x1 = max(rs+hi, a), min(rs+g.ow, b)
		no = zeroOp(ops, no, x0-p0, x1-x0)
	}
	return no
}

// zeroOp appends a zero fill of n elements at d, merged with a zero fill
// just before it, so a segment adds at most two ops (plus one at the end).
func zeroOp(ops *[3*maxPackNR + 1]gatherOp, no, d, n int) int {
	if n <= 0 {
		return no
	}
	if no > 0 && ops[no-1].s < 0 && ops[no-1].d+ops[no-1].n == d {
		ops[no-1].n += n
		return no
	}
	ops[no] = gatherOp{d: d, s: -1, n: n}
	return no + 1
}

// gather fills one panel row from one input plane by plan.
//
// Not inlined: inside PackB the strided loop ran out of registers and kept
// its counter on the stack, 2.5 cycles per element.
//
//go:noinline
func gather(row, plane []float32, plan []gatherOp, sw int) {
	for _, o := range plan {
		d := row[o.d : o.d+o.n]
		switch {
		case o.s < 0:
			clear(d)
		case sw == 1:
			copy(d, plane[o.s:o.s+o.n])
		default:
			gatherStrided(d, plane[o.s:o.s+(o.n-1)*sw+1], sw)
		}
	}
}

// gatherStrided sets d[i] = src[i·sw]; len(src) must be (len(d)−1)·sw + 1
// (the caller's slice expression checks the bounds once). The strided
// reads of a strided convolution's panel rows (11×11/4 conv1 of AlexNet
// and NIN: about half of the layer's time went to gathering) were a
// bounds-checked load per element, since the compiler cannot prove
// i·sw < len(src); with the bound checked up front, the loop is four loads
// and four stores per step through a pointer.
func gatherStrided(d, src []float32, sw int) {
	n := len(d)
	if n == 0 {
		return
	}
	_ = src[(n-1)*sw] // the one bounds check: every read below is at most here
	p := unsafe.Pointer(unsafe.SliceData(src))
	step := uintptr(sw) * 4
	i := 0
	for ; i+4 <= n; i += 4 {
		q := unsafe.Add(p, uintptr(i)*step)
		d[i] = *(*float32)(q)
		d[i+1] = *(*float32)(unsafe.Add(q, step))
		d[i+2] = *(*float32)(unsafe.Add(q, 2*step))
		d[i+3] = *(*float32)(unsafe.Add(q, 3*step))
	}
	for ; i < n; i++ {
		d[i] = *(*float32)(unsafe.Add(p, uintptr(i)*step))
	}
}

// convTwoPass is the previous convolution path, kept to test and benchmark
// the fused one against (fwdCtx.twoPass): im2col of a tile of output rows
// into ctx.col by the work pool (split by rows of the matrix), then a GEMM
// that packs it again (split by columns). Its scratch is allocated on first
// use: the memory plan no longer reserves it.
func convTwoPass(ctx *fwdCtx, g *convGeom, pa *packedA, gin, gout []float32, ep epilogue) {
	if need := g.colLen(); len(ctx.col) < need {
		ctx.col = make([]float32, need)
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
		pa.mul(ctx.gemm, n, col, n, gout[oy0*g.ow:], g.oh*g.ow, ep)
	}
}

// colLen is the im2col scratch of the two-pass path.
func (g *convGeom) colLen() int {
	rows := max(1, min(g.oh, colTile/(g.colRows*g.ow)))
	return g.colRows * rows * g.ow
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
