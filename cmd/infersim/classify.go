package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/infersim/infersim/models"
	"github.com/spf13/cobra"
)

func newClassifyCmd() *cobra.Command {
	var model, weights, labelsFile string
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
--weights for real predictions; layers are matched by name. --labels names
the classes: a text file with one class per line in index order, either
Caffe's synset_words.txt ("n01440764 tench, Tinca tinca": the WordNet id is
dropped) or plain names.`,
		Example: `  infersim classify --model squeezenet-v1.1 photo.jpg
  infersim classify --model alexnet --weights bvlc_alexnet.caffemodel --labels synset_words.txt photo.jpg`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := loadNet(model)
			if err != nil {
				return err
			}
			var labels []string
			if labelsFile != "" {
				if labels, err = readLabels(labelsFile); err != nil {
					return err
				}
				classes := 1
				for _, d := range n.OutputShape()[1:] {
					classes *= d
				}
				if len(labels) != classes {
					return fmt.Errorf("%s: %d class names, but %s has %d classes", labelsFile, len(labels), model, classes)
				}
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
			start := time.Now()
			classes, err := models.Classify(ex, img, top)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			took := time.Since(start)
			out := cmd.OutOrStdout()
			if weights == "" {
				fmt.Fprintln(out, "note: random weights (no --weights): the classes are meaningless")
			}
			fmt.Fprintf(out, "%s with %s (decode, preprocess and forward pass on %d thread(s): %.1f ms):\n",
				args[0], n.Name(), threads, float64(took.Microseconds())/1e3)
			for i, c := range classes {
				fmt.Fprintf(out, "%d. class %4d  p=%.4f", i+1, c.Index, c.Prob)
				if labels != nil {
					fmt.Fprintf(out, "  %s", labels[c.Index])
				}
				fmt.Fprintln(out)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&model, "model", "squeezenet-v1.1", "zoo model name or .prototxt file")
	cmd.Flags().StringVar(&weights, "weights", "", "Caffe .caffemodel with the model's trained weights")
	cmd.Flags().StringVar(&labelsFile, "labels", "", "class names, one per line in index order (Caffe's synset_words.txt or plain names)")
	cmd.Flags().IntVar(&threads, "threads", 2, "threads to run the model on")
	cmd.Flags().IntVar(&top, "top", 5, "number of classes to print")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the random weights used without --weights")
	return cmd
}

// wordnetID is the synset id that starts each line of Caffe's
// synset_words.txt.
var wordnetID = regexp.MustCompile(`^n[0-9]{8}\s+`)

// readLabels reads class names, one per line; a leading WordNet id is
// dropped. Blank lines are an error (they would shift every later index).
func readLabels(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var labels []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" {
			// A trailing newline at the end is fine; an empty line inside is not.
			labels = append(labels, "")
			continue
		}
		labels = append(labels, wordnetID.ReplaceAllString(l, ""))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for len(labels) > 0 && labels[len(labels)-1] == "" {
		labels = labels[:len(labels)-1]
	}
	for i, l := range labels {
		if l == "" {
			return nil, fmt.Errorf("%s:%d: empty line: one class name per line, in index order", path, i+1)
		}
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("%s: no class names", path)
	}
	return labels, nil
}
