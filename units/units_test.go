package units

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in    string
		parse func(string) (float64, error)
		want  float64
	}{
		{"4.8MB", asFloat(ParseBytes), 4.8e6},
		{"2GiB", asFloat(ParseBytes), 2 << 30},
		{"512 KiB", asFloat(ParseBytes), 512 << 10},
		{"1500B", asFloat(ParseBytes), 1500},
		{"233MB", asFloat(ParseBytes), 233e6},
		{"25Mbps", asFloat(ParseBitRate), 25e6},
		{"800kbps", asFloat(ParseBitRate), 800e3},
		{"1.5Gbit/s", asFloat(ParseBitRate), 1.5e9},
		{"1MB/s", asFloat(ParseBitRate), 8e6},
		{"12.8GB/s", asFloat(ParseByteRate), 12.8e9},
		{"20ms", asFloat(ParseDuration), 0.02},
		{"1.5s", asFloat(ParseDuration), 1.5},
		{"2min", asFloat(ParseDuration), 120},
		{"1h", asFloat(ParseDuration), 3600},
		{"250us", asFloat(ParseDuration), 250e-6},
		{"250µs", asFloat(ParseDuration), 250e-6},
		{"1e-3s", asFloat(ParseDuration), 1e-3},
		{"-3s", asFloat(ParseDuration), -3},
		{"1.2W", asFloat(ParsePower), 1.2},
		{"438.39mW", asFloat(ParsePower), 0.43839},
		{"3.5J", asFloat(ParseEnergy), 3.5},
		{"2Wh", asFloat(ParseEnergy), 7200},
		{"2300mAh", asFloat(ParseCharge), 8280},
		{"1.45GFLOP", asFloat(ParseFLOPs), 1.45e9},
		{"20GFLOP/s", asFloat(ParseFLOPRate), 20e9},
		{"20 GFLOPS", asFloat(ParseFLOPRate), 20e9},
	}
	for _, tt := range tests {
		got, err := tt.parse(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if math.Abs(got-tt.want) > 1e-12*math.Abs(tt.want) {
			t.Errorf("%q = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// asFloat adapts a typed parser to a float64 one for the table.
func asFloat[T ~float64](p func(string) (T, error)) func(string) (float64, error) {
	return func(s string) (float64, error) {
		v, err := p(s)
		return float64(v), err
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in    string
		parse func(string) (float64, error)
		want  string
	}{
		{"25", asFloat(ParseBitRate), `units: "25": missing unit: a bit rate needs one, e.g. 25Mbps`},
		{"", asFloat(ParseBytes), "empty data size"},
		{"  ", asFloat(ParseDuration), "empty duration"},
		{"fast", asFloat(ParseBitRate), "must start with a number"},
		{"25 Mbs", asFloat(ParseBitRate), `unknown bit rate unit "Mbs"`},
		{"4.8mb", asFloat(ParseBytes), `unknown data size unit "mb"`},
		{"20 GB", asFloat(ParseDuration), `unknown duration unit "GB"`},
		{"1e999s", asFloat(ParseDuration), "not a finite number"},
		{"1e308TB", asFloat(ParseBytes), "out of range"},
		{"NaNs", asFloat(ParseDuration), "must start with a number"},
		{"Infs", asFloat(ParseDuration), "must start with a number"},
		{"5e", asFloat(ParseBytes), `unknown data size unit "e"`},
		{"..s", asFloat(ParseDuration), "must start with a number"},
	}
	for _, tt := range tests {
		_, err := tt.parse(tt.in)
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.in, tt.want)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %T is not a *ParseError", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		got  fmt.Stringer
		want string
	}{
		{4.8 * Megabyte, "4.8 MB"},
		{Bytes(233e6), "233 MB"},
		{Bytes(512), "512 B"},
		{Bytes(0), "0 B"},
		{25 * Mbps, "25 Mbps"},
		{Duration(0.0204), "20.4 ms"},
		{Duration(88), "88 s"},
		{Duration(3e-7), "300 ns"},
		{Power(1.21), "1.21 W"},
		{Power(0.403), "403 mW"},
		{Energy(31464), "31.5 kJ"},
		{Charge(2300 * 3.6), "2300 mAh"},
		{Bytes(-1500), "-1.5 kB"},
		{Duration(0.5), "500 ms"},
		{FLOPs(1.449e9), "1.45 GFLOP"},
		{FLOPRate(137e9), "137 GFLOP/s"},
		{ByteRate(21e9), "21 GB/s"},
	}
	for _, tt := range tests {
		if s := tt.got.String(); s != tt.want {
			t.Errorf("String() = %q, want %q", s, tt.want)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	values := []float64{0, 1, 0.1, 1.0 / 3, 25e6, 4.8e6, 2 << 30, 1e-9, 123456789.123, -7.5, 3.6, math.SmallestNonzeroFloat64, math.MaxFloat64 / 10}
	for _, v := range values {
		checkRoundTrip(t, Bytes(v))
		if v == 0 || math.Abs(v) >= float64(MinBitRate) { // smaller bit rates are refused
			checkRoundTrip(t, BitRate(v))
		}
		checkRoundTrip(t, ByteRate(v))
		checkRoundTrip(t, Duration(v))
		checkRoundTrip(t, Power(v))
		checkRoundTrip(t, Energy(v))
		checkRoundTrip(t, Charge(v))
		checkRoundTrip(t, FLOPs(v))
		checkRoundTrip(t, FLOPRate(v))
	}
}

type textQuantity[T any] interface {
	~float64
	MarshalText() ([]byte, error)
}

func checkRoundTrip[T textQuantity[T], PT interface {
	*T
	UnmarshalText([]byte) error
}](t *testing.T, v T) {
	t.Helper()
	b, err := v.MarshalText()
	if err != nil {
		t.Fatalf("%T(%v).MarshalText: %v", v, float64(v), err)
	}
	var back T
	if err := PT(&back).UnmarshalText(b); err != nil {
		t.Fatalf("%T: %q does not parse back: %v", v, b, err)
	}
	if back != v {
		t.Errorf("%T: %v marshalled as %q parses back as %v", v, float64(v), b, float64(back))
	}
}

func TestArithmeticHelpers(t *testing.T) {
	// A 1 MB upload at 6 Mbps: 8e6 bits / 6e6 bit/s = 1.3333 s.
	if got := TransferTime(Megabyte, 6*Mbps); math.Abs(float64(got)-4.0/3) > 1e-12 {
		t.Errorf("TransferTime = %v", got)
	}
	if got := (6 * Mbps).BytesIn(2); got != 1.5e6 {
		t.Errorf("BytesIn = %v", got)
	}
	// LTE promotion: 0.26 s at 1.21 W = 0.3146 J.
	if got := Power(1.21).Over(0.26); math.Abs(float64(got)-0.3146) > 1e-12 {
		t.Errorf("Over = %v", got)
	}
	// Nexus 5 battery: 2300 mAh at 3.8 V = 31464 J.
	if got := Charge(2300 * MilliAmpH).Energy(3.8); math.Abs(float64(got)-31464) > 1e-9 {
		t.Errorf("Energy = %v", got)
	}
	if got := ByteRate(100e6).ReadTime(233e6); math.Abs(float64(got)-2.33) > 1e-12 {
		t.Errorf("ReadTime = %v", got)
	}
	if got := FLOPRate(10e9).Time(1.449e9); math.Abs(float64(got)-0.1449) > 1e-12 {
		t.Errorf("Time = %v", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"4.8MB", "25Mbps", "20ms", "1.2W", "2300mAh", "1e9FLOP", "-0.5s", "", "1e", "+.5 kB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range []func(string) (float64, error){
			asFloat(ParseBytes), asFloat(ParseBitRate), asFloat(ParseByteRate), asFloat(ParseDuration), asFloat(ParsePower),
			asFloat(ParseEnergy), asFloat(ParseCharge), asFloat(ParseFLOPs), asFloat(ParseFLOPRate),
		} {
			v, err := p(s)
			if err != nil {
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%q parsed to %v", s, v)
			}
		}
	})
}

func ExampleTransferTime() {
	size, _ := ParseBytes("4.8MB")
	rate, _ := ParseBitRate("6Mbps")
	fmt.Println(TransferTime(size, rate))
	// Output: 6.4 s
}

func ExampleParseBitRate() {
	_, err := ParseBitRate("25")
	fmt.Println(err)
	// Output: units: "25": missing unit: a bit rate needs one, e.g. 25Mbps
}
