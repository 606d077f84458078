package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/models/llm"
	"github.com/spf13/cobra"
)

// newModelsLLMCmd is "infersim models llm": the language-model zoo.
func newModelsLLMCmd() *cobra.Command {
	var format string
	var ctx, prompt int
	cmd := &cobra.Command{
		Use:   "llm",
		Short: "List the built-in language models (decoder-only transformers)",
		Long: `List the built-in language models with the counts their config.json implies:
parameters (total and non-embedding), weight bytes per format, FLOPs and
bytes read per token for decode at a context length, FLOPs of a prefill, and
KV-cache bytes per token (fp16). FLOPs are 2 × multiply-adds of the
projections, the LM head and attention; bytes assume every weight is read
once per step.

Show one model, or your own config.json, .safetensors or .gguf header, with
"infersim models llm show NAME|FILE".`,
		Example: `  infersim models llm
  infersim models llm --format q8_0 --ctx 4096
  infersim models llm show llama-3.2-1b
  infersim models llm show ./config.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := llm.FormatByName(format)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(w, "model\tparams\tnon-emb.\tbf16 GB\tq8_0 GB\tq4_0 GB\tdecode GFLOP\tdecode MB (%s, ctx %d)\tprefill GFLOP (%d tok)\tKV KiB/tok\t\n", f.Name, ctx, prompt)
			for _, name := range llm.ZooNames() {
				c, err := llm.Zoo(name)
				if err != nil {
					return err
				}
				p := c.Params()
				d, pf := c.DecodeCost(f, 2, ctx), c.PrefillCost(f, 2, prompt)
				fmt.Fprintf(w, "%s\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t\n", name, p.Total, p.NonEmbedding,
					gb(c.WeightBytes(llm.BF16)), gb(c.WeightBytes(llm.Q8_0)), gb(c.WeightBytes(llm.Q4_0)),
					float64(d.FLOPs)/1e9, float64(d.Bytes())/1e6, float64(pf.FLOPs)/1e9, float64(c.KVBytesPerToken(2))/1024)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "q4_0", "weight format for the decode bytes (f32, f16, bf16, int8, q8_0, q4_0, int4-g128)")
	cmd.Flags().IntVar(&ctx, "ctx", 1024, "context length of the decode step")
	cmd.Flags().IntVar(&prompt, "prompt", 512, "prompt length of the prefill")
	cmd.AddCommand(newModelsLLMShowCmd(), newModelsLLMRuntimesCmd())
	return cmd
}

func newModelsLLMRuntimesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "runtimes",
		Short: "List the phone LLM runtimes: their SoC, processor and precisions",
		Long: `List the phone LLM runtimes (devices/llmphone) a scenario's llm.runtime and
llm.processor choose from: the SoC, the processor (cpu, gpu, npu), the
precisions it runs (llm.format values), the DRAM bandwidth decode reaches
(the SoC's peak times the fitted efficiency) and the prefill rate per
precision (fitted, GFLOP/s).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "runtime\tSoC\tprocessor\tformats\tpeak GB/s\tdecode GB/s\tprefill GFLOP/s\n")
			for _, n := range llmphone.Names() {
				r, err := llmphone.Named[n]()
				if err != nil {
					return err
				}
				var fs, rates []string
				for _, k := range r.Precisions() {
					fs = append(fs, k.FormatName())
					rates = append(rates, fmt.Sprintf("%s %.0f", k.FormatName(), r.PrefillFLOPS[k]/1e9))
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%.1f\t%.1f\t%s\n", r.Name, r.SoC, r.Processor, strings.Join(fs, ", "),
					r.PeakBandwidth/1e9, r.PeakBandwidth*r.DecodeEfficiency/1e9, strings.Join(rates, ", "))
			}
			return w.Flush()
		},
	}
}

func gb(b int64) float64 { return float64(b) / 1e9 }

