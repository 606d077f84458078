package lab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/infersim/infersim/conclude"
	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/scenarios"
)

// Options configure Run.
type Options struct {
	// Dir is a directory Run may write into (it makes a folder there and
	// removes it at the end); "" is os.TempDir(). In the browser it is the
	// page's in-memory file system (memfs.js).
	Dir string
	// Workers bounds the worlds simulated at once (0: GOMAXPROCS); the
	// results do not depend on it.
	Workers int
	// Progress, if set, is called after each world with the worlds done
	// and the total.
	Progress func(done, total int)
}

// Page is what the page shows for a state: the run's results, the
// controls, the lesson and the scenario to download.
type Page struct {
	State State `json:"state"`
	// Query is State as a URL query.
	Query       string `json:"query"`
	Scenario    string `json:"scenario"`
	Description string `json:"description"`
	Seed        uint64 `json:"seed"`
	// Headline is the scenario's main conclusion: its headline
	// conclusion (guo2018), else its first. Conclusions are the others,
	// in the scenario's order. Crossover is the first crossover
	// conclusion ("" if the scenario has none); it is also in one of the
	// two.
	Headline    string   `json:"headline"`
	Conclusions []string `json:"conclusions"`
	Crossover   string   `json:"crossover"`
	// Ratio is the study's headline ratio (on-device cold over cloud
	// warm, conclude.HeadlineDefinition), when the run has both sides.
	Ratio *Ratio `json:"ratio,omitempty"`
	// Table is the summary table `infersim run` prints.
	Table string `json:"table"`
	// Charts are plots.Draw's charts, SVG inline.
	Charts   []Chart   `json:"charts"`
	Controls []Control `json:"controls"`
	// Note says what the page could not show, "" when it shows all.
	Note string `json:"note,omitempty"`
	// Swept are the scenario's swept fields: the sweep sets them, so no
	// control does.
	Swept  []string `json:"swept"`
	Lesson *Lesson  `json:"lesson,omitempty"`
	// YAML is the scenario file to download.
	YAML string `json:"yaml"`
	// Points, Worlds and Requests count what was simulated.
	Points   int   `json:"points"`
	Worlds   int   `json:"worlds"`
	Requests int64 `json:"requests"`
	// Millis is where the run's wall-clock time went, in milliseconds:
	// prepare (patch, load and validate), simulate (scenarios.Run and the
	// table), draw (plots.Draw and the lesson). For the page's footer;
	// nothing else depends on it.
	Millis struct {
		Prepare  float64 `json:"prepare"`
		Simulate float64 `json:"simulate"`
		Draw     float64 `json:"draw"`
	} `json:"millis"`
}

// Ratio is the study's headline: on-device over cloud, time and energy.
type Ratio struct {
	Time   float64 `json:"time"`
	Energy float64 `json:"energy"`
}

// Chart is one chart of the run.
type Chart struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Title   string `json:"title"`
	Caption string `json:"caption"`
	SVG     string `json:"svg"`
}

// Run prepares a state, runs its scenario with scenarios.Run (as
// `infersim run` does: the same summaries and conclusions), draws its
// charts with plots.Draw as SVG and fills the lesson.
func Run(ctx context.Context, st State, o Options) (*Page, error) {
	t0 := time.Now()
	p, err := Prepare(st)
	if err != nil {
		return nil, err
	}
	prep := time.Since(t0)
	pg, err := p.Run(ctx, o)
	if pg != nil {
		pg.Millis.Prepare = ms(prep)
	}
	return pg, err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Run runs a prepared state.
func (p *Prepared) Run(ctx context.Context, o Options) (*Page, error) {
	s := p.Scenario
	// The page draws no latency CDF: it needs no requests.csv. The
	// summaries and conclusions do not depend on either setting.
	s.Outputs.Requests = false
	s.Outputs.Plots = true
	dir, err := os.MkdirTemp(o.Dir, "infersim-lab-")
	if err != nil {
		return nil, fmt.Errorf("lab: %w", err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "run")
	t0 := time.Now()
	res, err := scenarios.Run(ctx, s, scenarios.Options{Out: out, Workers: o.Workers, Progress: o.Progress})
	if err != nil {
		return nil, err
	}
	run := res.Run
	pg := &Page{State: p.State, Query: p.State.Query(), Scenario: run.Scenario, Description: run.Description, Seed: run.Seed,
		Controls: p.Controls, Swept: s.SweepPaths(), YAML: string(p.YAML), Points: len(run.Points), Worlds: res.Tasks, Requests: res.Records}
	pg.Headline, pg.Conclusions, pg.Crossover = splitConclusions(s, run.Conclusions)
	if h, ok := conclude.ComputeHeadline(run.Summaries); ok {
		pg.Ratio = &Ratio{Time: h.Time.Ratio, Energy: h.Energy.Ratio}
	}
	var tb bytes.Buffer
	if err := scenarios.WriteTable(&tb, run); err != nil {
		return nil, err
	}
	pg.Table = tb.String()
	pg.Millis.Simulate = ms(time.Since(t0))
	t1 := time.Now()
	// As `infersim run` does, a run whose charts cannot be drawn (no
	// request succeeded) keeps its results, without charts.
	charts, err := plots.Draw(out, run, nil, plots.Options{Formats: []plots.Format{plots.SVG}})
	if err != nil {
		pg.Note = err.Error() + " (the results are shown without charts)"
		charts = nil
	}
	for _, c := range charts {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(c.SVG)))
		if err != nil {
			return nil, fmt.Errorf("lab: %w", err)
		}
		pg.Charts = append(pg.Charts, Chart{Kind: string(c.Kind), Name: c.Name, Title: c.Title, Caption: c.Caption, SVG: string(b)})
	}
	if pg.Lesson, err = lesson(p, run, pg); err != nil {
		return nil, err
	}
	pg.Millis.Draw = ms(time.Since(t1))
	return pg, nil
}

// splitConclusions picks the headline and the first crossover out of a
// run's conclusion lines (one per entry of the scenario's conclusions).
func splitConclusions(s *scenarios.Scenario, lines []string) (headline string, rest []string, crossover string) {
	if len(lines) == 0 {
		return "", nil, ""
	}
	h := 0
	for i, c := range s.Conclusions {
		if c.Kind == "headline" && i < len(lines) {
			h = i
			break
		}
	}
	for i, c := range s.Conclusions {
		if c.Kind == "crossover" && i < len(lines) {
			crossover = lines[i]
			break
		}
	}
	for i, l := range lines {
		if i != h {
			rest = append(rest, l)
		}
	}
	return lines[h], rest, crossover
}

// summaries of a run at a point, for lessons.
func pointSummaries(run *result.Run, point int) []result.Summary {
	var out []result.Summary
	for _, s := range run.Summaries {
		if s.Point == point {
			out = append(out, s)
		}
	}
	return out
}
