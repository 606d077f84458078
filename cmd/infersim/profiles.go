package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/spf13/cobra"
)

func newProfilesCmd() *cobra.Command {
	var kernelFile string
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List the processor profiles (phone and cloud targets) and how well they fit",
		Long: `List the shipped processor profiles: each turns the host kernel profile
(per-layer timings of this machine, "infersim calibrate") into per-layer times
on a target — a Nexus 5 CPU with Caffe, its GPU with CNNdroid, a cloud CPU or
GPU server, a Pixel 4 — with scale factors fitted to published measurements.
The fit runs again against whatever kernel profile is used (the built-in
default, or --kernel-profile FILE), so the fitted rows stay anchored to the
reference whatever machine calibrated.

For each profile: its target, framework and timing model (scaled or
roofline), the number of reference rows it is fitted to, the worst
relative error among them and the number of degenerate-fit warnings, listed
below the table: a fit with as many free parameters as rows (its fitted rows
test nothing) or one that drove a parameter to its bound (tied to a prior
instead). "infersim profiles show NAME" prints the full fit
report: every parameter with its value and source, every reference row
(fitted, held out or reported) with the simulated value and error, and the
per-model compute and load times.`,
		Example: `  infersim profiles
  infersim profiles --kernel-profile host.yaml
  infersim profiles show nexus5-cnndroid-gpu
  infersim profiles show my-phone.yaml --kernel-profile host.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kp, err := readKernelProfile(kernelFile)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "PROFILE\tTARGET\tFRAMEWORK\tMODEL\tFITTED ROWS\tWORST FIT ERROR\tWARNINGS")
			var failed, warnings []string
			for _, name := range engine.ProcessorNames() {
				p, err := engine.LoadProcessor(name, kp)
				if err != nil {
					fmt.Fprintf(w, "%s\t—\t—\t—\t—\terror (below)\n", name)
					failed = append(failed, err.Error())
					continue
				}
				r := p.Fit()
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%.1f%%\t%d\n", name, p.Target(), p.Framework().Name, p.ModelKind(), r.FittedRows(), 100*r.WorstFitError(), len(r.Warnings))
				for _, wn := range r.Warnings {
					warnings = append(warnings, name+": "+wn)
				}
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(warnings) > 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "\nwarnings (degenerate fits):")
				for _, wn := range warnings {
					fmt.Fprintln(cmd.OutOrStdout(), "  "+wn)
				}
			}
			if len(failed) > 0 {
				return fmt.Errorf("%s", strings.Join(failed, "\n"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kernelFile, "kernel-profile", "", "kernel profile to fit against (default: the built-in one)")
	cmd.AddCommand(newProfilesShowCmd())
	return cmd
}

func newProfilesShowCmd() *cobra.Command {
	var kernelFile string
	cmd := &cobra.Command{
		Use:   "show NAME|FILE.yaml",
		Short: "Print a processor profile's fit report and per-model times",
		Long: `Fit a processor profile against the kernel profile and print the report:
the parameters (free ones fitted, fixed and tied ones with their reasons and
sources), the reference rows (fitted, held out, reported) with reference,
simulated value, relative error, tolerance and status, the facts it cannot
check, and then per model the mean compute time and the load costs (file
size, parse, GPU conversion, resident parameter memory), or for a server the
batch time of 8.

NAME is a shipped profile (see "infersim profiles") or the path of your own
processor profile YAML (schema: "go doc ./devices/engine ProcessorProfile").`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kp, err := readKernelProfile(kernelFile)
			if err != nil {
				return err
			}
			var p *engine.Processor
			if strings.HasSuffix(args[0], ".yaml") || strings.HasSuffix(args[0], ".yml") {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				pp, err := engine.ReadProcessorProfile(f, args[0])
				f.Close()
				if err != nil {
					return err
				}
				if p, err = pp.Compile(kp); err != nil {
					return err
				}
			} else if p, err = engine.LoadProcessor(args[0], kp); err != nil {
				return err
			}
			return p.WriteReport(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&kernelFile, "kernel-profile", "", "kernel profile to fit against (default: the built-in one)")
	return cmd
}

// readKernelProfile reads a kernel profile file, or returns nil (the
// built-in default) for "".
func readKernelProfile(file string) (*models.Profile, error) {
	if file == "" {
		return nil, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return models.ReadProfile(f, file)
}
