package models

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/infersim/infersim/models/yamlpos"
	"go.yaml.in/yaml/v3"
)

// ProfileFormat is the format tag of kernel profiles this package reads and
// writes.
const ProfileFormat = "infersim-kernel-profile/1"

// Profile is a kernel profile: per-layer and whole-model timings of the zoo
// measured on one host with the native executor, model-load and
// image-preprocessing throughputs, and the host and settings they were
// measured with. Times are seconds. It is written by Calibrate and read by
// the simulator's processor models.
type Profile struct {
	Format     string              `yaml:"format"`
	Host       ProfileHost         `yaml:"host"`
	Settings   ProfileSettings     `yaml:"settings"`
	GC         ProfileGC           `yaml:"gc"`
	Models     []ProfileModel      `yaml:"models"`
	Preprocess []ProfilePreprocess `yaml:"preprocess"`
}

// ProfileHost describes the machine and build that measured a profile.
type ProfileHost struct {
	CPU      string `yaml:"cpu"`
	Cores    int    `yaml:"cores"`
	GOOS     string `yaml:"goos"`
	GOARCH   string `yaml:"goarch"`
	Go       string `yaml:"go"`
	Gemm     string `yaml:"gemm"` // GEMM kernel level: avx512, avx2 or purego
	Vec      string `yaml:"vec"`  // level of the pooling/LRN/depthwise helpers
	Date     string `yaml:"date"` // YYYY-MM-DD (UTC)
	Infersim string `yaml:"infersim"`
	// Load1 is the host's 1-minute load average when calibration started
	// (Linux; 0 elsewhere): above the core count, other programs competed
	// for the CPU and the timings are pessimistic.
	Load1 float64 `yaml:"load1,omitempty"`
}

// ProfileSettings records how the timings were taken: per-layer timings
// ran on Threads threads, after Warmup untimed passes, over Reps passes.
type ProfileSettings struct {
	Threads int `yaml:"threads"`
	Warmup  int `yaml:"warmup"`
	Reps    int `yaml:"reps"`
}

// ProfileGC records the Go garbage collections during the timed passes
// (Calibrate disables the collector there, so both are normally 0).
type ProfileGC struct {
	Cycles      int64   `yaml:"cycles"`
	PauseTotalS float64 `yaml:"pause_total_s"`
}

// TimeStats summarises repeated timings in seconds.
type TimeStats struct {
	Median float64 `yaml:"median"`
	P10    float64 `yaml:"p10"`
	P90    float64 `yaml:"p90"`
}

// ForwardTimes are whole-model forward times at 1 and 2 threads.
type ForwardTimes struct {
	Threads1 TimeStats `yaml:"threads_1"`
	Threads2 TimeStats `yaml:"threads_2"`
}

// ProfileLoad is the time to read, parse and materialise a model's
// full-size .caffemodel from a file (the file system cache is warm).
type ProfileLoad struct {
	Bytes   int64   `yaml:"bytes"`
	Seconds float64 `yaml:"seconds"`
	MBPerS  float64 `yaml:"mb_per_s"` // 10^6 bytes per second
}

// ProfileModel is one model of a profile.
type ProfileModel struct {
	Name                string         `yaml:"name"`
	Input               []int          `yaml:"input"`
	Params              int64          `yaml:"params"`
	WeightFileBytes     int64          `yaml:"weight_file_bytes"`
	FLOPs               int64          `yaml:"flops"`
	PeakActivationBytes int64          `yaml:"peak_activation_bytes"`
	ForwardS            ForwardTimes   `yaml:"forward_s"`
	Load                ProfileLoad    `yaml:"load"`
	Layers              []ProfileLayer `yaml:"layers"`
}

// ProfileLayer is one layer's description and timing. A layer computed
// inside another (FusedInto set: a ReLU in a convolution's epilogue, a
// BatchNorm or Scale folded into its weights) has its own row with zero
// times; its cost is in the other layer's row.
type ProfileLayer struct {
	Name       string  `yaml:"name"`
	Kind       string  `yaml:"kind"`
	FusedInto  string  `yaml:"fused_into,omitempty"`
	FLOPs      int64   `yaml:"flops"`
	Ops        int64   `yaml:"ops"`
	Params     int64   `yaml:"params"`
	ParamBytes int64   `yaml:"param_bytes"`
	InBytes    int64   `yaml:"in_bytes"`
	OutBytes   int64   `yaml:"out_bytes"`
	OutShape   []int   `yaml:"out_shape"`
	MedianS    float64 `yaml:"median_s"`
	P10S       float64 `yaml:"p10_s"`
	P90S       float64 `yaml:"p90_s"`
	CV         float64 `yaml:"cv"`     // robust coefficient of variation, from the p10–p90 spread (see summarise)
	GFLOPs     float64 `yaml:"gflops"` // FLOPs / median / 10^9 (0 for layers without FLOPs)
}

