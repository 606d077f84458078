package scenarios

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/infersim/infersim/conclude"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/units"
)

// MaxTablePoints is the most points WriteTable prints; summary.csv has
// them all.
const MaxTablePoints = 40

// WriteTable prints a run's summaries as aligned tables, one per point,
// with units: end-to-end latency (mean, 95 % CI across replications, p95
// and its 95 % CI: the mean of the replications' p95s, see result.Stat)
// and its phases (load, preprocess, compute, GC pauses, network = wake +
// upload + download, handling = the server's request handling, server =
// queue + server), phone energy per request, and the battery share the
// group drains (batteryText: per cold start on cold rows, per 1,000
// requests on the others).
func WriteTable(w io.Writer, run *result.Run) error {
	header := []string{"model", "mode", "image", "start", "n", "ok", "latency", "±95%", "p95", "±95%", "load", "preproc", "compute", "gc", "network", "handling", "server", "energy", "±95%", "battery"}
	byPoint := map[int][]result.Summary{}
	for _, s := range run.Summaries {
		byPoint[s.Point] = append(byPoint[s.Point], s)
	}
	var b strings.Builder
	status := ""
	if !run.Complete {
		status = " (interrupted: finished points only)"
	}
	fmt.Fprintf(&b, "%s: %d point(s) × %d replication(s)%s\n", run.Scenario, len(run.Points), run.Replications, status)
	if len(run.Conclusions) > 0 && strings.HasPrefix(run.Conclusions[0], "study headline:") {
		// The headline leads the first screen too (it is repeated first
		// among the conclusions below the tables), with why it misses the
		// study's range when it does.
		b.WriteString(run.Conclusions[0] + "\n")
		if len(run.ConclusionDetails) > 0 && run.ConclusionDetails[0].Sentence == run.Conclusions[0] {
			for _, n := range run.ConclusionDetails[0].Notes {
				if strings.HasPrefix(n, conclude.WhyOutside) {
					b.WriteString(conclude.Wrapped(n, "  "))
				}
			}
		}
	}
	for i, pt := range run.Points {
		if i == MaxTablePoints && len(run.Points) > MaxTablePoints+1 {
			fmt.Fprintf(&b, "\n... %d more points in summary.csv\n", len(run.Points)-MaxTablePoints-1)
			continue
		}
		if i > MaxTablePoints && i < len(run.Points)-1 {
			continue
		}
		b.WriteString("\n")
		title := fmt.Sprintf("point %d", pt.Index)
		if len(pt.Params) > 0 {
			var ps []string
			for _, p := range pt.Params {
				ps = append(ps, p.Name+" = "+p.Value)
			}
			title += ": " + strings.Join(ps, ", ")
		}
		b.WriteString(title + "\n")
		rows := [][]string{header}
		for _, s := range byPoint[pt.Index] {
			net := s.Phases[result.Wake].Mean + s.Phases[result.Upload].Mean + s.Phases[result.Download].Mean
			srv := s.Phases[result.Queue].Mean + s.Phases[result.Server].Mean
			ok := "-"
			if s.Requests > 0 {
				ok = strconv.FormatFloat(100*float64(s.OK())/float64(s.Requests), 'f', 0, 64) + "%"
			}
			if s.Requests > 0 && s.Outcomes[result.Unsupported] == s.Requests {
				// Say why the row is empty rather than print a column of dashes
				// that reads like a failed run.
				rows = append(rows, []string{s.Model, modeLabel(s.Model, s.Mode), s.Image, "-", strconv.Itoa(s.Requests),
					"unsupported: the framework cannot run this model"})
				continue
			}
			rows = append(rows, []string{s.Model, modeLabel(s.Model, s.Mode), s.Image, string(s.Start), strconv.Itoa(s.Requests), ok,
				seconds(s.Latency.Mean), plusMinus(seconds(s.Latency.CI95)), seconds(s.Latency.P95), plusMinus(seconds(s.Latency.P95CI95)),
				seconds(s.Phases[result.Load].Mean), seconds(s.Phases[result.Preprocess].Mean), seconds(s.Phases[result.Compute].Mean),
				seconds(s.Phases[result.GC].Mean), seconds(net), seconds(s.Phases[result.Handling].Mean), seconds(srv),
				joules(s.EnergyTotal.Mean), plusMinus(joules(s.EnergyTotal.CI95)), batteryText(s)})
		}
		writeAligned(&b, rows, 4)
	}
	WriteConclusions(&b, run)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeAligned writes rows with columns padded to their widest cell: the
// first left columns left-aligned, the rest right-aligned. A row shorter
// than the first (the header) ends in a note that runs on past the
// remaining columns and does not widen its own.
func writeAligned(b *strings.Builder, rows [][]string, left int) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			if len(r) < len(width) && i == len(r)-1 {
				break
			}
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		line.WriteString("  ")
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			if len(r) < len(width) && i == len(r)-1 {
				line.WriteString(c)
				break
			}
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i < left {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// seconds prints a time as package units does ("20.4 ms", "1.5 s"): "-"
// for NaN (no value), "0" for zero.
func seconds(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case x == 0:
		return "0"
	}
	return units.Duration(x).String()
}

// joules prints an energy as package units does ("593 mJ", "3.5 J"): "-"
// for NaN (no value), "0" for zero.
func joules(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case x == 0:
		return "0"
	}
	return units.Energy(x).String()
}

// modeLabel is a mode as the table shows it (result.ModeLabel): the
// mode, and for the two ends of split:K what they mean for the model,
// "split:24 (all on the phone)" (every layer on the phone, the result
// sent) and "split:0 (all in the cloud)" (the photo sent).
func modeLabel(model, mode string) string {
	return result.ModeLabel(mode, splitLayers(model, mode))
}

// splitLayers is, for a split:K mode of a zoo model, the model's layer
// count (result.Summary.SplitLayers), else 0.
func splitLayers(model, mode string) int {
	if !strings.HasPrefix(mode, "split:") {
		return 0
	}
	net, err := models.Zoo(model)
	if err != nil {
		return 0
	}
	return len(net.Layers())
}

// batteryText prints the battery share a group drains, with its unit in
// the cell: on a cold row the share one cold start takes ("0.628%/start":
// a launch happens once, so 1,000 of them, 628 %, reads as nonsense), on
// a warm (or mixed) row the share 1,000 such requests take ("28.5%/1k").
func batteryText(s result.Summary) string {
	if math.IsNaN(s.BatteryPer1000) {
		return "-"
	}
	if s.Start == result.Cold {
		return percent(s.BatteryPer1000/1000) + "/start"
	}
	return percent(s.BatteryPer1000) + "/1k"
}

// percent prints a percentage with 3 significant digits ("5.27%").
func percent(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return sig3(x) + "%"
}

func plusMinus(s string) string {
	if s == "-" || s == "0" {
		return s
	}
	return "±" + s
}

// sig3 prints x with 3 significant digits, without an exponent.
func sig3(x float64) string {
	if x == 0 {
		return "0"
	}
	d := 2 - int(math.Floor(math.Log10(math.Abs(x))))
	if d < 0 {
		d = 0
	}
	return strconv.FormatFloat(x, 'f', d, 64)
}
