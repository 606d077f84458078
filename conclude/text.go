package conclude

import (
	"math"
	"strconv"
	"strings"

	"github.com/infersim/infersim/result"
)

// andList joins "a", "b", "c" as "a, b and c".
func andList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// Format prints a metric value as conclusions do: with its unit and two
// or three significant digits ("1.2 s", "450 mJ", "58 %").
func Format(u result.Unit, x float64) string { return format(u, x) }

// format prints a metric value with its unit and two or three
// significant digits.
func format(u result.Unit, x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	switch u {
	case result.UnitSeconds:
		if math.Abs(x) < 1 && x != 0 {
			return sigFig(x*1000, 3) + " ms"
		}
		return sigFig(x, 3) + " s"
	case result.UnitJoules:
		if math.Abs(x) < 1 && x != 0 {
			return sigFig(x*1000, 3) + " mJ"
		}
		return sigFig(x, 3) + " J"
	case result.UnitFraction:
		return sigFig(x*100, 2) + " %"
	case result.UnitPercent:
		return sigFig(x, 2) + " %"
	case result.UnitRate:
		return sigFig(x, 3) + "/s"
	case result.UnitPerHour:
		return sigFig(x, 2) + "/h"
	case result.UnitJoulesPerHour:
		if math.Abs(x) >= 1000 {
			return sigFig(x/1000, 3) + " kJ/h"
		}
		return sigFig(x, 3) + " J/h"
	case result.UnitBytes:
		return sigFig(x/1e6, 3) + " MB"
	case result.UnitSecondsPerHour:
		return sigFig(x, 2) + " s/h"
	}
	return sigFig(x, 2)
}

// sigFig prints x with n significant digits, without an exponent and
// without trailing zeros in the decimals; integers keep all their digits.
func sigFig(x float64, n int) string {
	if x == 0 {
		return "0"
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	d := n - 1 - int(math.Floor(math.Log10(math.Abs(x))))
	if d < 0 {
		d = 0
	}
	s := strconv.FormatFloat(x, 'f', d, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
