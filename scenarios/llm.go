package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/devices/llmphone"
	"github.com/infersim/infersim/devices/llmserve"
	"github.com/infersim/infersim/models/llm"
	"github.com/infersim/infersim/units"
)

// Chat with a language model (issue 21): the scenario's llm section. A
// scenario with it asks "phone or cloud" of a chat instead of a photo:
// its cells are the llm model × llm.modes (on-device, cloud, hybrid), and
// the workload's requests are conversations per phone (its arrivals'
// think time separates turns and conversations, its timeout ends a
// turn). The CNN fields (models, workload.modes, workload.images) are
// not used. Without the section nothing changes.

// LLM is the scenario's llm section.
type LLM struct {
	Model   string `yaml:"model"`
	Format  string `yaml:"format"`
	Runtime string `yaml:"runtime"`
	// Processor is the SoC block on-device turns run on (cpu, gpu, npu);
	// empty: llm.runtime's own.
	Processor string      `yaml:"processor"`
	Threads   int         `yaml:"threads"`
	Modes     []string    `yaml:"modes"`
	Server    LLMServer   `yaml:"server"`
	Prompt    TokenLength `yaml:"prompt"`
	Output    TokenLength `yaml:"output"`
	Turns     int         `yaml:"turns"`
	// RequestBytes, TokenBytes and ChunkBytes size what goes over the
	// link: a request's fixed part, a prompt token, a streamed token.
	RequestBytes units.Bytes `yaml:"request_bytes"`
	TokenBytes   units.Bytes `yaml:"token_bytes"`
	ChunkBytes   units.Bytes `yaml:"chunk_bytes"`
	Battery      Fraction    `yaml:"battery"`
	Hybrid       LLMHybrid   `yaml:"hybrid"`
	// Timeout is a turn's own timeout (llmturn.go); 0: workload.timeout.
	Timeout units.Duration `yaml:"timeout"`
	// Think and Trace: the pause between turns, a trace of turn lengths
	// (llmturn.go, llmtrace.go).
	Think units.Duration `yaml:"think"`
	Trace string         `yaml:"trace"`
}

// LLMServer is the cloud's language-model server.
type LLMServer struct {
	Hardware         string `yaml:"hardware"`
	Format           string `yaml:"format"`
	MaxBatchedTokens int    `yaml:"max_batched_tokens"`
	MaxSeqs          int    `yaml:"max_seqs"`
	BlockTokens      int    `yaml:"block_tokens"`
	PrefixCache      bool   `yaml:"prefix_cache"` // llmturn.go
}

// TokenLength is a number of tokens drawn per turn: fixed, exponential
// or log-normal with a mean and a coefficient of variation.
type TokenLength struct {
	Tokens int     `yaml:"tokens"`
	Dist   string  `yaml:"dist"`
	CV     float64 `yaml:"cv"`
}

// LLMHybrid is the hybrid mode's rule (devices.ChatPolicy).
type LLMHybrid struct {
	MaxPrompt  int      `yaml:"max_prompt"`
	MinBattery Fraction `yaml:"min_battery"`
	Network    string   `yaml:"network"` // llmhybrid.go
	// Forget is the age past which network: ttft-load forgets the
	// delay the phone saw (llmhybrid.go).
	Forget units.Duration `yaml:"forget"`
}

