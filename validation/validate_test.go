package validation

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/network"
	"github.com/infersim/infersim/reference"
	"github.com/infersim/infersim/result"
)

var rewrite = flag.Bool("rewrite", false, "rewrite docs/validation.md from a full validation")

// row builds a hand-made row.
func row(role Role, ref, sim, ci, tol, low, high float64) Row {
	return Row{ValidationRow: result.ValidationRow{ID: "X", Reference: ref, Simulated: sim, CI95: ci, Tolerance: tol,
		Low: low, High: high, Fitted: role.Gates()}, Role: role}
}

func TestJudge(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		r    Row
		pass bool
	}{
		{"fitted 20 % off, 10 % tolerance", row(Fit, 1, 1.2, nan, 0.1, nan, nan), false},
		{"fitted 20 % off, CI of 5 % does not reach the band", row(Fit, 1, 1.2, 0.05, 0.1, nan, nan), false},
		{"fitted 12 % off, CI of 5 % overlaps the band", row(Fit, 1, 1.12, 0.05, 0.1, nan, nan), true},
		{"fitted 5 % low, 10 % tolerance", row(Fit, 2, 1.9, nan, 0.1, nan, nan), true},
		{"held out outside its range", row(HeldOut, 100, 900, 50, 0, 30, 300), false},
		{"held out inside its range", row(HeldOut, 100, 250, 10, 0, 30, 300), true},
		{"range reached only by the CI", row(HeldOut, 100, 310, 20, 0, 30, 300), true},
		{"no tolerance, no range: not checked", row(ReportOnly, 2, 20, nan, 0, nan, nan), true},
		{"simulated NaN fails", row(Fit, 1, nan, nan, 0.1, nan, nan), false},
	} {
		r := c.r
		Judge(&r)
		if r.Pass != c.pass {
			t.Errorf("%s: pass = %v, want %v (error %v)", c.name, r.Pass, c.pass, r.Error)
		}
	}
	// Order rows: the ratio left/right must be below High = 1.
	o := Row{ValidationRow: result.ValidationRow{ID: "G7-order", Reference: nan, Simulated: 0.05, High: 1, Low: nan, CI95: nan}, Order: true, Role: HeldOut}
	Judge(&o)
	if !o.Pass || !math.IsNaN(o.Error) {
		t.Errorf("order 0.05 < 1: pass %v, error %v", o.Pass, o.Error)
	}
	o.Simulated = 1.3
	Judge(&o)
	if o.Pass {
		t.Error("order 1.3 < 1 passed")
	}
}

// A fitted row off by 20 % with a 10 % tolerance fails the validation with
// a non-zero exit code; a held-out row off does not.
func TestErrOnlyForFittedRows(t *testing.T) {
	nan := math.NaN()
	fitted := row(Fit, 1, 1.2, nan, 0.1, nan, nan)
	fitted.ID = "P1"
	held := row(HeldOut, 1, 1.2, nan, 0.1, nan, nan)
	held.ID = "G5-time"
	Judge(&fitted)
	Judge(&held)

	rep := &Report{Rows: []Row{held}}
	if err := rep.Err(); err != nil {
		t.Errorf("a held-out row off failed the validation: %v", err)
	}
	rep.Rows = append(rep.Rows, fitted)
	err := rep.Err()
	var fe *FailedError
	if !errors.As(err, &fe) || fe.ExitCode() == 0 || len(fe.Rows) != 1 || fe.Rows[0].ID != "P1" {
		t.Fatalf("fitted row off: err %v", err)
	}
	if !strings.Contains(err.Error(), "P1 +20.0 %") {
		t.Errorf("error %q does not name the row and its error", err)
	}
	// An input row gates like a fitted one.
	in := row(Input, 10, 11, nan, 0.01, nan, nan)
	Judge(&in)
	if (&Report{Rows: []Row{in}}).Err() == nil {
		t.Error("an input row off did not fail")
	}
}

