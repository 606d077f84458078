package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/infersim/infersim/internal/buildinfo"
	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/models"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newCalibrateCmd() *cobra.Command {
	var o models.CalibrateOptions
	var out string
	cmd := &cobra.Command{
		Use:   "calibrate --out FILE",
		Short: "Time every layer of the zoo on this machine and write a kernel profile",
		Long: `Measure a kernel profile on this machine with infersim's own CNN executor and
write it as YAML. The simulator turns these host timings into phone and cloud
timings; a default profile measured on a 2-core AMD EPYC ships built in, so
calibrating is only needed to describe another host.

For each model (with random weights, batch 1) it records:
  - per layer: median, p10 and p90 of --reps timed passes after --warmup
    untimed ones, on --threads threads (default 1: processor profiles scale
    per-core time themselves), the coefficient of variation and GFLOP/s;
  - the whole forward pass at 1 and 2 threads;
  - the time to read, parse and load its full-size .caffemodel (written to a
    temporary file first; AlexNet's is 244 MB).
Then it times decoding and resizing synthetic JPEG photos of the study's
sizes (3840×2160, 1920×1080, 960×540) and records their byte sizes.

Go's garbage collector is stopped during the timed passes (the forward pass
allocates nothing) and the profile says how many collections happened
anyway. Close other programs for steadier numbers. Progress goes to stderr
when it is a terminal. The file is written atomically: on error or Ctrl-C
nothing is left behind.`,
		Example: `  infersim calibrate --out host.yaml
  infersim calibrate --models squeezenet-v1.1,alexnet --reps 50 --out host.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			for _, m := range o.Models {
				if !slices.Contains(models.ZooNames(), m) {
					return fmt.Errorf("--models: no zoo model %q%s", m, suggest.DidYouMean(m, models.ZooNames()))
				}
			}
			o.Version = buildinfo.Release
			stderr := cmd.ErrOrStderr()
			if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				var bar *progressbar.ProgressBar
				o.Progress = func(p models.Progress) {
					if bar == nil {
						bar = progressbar.NewOptions(p.Steps, progressbar.OptionSetWriter(stderr),
							progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(30))
					}
					bar.Describe(p.What)
					bar.Set(p.Step - 1)
				}
				defer func() {
					if bar != nil {
						bar.Finish()
					}
				}()
			}
			p, err := models.Calibrate(cmd.Context(), o)
			if err != nil {
				return err
			}
			return writeAtomic(out, func(f *os.File) error { return p.Write(f) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "profile file to write (YAML)")
	f.StringSliceVar(&o.Models, "models", nil, "zoo models to time, comma-separated (default all)")
	f.IntVar(&o.Reps, "reps", 20, "timed passes per measurement")
	f.IntVar(&o.Warmup, "warmup", 3, "untimed passes before timing")
	f.IntVar(&o.Threads, "threads", 1, "threads for the per-layer timings")
	f.BoolVar(&o.SkipLoad, "no-load", false, "skip the model-load timings")
	f.BoolVar(&o.SkipPreprocess, "no-preprocess", false, "skip the image-preprocessing timings")
	return cmd
}

// writeAtomic writes a file through a temporary file in the same directory
// and renames it into place, so readers never see half a file.
func writeAtomic(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it private
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}