// llmField registers the llm section (fields.go).
func llmField() *field {
	length := func(name, goName, what, d string) *field {
		return obj(name, goName, "The "+what+" of each turn, in tokens.",
			fld("tokens", "Tokens", kInt, "Mean tokens.", def(d), checks(atLeast(1), atMost(131072))),
			fld("dist", "Dist", kEnum, "fixed: every turn the mean; exponential: drawn with that mean; lognormal: drawn with that mean and coefficient of variation cv (each draw rounded, at least 1).", enum("fixed", "exponential", "lognormal"), def("fixed")),
			fld("cv", "CV", kFloat, "lognormal: standard deviation over mean.", def("0.5"), checks(atLeast(0), atMost(10))),
		)
	}
	return optionalObj("llm", "LLM", "Chat with a language model instead of classifying photos: each phone holds conversations, each turn on the phone (devices/llmphone), in the cloud (one devices/llmserve server shared by every phone, tokens streamed back over the link) or as the hybrid rule says. With it, models, workload.modes and workload.images are not used (and not checked); workload.requests counts conversations per phone; closed arrivals' think separates turns and conversations, poisson and times arrivals start conversations at their rate or times (their turns llm.think apart); workload.timeout ends a turn.", append([]*field{
		fld("model", "Model", kName, "Model of the language-model zoo (`infersim models`).", def("llama-3.2-1b"), names("language model", llm.ZooNames)),
		fld("format", "Format", kEnum, "The phone's weights, which the processor must run: on the cpu int4-g128 (4-bit groupwise weights, 8-bit activations; for Llama 3.2 the size of Meta's published SpinQuant program) or bf16; on the gpu f16 or q4_0 (llama.cpp's OpenCL backend); on the npu w4a16 or w8a16 (4- or 8-bit weights, 16-bit activations, as Qualcomm AI Hub's programs). Another is refused.", enum(llmFormats...), def("int4-g128")),
		fld("runtime", "Runtime", kName, "The phone's inference runtime (devices/llmphone; `infersim models llm runtimes` lists them with their SoC, processor and precisions).", def("executorch-xnnpack-sd8gen3"), names("phone LLM runtime", llmRuntimeNames)),
		fld("processor", "Processor", kEnum, "The processor on-device turns run on: cpu, gpu or npu, the runtime of that processor on llm.runtime's SoC (the Snapdragon 8 Gen 3 has cpu and npu runtimes, the 8 Elite gpu and npu). Unset: llm.runtime's own processor (cpu for the default). Its power while it computes is the runtime's (a labelled prior for the gpu and npu).", enum("cpu", "gpu", "npu"), example("npu")),
		fld("threads", "Threads", kInt, "CPU cores prefill and decode keep busy (the energy meter's busy cores; assumption: XNNPACK's four-thread pool).", def("4"), checks(atLeast(1), atMost(64))),
		list("modes", "Modes", fld("", "", kEnum, "A chat mode.", enum(devices.ChatModes()...)),
			"Where turns run, each its own cell: on-device, cloud, hybrid (per turn by the rule of llm.hybrid).", scalarList(), def("[on-device, cloud]"), example("[on-device, cloud, hybrid]")),
		obj("server", "Server", "The cloud's language-model server (vLLM-style continuous batching).", append([]*field{
			fld("hardware", "Hardware", kEnum, "Accelerator: a100-40gb (fitted to a published vLLM row) or h100-80gb (held out).", enum(llmHardwareNames()...), def("a100-40gb")),
			fld("format", "Format", kEnum, "The server's weights.", enum("bf16", "f16"), def("bf16")),
			fld("max_batched_tokens", "MaxBatchedTokens", kInt, "Token budget of one step (vLLM max_num_batched_tokens).", def("8192"), checks(atLeast(1), atMost(1<<20))),
			fld("max_seqs", "MaxSeqs", kInt, "Sequences running at most (vLLM max_num_seqs).", def("256"), checks(atLeast(1), atMost(1<<16))),
			fld("block_tokens", "BlockTokens", kInt, "Tokens per KV-cache block (vLLM block_size).", def("16"), checks(atLeast(1), atMost(1024))),
		}, llmServerTurnFields()...)...,
		),
		length("prompt", "Prompt", "user's new prompt", "256"),
		length("output", "Output", "answer", "128"),
		fld("turns", "Turns", kInt, "Turns per conversation; each turn's context is the conversation so far (its prompts and answers). A failed turn ends its conversation.", def("1"), checks(atLeast(1), atMost(1000))),
		fld("request_bytes", "RequestBytes", kBytes, "A cloud request's fixed upload: HTTP headers and JSON (assumption).", def("1KB"), checks(nonNegative)),
		fld("token_bytes", "TokenBytes", kBytes, "Upload bytes per prompt token (about 4 characters of English text per token).", def("4B"), checks(positive)),
		fld("chunk_bytes", "ChunkBytes", kBytes, "Bytes of one streamed token: a server-sent-events chunk of a chat-completions stream (a `data: {…}` line, 100–300 B).", def("200B"), checks(positive)),
		fld("battery", "Battery", kFraction, "The battery's charge at the start (the hybrid rule reads the charge left).", def("1"), checks(atLeast(0), atMost(1))),
		obj("hybrid", "Hybrid", "The hybrid rule: a turn runs on the phone when its prompt (context and new tokens) is at most max_prompt tokens and the battery at least min_battery charged (and, with network: ttft or ttft-load, its estimated time to first token on the phone is at most the cloud's), in the cloud otherwise.", append([]*field{
			fld("max_prompt", "MaxPrompt", kInt, "Longest prompt run on the phone, tokens.", def("512"), checks(atLeast(0))),
			fld("min_battery", "MinBattery", kFraction, "Least charge to run on the phone.", def("0.2"), checks(atLeast(0), atMost(1))),
		}, llmHybridFields()...)...,
		),
	}, llmTurnFields()...)...,
	)
}