// The DERIVED facts validation introduces are what their sources give.
func TestDerivedFacts(t *testing.T) {
	g := reference.MustLookup("G8-cloud-cpu-alexnet")
	p1, g8 := reference.MustLookup("P1"), reference.MustLookup("G8")
	if want := p1.Value / g8.Value; math.Abs(g.Value-want)/want > 1e-3 {
		t.Errorf("G8-cloud-cpu-alexnet = %v, P1/G8 = %v", g.Value, want)
	}
	if lo, hi := p1.Low/g8.High, p1.High/g8.Low; math.Abs(g.Low-lo)/lo > 1e-3 || math.Abs(g.High-hi)/hi > 1e-3 {
		t.Errorf("G8-cloud-cpu-alexnet range [%v, %v], want [%v, %v]", g.Low, g.High, lo, hi)
	}
	tp := reference.MustLookup("R-lte-tail-power")
	spec := network.LTERadio()
	if want := float64(spec.TailEnergy()) / float64(spec.TailDuration()); math.Abs(tp.Value-want)/want > 1e-4 {
		t.Errorf("R-lte-tail-power = %v, LTE tail energy/duration = %v", tp.Value, want)
	}
}

var (
	quickOnce sync.Once
	quickRep  *Report
	quickErr  error
)

// quick runs the quick validation once for the tests that read it.
func quick(t *testing.T) *Report {
	t.Helper()
	quickOnce.Do(func() {
		quickRep, quickErr = Validate(context.Background(), Options{Quick: true, Workers: 2})
	})
	if quickErr != nil {
		t.Fatal(quickErr)
	}
	return quickRep
}

// The quick validation on the embedded kernel profile passes: every fitted
// and input row is within its tolerance.
func TestQuickPasses(t *testing.T) {
	rep := quick(t)
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	if rep.Replications != QuickReplications {
		t.Errorf("replications %d", rep.Replications)
	}
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
}

// Every reference fact has a row or a reason, and the facts the study
// rests on have rows with the expected roles.
func TestCoverage(t *testing.T) {
	rep := quick(t)
	have := map[string][]Row{}
	for _, r := range rep.Rows {
		have[r.ID] = append(have[r.ID], r)
		if math.IsNaN(r.Simulated) {
			t.Errorf("%s: simulated NaN", r.ID)
		}
		if r.Fitted != r.Role.Gates() {
			t.Errorf("%s: Fitted %v for role %s", r.ID, r.Fitted, r.Role)
		}
	}
	skipped := map[string]bool{}
	for _, n := range rep.NotCompared {
		if n.Reason == "" {
			t.Errorf("%s: no reason", n.ID)
		}
		if have[n.ID] != nil {
			t.Errorf("%s both compared and not", n.ID)
		}
		skipped[n.ID] = true
	}
	for _, f := range reference.All() {
		if have[f.ID] == nil && !skipped[f.ID] {
			t.Errorf("fact %s neither compared nor listed as not compared", f.ID)
		}
	}
	want := map[string]Role{
		"G5-time": HeldOut, "G5-energy": HeldOut, "G6": HeldOut, "G7-load": Fit, "G7-order": HeldOut,
		"G8-cloud-cpu-alexnet": Fit, "G10-power": HeldOut, "G10-energy": HeldOut, "P1": Fit, "P6-openblas": Fit,
		"P6-eigen": ReportOnly, "P2-single": ReportOnly, "P3": ReportOnly, "P5": Input,
		"C-squeezenet-gpu": Fit, "C-mobilenet-cpu": Fit, "N-campus": Fit, "N-lte": Fit, "N-home": Fit,
		"R-lte-tail": Input, "R-lte-tail-power": Input, "R-wifi-tail": Input, "R-lte-promotion-time": Input,
		"Z-alexnet-weights": HeldOut, "Z-nin-weights": HeldOut, "Z-squeezenet-weights": HeldOut,
		"MODI-transfer-campus": Fit, "MODI-transfer-home": HeldOut, "MODI-transfer-lte": HeldOut,
		"P9-tflite-dw-share-cpu": Input, "P8-pixel4-mobilenet-cpu": HeldOut,
	}
	for id, role := range want {
		rs := have[id]
		if len(rs) == 0 {
			t.Errorf("no row for %s", id)
			continue
		}
		if rs[0].Role != role {
			t.Errorf("%s: role %s, want %s", id, rs[0].Role, role)
		}
	}
	// MODI's campus transfer fits campus-wifi-modi (guo2018's network) and
	// stays held out against campus-wifi, fitted to MDInference.
	if rs := have["MODI-transfer-campus"]; len(rs) != 3 || rs[2].Role != HeldOut || !strings.Contains(rs[2].Note, "preset campus-wifi's") {
		t.Errorf("MODI-transfer-campus: want 2 fit rows (mean, sd) of campus-wifi-modi and 1 held-out row of campus-wifi, have %d", len(rs))
	}
	// G8: AlexNet is fitted (through G8-cloud-cpu-alexnet = P1 / G8), NIN
	// held out, MDInference's server reported.
	roles := map[string]bool{}
	for _, r := range have["G8"] {
		roles[string(r.Role)+" "+strings.SplitN(r.What, ":", 2)[0]] = true
	}
	for _, w := range []string{"fit alexnet", "held-out nin", "report alexnet (compute-ratio vs cloud-cpu)"} {
		if !roles[w] {
			t.Errorf("G8 rows %v lack %q", roles, w)
		}
	}
	// Rows from the simulation carry a confidence interval.
	for _, id := range []string{"P1", "G5-time", "G8-cloud-cpu-alexnet", "C-squeezenet-cpu", "N-campus"} {
		if r := have[id][0]; !(r.CI95 >= 0) {
			t.Errorf("%s: CI %v", id, r.CI95)
		}
	}
	if len(rep.Layers) == 0 || rep.LayersTarget != LayersTarget {
		t.Errorf("layers: %d rows on %q", len(rep.Layers), rep.LayersTarget)
	}
	for _, l := range rep.Layers {
		if !(l.Median > 0) || !(l.Seconds > 0) {
			t.Errorf("layer %s/%s: median %v, simulated %v", l.Model, l.Layer, l.Median, l.Seconds)
		}
	}
}

