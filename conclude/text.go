package conclude

import (
	"math"
	"strconv"
	"strings"

	"github.com/infersim/infersim/result"
)

// clause is one group's part of a line: a head, a body and the group it
// is about. Consecutive clauses with the same head and body name their
// groups together ("for alexnet, nin and squeezenet-v1.0"); consecutive
// clauses with the same head write it once ("on-device beats cloud below
// 5.1 Mbps uplink for alexnet, below 2.8 Mbps uplink for nin").
type clause struct{ head, body, group string }

// joinClauses writes clauses, merging as the clause type says.
func joinClauses(cs []clause) string {
	// Same head and body: one clause for several groups.
	type merged struct {
		head, body string
		groups     []string
	}
	var ms []merged
	for _, c := range cs {
		if n := len(ms); n > 0 && ms[n-1].head == c.head && ms[n-1].body == c.body && c.group != "" && len(ms[n-1].groups) > 0 {
			ms[n-1].groups = append(ms[n-1].groups, c.group)
			continue
		}
		m := merged{head: c.head, body: c.body}
		if c.group != "" {
			m.groups = []string{c.group}
		}
		ms = append(ms, m)
	}
	tail := func(m merged) string {
		t := m.body
		if len(m.groups) > 0 {
			if t != "" {
				t += " "
			}
			t += "for " + andList(m.groups)
		}
		return t
	}
	var out []string
	for i := 0; i < len(ms); {
		j := i
		var tails []string
		for j < len(ms) && ms[j].head == ms[i].head && (ms[i].head != "" || j == i) {
			if t := tail(ms[j]); t != "" {
				tails = append(tails, t)
			}
			j++
		}
		text := ms[i].head
		if t := strings.Join(tails, ", "); t != "" {
			if text != "" {
				text += " "
			}
			text += t
		}
		out = append(out, text)
		i = j
	}
	return strings.Join(out, "; ")
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

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
