package result

// Conclusion is one conclusion of a run as summary.json keeps it (package
// conclude computes it): the sentence, also in Run.Conclusions; a table
// with one row per group the sentence summarises (the group first, then a
// cell per column after it); and notes that explain it.
type Conclusion struct {
	// Kind is the conclusion's kind (crossover, compare, ...).
	Kind string `json:"kind"`
	// Sentence is the conclusion in one short sentence.
	Sentence string `json:"sentence"`
	// Columns heads the table: the group's column first.
	Columns []string `json:"columns,omitempty"`
	// Rows are the table's rows, one per group, as many cells as Columns.
	Rows [][]string `json:"rows,omitempty"`
	// Notes are what the table does not hold: a definition, an
	// explanation.
	Notes []string `json:"notes,omitempty"`
}
