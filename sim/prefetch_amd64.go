package sim

// prefetch4 asks the CPU to bring the cache lines at four addresses into
// its caches without waiting for them. The addresses are hints: stale or
// invalid ones cost a wasted fetch, never a fault (see prefetch_amd64.s).
//
//go:noescape
func prefetch4(a, b, c, d uintptr)
