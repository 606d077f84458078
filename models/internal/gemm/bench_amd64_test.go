//go:build amd64 && !purego

package gemm

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// BenchmarkPeakFMA measures this core's fused multiply-add peak (24
// independent zmm FMA chains), the ceiling for the GEMM figures.
func BenchmarkPeakFMA(b *testing.B) {
	if !cpu.X86.HasAVX512F {
		b.Skip("no AVX-512")
	}
	const iters = 1 << 16
	for b.Loop() {
		peak512(iters)
	}
	b.ReportMetric(768*iters*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
