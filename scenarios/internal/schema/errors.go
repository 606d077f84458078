package schema

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a scenario: where it is (file, line, the field's
// dot path) and what is wrong. Its text is "scenarios: file:line: field:
// message"; parts that are unknown are left out.
type Error struct {
	File  string // the scenario file as given to Load, or a builtin's name
	Line  int    // 1-based; 0 when the problem has no place in the file
	Field string // dot path, e.g. "network.uplink.bandwidth" or "workload.modes[1]"
	Msg   string
}

// Error returns "scenarios: file:line: field: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("scenarios: ")
	b.WriteString(e.where())
	b.WriteString(e.Msg)
	return b.String()
}

// where returns "file:line: field: " with the known parts.
func (e *Error) where() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	return b.String()
}

// ErrorList is every problem found in one pass over a scenario, sorted by
// line. Its text has one Error per line.
type ErrorList []*Error

// Error returns the errors one per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors, so errors.As finds an *Error in the list.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// ErrorsOf returns err as an ErrorList: the list itself, or one Error
// wrapping another error's text.
func ErrorsOf(err error) ErrorList {
	var l ErrorList
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return ErrorList{e}
	}
	return ErrorList{{Msg: err.Error()}}
}

// Collector gathers the errors of one pass over a document.
type Collector struct {
	File string          // the file the errors are in
	Errs ErrorList       // in the order found
	seen map[string]bool // de-duplicates identical messages (aliases visit nodes twice)
}

// Add records a problem at a line (0: none) with the field at a dot path;
// a message identical to one already recorded is dropped.
func (c *Collector) Add(line int, field, format string, args ...any) {
	e := &Error{File: c.File, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
	key := e.Error()
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.Errs = append(c.Errs, e)
}

// Err returns the collected errors sorted by line (stable, so that errors
// on one line keep the order they were found in), or nil.
func (c *Collector) Err() error {
	if len(c.Errs) == 0 {
		return nil
	}
	sort.SliceStable(c.Errs, func(i, j int) bool {
		li, lj := c.Errs[i].Line, c.Errs[j].Line
		if li == 0 {
			li = 1 << 30
		}
		if lj == 0 {
			lj = 1 << 30
		}
		return li < lj
	})
	return c.Errs
}