// The order facts compare the two frameworks the right way round and show
// both values.
func TestOrderRows(t *testing.T) {
	rep := quick(t)
	for _, id := range []string{"G7-order", "G10-power", "G10-energy"} {
		var r *Row
		for i := range rep.Rows {
			if rep.Rows[i].ID == id {
				r = &rep.Rows[i]
			}
		}
		if r == nil {
			t.Fatalf("no %s row", id)
		}
		if !r.Order || r.High != 1 || !(r.Simulated > 0) {
			t.Errorf("%s: order %v, high %v, simulated %v", id, r.Order, r.High, r.Simulated)
		}
		if !r.Pass {
			t.Errorf("%s fails: %s", id, r.Note)
		}
		if !strings.Contains(r.Note, "alexnet") || !strings.Contains(r.Note, "nin") || !strings.Contains(r.Note, "<") {
			t.Errorf("%s note %q lacks the values", id, r.Note)
		}
	}
}

// validation.csv and layers.csv read back.
func TestWriteFiles(t *testing.T) {
	rep := quick(t)
	dir := t.TempDir()
	if err := rep.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, result.ValidationFile))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := result.ReadValidationCSV(f, result.ValidationFile)
	f.Close()
	if err != nil || len(rows) != len(rep.Rows) {
		t.Fatalf("validation.csv: %d rows, %v", len(rows), err)
	}
	f, err = os.Open(filepath.Join(dir, result.LayersFile))
	if err != nil {
		t.Fatal(err)
	}
	layers, err := result.ReadLayersCSV(f, result.LayersFile)
	f.Close()
	if err != nil || len(layers) != len(rep.Layers) {
		t.Fatalf("layers.csv: %d rows, %v", len(layers), err)
	}
}

// The Markdown is a table with a row per comparison, notes and sources.
func TestMarkdown(t *testing.T) {
	rep := quick(t)
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, w := range []string{"# How close is the simulation?", "| fact | role |", "| G5-time | held-out |", "## Notes", "## Sources", "`guo2018`: T. Guo", "## Facts not compared", MarkdownCommand} {
		if !strings.Contains(md, w) {
			t.Errorf("markdown lacks %q", w)
		}
	}
	// The rows' table, up to the blank line after it (the LLM cost-model
	// table follows it).
	table := md[strings.Index(md, "\n| fact | role |"):]
	table = table[:strings.Index(table[1:], "\n\n")+1]
	if n := strings.Count(table, "\n| "); n != len(rep.Rows)+1 {
		t.Errorf("markdown has %d table lines, want %d rows + header", n, len(rep.Rows)+1)
	}
	if !strings.Contains(md, "## LLM phone cost models") {
		t.Error("markdown lacks the LLM cost-model comparison")
	}
}