// isLLM reports whether the scenario chats with a language model.
func (s *Scenario) isLLM() bool { return s.written("llm") }

// llmRuntimes are the phone runtimes by name.
var llmRuntimes = llmphone.Named

func llmRuntimeNames() []string { return llmphone.Names() }

// llmFormats are llm.format's values: the CPU's two, then the GPU's and
// the NPU's precisions.
var llmFormats = []string{"int4-g128", "bf16", "f16", "q4_0", "w4a16", "w8a16"}

// formatKernel is the runtime precision (kernel class) of an llm.format.
func formatKernel(format string) llmphone.Kernel {
	switch format {
	case "int4-g128":
		return llmphone.W4A8Kernel
	case "bf16":
		return llmphone.BF16Kernel
	}
	return llmphone.Kernel(format)
}

// llmRuntime resolves the phone runtime of the llm section: llm.runtime,
// or the runtime of llm.processor on its SoC. The error names the field.
func (s *Scenario) llmRuntime() (llmphone.Runtime, string, error) {
	l := s.LLM
	mk, ok := llmRuntimes[l.Runtime]
	if !ok {
		return llmphone.Runtime{}, "llm.runtime", fmt.Errorf("unknown phone LLM runtime %q", l.Runtime)
	}
	rt, err := mk()
	if err != nil {
		return rt, "llm.runtime", err
	}
	if l.Processor == "" {
		return rt, "", nil
	}
	rt, err = llmphone.ForProcessor(rt, llmphone.Processor(l.Processor))
	if err != nil {
		return rt, "llm.processor", err
	}
	return rt, "", nil
}

// checkLLMProcessor checks that llm.processor exists on llm.runtime's SoC
// and runs llm.format.
func (s *Scenario) checkLLMProcessor(c *collector) {
	rt, field, err := s.llmRuntime()
	if err != nil {
		if field == "llm.processor" {
			s.errAt(c, field, "%s", strings.TrimPrefix(err.Error(), "llmphone: "))
		}
		return // an unknown runtime is checkName's
	}
	if rt.Supports(formatKernel(s.LLM.Format)) != nil {
		var have []string
		for _, k := range rt.Precisions() {
			have = append(have, k.FormatName())
		}
		s.errAt(c, "llm.format", "%s does not run on the %s runtime %s (it runs %s)", s.LLM.Format, rt.Processor, rt.Name, strings.Join(have, ", "))
	}
}

// llmHardware are the server accelerators by name.
var llmHardware = map[string]func() (llmserve.Hardware, error){
	"a100-40gb": llmserve.A100,
	"h100-80gb": llmserve.H100,
}

func llmHardwareNames() []string {
	var n []string
	for k := range llmHardware {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// checkLLM checks the llm section's names and modes.
func (s *Scenario) checkLLM(c *collector) {
	l := &s.LLM
	s.checkName(c, "llm.model", l.Model, "language model", llm.ZooNames())
	s.checkName(c, "llm.runtime", l.Runtime, "phone LLM runtime", llmRuntimeNames())
	s.checkLLMProcessor(c)
	if len(l.Modes) == 0 {
		s.errAt(c, "llm.modes", "required: at least one mode (%s)", strings.Join(devices.ChatModes(), ", "))
	}
	seen := map[string]int{}
	for i, m := range l.Modes {
		if j, dup := seen[m]; dup {
			s.errAt(c, fmt.Sprintf("llm.modes[%d]", i), "%q is listed twice (also llm.modes[%d])", m, j)
		}
		seen[m] = i
	}
}

// llmCells lists an llm scenario's cells: the model × the modes.
func (s *Scenario) llmCells() []Cell {
	w := s.Workload
	n := w.Requests
	switch {
	case w.Arrivals.Type == "times":
		n = len(w.Arrivals.At) // llmturn.go: a conversation at each time
	case s.written("workload.duration"):
		n = 0
	case n == 0:
		n = 1
	}
	var cells []Cell
	for _, m := range s.LLM.Modes {
		cells = append(cells, Cell{Index: len(cells), Model: s.LLM.Model, Mode: m, Requests: n})
	}
	return cells
}

// llmPoint is what every world of a point of an llm scenario shares.
type llmPoint struct {
	runtime llmphone.Runtime
	model   llmphone.Model
	server  llmserve.Config
	weights float64    // the phone's weight bytes
	trace   *chatTrace // llm.trace, nil: none (llmtrace.go)
}

// prepareLLM resolves a point's runtime, phone model and server.
func prepareLLM(s *Scenario) (*llmPoint, error) {
	l := s.LLM
	rt, field, err := s.llmRuntime()
	if err != nil {
		return nil, fmt.Errorf("scenarios: %s: %s: %w", s.file, field, err)
	}
	pm, err := phoneLLMModel(l.Model, l.Format)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %s: llm: %w", s.file, err)
	}
	if err := rt.Supports(pm.Kernel); err != nil {
		return nil, fmt.Errorf("scenarios: %s: llm.format: %w", s.file, err)
	}
	hw, err := llmHardware[l.Server.Hardware]()
	if err != nil {
		return nil, fmt.Errorf("scenarios: %s: llm.server.hardware: %w", s.file, err)
	}
	f, err := llm.FormatByName(l.Server.Format)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %s: llm.server.format: %w", s.file, err)
	}
	var tr *chatTrace
	if l.Trace != "" {
		if tr, err = s.loadChatTrace(); err != nil {
			return nil, fmt.Errorf("scenarios: %s: %w", s.file, err)
		}
	}
	return &llmPoint{runtime: rt, model: pm, weights: pm.WeightBytes, trace: tr, server: llmserve.Config{
		Model: pm.Config, Format: f, Hardware: hw,
		MaxBatchedTokens: l.Server.MaxBatchedTokens, MaxSeqs: l.Server.MaxSeqs, BlockTokens: l.Server.BlockTokens,
		PrefixCache: l.Server.PrefixCache,
	}}, nil
}

