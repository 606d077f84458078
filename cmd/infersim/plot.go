package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/infersim/infersim/plots"
	"github.com/spf13/cobra"
)

func newPlotCmd() *cobra.Command {
	var kind, format, metric string
	var logScale bool
	cmd := &cobra.Command{
		Use:   "plot RESULTS_DIR",
		Short: "Redraw the charts and index.html of saved results without re-running",
		Long: `Redraw the charts of a results directory from its files and rewrite its
index.html. It reads summary.json (required) and, when present, requests.csv
(latency CDF), trace.json (timeline), validation.csv and layers.csv
(calibration). Charts go to RESULTS_DIR/plots as PNG and SVG.

Without --kind it draws every chart the results fit: latency and energy
breakdowns; sweep lines when a numeric parameter varies between points; the
CDF when requests.csv exists; the timeline and calibration charts when their
files exist.`,
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
			res, err := plots.ReadResults(dir)
			if err != nil {
				return err
			}
			for _, n := range res.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "infersim plot:", n)
			}
			charts, err := plots.Draw(dir, res.Run, res.Records, plots.Options{
				Kinds: kinds, Formats: formats, Log: logScale, Metric: m,
				Spans: res.Spans, Layers: res.Layers, Validation: res.Validation,
			})
			if err != nil {
				return err
			}
			if err := plots.WriteReport(dir, res.Run, charts); err != nil {
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
	f.StringVar(&kind, "kind", "", "charts to draw, comma-separated: breakdown,energy,sweep,cdf,timeline,calibration (default: all that fit)")
	f.StringVar(&format, "format", "both", "image format: png, svg or both")
	f.BoolVar(&logScale, "log", false, "log scales for latency and energy axes")
	f.StringVar(&metric, "metric", "mean", "metric of the sweep chart: latency mean, p50, p95 or p99, energy, or a per-world metric ("+
		strings.Join(plots.WorldMetrics(), ", ")+")")
	return cmd
}
