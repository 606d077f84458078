package devices

import (
	"math"
	"math/rand/v2"

	"github.com/infersim/infersim/sim"
)

// memory is the phone's RAM budget:
//
//	free = RAM − system reserve − other apps − ours
//	ours = native (app baseline + native model memory) + the Java heap's committed size
//
// Other apps hold a fraction of RAM (MemorySpec.BackgroundPressure), which
// may fluctuate (pressure process). The Java heap may grow up to the growth
// limit min(heap limit, free + committed − minfree(foreground)): the kernel
// keeps the foreground low-memory-killer threshold free, killing other
// apps first, so the app's heap stops growing there and its allocations
// fail (oom) rather than the app being killed while it is in the
// foreground.
type memory struct {
	*memConst         // shared by a crowd's phones
	other     float64 // other apps' bytes
	native    float64 // our native bytes
	heap      artHeap
	alive     bool // the app's process exists
}

// memConst is what a PhoneSpec fixes of the memory.
type memConst struct {
	ram, reserve, fgMinfree, heapMax float64
	hc                               heapConst // the heap's, for artHeap
}

func newMemConst(s *PhoneSpec) *memConst {
	return &memConst{
		ram:       float64(s.Memory.RAM),
		reserve:   float64(s.Memory.SystemReserve),
		fgMinfree: float64(s.LMK.Minfree[0]),
		heapMax:   float64(s.Heap.Max()),
		hc:        newHeapConst(s),
	}
}

func newMemory(s *PhoneSpec, mc *memConst) memory {
	return memory{
		memConst: mc,
		other:    s.Memory.BackgroundPressure * float64(s.Memory.RAM),
		heap:     artHeap{heapConst: &mc.hc},
	}
}

// ours returns the app's memory.
func (m *memory) ours() float64 {
	if !m.alive {
		return 0
	}
	return m.native + m.heap.committed()
}

// free returns the free RAM (negative when over-committed).
func (m *memory) free() float64 { return m.ram - m.reserve - m.other - m.ours() }

// growthLimit returns how large the Java heap may grow now.
func (m *memory) growthLimit() float64 {
	room := m.free() + m.heap.committed() - m.fgMinfree
	return math.Max(0, math.Min(m.heapMax, room))
}

// pressure varies the other apps' memory (FluctuationSpec) from the phone's
// own stream and reports each change.
type pressure struct {
	spec    FluctuationSpec
	mean    float64 // fraction of RAM
	ram     float64
	rng     *rand.Rand
	changed func(other float64)
}

func clampFrac(x float64) float64 { return math.Min(0.99, math.Max(0, x)) }

// run is the pressure process body.
func (pr *pressure) run(p *sim.Proc) error {
	x := pr.mean
	switch pr.spec.Model {
	case "ou":
		dt := float64(pr.spec.Step)
		a := math.Exp(-dt / float64(pr.spec.Timescale))
		s := pr.spec.SD * math.Sqrt(1-a*a)
		for {
			if err := p.Sleep(dt); err != nil {
				return nil
			}
			x = pr.mean + (x-pr.mean)*a + s*pr.rng.NormFloat64()
			pr.changed(clampFrac(x) * pr.ram)
		}
	case "redraw":
		for {
			if err := p.Sleep(float64(pr.spec.Timescale)); err != nil {
				return nil
			}
			x = pr.mean + pr.spec.SD*pr.rng.NormFloat64()
			pr.changed(clampFrac(x) * pr.ram)
		}
	}
	return nil
}