// ProfilePreprocess is the cost of turning one JPEG of the given size into
// a model input: decoding (image/jpeg) and resizing + cropping + converting
// (Preprocess). JPEGBytes is the file size, i.e. what a cloud client
// uploads.
type ProfilePreprocess struct {
	Width      int     `yaml:"width"`
	Height     int     `yaml:"height"`
	JPEGBytes  int64   `yaml:"jpeg_bytes"`
	DecodeS    float64 `yaml:"decode_s"`
	ResizeS    float64 `yaml:"resize_s"`
	TotalS     float64 `yaml:"total_s"`
	SPerMPixel float64 `yaml:"s_per_mpixel"`
}

// Model returns the profile's entry for a model name, or nil.
func (p *Profile) Model(name string) *ProfileModel {
	for i := range p.Models {
		if p.Models[i].Name == name {
			return &p.Models[i]
		}
	}
	return nil
}

//go:embed profiles/default.yaml
var defaultProfile []byte

// DefaultProfile returns the kernel profile measured on the development
// machine class (2-vCPU AMD EPYC Zen 4) and shipped with the package, so
// the simulator runs without calibrating first. Each call returns a fresh
// copy.
func DefaultProfile() *Profile {
	p, err := ReadProfile(bytes.NewReader(defaultProfile), "profiles/default.yaml")
	if err != nil {
		panic("models: the embedded default profile is invalid: " + err.Error()) // caught by TestDefaultProfile
	}
	return p
}