func newModelsLLMShowCmd() *cobra.Command {
	var headDim int
	cmd := &cobra.Command{
		Use:   "show NAME|config.json|FILE.safetensors|FILE.gguf",
		Short: "Print a language model's config and counts per weight format",
		Long: `Print a language model's config, parameter counts and, per weight format,
its size and the bytes a decode step reads at contexts 1, 1024 and 4096.

NAME is a zoo model (see "infersim models llm"). A .json file is read as a
Hugging Face config.json; a .safetensors file's header gives the tensor
shapes (--head-dim says how the projections split into heads; norm eps and
RoPE are then defaults); a .gguf file's header gives a llama or qwen2 config.
Only headers are read, never the weights.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadLLM(args[0], headDim)
			if err != nil {
				return err
			}
			return printLLM(cmd.OutOrStdout(), c)
		},
	}
	cmd.Flags().IntVar(&headDim, "head-dim", 64, "head dimension, for a .safetensors header")
	return cmd
}

// loadLLM returns a zoo config or reads one from a file.
func loadLLM(arg string, headDim int) (llm.Config, error) {
	if !isRegularFile(arg) {
		if !slices.Contains(llm.ZooNames(), arg) {
			return llm.Config{}, fmt.Errorf("no LLM zoo model %q%s; or give a config file", arg, suggest.DidYouMean(arg, llm.ZooNames()))
		}
		return llm.Zoo(arg)
	}
	f, err := os.Open(arg)
	if err != nil {
		return llm.Config{}, err
	}
	defer f.Close()
	switch {
	case strings.HasSuffix(arg, ".safetensors"):
		h, err := llm.ReadSafetensorsHeader(f)
		if err != nil {
			return llm.Config{}, fmt.Errorf("%s: %w", arg, err)
		}
		return h.InferConfig(arg, headDim)
	case strings.HasSuffix(arg, ".gguf"):
		h, err := llm.ReadGGUFHeader(f)
		if err != nil {
			return llm.Config{}, fmt.Errorf("%s: %w", arg, err)
		}
		return h.Config(arg)
	default:
		return llm.ParseHFConfig(f, arg)
	}
}

func isRegularFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func printLLM(out io.Writer, c llm.Config) error {
	var b bytes.Buffer
	p := c.Params()
	fmt.Fprintf(&b, "%s (%s): %d layers, hidden %d, intermediate %d, %d heads / %d KV heads × %d, vocab %d\n",
		c.Name, c.Arch, c.Layers, c.Hidden, c.Intermediate, c.Heads, c.KVHeads, c.HeadDim, c.Vocab)
	fmt.Fprintf(&b, "norm %s eps %g, activation %s, rope θ %g", c.Norm, c.NormEps, c.Act, c.RopeTheta)
	if s := c.RopeScaling; s != nil {
		fmt.Fprintf(&b, " (%s ×%g)", s.Type, s.Factor)
	}
	fmt.Fprintf(&b, ", tied embeddings %v, qkv bias %v", c.TiedEmbeddings, c.QKVBias)
	if c.SlidingWindow > 0 {
		fmt.Fprintf(&b, ", sliding window %d every %d layer(s)", c.SlidingWindow, c.SlidingEvery)
	}
	fmt.Fprintf(&b, "\nsource: %s\n", c.Source)
	if e, err := llm.ZooInfo(c.Name); err == nil {
		fmt.Fprintf(&b, "checkpoint: %s; publisher's count: %s\n", e.HFRepo, e.Stated)
	}
	fmt.Fprintf(&b, "parameters %d (embedding %d, LM head %d, non-embedding %d); KV cache %d B/token (fp16)\n\n",
		p.Total, p.Embedding, p.LMHead, p.NonEmbedding, c.KVBytesPerToken(2))
	if _, err := out.Write(b.Bytes()); err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "format\tbits/weight\tweights MB\tdecode MB ctx 1\tctx 1024\tctx 4096\tprefill 512 GFLOP\t")
	for _, f := range llm.Formats() {
		fmt.Fprintf(w, "%s\t%.3g\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", f.Name, f.BitsPerWeight(), float64(c.WeightBytes(f))/1e6,
			float64(c.DecodeCost(f, 2, 1).Bytes())/1e6, float64(c.DecodeCost(f, 2, 1024).Bytes())/1e6,
			float64(c.DecodeCost(f, 2, 4096).Bytes())/1e6, float64(c.PrefillCost(f, 2, 512).FLOPs)/1e9)
	}
	return w.Flush()
}
