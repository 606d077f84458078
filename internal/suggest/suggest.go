package suggest

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

// normalize folds case and drops the separators '-' and '_'.
func normalize(x string) string {
	return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(x))
}

// distance is how far s is from candidate c: the edit distance, where a
// truncated or extended name (s a prefix of c or c of s, s of 4 bytes or
// more) costs 1, and a misspelt stem of c (c's part before a '-', '.' or
// '_': "mobilenet" of "mobilenet-v1") costs its distance to the stem plus 1.
func distance(s, c string) int {
	d := editDistance(s, c)
	if len(s) >= 4 && (strings.HasPrefix(c, s) || strings.HasPrefix(s, c)) {
		d = min(d, 1)
	}
	for i := 1; i < len(c); i++ {
		if strings.IndexByte("-._", c[i]) >= 0 && i >= 3 {
			d = min(d, editDistance(s, c[:i])+1)
		}
	}
	return d
}

// Closest returns the candidate closest to s when it is close enough to be
// a plausible typo, else "". Names equal but for case and the separators
// '-' and '_' match first. Otherwise the closest (of equals, a plain
// typo before a prefix or stem match, then the first in the candidates'
// order) must be within a third of the longer name's
// length, and at most 3 edits (see distance).
func Closest(s string, candidates []string) string {
	best, bestD, bestShort := "", 1<<30, true
	for _, c := range candidates {
		if normalize(c) == normalize(s) {
			return c
		}
		// Of equals, a plain typo beats a prefix or stem shortcut:
		// "ttft-lod" is a prefix extension of "ttft" and one edit from
		// "ttft-load".
		d := distance(s, c)
		short := editDistance(s, c) > d
		if d < bestD || d == bestD && bestShort && !short {
			best, bestD, bestShort = c, d, short
		}
	}
	limit := min(3, max(1, max(len(s), len(best))/3))
	if bestD <= limit {
		return best
	}
	return ""
}

// MaxListed is the most candidates DidYouMean lists when none is close.
const MaxListed = 12

// DidYouMean returns ` (did you mean "x"?)` when a candidate is close to
// s, else a list of what is allowed: ` (want one of a, b, c)`, cut after
// MaxListed names with ", ..."; "" when there are no candidates. It is
// written to follow a message such as `unknown model "mobilnet"`.
func DidYouMean(s string, candidates []string) string {
	if m := Closest(s, candidates); m != "" {
		return fmt.Sprintf(" (did you mean %q?)", m)
	}
	if len(candidates) == 0 {
		return ""
	}
	if len(candidates) > MaxListed {
		return fmt.Sprintf(" (want one of %s, ...)", strings.Join(candidates[:MaxListed], ", "))
	}
	return fmt.Sprintf(" (want one of %s)", strings.Join(candidates, ", "))
}
