//go:build !amd64

package sim

// prefetch4 does nothing where the kernel has no prefetch instruction; the
// addresses are hints only (see prefetch_amd64.go).
func prefetch4(a, b, c, d uintptr) {}
