package network

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/infersim/infersim/units"
)

func mbps(xs ...float64) []units.BitRate {
	out := make([]units.BitRate, len(xs))
	for i, x := range xs {
		out[i] = units.BitRate(x) * units.Mbps
	}
	return out
}

func TestParsePlain(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     Trace
	}{
		{"one point", "0 6\n", Trace{Times: []float64{0}, Rates: mbps(6)}},
		{"comments, blanks, tabs", "# header\n\n0\t20 # start\n  4.5 5\n5 20\n",
			Trace{Times: []float64{0, 4.5, 5}, Rates: mbps(20, 5, 20)}},
		{"period", "0 20\n4.5 5\n5 20\nperiod 10\n",
			Trace{Times: []float64{0, 4.5, 5}, Rates: mbps(20, 5, 20), Period: 10}},
		{"period first, zero rate inside", "period 2\n0 0\n1 3\n",
			Trace{Times: []float64{0, 1}, Rates: mbps(0, 3), Period: 2}},
		{"no final newline, exponent", "0 1e1", Trace{Times: []float64{0}, Rates: mbps(10)}},
	} {
		got, err := ParsePlain(strings.NewReader(tc.in), "t.txt")
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		tc.want.Name = "t.txt"
		if !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, *got, tc.want)
		}
	}
}

func TestParsePlainErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "network: bad.txt: no points"},
		{"# only a comment\n", "network: bad.txt: no points"},
		{"0 20\n1\n", "network: bad.txt:2: want `SECONDS MBPS`, got 1 fields"},
		{"0 20\n1 2 3\n", "network: bad.txt:2: want `SECONDS MBPS`, got 3 fields"},
		{"1 20\n", "network: bad.txt:1: the first point must be at time 0, not 1"},
		{"0 20\n2 5\n2 6\n", "network: bad.txt:3: time 2 s does not follow the previous point's 2 s"},
		{"0 20\n-1 5\n", "network: bad.txt:2: time \"-1\" is not a non-negative number of seconds"},
		{"0 x\n", "network: bad.txt:1: rate \"x\" is not a non-negative number of Mbps"},
		{"0 NaN\n", "network: bad.txt:1: rate \"NaN\" is not a non-negative number of Mbps"},
		{"0 -3\n", "network: bad.txt:1: rate \"-3\" is not a non-negative number of Mbps"},
		{"0 1\n1 Inf\n", "network: bad.txt:2: rate \"Inf\" is not a non-negative number of Mbps"},
		{"0 20\nperiod 0\n", "network: bad.txt:2: period \"0\" is not a positive number of seconds"},
		{"0 20\nperiod\n", "network: bad.txt:2: want `period SECONDS`"},
		{"0 20\nperiod 5\nperiod 6\n", "network: bad.txt:3: a second period line (the first is line 2)"},
		{"0 20\n5 3\nperiod 5\n", "network: bad.txt:3: period 5 s must exceed the last point's time 5 s"},
		{"0 0\n1 0\nperiod 2\n", "network: bad.txt:3: every rate is 0: nothing could ever be delivered"},
		{"0 5\n1 0\n", "network: bad.txt: not looped and its last rate is 0: transfers after 1 s would never end"},
	} {
		_, err := ParsePlain(strings.NewReader(tc.in), "bad.txt")
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParsePlain(%q):\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
}

