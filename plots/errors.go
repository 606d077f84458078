package plots

import (
	"errors"
	"fmt"
	"math"
)

// ErrEmpty is returned, wrapped with what was missing, when a chart has
// nothing to draw: no summaries, no records, no spans.
var ErrEmpty = errors.New("plots: nothing to plot")

// ErrNotFinite is what a *NotFiniteError matches with errors.Is: a value a
// chart needs is NaN or infinite.
var ErrNotFinite = errors.New("plots: value is not finite")

// NotFiniteError names the field that holds a NaN or infinite value, e.g.
// `summary 3 (alexnet on-device-gpu cold): latency.mean`.
type NotFiniteError struct {
	Field string  // where the value sits, e.g. "summary 3 (...): latency.mean"
	Value float64 // the NaN or infinity
}

// Error returns "plots: FIELD is NaN" or "... is +Inf".
func (e *NotFiniteError) Error() string {
	return fmt.Sprintf("plots: %s is %v", e.Field, e.Value)
}

// Is reports whether target is ErrNotFinite.
func (e *NotFiniteError) Is(target error) bool { return target == ErrNotFinite }

// empty returns ErrEmpty wrapped with what is missing.
func empty(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrEmpty}, args...)...)
}

// finite is a validator that keeps the first non-finite value it sees.
type finite struct{ err error }

// check records x under the field name when x is NaN or ±Inf. The name is
// built lazily: name is called only on failure.
func (f *finite) check(x float64, name func() string) {
	if f.err == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
		f.err = &NotFiniteError{Field: name(), Value: x}
	}
}

// checkCI accepts a NaN confidence interval (fewer than two replications,
// see result.Stat: the chart draws no error bar) but not an infinite one.
func (f *finite) checkCI(x float64, name func() string) {
	if f.err == nil && math.IsInf(x, 0) {
		f.err = &NotFiniteError{Field: name(), Value: x}
	}
}
