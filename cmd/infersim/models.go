package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/models"
	"github.com/spf13/cobra"
)

func newModelsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List the built-in CNN models (the zoo)",
		Long: `List the built-in CNN models: their input shape, parameters, FLOPs
(2 × multiply-adds of convolution and fully connected layers, the usual
published convention), the size of their Caffe weights file, and the peak
memory their activations take in infersim's executor.

Show one model layer by layer with "infersim models show NAME"; NAME is a zoo
name or the path of a Caffe .prototxt file.`,
		Example: `  infersim models
  infersim models show alexnet
  infersim models show --split squeezenet-v1.1
  infersim models show my-net.prototxt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(w, "model\tinput\tparams\tGFLOP\tweights MB\tpeak act. MB\tlayers\t")
			for _, name := range models.ZooNames() {
				n, err := models.Zoo(name)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "%s\t%s\t%.2f M\t%.3f\t%.1f\t%.1f\t%d\t\n", name, shapeStr(n.InputShape()),
					float64(n.Params())/1e6, float64(n.FLOPs())/1e9, float64(n.WeightFileBytes())/1e6,
					float64(n.PeakActivationBytes())/1e6, len(n.Layers()))
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(newModelsShowCmd(), newModelsLLMCmd())
	return cmd
}

func newModelsShowCmd() *cobra.Command {
	var split bool
	cmd := &cobra.Command{
		Use:   "show NAME|FILE.prototxt",
		Short: "Print a model's layers: output shapes, parameters, MFLOPs, bytes",
		Long: `Print a model layer by layer, like Caffe's or Keras' summary: each layer's
name, kind, output shape, parameters, MFLOPs (2 × multiply-adds; 0 for layers
without multiply-adds), and output size in bytes (float32). Layers that run
inside another layer's kernel (a ReLU in a convolution's epilogue, BatchNorm
and Scale folded into its weights) say which.

NAME is a zoo model (see "infersim models") or a Caffe .prototxt file; only
the structure is read, no weights. With --split, list instead the places the
model can be cut for split inference, as the modes split:K that scenarios
use: the layers the phone runs, the single blob that then carries everything
and its size (what the phone uploads), and the FLOPs the phone computes.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := loadNet(args[0])
			if err != nil {
				return err
			}
			if split {
				return printSplits(cmd.OutOrStdout(), n, args[0])
			}
			return printLayers(cmd.OutOrStdout(), n)
		},
	}
	cmd.Flags().BoolVar(&split, "split", false, "list the split points instead of the layers")
	return cmd
}

// loadNet returns a zoo model by name, or reads a .prototxt file.
func loadNet(arg string) (*models.Net, error) {
	if !strings.HasSuffix(arg, ".prototxt") {
		if !slices.Contains(models.ZooNames(), arg) {
			return nil, fmt.Errorf("no zoo model %q%s; or give a Caffe .prototxt file", arg, suggest.DidYouMean(arg, models.ZooNames()))
		}
		return models.Zoo(arg)
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return models.LoadPrototxt(f, arg)
}

func printLayers(out io.Writer, n *models.Net) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "%s: input %s, %d layers\n\n", n.Name(), shapeStr(n.InputShape()), len(n.Layers()))
	fmt.Fprintln(w, "#\tlayer\tkind\toutput\tparams\tMFLOPs\tout bytes\tnote")
	for i, l := range n.Layers() {
		note := ""
		if l.FusedInto != "" {
			note = "fused into " + l.FusedInto
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%.1f\t%d\t%s\n", i, l.Name, l.Kind, shapeStr(l.OutShape), l.Params, float64(l.FLOPs)/1e6, l.OutBytes, note)
	}
	fmt.Fprintf(w, "\ntotal\t\t\t\t%d\t%.1f\t\t\n", n.Params(), float64(n.FLOPs())/1e6)
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(out, "weights file %d bytes (%.1f MB); peak activation memory %d bytes (%.1f MB)\n",
		n.WeightFileBytes(), float64(n.WeightFileBytes())/1e6, n.PeakActivationBytes(), float64(n.PeakActivationBytes())/1e6)
	return err
}

// printSplits lists the modes split:K a scenario can use for n: K layers
// run on the phone and the blob sent to the server, from split:0 (the
// cloud gets the input) to the last layer (everything on the phone).
func printSplits(out io.Writer, n *models.Net, name string) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	layers := n.Layers()
	fmt.Fprintln(w, "mode\tphone runs through\tsends blob\tbytes\tphone MFLOPs\t% of FLOPs")
	fmt.Fprintln(w, "split:0\t(nothing: all in the cloud)\tthe photo (JPEG)\t-\t0.0\t0.0")
	for _, s := range n.SplitPoints() {
		pct := 0.0
		if n.FLOPs() > 0 {
			pct = 100 * float64(s.FLOPsBefore) / float64(n.FLOPs())
		}
		through := fmt.Sprintf("#%d %s", s.AfterLayer, layers[s.AfterLayer].Name)
		if s.AfterLayer+1 == len(layers) {
			through += " (all on the phone)"
		}
		fmt.Fprintf(w, "split:%d\t%s\t%s\t%d\t%.1f\t%.1f\n", s.AfterLayer+1, through, s.Name, s.Bytes, float64(s.FLOPsBefore)/1e6, pct)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(out, "\nsplit:K runs layers #0 to #K-1 on the phone (layer numbers as in \"infersim models show %s\") and uploads the blob they leave; the cloud runs the rest. split:0 is the cloud mode with the photo; split:%d keeps everything on the phone but still sends the result.\n", name, len(layers))
	return err
}

func shapeStr(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}
