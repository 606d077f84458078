package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bytes is an amount of data in bytes.
type Bytes float64

// BitRate is a data rate in bits per second (network links).
type BitRate float64

// ByteRate is a data rate in bytes per second (storage and memory).
type ByteRate float64

// Duration is a span of simulated time in seconds.
type Duration float64

// Power is a rate of energy use in watts.
type Power float64

// Energy is an amount of energy in joules.
type Energy float64

// Charge is an electric charge in coulombs; batteries are rated in mAh.
type Charge float64

// FLOPs is a count of floating-point operations.
type FLOPs float64

// FLOPRate is a compute throughput in floating-point operations per second.
type FLOPRate float64

// Common values.
const (
	Byte     Bytes = 1
	Kilobyte Bytes = 1e3
	Megabyte Bytes = 1e6
	Gigabyte Bytes = 1e9
	KiB      Bytes = 1 << 10
	MiB      Bytes = 1 << 20
	GiB      Bytes = 1 << 30

	Bps  BitRate = 1
	Kbps BitRate = 1e3
	Mbps BitRate = 1e6
	Gbps BitRate = 1e9

	// MinBitRate is the smallest non-zero bit rate ParseBitRate accepts:
	// 1 bps. Below it a 1 kB request takes over 2 hours (8,000 s), far
	// slower than any network a phone uses: GPRS, the slowest cellular
	// data, gives 9.05–21.4 kbps per timeslot (coding schemes CS-1 to CS-4,
	// 3GPP TS 43.064).
	MinBitRate BitRate = 1

	Nanosecond  Duration = 1e-9
	Microsecond Duration = 1e-6
	Millisecond Duration = 1e-3
	Second      Duration = 1
	Minute      Duration = 60
	Hour        Duration = 3600

	Milliwatt Power = 1e-3
	Watt      Power = 1

	Joule     Energy = 1
	WattHour  Energy = 3600
	MilliAmpH Charge = 3.6 // one mAh is 3.6 coulombs

	GFLOP     FLOPs    = 1e9
	GFLOPPerS FLOPRate = 1e9
)

// TransferTime is how long size takes at rate, without latency or protocol
// overhead: size·8 / rate. It is +Inf for a zero rate.
func TransferTime(size Bytes, rate BitRate) Duration {
	return Duration(float64(size) * 8 / float64(rate))
}

// BytesIn is how much data rate moves in d.
func (r BitRate) BytesIn(d Duration) Bytes { return Bytes(float64(r) * float64(d) / 8) }

// Over is the energy spent at power p during d.
func (p Power) Over(d Duration) Energy { return Energy(float64(p) * float64(d)) }

// Energy is the energy a battery of charge c holds at the given nominal
// voltage, e.g. 2300 mAh at 3.8 V is 31.5 kJ.
func (c Charge) Energy(volts float64) Energy { return Energy(float64(c) * volts) }

// Seconds returns d as a plain float64 number of seconds, the time unit of
// package sim.
func (d Duration) Seconds() float64 { return float64(d) }

// ReadTime is how long reading size takes at rate r.
func (r ByteRate) ReadTime(size Bytes) Duration { return Duration(float64(size) / float64(r)) }

// Time is how long n operations take at rate r.
func (r FLOPRate) Time(n FLOPs) Duration { return Duration(float64(n) / float64(r)) }

// unit is one spelling of a unit and its factor to the base unit.
type unit struct {
	name   string
	factor float64
}

// kind describes one quantity: its name for errors, its accepted units (the
// first is used to print sub-unit values) and how it prints.
type kind struct {
	name    string
	example string
	units   []unit
	// print lists the units used for output, smallest first; the largest
	// whose factor does not exceed the value is chosen.
	print []unit
	// min is the smallest magnitude of a non-zero value, in the base unit,
	// and why (0: no minimum).
	min       float64
	minReason string
}