func TestParseMahimahi(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     string
		window units.Duration
		want   Trace
	}{
		// mahimahi traces/README: a file holding "1" is one packet per
		// millisecond, 12 Mbps: 1500·8 bits / 1 ms.
		{"one packet per ms", "1\n", 0, Trace{Times: []float64{0}, Rates: mbps(12), Period: 0.001}},
		// 10 ms windows over 30 ms: (0,10] holds 3 packets → 3·12000/0.01
		// = 3.6 Mbps; (10,20] none → 0; (20,30] 2 → 2.4 Mbps.
		{"windows", "1\n5\n5\n25\n30\n", 10 * units.Millisecond,
			Trace{Times: []float64{0, 0.01, 0.02}, Rates: mbps(3.6, 0, 2.4), Period: 0.03}},
		// Equal neighbours merge; the last window (20,25] is 5 ms long:
		// 1 packet → 12000/0.005 = 2.4 Mbps, the same as the 10 ms windows
		// with 2 packets each.
		{"merge and short last window", "0\n10\n15\n20\n25\n", 10 * units.Millisecond,
			Trace{Times: []float64{0}, Rates: mbps(2.4), Period: 0.025}},
		// 2 packets over a 4 ms trace (one short window): 2·12000/0.004
		// = 6 Mbps.
		{"blank lines and spaces", "\n 3 \n\n4\n", 0, Trace{Times: []float64{0}, Rates: mbps(6), Period: 0.004}},
	} {
		got, err := ParseMahimahi(strings.NewReader(tc.in), "m.up", tc.window)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		tc.want.Name = "m.up"
		if len(got.Rates) != len(tc.want.Rates) || !reflect.DeepEqual(got.Times, tc.want.Times) || got.Period != tc.want.Period {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, *got, tc.want)
			continue
		}
		for i := range got.Rates {
			if math.Abs(float64(got.Rates[i]-tc.want.Rates[i])) > 1e-6 {
				t.Errorf("%s: rate %d = %v, want %v", tc.name, i, got.Rates[i], tc.want.Rates[i])
			}
		}
	}
}

func TestParseMahimahiErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "network: m.up: no delivery opportunities"},
		{"0\n0\n", "network: m.up: the last timestamp is 0 ms: the trace has no duration"},
		{"5\n3\n", "network: m.up:2: timestamp 3 ms is before the previous one, 5 ms"},
		{"1\n2.5\n", "network: m.up:2: \"2.5\" is not a timestamp in whole milliseconds (0 to 1e12)"},
		{"1\n-2\n", "network: m.up:2: \"-2\" is not a timestamp in whole milliseconds (0 to 1e12)"},
		{"1 2\n", "network: m.up:1: \"1 2\" is not a timestamp in whole milliseconds (0 to 1e12)"},
	} {
		_, err := ParseMahimahi(strings.NewReader(tc.in), "m.up", 0)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseMahimahi(%q):\n got %v\nwant %s", tc.in, err, tc.want)
		}
	}
	if _, err := ParseMahimahi(strings.NewReader("1\n"), "m.up", 1.5*units.Millisecond); err == nil {
		t.Error("a 1.5 ms window was accepted")
	}
}

func TestTraceAt(t *testing.T) {
	tr := &Trace{Times: []float64{0, 4.5, 5}, Rates: mbps(20, 5, 20), Period: 10}
	inf := math.Inf(1)
	for _, tc := range []struct {
		x, rate, next float64
	}{
		{0, 20, 4.5}, {4.4, 20, 4.5}, {4.5, 5, 5}, {7, 20, 10}, {10, 20, 14.5}, {24.7, 5, 25}, {25, 20, 30},
	} {
		r, next := tr.At(tc.x)
		if float64(r) != tc.rate*1e6 || math.Abs(next-tc.next) > 1e-12 {
			t.Errorf("At(%g) = %v, %g; want %g Mbps, %g", tc.x, r, next, tc.rate, tc.next)
		}
	}
	tr.Period = 0
	if r, next := tr.At(100); float64(r) != 20e6 || next != inf {
		t.Errorf("unlooped At(100) = %v, %g", r, next)
	}
	// Mean over the period: (20·4.5 + 5·0.5 + 20·5)/10 = 19.25 Mbps.
	tr.Period = 10
	if m := tr.Mean(); math.Abs(float64(m)-19.25e6) > 1e-6 {
		t.Errorf("Mean = %v, want 19.25 Mbps", m)
	}
	if p := tr.Peak(); p != 20*units.Mbps {
		t.Errorf("Peak = %v", p)
	}
}

