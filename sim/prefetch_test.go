package sim

import (
	"testing"
	"unsafe"
)

// TestGuessNext checks the premise of wake's prefetch: in the hold pattern
// of B1 the least child of the root being processed is the next entry,
// except when the entry pushed meanwhile comes before it (about 1 in P
// times), and the guess is exact whenever no push intervenes.
func TestGuessNext(t *testing.T) {
	for _, P := range []int{5, 100, 1000} {
		e := NewEnv()
		rng := b1Rand(0)
		for i := range P {
			e.push(rng.ExpFloat64(), Normal, i)
		}
		const n = 20_000
		hits := 0
		for range n {
			now, v := e.take()
			g := e.guessNext()
			e.push(now+rng.ExpFloat64(), Normal, v)
			if e.heap[heapPad].s() == g {
				hits++
			}
			// Without a push, settle promotes exactly the guess.
			e.take()
			g = e.guessNext()
			e.settle()
			if got := e.heap[heapPad].s(); got != g {
				t.Fatalf("P=%d: after settle the root is slot %d, guessed %d", P, got, g)
			}
			e.push(now+rng.ExpFloat64(), Normal, v)
		}
		// The pushed entry precedes the least child with probability about
		// 1/P for exponential holds (the pending times are exponential too);
		// allow three times that, plus slack for small P.
		if miss := float64(n-hits) / n; miss > 3.0/float64(P)+0.01 {
			t.Errorf("P=%d: guess missed %.2f%% of next entries, want ≲ %.2f%%", P, 100*miss, 100*(3.0/float64(P)+0.01))
		}
	}
}

// TestSleepHint checks that a process in Sleep leaves the address of its
// Process beside its slot, for wake's prefetch.
func TestSleepHint(t *testing.T) {
	e := NewEnv()
	defer e.Close()
	var seen []uint32
	ps := make([]*Process, 3)
	for i := range ps {
		ps[i] = e.Process("p", func(p *Proc) error {
			for {
				if err := p.Sleep(float64(i + 1)); err != nil {
					return err
				}
			}
		})
	}
	if err := e.RunUntil(0.5); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		r := e.slots[p.tslot]
		if r.hint.proc != uintptr(unsafe.Pointer(p)) || r.hint.sp == 0 {
			t.Errorf("slot %d of a sleeping process: hint %+v, want proc %p and a stack address", p.tslot, r.hint, p)
		}
		seen = append(seen, p.tslot)
	}
	if len(seen) != 3 || seen[0] == seen[1] || seen[1] == seen[2] {
		t.Errorf("slots %v, want three distinct", seen)
	}
}
