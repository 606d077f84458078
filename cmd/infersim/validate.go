package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/infersim/infersim/plots"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/validation"
	"github.com/spf13/cobra"
)

// defaultValidateOut is where `infersim validate` writes without --out.
var defaultValidateOut = filepath.Join("results", "validation")

func newValidateCmd() *cobra.Command {
	var (
		out, kernelProfile     string
		quick, markdown, quiet bool
		sensitivity            bool
		noPlots                bool
		workers, replications  int
	)
	var force bool
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Compare the simulation with the published measurements it is calibrated and tested against",
		Long: `Run the study's experiment (the guo2018 scenario) and the small simulations
the reference facts need — MDInference's cloud servers, the network presets'
reference request, an isolated request on the LTE and WiFi radios — and
compare every reference fact that can be checked (reference/facts.yaml):
the study's findings G5–G10, phone timings P1–P8, cloud C-*, network N-*,
radio R-*, model sizes Z-*.

Each row gives the reference with its source, the simulated value with its
95% confidence interval across replications, the error, and its role: fit (a
processor profile or network preset was fitted to it), input (the model takes
it as a parameter), held-out (nothing was fitted to it: the test) or report
(another phone or framework, for comparison). Facts that cannot be compared
are listed with the reason.

Writes validation.csv, layers.csv (per-layer kernel timings with their
simulated times on the Nexus 5 CPU), the guo2018 run's results, the
calibration charts under plots/ and index.html into --out. Exits with status
3 when a fitted or input row is off by more than its tolerance (beyond its
confidence interval); held-out rows never fail the command. Degenerate fits
(as many free parameters as fitted rows, a parameter driven to its bound) are
listed as warnings.

--sensitivity adds a sensitivity section: each fitted (free) parameter of
each shipped profile is moved to the ends of its uncertainty (the largest
tolerance of the rows it is fitted to, or 1.96 standard errors of the fit),
one at a time, and the table gives how much G5-time, G5-energy and each
built-in what-if's first conclusion move, with a tornado chart
(plots/sensitivity.png). Its cost is bounded: guo2018 runs at the quick
size, each what-if at its quick size, and only for the parameters of the
profiles it uses (about 140 small simulations).`,
		Example: `  infersim validate                      # the full comparison (10 replications)
  infersim validate --quick              # fewer replications, for CI
  infersim validate --kernel-profile my-host.yaml
  infersim validate --sensitivity -j 2  # which conclusions hang on which parameter
  infersim validate --sensitivity --markdown > docs/validation.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			opts := validation.Options{Quick: quick, Replications: replications, Workers: workers, Out: out, Sensitivity: sensitivity}
			kp, err := readKernelProfile(kernelProfile)
			if err != nil {
				return err
			}
			opts.KernelProfile, opts.KernelProfileName = kp, kernelProfile
			set, err := openResultSet(out, "validation", force, stderr, quiet)
			if err != nil {
				return err
			}
			defer set.Close()
			opts.Out = set.Staging // --out is a result set, written whole as by "infersim run"
			rep, err := validation.Validate(cmd.Context(), opts)
			if err != nil {
				return err
			}
			switch {
			case quiet:
			case markdown:
				err = rep.WriteMarkdown(stdout)
			default:
				err = rep.WriteTable(stdout)
			}
			if err != nil {
				return err
			}
			if err := rep.WriteFiles(set.Staging); err != nil {
				return err
			}
			if !noPlots {
				if err := drawValidation(set.Staging, rep); err != nil {
					return fmt.Errorf("plots: %w", err)
				}
			}
			if err := set.Commit(rep.Run); err != nil {
				return err
			}
			if !quiet {
				fmt.Fprintf(stderr, "validation results in %s (%s)\n", out, rep.Summary())
			}
			if err := rep.Err(); err != nil {
				return validationFailed{err}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", defaultValidateOut, "output directory: a result set with manifest.json, written whole or not at all, as by \"infersim run\" (see its help)")
	f.BoolVar(&force, "force", false, "write into a non-empty --out that has no manifest.json (files infersim did not write are kept)")
	f.BoolVar(&quick, "quick", false, fmt.Sprintf("%d replications instead of %d (for CI)", validation.QuickReplications, validation.DefaultReplications))
	f.BoolVar(&markdown, "markdown", false, "print the table as Markdown (README's \"How close is the simulation?\", docs/validation.md)")
	f.StringVar(&kernelProfile, "kernel-profile", "", "kernel profile from \"infersim calibrate\" instead of the embedded default (every processor profile is re-fitted to it)")
	f.IntVarP(&workers, "jobs", "j", 0, "worlds simulated at once (default: the number of CPUs)")
	f.IntVar(&replications, "replications", 0, "override the number of replications")
	f.BoolVar(&noPlots, "no-plots", false, "do not draw charts or index.html")
	f.BoolVar(&sensitivity, "sensitivity", false, fmt.Sprintf("also move each fitted parameter across its uncertainty and report how G5 and each what-if's first conclusion move (guo2018 at %d replications, what-ifs at their quick sizes, on -j workers; a tornado chart in plots/)", validation.QuickReplications))
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors: no table or message (the results are in --out)")
	return cmd
}

// validationFailed is a validation with a fitted row off: exit status 3.
type validationFailed struct{ err error }

func (e validationFailed) Error() string { return e.err.Error() }
func (e validationFailed) Unwrap() error { return e.err }
func (e validationFailed) ExitCode() int { return 3 }

// drawValidation draws the run's charts and the calibration charts into
// dir/plots and writes dir/index.html.
func drawValidation(dir string, rep *validation.Report) error {
	run := *rep.Run
	run.Scenario = "infersim validate"
	run.Description = "The simulation against the published measurements (reference/facts.yaml): " + rep.Summary() +
		". The table below is the guo2018 run the study rows come from; validation.csv has every row."
	run.Conclusions, run.ConclusionDetails = nil, nil
	for _, r := range rep.Rows {
		if !r.Pass {
			run.Conclusions = append(run.Conclusions, fmt.Sprintf("%s (%s) is off: %s", r.ID, r.Role, r.Note))
		}
	}
	for _, w := range rep.FitWarnings {
		run.Conclusions = append(run.Conclusions, fmt.Sprintf("degenerate fit, %s: %s", w.Profile, w.Text))
	}
	var recs plots.Records
	if p := filepath.Join(dir, result.RequestsFile); fileExists(p) {
		recs = plots.RecordsFile(p)
	}
	charts, err := plots.Draw(dir, &run, recs, plots.Options{Layers: rep.Layers, Validation: rep.ChartRows()})
	if err != nil {
		return err
	}
	if rep.Sensitivity != nil {
		c, err := drawSensitivity(dir, rep.Sensitivity)
		if err != nil {
			return err
		}
		if c != nil {
			charts = append(charts, *c)
		}
	}
	return plots.WriteReport(dir, &run, charts)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// drawSensitivity draws the tornado chart of a sensitivity analysis into
// dir/plots/sensitivity.{png,svg}; nil when no parameter moves anything.
func drawSensitivity(dir string, s *validation.Sensitivity) (*plots.Chart, error) {
	var panels []plots.TornadoPanel
	for i, o := range s.Outputs {
		pn := plots.TornadoPanel{Title: o.Name}
		for _, p := range s.Params {
			lo, hi := p.Low[i], p.High[i]
			if lo.Unused || lo.Reworded || hi.Reworded {
				continue // reworded conclusions are listed in the table
			}
			pn.Bars = append(pn.Bars, plots.TornadoBar{Label: p.Profile + " " + p.Param, Low: lo.Change, High: hi.Change})
		}
		panels = append(panels, pn)
	}
	fig, err := plots.Tornado(panels, plots.TornadoOptions{})
	if errors.Is(err, plots.ErrEmpty) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c := &plots.Chart{Kind: plots.KindCalibration, Name: "sensitivity", Title: fig.Title,
		Caption: "each output's change with one fitted parameter at the low (blue) or high (vermillion) end of its uncertainty; outputs and parameters that never move by 0.1 % are left out"}
	for _, ext := range []string{"png", "svg"} {
		rel := filepath.Join("plots", "sensitivity."+ext)
		if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
			return nil, err
		}
		if err := fig.Save(filepath.Join(dir, rel)); err != nil {
			return nil, err
		}
		if ext == "png" {
			c.PNG = rel
		} else {
			c.SVG = rel
		}
	}
	return c, nil
}
