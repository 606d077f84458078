package main

import (
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
		noPlots                bool
		workers, replications  int
	)
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
confidence interval); held-out rows never fail the command.`,
		Example: `  infersim validate                      # the full comparison (10 replications)
  infersim validate --quick              # fewer replications, for CI
  infersim validate --kernel-profile my-host.yaml
  infersim validate --markdown > docs/validation.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			opts := validation.Options{Quick: quick, Replications: replications, Workers: workers, Out: out}
			kp, err := readKernelProfile(kernelProfile)
			if err != nil {
				return err
			}
			opts.KernelProfile, opts.KernelProfileName = kp, kernelProfile
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
			if err := rep.WriteFiles(out); err != nil {
				return err
			}
			if !noPlots {
				if err := drawValidation(out, rep); err != nil {
					return fmt.Errorf("plots: %w", err)
				}
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
	f.StringVar(&out, "out", defaultValidateOut, "output directory")
	f.BoolVar(&quick, "quick", false, fmt.Sprintf("%d replications instead of %d (for CI)", validation.QuickReplications, validation.DefaultReplications))
	f.BoolVar(&markdown, "markdown", false, "print the table as Markdown (README's \"How close is the simulation?\", docs/validation.md)")
	f.StringVar(&kernelProfile, "kernel-profile", "", "kernel profile from \"infersim calibrate\" instead of the embedded default (every processor profile is re-fitted to it)")
	f.IntVarP(&workers, "jobs", "j", 0, "worlds simulated at once (default: the number of CPUs)")
	f.IntVar(&replications, "replications", 0, "override the number of replications")
	f.BoolVar(&noPlots, "no-plots", false, "do not draw charts or index.html")
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
	run.Conclusions = nil
	for _, r := range rep.Rows {
		if !r.Pass {
			run.Conclusions = append(run.Conclusions, fmt.Sprintf("%s (%s) is off: %s", r.ID, r.Role, r.Note))
		}
	}
	var recs plots.Records
	if p := filepath.Join(dir, result.RequestsFile); fileExists(p) {
		recs = plots.RecordsFile(p)
	}
	charts, err := plots.Draw(dir, &run, recs, plots.Options{Layers: rep.Layers, Validation: rep.ChartRows()})
	if err != nil {
		return err
	}
	return plots.WriteReport(dir, &run, charts)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
