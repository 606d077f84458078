package result

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// referenceRow formats r field by field with appendFloat, as Write did
// before it copied repeated numbers.
func referenceRow(r *Record) []byte {
	b := strconv.AppendInt(nil, int64(r.Point), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Replication), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Phone), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Request), 10)
	b = appendText(b, r.Model)
	b = appendText(b, r.Mode)
	b = appendText(b, r.Image)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Split), 10)
	b = append(b, ',')
	b = strconv.AppendBool(b, r.Cold)
	b = appendFloat(b, r.Arrival)
	b = appendFloat(b, r.End)
	b = appendFloat(b, r.Latency())
	b = append(b, ',')
	b = append(b, r.Outcome.String()...)
	for _, s := range r.Phases {
		b = appendFloat(b, s.Start)
		b = appendFloat(b, s.End)
		b = appendFloat(b, s.Duration)
	}
	for _, e := range r.Energy {
		b = appendFloat(b, e)
	}
	b = appendFloat(b, r.TotalEnergy())
	b = appendFloat(b, r.TailEnergy)
	b = appendFloat(b, r.UpBytes)
	b = appendFloat(b, r.DownBytes)
	return append(b, '\n')
}

// TestRecordWriterRepeats: rows whose numbers repeat (phase boundaries,
// zeros, signed zeros, NaN) are written exactly as formatting every field
// would write them.
func TestRecordWriterRepeats(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pool := []float64{0, math.Copysign(0, -1), 1, 0.1, 1e-300, 3.3e12, math.NaN()}
	var got, want bytes.Buffer
	rw, err := NewRecordWriter(&got)
	if err != nil {
		t.Fatal(err)
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	got.Reset()
	for i := 0; i < 2000; i++ {
		r := NewRecord()
		r.Model, r.Mode, r.Image = "alexnet", "split:7", "960x540"
		pick := func() float64 {
			if rng.IntN(3) == 0 {
				return pool[rng.IntN(len(pool))]
			}
			return rng.ExpFloat64() * 10
		}
		t0 := pick()
		r.Arrival = t0
		for p := range r.Phases {
			if rng.IntN(4) == 0 {
				continue
			}
			t1 := t0 + pick()
			if rng.IntN(5) == 0 {
				t1 = t0
			}
			r.AddPhase(Phase(p), t0, t1)
			t0 = t1
		}
		r.End = t0
		for c := range r.Energy {
			r.Energy[c] = pick()
		}
		r.TailEnergy, r.UpBytes, r.DownBytes = pick(), pick(), 1000
		if err := rw.Write(&r); err != nil {
			t.Fatal(err)
		}
		want.Write(referenceRow(&r))
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		g, w := got.String(), want.String()
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		t.Fatalf("rows differ at byte %d:\n got %.200q\nwant %.200q", i, g[max(0, i-80):], w[max(0, i-80):])
	}
}