var (
	bytesKind = kind{
		name: "data size", example: "4.8MB",
		units: []unit{
			{"B", 1}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
			{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		},
		print: []unit{{"B", 1}, {"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}},
	}
	bitRateKind = kind{
		name: "bit rate", example: "25Mbps",
		units: []unit{
			{"bps", 1}, {"kbps", 1e3}, {"Kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9},
			{"bit/s", 1}, {"kbit/s", 1e3}, {"Mbit/s", 1e6}, {"Gbit/s", 1e9},
			{"B/s", 8}, {"kB/s", 8e3}, {"KB/s", 8e3}, {"MB/s", 8e6}, {"GB/s", 8e9},
		},
		print: []unit{{"bps", 1}, {"kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}},
		min:   float64(MinBitRate), minReason: "slower, a 1 kB request takes over 2 hours",
	}
	byteRateKind = kind{
		name: "byte rate", example: "12.8GB/s",
		units: []unit{
			{"B/s", 1}, {"kB/s", 1e3}, {"KB/s", 1e3}, {"MB/s", 1e6}, {"GB/s", 1e9}, {"TB/s", 1e12},
			{"KiB/s", 1 << 10}, {"MiB/s", 1 << 20}, {"GiB/s", 1 << 30},
		},
		print: []unit{{"B/s", 1}, {"kB/s", 1e3}, {"MB/s", 1e6}, {"GB/s", 1e9}, {"TB/s", 1e12}},
	}
	durationKind = kind{
		name: "duration", example: "20ms",
		units: []unit{
			{"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}, {"ms", 1e-3}, {"s", 1},
			{"min", 60}, {"h", 3600},
		},
		print: []unit{{"ns", 1e-9}, {"µs", 1e-6}, {"ms", 1e-3}, {"s", 1}},
	}
	powerKind = kind{
		name: "power", example: "1.2W",
		units: []unit{{"uW", 1e-6}, {"µW", 1e-6}, {"mW", 1e-3}, {"W", 1}, {"kW", 1e3}},
		print: []unit{{"µW", 1e-6}, {"mW", 1e-3}, {"W", 1}, {"kW", 1e3}},
	}
	energyKind = kind{
		name: "energy", example: "3.5J",
		units: []unit{
			{"uJ", 1e-6}, {"µJ", 1e-6}, {"mJ", 1e-3}, {"J", 1}, {"kJ", 1e3}, {"MJ", 1e6},
			{"mWh", 3.6}, {"Wh", 3600}, {"kWh", 3.6e6},
		},
		print: []unit{{"µJ", 1e-6}, {"mJ", 1e-3}, {"J", 1}, {"kJ", 1e3}, {"MJ", 1e6}},
	}
	chargeKind = kind{
		name: "charge", example: "2300mAh",
		units: []unit{{"C", 1}, {"mAh", 3.6}, {"Ah", 3600}},
		print: []unit{{"mAh", 3.6}},
	}
	flopsKind = kind{
		name: "operation count", example: "1.45GFLOP",
		units: []unit{
			{"FLOP", 1}, {"kFLOP", 1e3}, {"MFLOP", 1e6}, {"GFLOP", 1e9}, {"TFLOP", 1e12},
		},
		print: []unit{{"FLOP", 1}, {"kFLOP", 1e3}, {"MFLOP", 1e6}, {"GFLOP", 1e9}, {"TFLOP", 1e12}},
	}
	flopRateKind = kind{
		name: "compute rate", example: "20GFLOP/s",
		units: []unit{
			{"FLOP/s", 1}, {"kFLOP/s", 1e3}, {"MFLOP/s", 1e6}, {"GFLOP/s", 1e9}, {"TFLOP/s", 1e12},
			{"FLOPS", 1}, {"kFLOPS", 1e3}, {"MFLOPS", 1e6}, {"GFLOPS", 1e9}, {"TFLOPS", 1e12},
		},
		print: []unit{{"FLOP/s", 1}, {"kFLOP/s", 1e3}, {"MFLOP/s", 1e6}, {"GFLOP/s", 1e9}, {"TFLOP/s", 1e12}},
	}
)

// ParseError reports a quantity that could not be parsed.
type ParseError struct {
	Input string // the text as given
	Kind  string // the quantity expected, e.g. "bit rate"
	Msg   string // what is wrong, with an example of the right form
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("units: %q: %s", e.Input, e.Msg)
}

// parse reads s as a number followed by one of k's units and returns the
// value in the base unit.
func (k *kind) parse(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, &ParseError{s, k.name, fmt.Sprintf("empty %s (write e.g. %s)", k.name, k.example)}
	}
	i := numberPrefix(t)
	if i == 0 {
		return 0, &ParseError{s, k.name, fmt.Sprintf("not a %s: it must start with a number, e.g. %s", k.name, k.example)}
	}
	num, rest := t[:i], strings.TrimSpace(t[i:])
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, &ParseError{s, k.name, fmt.Sprintf("%q is not a finite number", num)}
	}
	if rest == "" {
		return 0, &ParseError{s, k.name, fmt.Sprintf("missing unit: a %s needs one, e.g. %s", k.name, k.example)}
	}
	for _, u := range k.units {
		if rest == u.name {
			x := v * u.factor
			if math.IsInf(x, 0) {
				return 0, &ParseError{s, k.name, fmt.Sprintf("value out of range [%g, %g] %s", -math.MaxFloat64/u.factor, math.MaxFloat64/u.factor, u.name)}
			}
			if x != 0 && math.Abs(x) < k.min {
				return 0, &ParseError{s, k.name, fmt.Sprintf("%s is below the smallest %s, %g %s (%s)", t, k.name, k.min, k.units[0].name, k.minReason)}
			}
			return x, nil
		}
	}
	return 0, &ParseError{s, k.name, fmt.Sprintf("unknown %s unit %q (use one of %s)", k.name, rest, k.unitList())}
}

func (k *kind) unitList() string {
	names := make([]string, len(k.units))
	for i, u := range k.units {
		names[i] = u.name
	}
	return strings.Join(names, ", ")
}

// numberPrefix returns the length of the longest prefix of s that looks like
// a decimal floating-point number: sign, digits, point, exponent.
func numberPrefix(s string) int {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		if isDigit(s[i]) {
			digits++
		}
		i++
	}
	if digits == 0 {
		return 0
	}
	// An exponent only when digits follow, so that "5e" stays a bad unit
	// rather than a bad number and "1Ebps" is not misread.
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// format prints v with the largest print unit not above |v|, to 3
// significant digits, e.g. "4.8 MB".
func (k *kind) format(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprintf("%v %s", v, k.print[len(k.print)-1].name)
	}
	u := k.pick(v)
	return threeDigits(v/u.factor) + " " + u.name
}

// threeDigits prints x to 3 significant digits without an exponent and
// without trailing zeros: 4.8, 20.4, 233, 2300.
func threeDigits(x float64) string {
	if x == 0 {
		return "0"
	}
	decimals := 3 - int(math.Floor(math.Log10(math.Abs(x)))+1)
	if decimals <= 0 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func (k *kind) pick(v float64) unit {
	u := k.print[0]
	for _, p := range k.print {
		if math.Abs(v) >= p.factor {
			u = p
		}
	}
	return u
}

// marshal prints v compactly in a form that parses back to exactly v.
func (k *kind) marshal(v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		// Not representable; the text names the problem and will not parse.
		return []byte(strconv.FormatFloat(v, 'g', -1, 64))
	}
	u := k.pick(v)
	s := strconv.FormatFloat(v/u.factor, 'g', -1, 64) + u.name
	if back, err := k.parse(s); err == nil && back == v {
		return []byte(s)
	}
	base := k.units[0]
	for _, p := range k.units {
		if p.factor == 1 {
			base = p
			break
		}
	}
	return []byte(strconv.FormatFloat(v/base.factor, 'g', -1, 64) + base.name)
}
