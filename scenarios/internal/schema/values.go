package schema

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/infersim/infersim/units"
)

// Fraction is a number in [0, 1], written as a plain number ("0.3") or a
// percentage ("30%").
type Fraction float64

// ParseFraction reads "0.3" or "30%".
func ParseFraction(s string) (Fraction, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a fraction: write a number such as 0.3 or a percentage such as 30%%", s)
	}
	if pct {
		v /= 100
	}
	return Fraction(v), nil
}

// String prints the fraction as a plain number.
func (f Fraction) String() string { return strconv.FormatFloat(float64(f), 'g', -1, 64) }

// Rate is a number of events per second, written with its time unit:
// "0.5/s", "30/min", "2/h".
type Rate float64

var rateUnits = []struct {
	name string
	secs float64
}{{"/s", 1}, {"/min", 60}, {"/h", 3600}}

// ParseRate reads a rate such as "30/min". A bare number is an error: it
// does not say per what.
func ParseRate(s string) (Rate, error) {
	t := strings.TrimSpace(s)
	for _, u := range rateUnits {
		if num, ok := strings.CutSuffix(t, u.name); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("%q is not a rate: write e.g. 0.5/s or 30/min", s)
			}
			return Rate(v / u.secs), nil
		}
	}
	if _, err := strconv.ParseFloat(t, 64); err == nil {
		return 0, fmt.Errorf("%q: missing unit: a rate needs one, e.g. 0.5/s or 30/min", s)
	}
	return 0, fmt.Errorf("%q is not a rate: write e.g. 0.5/s, 30/min or 2/h", s)
}

// String prints the rate per second, e.g. "0.5/s".
func (r Rate) String() string { return strconv.FormatFloat(float64(r), 'g', -1, 64) + "/s" }

// ImageSize is an image's width and height in pixels, written "3840x2160".
type ImageSize struct{ W, H int }

// ParseImageSize reads "WIDTHxHEIGHT".
func ParseImageSize(s string) (ImageSize, error) {
	w, h, ok := strings.Cut(strings.TrimSpace(s), "x")
	if !ok {
		return ImageSize{}, fmt.Errorf("%q is not an image size: write WIDTHxHEIGHT, e.g. 1920x1080", s)
	}
	W, err1 := strconv.Atoi(w)
	H, err2 := strconv.Atoi(h)
	if err1 != nil || err2 != nil {
		return ImageSize{}, fmt.Errorf("%q is not an image size: write WIDTHxHEIGHT, e.g. 1920x1080", s)
	}
	return ImageSize{W, H}, nil
}

// String returns "WIDTHxHEIGHT".
func (s ImageSize) String() string { return fmt.Sprintf("%dx%d", s.W, s.H) }

// NumberOf returns a numeric field's value as a float64 in base units,
// NaN for a value that is not a number.
func NumberOf(v reflect.Value) float64 {
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint64:
		return float64(v.Uint())
	case reflect.Float64:
		return v.Float()
	}
	return math.NaN()
}

// FormatValue prints a scalar field's value as it would be written in a
// file.
func FormatValue(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case units.Duration:
		return DurationText(x)
	case units.BitRate:
		return string(must(x.MarshalText()))
	case units.Bytes:
		return BytesText(x)
	case units.Charge:
		return string(must(x.MarshalText()))
	case units.ByteRate:
		return string(must(x.MarshalText()))
	case Rate:
		return x.String()
	case Fraction:
		return x.String()
	case ImageSize:
		return x.String()
	case float64:
		return fmt.Sprint(x)
	case int:
		return fmt.Sprint(x)
	case uint64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	case string:
		return x
	}
	return fmt.Sprint(v.Interface())
}

func must(b []byte, _ error) []byte { return b }

// DurationText prints a duration in the largest unit that divides it
// exactly (h, min, s), else as units prints it: "5min", "1.5s", "20ms".
func DurationText(d units.Duration) string {
	x := float64(d)
	if x == 0 {
		return "0s"
	}
	for _, u := range []struct {
		name string
		secs float64
	}{{"h", 3600}, {"min", 60}} {
		if q := x / u.secs; q == math.Trunc(q) && math.Abs(q) < 1e6 {
			return strconv.FormatFloat(q, 'f', -1, 64) + u.name
		}
	}
	return string(must(d.MarshalText()))
}

// BytesText prints a size in binary units when it is a whole number of
// them (2GiB, 192MiB), else as units prints it (4.8MB).
func BytesText(b units.Bytes) string {
	x := float64(b)
	for _, u := range []struct {
		name string
		size float64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if q := x / u.size; q >= 1 && q == math.Trunc(q) && x != math.Trunc(x/1000)*1000 {
			return strconv.FormatFloat(q, 'f', -1, 64) + u.name
		}
	}
	return string(must(b.MarshalText()))
}
