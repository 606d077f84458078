package main

import (
	"fmt"
	"os"

	"github.com/infersim/infersim/models"
	"github.com/spf13/cobra"
)

func newClassifyCmd() *cobra.Command {
	var model, weights string
	var threads, top int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "classify --model M [--weights FILE.caffemodel] IMAGE.jpg",
		Short: "Classify one image with a CNN, end to end",
		Long: `Classify one image with infersim's own CNN executor: decode the JPEG, resize
its shorter side to 256 pixels, crop the centre to the model's input, subtract
the ImageNet mean (BGR 104, 117, 123), run the model, and print the five most
probable classes with their ImageNet class index (0–999, the line of Caffe's
synset_words.txt) and probability.

--model is a zoo name (see "infersim models") or a .prototxt file. Without
--weights the model gets deterministic random weights: every step runs and
takes its real time, but the classes are meaningless. Give the model's
trained Caffe weights (e.g. bvlc_alexnet.caffemodel for alexnet) with
--weights for real predictions; layers are matched by name.`,
		Example: `  infersim classify --model squeezenet-v1.1 photo.jpg
  infersim classify --model alexnet --weights bvlc_alexnet.caffemodel photo.jpg`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := loadNet(model)
			if err != nil {
				return err
			}
			if weights != "" {
				f, err := os.Open(weights)
				if err != nil {
					return err
				}
				n, err = n.WithWeights(f, weights)
				f.Close()
				if err != nil {
					return err
				}
			} else {
				n = n.WithSeededWeights(seed)
			}
			img, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer img.Close()
			ex := models.NewExecutor(n, threads)
			defer ex.Close()
			classes, err := models.Classify(ex, img, top)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			out := cmd.OutOrStdout()
			if weights == "" {
				fmt.Fprintln(out, "note: random weights (no --weights): the classes are meaningless")
			}
			fmt.Fprintf(out, "%s with %s:\n", args[0], n.Name())
			for i, c := range classes {
				fmt.Fprintf(out, "%d. class %4d  p=%.4f\n", i+1, c.Index, c.Prob)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&model, "model", "squeezenet-v1.1", "zoo model name or .prototxt file")
	cmd.Flags().StringVar(&weights, "weights", "", "Caffe .caffemodel with the model's trained weights")
	cmd.Flags().IntVar(&threads, "threads", 2, "threads to run the model on")
	cmd.Flags().IntVar(&top, "top", 5, "number of classes to print")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the random weights used without --weights")
	return cmd
}
