package main

import (
	"bytes"
	"fmt"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

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
	cmd.AddCommand(newModelsLLMShowCmd(), newModelsLLMRuntimesCmd(), newModelsLLMCalibrateCmd())
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
precision (fitted, GFLOP/s), both fitted under the cost model named below
the table (llmphone.DefaultCostModel).`,
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
			if err := w.Flush(); err != nil {
				return err
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "\ncost model: %s (each operator class on the host's roofline ratios, models/llm/host_roofline.go; \"infersim validate\" compares it with direct)\n", llmphone.DefaultCostModel)
			return err
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

func newModelsLLMCalibrateCmd() *cobra.Command {
	var fit, holdout, quant, write string
	var threads, reps, prompt, decode, layers int
	cmd := &cobra.Command{
		Use:   "calibrate",
		Short: "Fit this machine's operator rooflines on one language model and check them on another",
		Long: `Time every operator of two language models with random weights on this
machine (llm.TimeOps: a prefill of a --prompt-token prompt followed by
--decode greedy steps, --reps times, the two models taking turns so that a
change in the machine's load falls on both; each operator's median is the
median of the repetitions'), fit a roofline per operator class to the --fit
model, and predict the --holdout model, which the fit never saw.

The roofline (llm.FitRoofline): a call takes max(FLOPs/F, Bytes/B), with F
and B per class (matrix: the weight products; attention; vector: embedding,
norms, RoPE), fitted by least squares on log time weighted by each
operator's measured time; which calls are compute-bound is fitted too.
Prefill's matrix products come out compute-bound (F), decode's
matrix-vector products bandwidth-bound (B).

The figures describe this host and the executor's kernels, as
"infersim calibrate" does for the CNN layers; they do not calibrate a
phone. A model is a zoo name or a config.json, .safetensors or .gguf
header (only the shapes are used); --layers cuts both models to their
first N layers so large ones time in seconds.

--write DIR also writes the run as the shipped host calibration
(DIR/hostcal.json: both models' statistics, the host and the command) and
the roofline fitted to it as Go constants (DIR/host_roofline.go). The
phone LLM runtimes derive their per-operator costs from those constants,
never from a timing taken at run time; regenerate them with
"` + llm.HostCalibrationCommand + `"
and rebuild.`,
		Example: `  infersim models llm calibrate
  infersim models llm calibrate --fit smollm2-135m --holdout qwen2.5-0.5b --threads 1 --reps 3
  infersim models llm calibrate --fit ./config.json --holdout llama-3.2-1b --layers 4
  ` + llm.HostCalibrationCommand,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if threads < 1 || reps < 1 || prompt < 1 || decode < 1 || layers < 0 {
				return fmt.Errorf("--threads, --reps, --prompt and --decode must be at least 1 and --layers at least 0 (got %d, %d, %d, %d, %d)", threads, reps, prompt, decode, layers)
			}
			o := llm.TimeOpsOptions{Threads: threads, Reps: reps, PromptLen: prompt, Decode: decode}
			if write != "" && layers != 0 {
				return fmt.Errorf("--write ships whole models' statistics; drop --layers %d", layers)
			}
			started, load0 := time.Now().UTC(), loadAverage()
			q := llm.Quant{Kind: quant}
			var cfgs [2]llm.Config
			var ms [2]*llm.Model
			for i, arg := range []string{fit, holdout} {
				c, err := loadLLM(arg, 64)
				if err != nil {
					return err
				}
				if layers > 0 && layers < c.Layers {
					c.Layers = layers
				}
				if ms[i], err = llm.RandomModel(c, q, 1); err != nil {
					return fmt.Errorf("%s: %w", arg, err)
				}
				cfgs[i] = c
			}
			// The two models take turns, one repetition each, so that a
			// change in the machine's load falls on both: timed one after
			// the other, a co-tenant's burst during one model's run would
			// read as a prediction error.
			var rounds [2][][]llm.OpStat
			for r := range reps {
				for i, m := range ms {
					fmt.Fprintf(cmd.ErrOrStderr(), "repetition %d/%d: timing %s (%s, %d layers, %.0f MB)...\n", r+1, reps, cfgs[i].Name, quant, cfgs[i].Layers, float64(m.Bytes())/1e6)
					// Each run warms up (TimeOps's default of one untimed
					// repetition): a new executor's first prefill grows its
					// buffers, which costs more than a norm takes.
					st, err := llm.TimeOps(cmd.Context(), m, llm.TimeOpsOptions{Threads: threads, Reps: 1, PromptLen: prompt, Decode: decode})
					if err != nil {
						return fmt.Errorf("%s: %w", cfgs[i].Name, err)
					}
					rounds[i] = append(rounds[i], st)
				}
			}
			var stats [2][]llm.OpStat
			for i := range stats {
				stats[i] = mergeRounds(rounds[i])
			}
			r, err := llm.FitRoofline(stats[0])
			if err != nil {
				return fmt.Errorf("fitting %s: %w", fit, err)
			}
			if err := printLLMCalibration(cmd.OutOrStdout(), cfgs, stats, r, o, quant); err != nil {
				return err
			}
			if write == "" {
				return nil
			}
			h := llm.HostCalibration{
				Host:    fmt.Sprintf("%s, %d cores, %s", cpuModel(), runtime.NumCPU(), runtime.Version()),
				Date:    started.Format("2006-01-02 15:04 UTC"),
				Command: "infersim " + strings.Join(os.Args[1:], " "),
				Load:    fmt.Sprintf("%s before, %s after", load0, loadAverage()),
				Quant:   quant, Threads: threads, PromptLen: prompt, Decode: decode, Reps: reps,
				Fit: cfgs[0].Name, HoldOut: cfgs[1].Name, FitStats: stats[0], HeldStats: stats[1],
			}
			return writeHostCalibration(write, h, r)
		},
	}
	cmd.Flags().StringVar(&fit, "fit", "smollm2-135m", "model the rooflines are fitted on (zoo name or config file)")
	cmd.Flags().StringVar(&holdout, "holdout", "qwen2.5-0.5b", "model of another shape the fit predicts (zoo name or config file)")
	cmd.Flags().StringVar(&quant, "quant", "f32", "weights of both models: f32, int8 (per-row) or q4 (group 32)")
	cmd.Flags().IntVar(&threads, "threads", 1, "executor threads")
	cmd.Flags().IntVar(&reps, "reps", 3, "timed repetitions of each model (each after an untimed warm-up)")
	cmd.Flags().IntVar(&prompt, "prompt", 64, "prompt tokens of each prefill")
	cmd.Flags().IntVar(&decode, "decode", 16, "decode steps after each prefill")
	cmd.Flags().IntVar(&layers, "layers", 0, "cut both models to their first N layers (0: all)")
	cmd.Flags().StringVar(&write, "write", "", "also write DIR/hostcal.json and DIR/host_roofline.go (the shipped host calibration)")
	return cmd
}

// writeHostCalibration writes h and the roofline fitted to it into dir,
// each file whole or not at all (written beside and renamed).
func writeHostCalibration(dir string, h llm.HostCalibration, r llm.Roofline) error {
	var js bytes.Buffer
	if err := h.Encode(&js); err != nil {
		return err
	}
	// The constants are fitted to the file as it will be read back, so
	// that the shipped test's re-fit sees the same numbers.
	back, err := llm.ReadHostCalibration(bytes.NewReader(js.Bytes()), llm.HostCalibrationFile)
	if err != nil {
		return err
	}
	if r, err = llm.FitRoofline(back.FitStats); err != nil {
		return fmt.Errorf("fitting %s: %w", h.Fit, err)
	}
	src, err := format.Source(llm.RooflineGo(r, back))
	if err != nil {
		return fmt.Errorf("formatting %s: %w", llm.HostRooflineFile, err)
	}
	for _, f := range []struct {
		name string
		b    []byte
	}{{llm.HostCalibrationFile, js.Bytes()}, {llm.HostRooflineFile, src}} {
		p := filepath.Join(dir, f.name)
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, f.b, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, p); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	return nil
}

// cpuModel is the CPU's model name from /proc/cpuinfo, else GOARCH.
func cpuModel() string {
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}

// loadAverage is the 1-minute load average (Linux), else "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func printLLMCalibration(out io.Writer, cfgs [2]llm.Config, stats [2][]llm.OpStat, r llm.Roofline, o llm.TimeOpsOptions, quant string) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "fit on %s, held out %s: %s weights, %d thread(s), %d-token prompt, %d decode steps, %d repetitions\n\n",
		cfgs[0].Name, cfgs[1].Name, quant, o.Threads, o.PromptLen, o.Decode, o.Reps)
	if _, err := out.Write(b.Bytes()); err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "class\tF GFLOP/s\tB GB/s\tfit RMS log err\tcompute-bound (fit)\tbandwidth-bound (fit)")
	roof := func(v float64) string {
		if v == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", v)
	}
	list := func(s []string) string {
		if len(s) == 0 {
			return "-"
		}
		return strings.Join(s, ", ")
	}
	for _, f := range r.Classes {
		c, bw := f.Sides()
		fmt.Fprintf(w, "%s\t%s\t%s\t%.3f\t%s\t%s\n", f.Class, roof(f.GFLOPs), roof(f.GBps), f.RMSLogErr, list(c), list(bw))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	var preds [2]llm.Prediction
	for i := range preds {
		p, err := r.Predict(stats[i])
		if err != nil {
			return fmt.Errorf("%s: %w", cfgs[i].Name, err)
		}
		preds[i] = p
	}
	fmt.Fprintln(out)
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "model\trole\tphase\tmeasured ms/token\tpredicted ms/token\terror %")
	for i, role := range []string{"fit", "held out"} {
		for _, ph := range preds[i].Phases {
			fmt.Fprintf(w, "%s\t%s\t%s\t%.4f\t%.4f\t%+.1f\n", cfgs[i].Name, role, ph.Phase, ph.MeasuredS*1e3, ph.PredictedS*1e3, ph.ErrPct())
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nheld out %s, per operator (median per call):\n", cfgs[1].Name)
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "phase\top\tclass\tbound\tcalls\tmeasured ms\tpredicted ms\terror %")
	for _, op := range preds[1].Ops {
		s := op.Stat
		e := "-"
		if op.PredictedS > 0 {
			e = fmt.Sprintf("%+.1f", 100*(op.PredictedS-s.MedianS)/s.MedianS)
		}
		bound := string(op.Bound)
		if bound == "" {
			bound = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%.4f\t%.4f\t%s\n", s.Phase, s.Op, op.Class, bound, s.Calls, s.MedianS*1e3, op.PredictedS*1e3, e)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(out, "(ms/token: the sum over operators of calls × median, per prompt token in prefill, per step in decode)")
	return err
}

// mergeRounds combines TimeOps statistics of the same model from several
// single-repetition runs: calls add up, and each operator's median is the
// median of the runs' medians (P10 and P90 the least and greatest of
// theirs), its rates recomputed at that median.
func mergeRounds(rounds [][]llm.OpStat) []llm.OpStat {
	if len(rounds) == 0 {
		return nil
	}
	out := slices.Clone(rounds[0])
	for j := range out {
		s := &out[j]
		meds := []float64{s.MedianS}
		for _, r := range rounds[1:] {
			for _, t := range r {
				if t.Phase == s.Phase && t.Op == s.Op {
					s.Calls += t.Calls
					meds = append(meds, t.MedianS)
					s.P10S, s.P90S = min(s.P10S, t.P10S), max(s.P90S, t.P90S)
				}
			}
		}
		slices.Sort(meds)
		if n := len(meds); n%2 == 1 {
			s.MedianS = meds[n/2]
		} else {
			s.MedianS = (meds[n/2-1] + meds[n/2]) / 2
		}
		if s.MedianS > 0 {
			s.GFLOPs, s.GBps = s.FLOPs/s.MedianS/1e9, s.Bytes/s.MedianS/1e9
		}
	}
	return out
}
