package scenarios

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/infersim/infersim/result"
)

// TestWorldCancel: a world whose context is cancelled stops at its next
// arrival, with the context's error, however many requests it had left.
func TestWorldCancel(t *testing.T) {
	s := mustParse(t, strings.Replace(minimal, "  requests: 2\n", "  requests: 1000\n", 1))
	r := &runner{s: s, reps: s.Replications}
	pd, err := r.preparePoint(0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	_, err = runWorld(ctx, pd, 0, pd.cells[0], nil, func(*result.Record) {
		n++
		if n == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || n > 5 {
		t.Errorf("after cancelling at the 3rd record: %d records, err %v", n, err)
	}
}

// TestWorldMetricSources: every per-world metric of result's table is
// measured by exactly one source (a phone's, a server's or the kernel's),
// and every source names a metric of the table.
func TestWorldMetricSources(t *testing.T) {
	names := map[string]bool{}
	for _, m := range worldMetrics {
		names[m.Name] = true
		_, ph := phoneSources[m.Name]
		_, srv := serverSources[m.Name]
		_, chat := llmSources[m.Name]
		n := 0
		for _, b := range []bool{ph, srv, chat, m.Name == eventsMetric} {
			if b {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d sources", m.Name, n)
		}
	}
	for n := range phoneSources {
		if !names[n] {
			t.Errorf("phone source %s: not a per-world metric of the table", n)
		}
	}
	for n := range serverSources {
		if !names[n] {
			t.Errorf("server source %s: not a per-world metric of the table", n)
		}
	}
}
