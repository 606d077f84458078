//go:build amd64 && !purego

package models

import "golang.org/x/sys/cpu"

// AVX2+FMA row kernels of depthwise_amd64.s: n outputs from three padded
// rows, whole blocks of 8 and a masked last block. They read up to
// dw3RowLen floats of each row.

//go:noescape
func dw3s1AVX2(out, r0, r1, r2, wb *float32, n int, relu bool)

//go:noescape
func dw3s2AVX2(out, r0, r1, r2, wb *float32, n int, relu bool)

var hasDW3 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dw3Row is the row kernel of depthwise3x3Plane: out[x] = bias + Σ_k Σ_j
// w[k][j]·r_k[s·x+j], then ReLU if relu.
func dw3Row(out []float32, r0, r1, r2 *[dwMaxRow]float32, wb *[10]float32, s int, relu bool) {
	if !hasDW3 || len(out) == 0 {
		dw3RowGo(out, r0, r1, r2, wb, s, relu)
		return
	}
	if s == 1 {
		dw3s1AVX2(&out[0], &r0[0], &r1[0], &r2[0], &wb[0], len(out), relu)
		return
	}
	dw3s2AVX2(&out[0], &r0[0], &r1[0], &r2[0], &wb[0], len(out), relu)
}
