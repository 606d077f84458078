package conclude

import "strings"

// The conclusion kinds.
const (
	KindCrossover = "crossover"
	KindTrend     = "trend"
	KindCompare   = "compare"
	KindThreshold = "threshold"
	KindBest      = "best"
	KindHeadline  = "headline"
	KindDefaults  = "defaults"
)

// KindInfo describes a conclusion kind: what it says and which fields of a
// Conclusion it needs. Package scenarios checks conclusions and documents
// the schema by these rows.
type KindInfo struct {
	// Name is the kind, as a conclusion's kind field writes it.
	Name string
	// Doc says in a few words what the kind computes.
	Doc string
	// Param: the kind needs a swept param to move along.
	Param bool
	// Sides: the kind compares two sides, a and b (both required).
	Sides bool
	// Level: the kind needs a level.
	Level bool
	// Share: the kind may report a share of a's value.
	Share bool
}

// kind is a row of the kinds table: its description and how it is
// evaluated (ctx is the line's subject, cells the cells where keeps).
type kind struct {
	KindInfo
	eval func(e *evaluator, ctx string, cells []*cellView) (*finding, error)
}

// kinds is the table of conclusion kinds: a new kind is one row here and
// its evaluation function (defaults has none: Input.Expand replaces it).
var kinds = []kind{
	{KindInfo{Name: KindCrossover, Doc: "where metric(a) − metric(b) changes sign along param", Param: true, Sides: true}, (*evaluator).crossover},
	{KindInfo{Name: KindTrend, Doc: "how metric moves along param", Param: true}, (*evaluator).trend},
	{KindInfo{Name: KindCompare, Doc: "metric(a) / metric(b)", Sides: true, Share: true}, (*evaluator).compare},
	{KindInfo{Name: KindThreshold, Doc: "first param value where metric reaches level", Param: true, Level: true}, (*evaluator).threshold},
	{KindInfo{Name: KindBest, Doc: "the mode with the best metric along param"}, (*evaluator).best},
	{KindInfo{Name: KindHeadline, Doc: "the study's headline (Guo 2018, fact G5): the largest on-device (cold) over cloud (warm) ratio of time and of energy, per request, against the study's ≈100×; metric is not used"}, (*evaluator).headline},
	{KindInfo{Name: KindDefaults, Doc: "the default conclusions, in its place: a scenario that writes none gets them; write this entry to keep them beside your own"}, nil},
}

// Kinds returns the conclusion kinds, in the order the schema lists them.
func Kinds() []KindInfo {
	out := make([]KindInfo, len(kinds))
	for i, k := range kinds {
		out[i] = k.KindInfo
	}
	return out
}

// LookupKind returns the kind named name.
func LookupKind(name string) (KindInfo, bool) {
	k, ok := lookupKind(name)
	return k.KindInfo, ok
}

func lookupKind(name string) (kind, bool) {
	for _, k := range kinds {
		if k.Name == name {
			return k, true
		}
	}
	return kind{}, false
}

// KindNames returns the kinds' names, in order.
func KindNames() []string {
	var n []string
	for _, k := range kinds {
		n = append(n, k.Name)
	}
	return n
}

// KindsWhere lists the names of the kinds for which f holds, joined as
// prose with the conjunction and: "crossover and compare".
func KindsWhere(f func(KindInfo) bool, and string) string {
	var n []string
	for _, k := range kinds {
		if f(k.KindInfo) {
			n = append(n, k.Name)
		}
	}
	if len(n) <= 1 {
		return strings.Join(n, "")
	}
	return strings.Join(n[:len(n)-1], ", ") + " " + and + " " + n[len(n)-1]
}