// docs/validation.md is what `infersim validate --markdown` prints now.
// Regenerate it with `go test ./validation -run DocsCurrent -rewrite` (or
// the command in MarkdownCommand) and review the diff.
func TestDocsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the full validation")
	}
	rep := full(t)
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, filepath.Join("..", "docs", "validation.md"), nil, b.Bytes())

	var sum bytes.Buffer
	if err := rep.WriteReadmeSummary(&sum); err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, filepath.Join("..", "README.md"), []string{ReadmeBegin, ReadmeEnd}, sum.Bytes())
}

var (
	fullOnce sync.Once
	fullRep  *Report
	fullErr  error
)

// full runs the full validation with the sensitivity analysis once, for
// the tests that need it (docs/validation.md holds its output).
func full(t *testing.T) *Report {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the full validation and the sensitivity analysis")
	}
	fullOnce.Do(func() {
		fullRep, fullErr = Validate(context.Background(), Options{Workers: 2, Sensitivity: true})
	})
	if fullErr != nil {
		t.Fatal(fullErr)
	}
	return fullRep
}

// The sensitivity analysis covers every fitted parameter with an
// uncertainty of every shipped profile (pixel4-tflite-cpu's share-tied
// depthwise factor among them), follows G5 and every built-in
// what-if, re-runs a what-if only for the profiles it uses, and finds
// the effects the model implies: nexus5-cnndroid-gpu's conversion rate
// moves the G5 ratios (its model conversion is part of the on-device
// cold start), the study's own server (guo2018-cloud-cpu) moves no
// what-if (none uses it), and moving a parameter the other way moves G5
// the other way.
func TestSensitivity(t *testing.T) {
	rep := full(t)
	s := rep.Sensitivity
	if s == nil {
		t.Fatal("no sensitivity analysis")
	}
	want := 0
	for _, name := range engine.ProcessorNames() {
		proc, err := engine.LoadProcessor(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range proc.Fit().Params {
			if p.Uncertainty > 0 {
				want++
			}
		}
	}
	if len(s.Params) != want {
		t.Errorf("%d parameters, want %d", len(s.Params), want)
	}
	if len(s.Outputs) != 2+len(s.WhatIfs) || s.Outputs[0].Name != "G5-time" || s.Outputs[1].Name != "G5-energy" {
		t.Errorf("outputs %v", s.Outputs)
	}
	sawShare, sawSetup := false, false
	for _, p := range s.Params {
		if len(p.Low) != len(s.Outputs) || len(p.High) != len(s.Outputs) {
			t.Fatalf("%s %s: %d/%d effects for %d outputs", p.Profile, p.Param, len(p.Low), len(p.High), len(s.Outputs))
		}
		switch {
		case p.Profile == "nexus5-cnndroid-gpu" && p.Param == "convert":
			if !(p.Low[0].Change < -0.01) || !(p.High[0].Change > 0.01) {
				t.Errorf("convert ±%.0f%%: G5-time moves %+.3f / %+.3f, want down then up", 100*p.Uncertainty, p.Low[0].Change, p.High[0].Change)
			}
		case p.Profile == "pixel4-tflite-cpu" && p.Param == "depthwise":
			sawShare = true
		case p.Profile == "cloud-gpu-k80" && p.Param == "efficiency":
			// 10 % of a 4 ms model time in a ≈360 ms cloud request: G5
			// moves well under 1 % (it moved +196 % both ways while the
			// perturbed server lost its request handling).
			if math.Abs(p.Low[0].Change) > 0.01 || math.Abs(p.High[0].Change) > 0.01 {
				t.Errorf("cloud-gpu-k80 efficiency ±%.0f%%: G5-time moves %+.3f / %+.3f, want |change| < 1 %%", 100*p.Uncertainty, p.Low[0].Change, p.High[0].Change)
			}
		case p.Profile == "cloud-gpu-k80" && p.Param == "handling.setup":
			sawSetup = true
			// A longer setup lengthens the cloud request: G5 falls.
			if !(p.Low[0].Change > 0.01) || !(p.High[0].Change < -0.01) {
				t.Errorf("handling.setup ±%.0f%%: G5-time moves %+.3f / %+.3f, want up then down", 100*p.Uncertainty, p.Low[0].Change, p.High[0].Change)
			}
		case p.Profile == "guo2018-cloud-cpu":
			for i := 2; i < len(s.Outputs); i++ {
				if !p.Low[i].Unused || !p.High[i].Unused {
					t.Errorf("guo2018-cloud-cpu re-ran %s", s.Outputs[i].Name)
				}
			}
		}
	}
	if !sawShare {
		t.Error("pixel4-tflite-cpu's share-tied depthwise factor is not moved")
	}
	if !sawSetup {
		t.Error("cloud-gpu-k80's handling.setup is not moved")
	}
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\nsensitivity:\n") {
		t.Error("the table lacks the sensitivity section")
	}
}

