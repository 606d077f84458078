package lab

import (
	"context"
	"strings"
	"testing"
)

// TestEveryWhatIf runs every what-if at its quick size: a headline, a
// lesson with every conclusion it quotes, and the charts.
func TestEveryWhatIf(t *testing.T) {
	for _, name := range Scenarios() {
		t.Run(name, func(t *testing.T) {
			pg, err := Run(context.Background(), State{Scenario: name}, Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if pg.Headline == "" || len(pg.Charts) == 0 || pg.Lesson == nil || len(pg.Controls) == 0 {
				t.Fatalf("headline %q, %d charts, lesson %v, %d controls", pg.Headline, len(pg.Charts), pg.Lesson, len(pg.Controls))
			}
			for _, s := range []string{pg.Lesson.Question, pg.Lesson.Try, pg.Lesson.Look, pg.Lesson.Ask} {
				if strings.Contains(s, "no such conclusion") || strings.Contains(s, "no crossover") || strings.Contains(s, "fixed by the scenario") {
					t.Errorf("lesson: %s", s)
				}
			}
			for _, c := range pg.Charts {
				if !strings.HasPrefix(c.SVG, "<?xml") && !strings.HasPrefix(c.SVG, "<svg") {
					t.Errorf("chart %s is not SVG: %.40q", c.Name, c.SVG)
				}
			}
			var ids []string
			for _, c := range pg.Controls {
				ids = append(ids, c.ID)
			}
			t.Logf("%s: controls %v; headline %s; look: %s", name, ids, pg.Headline, pg.Lesson.Look)
		})
	}
}

// BenchmarkRedraw is the work of one redraw of the page at the quick
// size, natively: prepare the state, run, draw the charts, fill the
// lesson (the browser runs the same code as WebAssembly, on one thread).
func BenchmarkRedraw(b *testing.B) {
	st := State{Scenario: "lte-vs-wifi", Set: map[string]string{"bw": "2.5"}}
	dir := b.TempDir()
	for b.Loop() {
		if _, err := Run(context.Background(), st, Options{Dir: dir, Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNoChartsKeepsResults: a state in which no request succeeds (gc-storm
// runs only CNNdroid, which cannot run SqueezeNet) still shows its
// results, and says why there is no chart.
func TestNoChartsKeepsResults(t *testing.T) {
	pg, err := Run(context.Background(), State{Scenario: "gc-storm", Set: map[string]string{"model": "squeezenet-v1.0"}}, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Charts) != 0 || !strings.Contains(pg.Note, "without charts") || pg.Table == "" {
		t.Errorf("%d charts, note %q, table %d bytes", len(pg.Charts), pg.Note, len(pg.Table))
	}
}
