package sim

import (
	"testing"
)

// BenchmarkHeapHold measures the event queue alone on the hold model
// (P = 10,000 entries; pop the first, push it back at t + Exp(1)) against
// the bare binary heap, to see what the queue costs per event.
func BenchmarkHeapHold(b *testing.B) {
	const P = 10_000
	b.Run("kernel4ary", func(b *testing.B) {
		e := NewEnv()
		rng := b1Rand(0)
		ev := &Event{}
		for range P {
			e.push(rng.ExpFloat64(), Normal, ev)
		}
		for b.Loop() {
			t, _ := e.pop()
			e.push(t+rng.ExpFloat64(), Normal, ev)
		}
	})
	b.Run("bare2ary", func(b *testing.B) {
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
}
