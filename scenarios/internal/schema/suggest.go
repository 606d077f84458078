package schema

import (
	"fmt"
	"strings"
)

// editDistance is the Levenshtein distance between a and b (insertions,
// deletions and substitutions of bytes, each costing 1), computed with two
// rows of the dynamic programme (Wagner and Fischer, JACM 1974).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Suggest returns the candidate closest to s when it is close enough to be
// a plausible typo: at most a third of the longer name's length, and at
// most 3 edits; a prefix of a candidate (or a candidate with something
// added) counts as one edit. Case and the separators '-' and '_' count as
// equal first.
func Suggest(s string, candidates []string) string {
	norm := func(x string) string {
		return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(x))
	}
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if norm(c) == norm(s) {
			return c
		}
		d := editDistance(s, c)
		if len(s) >= 4 && (strings.HasPrefix(c, s) || strings.HasPrefix(s, c)) {
			d = min(d, 1) // a truncated or extended name
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := min(3, max(1, max(len(s), len(best))/3))
	if bestD <= limit {
		return best
	}
	return ""
}

// DidYouMean returns ` (did you mean "x"?)` or, when nothing is close, a
// list of what is allowed: ` (want one of a, b, c)`.
func DidYouMean(s string, candidates []string) string {
	if m := Suggest(s, candidates); m != "" {
		return fmt.Sprintf(" (did you mean %q?)", m)
	}
	if len(candidates) == 0 {
		return ""
	}
	if len(candidates) > 12 {
		return fmt.Sprintf(" (want one of %s, ...)", strings.Join(candidates[:12], ", "))
	}
	return fmt.Sprintf(" (want one of %s)", strings.Join(candidates, ", "))
}
