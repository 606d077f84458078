package schema

import "github.com/infersim/infersim/internal/suggest"

// Suggest returns the candidate closest to s when it is close enough to be
// a plausible typo, else "" (suggest.Closest: the one helper behind every
// did-you-mean in infersim).
func Suggest(s string, candidates []string) string { return suggest.Closest(s, candidates) }

// DidYouMean returns ` (did you mean "x"?)` or, when nothing is close, a
// list of what is allowed: ` (want one of a, b, c)` (suggest.DidYouMean).
func DidYouMean(s string, candidates []string) string { return suggest.DidYouMean(s, candidates) }
