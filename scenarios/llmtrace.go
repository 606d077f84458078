package scenarios

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A chat trace (llm.trace): the turns' lengths read from a CSV file
// instead of drawn from llm.prompt and llm.output. The file is
//
//	prompt_tokens,output_tokens[,think_s]   a header, the columns in this order
//	300,120,4.5                              one row per turn
//
// with '#' comment lines and blank lines ignored. prompt_tokens (the
// user's new tokens) and output_tokens are whole numbers from 1 to
// 131072; think_s, when the header has it, the seconds the user thinks
// after that turn (instead of workload.arrivals.think), a number ≥ 0.
// Every phone replays the rows in order from row i mod n (phone i of n
// rows), wrapping around at the end; llm.turns groups them into
// conversations as it groups drawn turns.

// chatTrace is a parsed trace.
type chatTrace struct {
	rows  []chatTraceRow
	think bool // the file gives think_s
}

// chatTraceRow is one turn of a trace.
type chatTraceRow struct {
	prompt, output int
	think          float64
}

// maxTraceTokens bounds a trace's lengths as llm.prompt.tokens is.
const maxTraceTokens = 131072

// parseChatTrace reads a trace; name labels its errors.
func parseChatTrace(r io.Reader, name string) (*chatTrace, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	tr := &chatTrace{}
	header := false
	line := 0
	bad := func(field, format string, a ...any) error {
		if field != "" {
			field += ": "
		}
		return fmt.Errorf("scenarios: %s:%d: %s%s", name, line, field, fmt.Sprintf(format, a...))
	}
	cols := []string{"prompt_tokens", "output_tokens", "think_s"}
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, ",")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if !header {
			if len(fields) < 2 || len(fields) > 3 {
				return nil, bad("", "header %q: want prompt_tokens,output_tokens[,think_s]", text)
			}
			for i, f := range fields {
				if f != cols[i] {
					return nil, bad("", "header column %d is %q, want %q (prompt_tokens,output_tokens[,think_s])", i+1, f, cols[i])
				}
			}
			header, tr.think = true, len(fields) == 3
			continue
		}
		want := 2
		if tr.think {
			want = 3
		}
		if len(fields) != want {
			return nil, bad("", "%d fields, want %d (%s)", len(fields), want, strings.Join(cols[:want], ","))
		}
		var row chatTraceRow
		for i, p := range []*int{&row.prompt, &row.output} {
			n, err := strconv.Atoi(fields[i])
			if err != nil {
				return nil, bad(cols[i], "%q is not a whole number of tokens", fields[i])
			}
			if n < 1 || n > maxTraceTokens {
				return nil, bad(cols[i], "%d tokens, want 1 to %d", n, maxTraceTokens)
			}
			*p = n
		}
		if tr.think {
			x, err := strconv.ParseFloat(fields[2], 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, bad(cols[2], "%q is not a number of seconds", fields[2])
			}
			if x < 0 {
				return nil, bad(cols[2], "%v s, want ≥ 0", x)
			}
			row.think = x
		}
		tr.rows = append(tr.rows, row)
	}
	if err := sc.Err(); err != nil {
		line++
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, bad("", "line longer than 1 MiB")
		}
		return nil, fmt.Errorf("scenarios: %s: %w", name, err)
	}
	if !header {
		return nil, fmt.Errorf("scenarios: %s: no header (prompt_tokens,output_tokens[,think_s])", name)
	}
	if len(tr.rows) == 0 {
		return nil, fmt.Errorf("scenarios: %s: no turns after the header", name)
	}
	return tr, nil
}

// loadChatTrace reads the trace a scenario names, relative to its file.
func (s *Scenario) loadChatTrace() (*chatTrace, error) {
	path := s.LLM.Trace
	if !filepath.IsAbs(path) && s.dir != "" {
		path = filepath.Join(s.dir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("scenarios: llm.trace: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxTraceSize {
		return nil, fmt.Errorf("scenarios: llm.trace: %s is %d bytes, more than the %d a trace may have", path, st.Size(), MaxTraceSize)
	}
	return parseChatTrace(f, path)
}