// ReadProfile reads and validates a kernel profile. Errors are
// *FormatError values naming the file, line and field, e.g.
// "models: p.yaml:12: models[0].layers[3].median_s: negative time -1".
// Unknown keys are errors.
func ReadProfile(r io.Reader, filename string) (*Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxProfileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("models: reading %s: %w", filename, err)
	}
	if len(data) > MaxProfileBytes {
		// Was silently truncated at the limit, then parsed.
		return nil, &FormatError{File: filename, Msg: fmt.Sprintf("larger than %d bytes (the limit)", MaxProfileBytes)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &FormatError{File: filename, Line: yamlpos.ErrorLine(err), Msg: yamlpos.ErrorMessage(err)}
	}
	if len(root.Content) == 0 {
		return nil, &FormatError{File: filename, Msg: "empty profile"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, &FormatError{File: filename, Line: yamlpos.ErrorLine(err), Msg: yamlpos.ErrorMessage(err)}
	}
	if err := p.validate(); err != nil {
		var fe *FormatError
		if errors.As(err, &fe) {
			fe.File = filename
			fe.Line = yamlpos.FieldLine(root.Content[0], fe.Field)
		}
		return nil, err
	}
	return &p, nil
}

func (p *Profile) validate() error {
	bad := func(field, format string, args ...any) error {
		return &FormatError{Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if p.Format != ProfileFormat {
		return bad("format", "%q, want %q", p.Format, ProfileFormat)
	}
	if p.Settings.Threads < 1 {
		return bad("settings.threads", "must be at least 1, is %d", p.Settings.Threads)
	}
	if p.Settings.Reps < 1 {
		return bad("settings.reps", "must be at least 1, is %d", p.Settings.Reps)
	}
	if p.Settings.Warmup < 0 {
		return bad("settings.warmup", "must not be negative")
	}
	if p.GC.Cycles < 0 || !(p.GC.PauseTotalS >= 0) {
		return bad("gc", "negative or invalid values")
	}
	time := func(field string, v float64, positive bool) error {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || positive && v == 0 {
			if positive {
				return bad(field, "time must be positive and finite, is %v", v)
			}
			return bad(field, "negative or invalid time %v", v)
		}
		return nil
	}
	stats := func(field string, s TimeStats) error {
		for _, f := range []struct {
			n string
			v float64
		}{{"median", s.Median}, {"p10", s.P10}, {"p90", s.P90}} {
			if err := time(field+"."+f.n, f.v, true); err != nil {
				return err
			}
		}
		if s.P10 > s.Median || s.Median > s.P90 {
			return bad(field, "need p10 ≤ median ≤ p90, have %g, %g, %g", s.P10, s.Median, s.P90)
		}
		return nil
	}
	seen := map[string]bool{}
	for i, m := range p.Models {
		f := fmt.Sprintf("models[%d]", i)
		if m.Name == "" {
			return bad(f+".name", "empty")
		}
		if seen[m.Name] {
			return bad(f+".name", "model %q listed twice", m.Name)
		}
		seen[m.Name] = true
		if len(m.Input) == 0 {
			return bad(f+".input", "empty shape")
		}
		for _, d := range m.Input {
			if d <= 0 {
				return bad(f+".input", "non-positive dimension in %v", m.Input)
			}
		}
		if len(m.Input) > maxProfileAxes || !sizeOK(m.Input) {
			return bad(f+".input", "%v is not a blob shape: at most %d axes, at most %d values", m.Input, maxProfileAxes, maxBlob)
		}
		if m.Params < 0 || m.FLOPs < 0 || m.WeightFileBytes < 0 || m.PeakActivationBytes < 0 {
			return bad(f, "negative count")
		}
		if err := stats(f+".forward_s.threads_1", m.ForwardS.Threads1); err != nil {
			return err
		}
		if m.ForwardS.Threads2 != (TimeStats{}) {
			if err := stats(f+".forward_s.threads_2", m.ForwardS.Threads2); err != nil {
				return err
			}
		}
		if err := time(f+".load.seconds", m.Load.Seconds, false); err != nil {
			return err
		}
		if len(m.Layers) == 0 {
			return bad(f+".layers", "no layers")
		}
		for j, l := range m.Layers {
			lf := fmt.Sprintf("%s.layers[%d]", f, j)
			if l.Name == "" {
				return bad(lf+".name", "empty")
			}
			if l.Kind == "" {
				return bad(lf+".kind", "empty")
			}
			if l.FLOPs < 0 || l.Ops < 0 || l.Params < 0 || l.ParamBytes < 0 || l.InBytes < 0 || l.OutBytes < 0 {
				return bad(lf, "negative count")
			}
			if len(l.OutShape) > maxProfileAxes || len(l.OutShape) > 0 && !sizeOK(l.OutShape) {
				return bad(lf+".out_shape", "%v is not a blob shape: at most %d axes of positive sizes, at most %d values", l.OutShape, maxProfileAxes, maxBlob)
			}
			for _, t := range []struct {
				n string
				v float64
			}{{"median_s", l.MedianS}, {"p10_s", l.P10S}, {"p90_s", l.P90S}, {"cv", l.CV}, {"gflops", l.GFLOPs}} {
				if err := time(lf+"."+t.n, t.v, false); err != nil {
					return err
				}
			}
			if l.P10S > l.MedianS || l.MedianS > l.P90S {
				return bad(lf, "need p10_s ≤ median_s ≤ p90_s, have %g, %g, %g", l.P10S, l.MedianS, l.P90S)
			}
		}
	}
	for i, pp := range p.Preprocess {
		f := fmt.Sprintf("preprocess[%d]", i)
		if pp.Width <= 0 || pp.Height <= 0 {
			return bad(f, "size %d×%d", pp.Width, pp.Height)
		}
		if pp.JPEGBytes <= 0 {
			return bad(f+".jpeg_bytes", "must be positive")
		}
		for _, t := range []struct {
			n string
			v float64
		}{{"decode_s", pp.DecodeS}, {"resize_s", pp.ResizeS}, {"total_s", pp.TotalS}, {"s_per_mpixel", pp.SPerMPixel}} {
			if err := time(f+"."+t.n, t.v, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// Write writes the profile as YAML: block style for the document, flow
// style ({...}, [...]) for maps and lists of plain values, so each layer is
// one line. ReadProfile reads it back equal.
func (p *Profile) Write(w io.Writer) error {
	var root yaml.Node
	if err := root.Encode(p); err != nil {
		return fmt.Errorf("models: encoding profile: %w", err)
	}
	flowLeaves(&root)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return fmt.Errorf("models: writing profile: %w", err)
	}
	return enc.Close()
}

// flowLeaves sets flow style on every map or list at most two levels deep
// (values are scalars, or maps and lists of scalars) and returns n's depth.
func flowLeaves(n *yaml.Node) int {
	depth := 0
	for _, c := range n.Content {
		depth = max(depth, flowLeaves(c))
	}
	switch n.Kind {
	case yaml.ScalarNode, yaml.AliasNode:
		return 0
	case yaml.DocumentNode:
		return depth
	}
	depth++
	listOfMaps := n.Kind == yaml.SequenceNode && len(n.Content) > 0 && n.Content[0].Kind == yaml.MappingNode
	if depth <= 2 && len(n.Content) > 0 && !listOfMaps {
		n.Style = yaml.FlowStyle
	}
	return depth
}
