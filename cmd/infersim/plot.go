package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/scenarios"
	"github.com/spf13/cobra"
)

func newPlotCmd() *cobra.Command {
	var kind, format, metric string
	var logScale bool
	cmd := &cobra.Command{
		Use:   "plot RESULTS_DIR",
		Short: "Redraw the charts and index.html of saved results without re-running",
		Long: `Redraw the charts of a results directory from its files and rewrite its
index.html. It reads manifest.json (required) and only the files it names:
summary.json (required) and, when named, requests.csv (latency CDF),
trace.json (timeline), validation.csv and layers.csv (calibration). A
folder whose files disagree with its manifest (a file missing or changed) is
refused. Other files in the folder are never read.

The redraw is a new result set like a run's: the data files are kept, the
charts (RESULTS_DIR/plots, PNG and SVG) and index.html replaced whole, and
manifest.json rewritten; the folder is locked meanwhile.

Without --kind it draws every chart the results fit: latency and energy
breakdowns; sweep lines when a numeric parameter varies between points; the
CDF when requests.csv is named; the timeline and calibration charts when
their files are.`,
		Example: `  infersim plot out/default
  infersim plot out/uplink --kind sweep --metric p95 --format svg
  infersim plot out/app-switching --kind sweep --metric app.kills
  infersim plot out/default --kind breakdown,energy --log`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kinds, err := plots.ParseKinds(kind)
			if err != nil {
				return err
			}
			formats, err := plots.ParseFormats(format)
			if err != nil {
				return err
			}
			m, err := plots.ParseMetric(metric)
			if err != nil {
				return err
			}
			dir := args[0]
			set, res, err := openRedraw(dir)
			if err != nil {
				return err
			}
			defer set.Close()
			for _, n := range res.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "infersim plot:", n)
			}
			charts, err := plots.Draw(set.Staging, res.Run, res.Records, plots.Options{
				Kinds: kinds, Formats: formats, Log: logScale, Metric: m,
				Spans: res.Spans, Layers: res.Layers, Validation: res.Validation,
			})
			if err != nil {
				return err
			}
			if err := plots.WriteReport(set.Staging, res.Run, charts); err != nil {
				return err
			}
			if err := set.Commit(res.Run); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, c := range charts {
				for _, f := range []string{c.PNG, c.SVG} {
					if f != "" {
						fmt.Fprintln(out, filepath.Join(dir, filepath.FromSlash(f)))
					}
				}
			}
			_, err = fmt.Fprintln(out, filepath.Join(dir, plots.ReportFile))
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "", "charts to draw, comma-separated: breakdown,energy,versus,sweep,cdf,timeline,calibration,thermal (default: all that fit)")
	f.StringVar(&format, "format", "both", "image format: png, svg or both")
	f.BoolVar(&logScale, "log", false, "log scales for latency and energy axes")
	f.StringVar(&metric, "metric", "mean", "metric of the sweep chart: latency mean, p50, p95 or p99, energy, or a per-world metric ("+
		strings.Join(plots.WorldMetrics(), ", ")+")")
	return cmd
}

// openRedraw locks the result set in dir, checks it against its manifest,
// reads the files it names, and stages its data files (everything but
// the charts and index.html) for the redraw.
func openRedraw(dir string) (*scenarios.ResultSet, *plots.Results, error) {
	if _, err := plots.ReadResults(dir); err != nil { // the clear error, before the lock
		return nil, nil, err
	}
	set, err := scenarios.OpenResultSet(dir, scenarios.SetOptions{})
	if err != nil {
		return nil, nil, err
	}
	res, err := plots.ReadResults(dir) // again, under the lock
	if err != nil {
		set.Close()
		return nil, nil, err
	}
	var data []string
	for _, n := range res.Manifest.Names() {
		if n != plots.ReportFile && !strings.HasPrefix(n, plots.PlotsDir+"/") {
			data = append(data, n)
		}
	}
	if err := set.Adopt(data); err != nil {
		set.Close()
		return nil, nil, err
	}
	return set, res, nil
}
