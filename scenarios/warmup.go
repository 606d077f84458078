package scenarios

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/infersim/infersim/units"
)

// MaxWarmupRequests bounds workload.warmup as a count.
const MaxWarmupRequests = 100_000_000

// warmupPattern is workload.warmup's JSON Schema pattern (as text; an
// integer is a number in the schema): a duration.
const warmupPattern = `^[0-9]+([.][0-9]+)?(ns|us|µs|ms|s|min|h)$`

// Warmup is workload.warmup read: either a count (each phone's first
// Requests requests of a world are left out of the warm statistics) or a
// time (the requests that arrive within Time of the world's start are).
type Warmup struct {
	Requests int
	Time     units.Duration
	ByTime   bool
}

// ParseWarmup reads workload.warmup: a non-negative integer (a count of
// requests) or a non-negative duration ("2s").
func ParseWarmup(s string) (Warmup, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Warmup{Requests: 1}, nil // the default
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > MaxWarmupRequests {
			return Warmup{}, fmt.Errorf("%d requests is out of range [0, %d]", n, MaxWarmupRequests)
		}
		return Warmup{Requests: n}, nil
	}
	d, err := units.ParseDuration(s)
	if err != nil {
		return Warmup{}, fmt.Errorf("%q is neither a number of requests (3) nor a duration (2s)", s)
	}
	if d < 0 {
		return Warmup{}, fmt.Errorf("%s is negative", s)
	}
	return Warmup{Time: d, ByTime: true}, nil
}

func checkWarmup(s string) error {
	_, err := ParseWarmup(s)
	return err
}

// warmup returns the scenario's workload.warmup (validated: a value that
// does not parse is the default).
func (w *Workload) warmup() Warmup {
	wu, err := ParseWarmup(w.Warmup)
	if err != nil {
		return Warmup{Requests: 1}
	}
	return wu
}
