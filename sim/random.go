package sim

import (
	"fmt"
	"math/rand/v2"
)

// Streams hands out named random streams derived from one seed. Each stream
// is a PCG generator (math/rand/v2) seeded from a hash of (seed, name), so
// the draws of one component depend only on the seed and its own name:
// adding, removing or reordering other components never changes them. The
// derivation uses only 64-bit integer arithmetic on the name's bytes and is
// the same on every platform.
type Streams struct {
	seed uint64
}

// NewStreams returns the streams derived from seed.
func NewStreams(seed uint64) *Streams { return &Streams{seed: seed} }

// Seed returns the seed the streams derive from.
func (s *Streams) Seed() uint64 { return s.seed }

// Source returns a new generator for the stream named name, positioned at
// its start. Use it as the Src of gonum's stat/distuv distributions, e.g.
// distuv.Exponential{Rate: 3.6, Src: streams.Source("arrivals")}. Each call
// returns an independent copy starting from the beginning: call it once per
// component and keep the result.
func (s *Streams) Source(name string) *rand.PCG {
	h := DeriveSeed(s.seed, name)
	return rand.NewPCG(h, mix64(h^0x6a09e667f3bcc909))
}

// Stream returns a *rand.Rand over Source(name).
func (s *Streams) Stream(name string) *rand.Rand { return rand.New(s.Source(name)) }

// DeriveSeed hashes seed and parts into a new seed, for example (scenario
// seed, sweep point, replication). Parts may be strings, []byte, bools and
// any integer type; a part's type is part of the hash, so DeriveSeed(s, 1)
// and DeriveSeed(s, "1") differ, and so do ("ab", "c") and ("a", "bc"). It
// panics on a part of any other type.
func DeriveSeed(seed uint64, parts ...any) uint64 {
	h := mix64(seed ^ 0x243f6a8885a308d3)
	for _, part := range parts {
		switch v := part.(type) {
		case string:
			h = hashBytes(h, 1, []byte(v))
		case []byte:
			h = hashBytes(h, 1, v)
		case bool:
			w := uint64(0)
			if v {
				w = 1
			}
			h = absorb(absorb(h, 2), w)
		case int:
			h = absorb(absorb(h, 3), uint64(v))
		case int8:
			h = absorb(absorb(h, 3), uint64(v))
		case int16:
			h = absorb(absorb(h, 3), uint64(v))
		case int32:
			h = absorb(absorb(h, 3), uint64(v))
		case int64:
			h = absorb(absorb(h, 3), uint64(v))
		case uint:
			h = absorb(absorb(h, 4), uint64(v))
		case uint8:
			h = absorb(absorb(h, 4), uint64(v))
		case uint16:
			h = absorb(absorb(h, 4), uint64(v))
		case uint32:
			h = absorb(absorb(h, 4), uint64(v))
		case uint64:
			h = absorb(absorb(h, 4), v)
		case uintptr:
			h = absorb(absorb(h, 4), uint64(v))
		default:
			panic(fmt.Sprintf("sim: DeriveSeed part of unsupported type %T", part))
		}
	}
	return h
}

// hashBytes absorbs a tag, the length and the bytes (8 at a time,
// little-endian) into h.
func hashBytes(h, tag uint64, b []byte) uint64 {
	h = absorb(absorb(h, tag), uint64(len(b)))
	for len(b) >= 8 {
		w := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		h = absorb(h, w)
		b = b[8:]
	}
	if len(b) > 0 {
		var w uint64
		for i, c := range b {
			w |= uint64(c) << (8 * i)
		}
		h = absorb(h, w)
	}
	return h
}

func absorb(h, w uint64) uint64 { return mix64(h ^ mix64(w+0x9e3779b97f4a7c15)) }

// mix64 is the finalizer of SplitMix64 (Steele, Lea and Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014), a bijection with
// good avalanche.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