// effect compares a conclusion's numbers in base units and calls a
// change of its words a rewording.
func TestSensitivityEffect(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		base, got string
		bv, gv    float64
		change    float64
		reworded  bool
	}{
		{"G5", "G5", 100, 110, 0.1, false},
		{"on-device is 6.15× cloud's (1.07 s vs 174 ms)", "on-device is 5.66× cloud's (985 ms vs 174 ms)", nan, nan, (5.66 - 6.15) / 6.15, false}, // the ratio moves most
		{"beats cloud below 5.9 Mbps", "beats cloud below 6.4 Mbps", nan, nan, 0.5 / 5.9, false},
		{"beats cloud below 5.9 Mbps", "never beats cloud", nan, nan, 0, true},
		{"falls 21× (21/h → 1/h)", "falls 21× (21/h → 1/h)", nan, nan, 0, false},
	} {
		e := effect(outValue{value: tc.bv, text: tc.base}, outValue{value: tc.gv, text: tc.got})
		if e.Reworded != tc.reworded || math.Abs(e.Change-tc.change) > 1e-9 {
			t.Errorf("%q → %q: change %v reworded %v, want %v %v", tc.base, tc.got, e.Change, e.Reworded, tc.change, tc.reworded)
		}
	}
	if e := effect(outValue{text: "x"}, outValue{unused: true}); !e.Unused || e.Change != 0 {
		t.Errorf("unused: %+v", e)
	}
}

// checkGenerated compares a generated file, or with markers the part of
// it from the line holding the first marker through the line holding the
// second, with want; -rewrite writes want in its place.
func checkGenerated(t *testing.T, path string, markers []string, want []byte) {
	t.Helper()
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -rewrite)", err)
	}
	before, have, after := []byte(nil), old, []byte(nil)
	if markers != nil {
		i := bytes.Index(old, []byte(markers[0]))
		j := bytes.Index(old, []byte(markers[1]))
		if i < 0 || j < i {
			t.Fatalf("%s: no %q ... %q section; paste those two lines where the summary belongs and run with -rewrite", path, markers[0], markers[1])
		}
		j += len(markers[1])
		if j < len(old) && old[j] == '\n' {
			j++
		}
		before, have, after = old[:i], old[i:j], old[j:]
	}
	if *rewrite {
		out := append(append(append([]byte{}, before...), want...), after...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if bytes.Equal(have, want) {
		return
	}
	ol, nl := strings.Split(string(have), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(ol), len(nl)); i++ {
		var o, n string
		if i < len(ol) {
			o = ol[i]
		}
		if i < len(nl) {
			n = nl[i]
		}
		if o != n {
			t.Fatalf("%s is stale (regenerate: %s, or go test ./validation -run DocsCurrent -rewrite); first difference at line %d of the generated part:\nhave %s\nwant %s", path, MarkdownCommand, i+1, o, n)
		}
	}
}
