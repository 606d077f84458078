package sim

import (
	"fmt"
	"iter"
	"testing"
)

// BenchmarkBreakdown measures the parts a process-style B1 event is made of,
// at each number P of processes, so that a B1 rate can be read as a sum
// (see doc.go, Performance). Each reports ns/op for one operation:
//
//   - switch: a coroutine resume and its yield back (two switches) between
//     two coroutines whose state stays in cache.
//   - resume/P: the same with one of P parked coroutines chosen at random,
//     whose state (closures, runtime coroutine, goroutine, stack) is cold
//     when P is large: what the minimal iter.Pull kernel pays per event
//     beyond its heap.
//   - heap4/P and heap2/P: one hold operation (take the first of P entries,
//     put it back at t + Exp(1)) on the kernel's 4-ary heap and on a bare
//     binary heap.
//   - miss/P: one dependent load from one of P 256-byte objects chosen at
//     random (a pointer chase), the price of touching one cold cache line.
//
// P = 100,000 runs only with -sim.all.
func BenchmarkBreakdown(b *testing.B) {
	b.Run("switch", func(b *testing.B) {
		nextA, stopA := iter.Pull(func(yield func(int) bool) {
			for yield(0) {
			}
		})
		defer stopA()
		for b.Loop() {
			nextA()
		}
	})
	for _, P := range b1Sizes {
		name := func(what string) string { return fmt.Sprintf("%s/P=%d", what, P) }
		guard := func(b *testing.B) {
			if P >= 100_000 {
				slow(b)
			}
		}
		b.Run(name("resume"), func(b *testing.B) {
			guard(b)
			nexts := make([]func() (int, bool), P)
			for i := range nexts {
				var stop func()
				nexts[i], stop = iter.Pull(func(yield func(int) bool) {
					for yield(i) {
					}
				})
				defer stop()
			}
			x := uint32(1)
			for b.Loop() {
				x = x*1664525 + 1013904223 // LCG: a pseudo-random index
				nexts[int(uint64(x)*uint64(P)>>32)]()
			}
		})
		b.Run(name("heap4"), func(b *testing.B) {
			guard(b)
			e := NewEnv()
			rng := b1Rand(0)
			ev := &Event{}
			for range P {
				e.push(rng.ExpFloat64(), Normal, ev)
			}
			for b.Loop() {
				t, _ := e.take() // the hold pattern: the push replaces the root
				e.push(t+rng.ExpFloat64(), Normal, ev)
			}
		})
		b.Run(name("heap2"), func(b *testing.B) {
			guard(b)
			rng := b1Rand(0)
			h := make(bareHeap, 0, P)
			for i := range P {
				h.push(bareItem{rng.ExpFloat64(), i})
			}
			for b.Loop() {
				x := h.pop()
				h.push(bareItem{x.t + rng.ExpFloat64(), x.i})
			}
		})
		b.Run(name("miss"), func(b *testing.B) {
			guard(b)
			type node struct {
				next *node
				_    [248]byte
			}
			nodes := make([]*node, P)
			for i := range nodes {
				nodes[i] = new(node)
			}
			// One random cycle through all the nodes.
			rng := b1Rand(1)
			perm := rng.Perm(P)
			for i := range perm {
				nodes[perm[i]].next = nodes[perm[(i+1)%P]]
			}
			n := nodes[0]
			for b.Loop() {
				n = n.next
			}
			if n == nil {
				b.Fatal("broken cycle")
			}
		})
	}
}
