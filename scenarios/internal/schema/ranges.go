package schema

import (
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// The values of a sweep range, written as a file would write them: a
// generated value is rounded to 4 significant digits in the unit of the
// range's from ("0.4119Mbps"), so the text is the value and a label in a
// table reads back exactly.

// round4 rounds x to 4 significant digits.
func round4(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 4, 64), 64)
	return v
}

// UnitOf returns the unit a range's from is written in ("Mbps" for
// "0.25Mbps"), "" if none or not one of the kind's.
func UnitOf(f *Field, from string) string {
	t := strings.TrimSpace(from)
	i := NumberLen(t)
	u := strings.TrimSpace(t[i:])
	for _, known := range UnitSpellings[f.kind] {
		if u == known {
			return u
		}
	}
	return ""
}

// RangeText prints a generated value to 4 significant digits as it would
// be written in the file: in unit (the unit of the range's from) if given,
// else in the unit package units chooses.
// It returns the text and its YAML tag.
func RangeText(k Kind, x float64, unit string) (string, string) {
	if k.IsUnit() {
		if unit == "" {
			t, _ := UnitText(k, x)
			unit = t[NumberLen(t):]
		}
		f := &Field{kind: k}
		one, msg := ParseScalar(f, &yaml.Node{Kind: yaml.ScalarNode, Value: "1" + unit})
		if msg == "" {
			factor := NumberOf(reflect.ValueOf(one))
			return strconv.FormatFloat(round4(x/factor), 'g', -1, 64) + unit, "!!str"
		}
	}
	x = round4(x)
	if t, ok := UnitText(k, x); ok {
		return t, "!!str"
	}
	switch k {
	case KindInt, KindUint:
		return strconv.FormatFloat(x, 'f', 0, 64), "!!int"
	}
	return strconv.FormatFloat(x, 'g', -1, 64), "!!float"
}

// UnitText prints x, in base units, of a kind with units as package units
// writes it in a file ("412.9kbps", "20ms", "30/min"); ok is false for a
// kind without units.
func UnitText(k Kind, x float64) (text string, ok bool) {
	var b []byte
	switch k {
	case KindDuration:
		b, _ = units.Duration(x).MarshalText()
	case KindBitRate:
		b, _ = units.BitRate(x).MarshalText()
	case KindBytes:
		b, _ = units.Bytes(x).MarshalText()
	case KindCharge:
		b, _ = units.Charge(x).MarshalText()
	case KindByteRate:
		b, _ = units.ByteRate(x).MarshalText()
	case KindRate:
		return Rate(x).String(), true
	default:
		return "", false
	}
	return string(b), true
}

// NodeNumber returns a scalar value of a numeric field in base units, NaN
// otherwise.
func NodeNumber(f *Field, n *yaml.Node) float64 {
	if !f.kind.IsNumeric() || n.Kind != yaml.ScalarNode {
		return math.NaN()
	}
	x, msg := ParseScalar(f, n)
	if msg != "" {
		return math.NaN()
	}
	return NumberOf(reflect.ValueOf(x))
}
