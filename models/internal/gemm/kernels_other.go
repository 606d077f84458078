//go:build !amd64 || purego

package gemm

// asmLevels is empty: only the pure-Go level exists.
var asmLevels []*level

// streamSum sums x; the memory-bandwidth yardstick of the Sgemv benchmarks.
func streamSum(x []float32) float32 { return sumGo(x) }
