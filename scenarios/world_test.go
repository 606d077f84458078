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