func TestBuiltinTraces(t *testing.T) {
	names := BuiltinTraces()
	if want := []string{"lte-drive-up.mahi", "lte-drive.txt", "wifi-steady.txt"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("BuiltinTraces() = %v, want %v", names, want)
	}
	for _, n := range names {
		tr, err := BuiltinTrace(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if err := tr.Validate(); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	wifi, _ := BuiltinTrace("wifi-steady.txt")
	if m := wifi.Mean(); m < 19*units.Mbps || m > 21*units.Mbps {
		t.Errorf("wifi-steady mean %v, want 20 ± 1 Mbps", m)
	}
	// The Mahimahi version of the drive's first 20 s carries the same
	// bytes as the plain version over those 20 s (to within one packet).
	drive, _ := BuiltinTrace("lte-drive.txt")
	up, _ := BuiltinTrace("lte-drive-up.mahi")
	if up.Period != 20 {
		t.Fatalf("lte-drive-up period %v, want 20 s", up.Period)
	}
	bitsIn := func(tr *Trace, end float64) float64 {
		sum, x := 0.0, 0.0
		for x < end {
			r, next := tr.At(x)
			next = math.Min(next, end)
			sum += float64(r) * (next - x)
			x = next
		}
		return sum
	}
	a, b := bitsIn(drive, 20), bitsIn(up, 20)
	if math.Abs(a-b) > 2*1500*8 {
		t.Errorf("first 20 s: plain %g bits, mahimahi %g bits", a, b)
	}
	if _, err := BuiltinTrace("nope.txt"); err == nil || !strings.Contains(err.Error(), "wifi-steady.txt") {
		t.Errorf("unknown builtin: %v", err)
	}
}

func FuzzParsePlain(f *testing.F) {
	for _, s := range []string{"0 20\n4.5 5\n5 20\nperiod 10\n", "# c\n0 1\n", "0 0\n1 3\nperiod 2\n", "period 1e300\n0 1", "0 1e308\n1e-300 2\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ParsePlain(strings.NewReader(s), "fuzz.txt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "network: fuzz.txt") {
				t.Fatalf("error without file prefix: %v", err)
			}
			return
		}
		if err := tr.Validate(); err != nil {
			t.Fatalf("parsed trace invalid: %v", err)
		}
		for _, x := range []float64{0, 0.5, 1, 1e3} {
			r, next := tr.At(x)
			if !(r >= 0) || !(next > x) && !math.IsInf(next, 1) {
				if float64(tr.Period) > 0 && next <= x && x/float64(tr.Period) > 1e15 {
					continue // beyond float precision of the period
				}
				t.Fatalf("At(%g) = %v, %g", x, r, next)
			}
		}
	})
}

func FuzzParseMahimahi(f *testing.F) {
	for _, s := range []string{"1\n", "1\n5\n5\n25\n30\n", "0\n10\n", "\n3\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ParseMahimahi(strings.NewReader(s), "fuzz.up", 0)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "network: fuzz.up") {
				t.Fatalf("error without file prefix: %v", err)
			}
			return
		}
		if err := tr.Validate(); err != nil {
			t.Fatalf("parsed trace invalid: %v", err)
		}
	})
}

// TestBuiltinTraceInfos checks that every builtin trace has a one-line
// description whose loop period is the one the parsed trace has.
func TestBuiltinTraceInfos(t *testing.T) {
	infos := BuiltinTraceInfos()
	if len(infos) != len(BuiltinTraces()) {
		t.Fatalf("%d infos for %d traces", len(infos), len(BuiltinTraces()))
	}
	for _, in := range infos {
		tr, err := BuiltinTrace(in.Name)
		if err != nil {
			t.Fatal(err)
		}
		loop := fmt.Sprintf("loops every %g s", float64(tr.Period))
		if in.Description == "" || strings.Contains(in.Description, "\n") || !strings.Contains(in.Description, loop) {
			t.Errorf("%s: description %q, want one line saying %q", in.Name, in.Description, loop)
		}
		if want := map[bool]string{true: "mahimahi", false: "plain"}[strings.HasSuffix(in.Name, ".mahi")]; in.Format != want {
			t.Errorf("%s: format %s, want %s", in.Name, in.Format, want)
		}
	}
}
