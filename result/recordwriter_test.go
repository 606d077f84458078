package result

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// referenceRow formats r field by field with appendFloat (times with
// AppendTime), as Write did before it copied repeated numbers, and
// texts quoted by strings.ContainsAny.
func referenceRow(r *Record) []byte {
	b := strconv.AppendInt(nil, int64(r.Point), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Replication), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Phone), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Request), 10)
	for _, s := range []string{r.Model, r.Mode, r.Image} {
		b = append(b, ',')
		if strings.ContainsAny(s, ",\"\n\r") {
			b = append(b, '"')
			b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
			b = append(b, '"')
		} else {
			b = append(b, s...)
		}
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Split), 10)
	b = append(b, ',')
	b = strconv.AppendBool(b, r.Cold)
	b = appendTimeField(b, r.Arrival)
	b = appendTimeField(b, r.End)
	b = appendTimeField(b, r.Latency())
	b = append(b, ',')
	b = append(b, r.Outcome.String()...)
	for _, s := range r.Phases {
		b = appendTimeField(b, s.Start)
		b = appendTimeField(b, s.End)
		b = appendTimeField(b, s.Duration)
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

func TestAppendTime(t *testing.T) {
	tests := []struct {
		x    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{2, "2"},
		{0.09177000000000035, "0.09177"},
		{5.90646056308496, "5.906461"},
		{0.0007665575599293817, "0.000767"},
		{1e-7, "0"},
		{-1e-7, "0"},
		{-2.5e-6, "-0.000003"},
		{0.1999999999999993, "0.2"},
		{123456.0000004, "123456"},
		{3.3000000000810596e+12, "3300000000081.06"},
		{999999999.9999996, "1000000000"},
		{4.2e15 + 0.5, "4.2000000000000005e+15"},
		{math.Inf(1), "+Inf"},
	}
	for _, tt := range tests {
		got := string(AppendTime(nil, tt.x))
		if got != tt.want {
			t.Errorf("AppendTime(%v) = %q, want %q", tt.x, got, tt.want)
		}
		if v, err := strconv.ParseFloat(got, 64); err != nil || math.Abs(v-tt.x) > 0.5e-6*max(1, math.Abs(tt.x)/1e9) {
			t.Errorf("AppendTime(%v) = %q reads back as %v, %v", tt.x, got, v, err)
		}
	}
}

// TestRecordWriterRepeats: rows whose numbers repeat (phase boundaries,
// zeros, signed zeros, NaN, a column's value in the next row) and whose
// names need quotes or not are written exactly as formatting every field
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
		if rng.IntN(4) == 0 {
			names := []string{"a,b", `q"x`, "l\nf", "c\rr", "plain", ""}
			r.Model, r.Image = names[rng.IntN(len(names))], names[rng.IntN(len(names))]
		}
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

// BenchmarkRecordWriter: one requests.csv row of the 10⁶-request case
// (scenarios/testdata/bench-req1e6-csv.yaml): seven phases in sequence at
// times of 0–10⁶ s, energies with full mantissas, a fixed upload size.
func BenchmarkRecordWriter(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := make([]Record, 1024)
	for i := range recs {
		r := NewRecord()
		r.Model, r.Mode, r.Image = "squeezenet-v1.0", "cloud-gpu", "960x540"
		t0 := rng.Float64() * 1e6
		r.Arrival = t0
		for _, p := range []Phase{3, 1, 4, 5, 6, 7, 8, 9} {
			t1 := t0 + rng.ExpFloat64()*0.05
			r.AddPhase(p, t0, t1)
			t0 = t1
		}
		r.End = t0
		r.Energy = [NumComponents]float64{rng.Float64() * 0.1, 0, rng.Float64() * 0.3, rng.Float64() * 0.2}
		r.TailEnergy, r.UpBytes, r.DownBytes = 0.10075, 14477.621238425925, 1000
		recs[i] = r
	}
	rw, err := NewRecordWriter(io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := rw.Write(&recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
	}
}
