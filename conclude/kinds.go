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
	// MayParam: the kind may move along a swept param (without one, it
	// looks at each group's single value).
	MayParam bool
	// Sides: the kind compares two sides, a and b (both required).
	Sides bool
	// Level: the kind needs a level.
	Level bool
	// Share: the kind may report a share of a's value.
	Share bool
	// Says is the shape of the kind's sentence, for the documentation.
	Says string
	// Table is what the kind's table holds, one row per group.
	Table string
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
	{KindInfo{Name: KindCrossover, Doc: "where metric(a) − metric(b) changes sign along param", Param: true, Sides: true,
		Says:  "on-device beats cloud below 3.4–6.9 Mbps uplink; cloud wins everywhere in 1–1000 phones for max batch 16",
		Table: "where a beats b, with the 95 % CI of where the replications cross"}, (*evaluator).crossover},
	{KindInfo{Name: KindTrend, Doc: "how metric moves along param", Param: true,
		Says:  "p99 latency as the GC pause scale goes 1 → 16: grows 1.3–5.7×; largest for alexnet, GC allocation scale 4",
		Table: "the first and last value, the change, not monotonically, the success rate's move"}, (*evaluator).trend},
	{KindInfo{Name: KindCompare, Doc: "metric(a) / metric(b)", Sides: true, Share: true, MayParam: true,
		Says:  "on-device is 3.6–22× slower than cloud; largest for alexnet 960x540 (a ratio below 1 is turned: \"4× less energy\")",
		Table: "a's and b's values and the paired ratio with its 95 % CI (at the first and last param value with param)"}, (*evaluator).compare},
	{KindInfo{Name: KindThreshold, Doc: "first param value where metric reaches level", Param: true, Level: true,
		Says:  "queueing delay reaches 100 ms from about 328 phones for max batch 1; stays below 100 ms … for max batch 16",
		Table: "where the level is reached (between which two swept values) and the largest value"}, (*evaluator).threshold},
	{KindInfo{Name: KindBest, Doc: "the mode with the best metric along param", MayParam: true,
		Says:  "lowest mean latency (warm): cloud-gpu for phone nexus5 (340–341 ms), on-device-gpu for phone pixel4 (41.7–47.1 ms)",
		Table: "the best mode (along param: where each mode wins), its value, the runner-up or a tie with it"}, (*evaluator).best},
	{KindInfo{Name: KindHeadline, Doc: "the study's headline (Guo 2018, fact G5): the largest on-device (cold) over cloud (warm) ratio of time and of energy, per request, against the study's ≈100×; metric is not used",
		Says:  "study headline: on-device costs 338× the time and 451× the energy of cloud; OUTSIDE the study's range (…): time +13 %, …",
		Table: "the largest group of time and of energy with both means; notes: the definition and, when outside the range, why"}, (*evaluator).headline},
	{KindInfo{Name: KindDefaults, Doc: "the default conclusions, in its place: a scenario that writes none gets them; write this entry to keep them beside your own",
		Says:  "best (mean latency, energy) per point and group; on-device vs cloud: crossover along each swept number, else compare",
		Table: "those of the kinds it stands for"}, nil},
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

// KindsTable is the conclusions language's table of kinds, in Markdown:
// each kind, what it computes and needs, the shape of its sentence and
// what its table holds (README's table; a test keeps it current).
func KindsTable() string {
	var b strings.Builder
	b.WriteString("| kind | computes | needs | sentence (e.g.) | table, one row per group |\n|---|---|---|---|---|\n")
	for _, k := range kinds {
		var needs []string
		switch {
		case k.Param:
			needs = append(needs, "`param`")
		case k.MayParam:
			needs = append(needs, "(`param`)")
		}
		if k.Sides {
			needs = append(needs, "`a`, `b`")
		}
		if k.Level {
			needs = append(needs, "`level`")
		}
		if k.Share {
			needs = append(needs, "(`share`)")
		}
		if len(needs) == 0 {
			needs = append(needs, "–")
		}
		esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
		b.WriteString("| `" + k.Name + "` | " + esc(k.Doc) + " | " + strings.Join(needs, " ") + " | " + esc(k.Says) + " | " + esc(k.Table) + " |\n")
	}
	return b.String()
}
