//go:build !amd64 || purego

package gemm

// asmLevels is empty: only the pure-Go level exists.
var asmLevels []*level
