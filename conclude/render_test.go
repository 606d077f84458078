package conclude

import (
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// A printed table shows MaxScreenRows groups, the ones its sentence names
// first, in table order, and counts the rest; Text shows every group.
func TestTextRows(t *testing.T) {
	c := result.Conclusion{Sentence: "x is 1–9× y; largest for g8", Columns: []string{"group", "ratio"}}
	for i := range 9 {
		c.Rows = append(c.Rows, []string{"g" + string(rune('0'+i)), string(rune('1' + i))})
	}
	got := TextRows(c, 3)
	for _, want := range []string{"g0", "g1", "g8", "⋮ 6 more groups"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	for _, absent := range []string{"g2", "g7"} {
		if strings.Contains(got, absent) {
			t.Errorf("%q shown in\n%s", absent, got)
		}
	}
	if tbl := got[strings.Index(got, "group"):]; strings.Index(tbl, "g1") > strings.Index(tbl, "g8") {
		t.Errorf("rows out of table order:\n%s", got)
	}
	if all := Text(c); strings.Contains(all, "more groups") || !strings.Contains(all, "g5") {
		t.Errorf("Text left rows out:\n%s", all)
	}
	// A table of up to MaxScreenRows+1 rows is shown whole: a "1 more" line
	// would cost the line it saves.
	c.Rows = c.Rows[:4]
	if got := TextRows(c, 3); strings.Contains(got, "more groups") {
		t.Errorf("4 rows were cut:\n%s", got)
	}
}