// phoneLLMModel is the phone's copy of a zoo model in a weight format:
// Llama 3.2 as Meta published its ExecuTorch programs (the SpinQuant one
// for 4-bit weights: its size, its 2048-token static KV cache), any
// other model as ExecuTorch's groupwise 4-bit recipe or bf16 builds it,
// with a 2048-token cache as the card's quantized programs (an
// assumption: export_llama's default of 128 would not hold a chat).
func phoneLLMModel(zoo, format string) (llmphone.Model, error) {
	switch format {
	case "f16", "q4_0", "w4a16", "w8a16":
		// The GPU's and NPU's programs: computed from the config, a
		// static 16-bit cache of 4096 positions (llmphone.QuantizedModel).
		c, err := llm.Zoo(zoo)
		if err != nil {
			return llmphone.Model{}, err
		}
		return llmphone.QuantizedModel(c, llmphone.Kernel(format), 2, 4096)
	}
	variant := map[string]string{"int4-g128": "spinquant", "bf16": "bf16"}[format]
	if m, err := llmphone.OnePlus12(zoo, variant); err == nil {
		return m, nil
	}
	c, err := llm.Zoo(zoo)
	if err != nil {
		return llmphone.Model{}, err
	}
	if format == "int4-g128" {
		m, err := llmphone.Groupwise4Bit(c, 128)
		m.MaxContext = 2048
		return m, err
	}
	f, err := llm.FormatByName(format)
	if err != nil {
		return llmphone.Model{}, err
	}
	return llmphone.Model{Config: c, Kernel: llmphone.BF16Kernel, WeightBytes: float64(c.WeightBytes(f)), MaxContext: 2048}, nil
}

// llmFootprint is the memory the app holds to prefill prompt tokens and
// hold ctx tokens of context (llmphone.Runtime.Footprint: the
// memory-mapped program, the KV cache, activations, the runtime), or the
// runtime's refusal of a context it cannot hold.
func llmFootprint(lp *llmPoint, prompt, ctx int) (float64, error) {
	f, err := lp.runtime.Footprint(lp.model, prompt, ctx)
	return f.Total(), err
}

// drawTokens draws a turn's length.
func drawTokens(l TokenLength, u func() float64, norm func() float64) int {
	m := float64(l.Tokens)
	x := m
	switch l.Dist {
	case "exponential":
		x = -m * math.Log(1-u())
	case "lognormal":
		s2 := math.Log(1 + l.CV*l.CV)
		x = math.Exp(math.Log(m) - s2/2 + math.Sqrt(s2)*norm())
	}
	return max(1, int(math.Round(x)))
}

// llmImage is the image column of a chat's summaries and records: a chat
// has no photo.
const llmImage = "-"

// cellImage is a cell's image label: its size, or llmImage in a chat.
func cellImage(pd *pointData, c Cell) string {
	if pd.llm != nil {
		return llmImage
	}
	return c.Image.String()
}
