package models

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"

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
// copy: the YAML is read once per process (a default run used to parse its
// 76 KB twice over, a tenth of its CPU time) and copied.
func DefaultProfile() *Profile {
	return parsedDefaultProfile().clone()
}

// parsedDefaultProfile is the embedded profile, read once. It is never
// handed out: DefaultProfile copies it.
var parsedDefaultProfile = sync.OnceValue(func() *Profile {
	p, err := ReadProfile(bytes.NewReader(defaultProfile), "profiles/default.yaml")
	if err != nil {
		panic("models: the embedded default profile is invalid: " + err.Error()) // caught by TestDefaultProfile
	}
	return p
})

// clone returns a deep copy of p: no slice is shared with p
// (TestProfileCloneShares checks every slice field, so a new one cannot be
// forgotten here).
func (p *Profile) clone() *Profile {
	c := *p
	c.Models = slices.Clone(p.Models)
	for i := range c.Models {
		m := &c.Models[i]
		m.Input = slices.Clone(m.Input)
		m.Layers = slices.Clone(m.Layers)
		for j := range m.Layers {
			m.Layers[j].OutShape = slices.Clone(m.Layers[j].OutShape)
		}
	}
	c.Preprocess = slices.Clone(p.Preprocess)
	return &c
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
	if p.Format != ProfileFormat {
		return profileErr("format", "%q, want %q", p.Format, ProfileFormat)
	}
	if p.Settings.Threads < 1 {
		return profileErr("settings.threads", "must be at least 1, is %d", p.Settings.Threads)
	}
	if p.Settings.Reps < 1 {
		return profileErr("settings.reps", "must be at least 1, is %d", p.Settings.Reps)
	}
	if p.Settings.Warmup < 0 {
		return profileErr("settings.warmup", "must not be negative")
	}
	if p.GC.Cycles < 0 || !(p.GC.PauseTotalS >= 0) {
		return profileErr("gc", "negative or invalid values")
	}
	seen := map[string]bool{}
	for i := range p.Models {
		m := &p.Models[i]
		f := fmt.Sprintf("models[%d]", i)
		if m.Name != "" && seen[m.Name] {
			return profileErr(f+".name", "model %q listed twice", m.Name)
		}
		seen[m.Name] = true
		if err := m.validate(f); err != nil {
			return err
		}
	}
	for i, pp := range p.Preprocess {
		if err := pp.validate(fmt.Sprintf("preprocess[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// profileErr is an error at a field of a kernel profile.
func profileErr(field, format string, args ...any) error {
	return &FormatError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// checkTime checks a time in seconds: finite, not negative, and positive
// if positive is set.
func checkTime(field string, v float64, positive bool) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || positive && v == 0 {
		if positive {
			return profileErr(field, "time must be positive and finite, is %v", v)
		}
		return profileErr(field, "negative or invalid time %v", v)
	}
	return nil
}

// namedTime is one time field of a profile entry, for checking in a row.
type namedTime struct {
	n string
	v float64
}

// checkTimes checks the times at field.<name> in order.
func checkTimes(field string, positive bool, ts ...namedTime) error {
	for _, t := range ts {
		if err := checkTime(field+"."+t.n, t.v, positive); err != nil {
			return err
		}
	}
	return nil
}

// validate checks a time distribution's quantiles: positive, ordered.
func (s TimeStats) validate(field string) error {
	if err := checkTimes(field, true, namedTime{"median", s.Median}, namedTime{"p10", s.P10}, namedTime{"p90", s.P90}); err != nil {
		return err
	}
	if s.P10 > s.Median || s.Median > s.P90 {
		return profileErr(field, "need p10 ≤ median ≤ p90, have %g, %g, %g", s.P10, s.Median, s.P90)
	}
	return nil
}

// validate checks one model's entry at field f (its name's uniqueness is
// the profile's check).
func (m *ProfileModel) validate(f string) error {
	if m.Name == "" {
		return profileErr(f+".name", "empty")
	}
	if len(m.Input) == 0 {
		return profileErr(f+".input", "empty shape")
	}
	for _, d := range m.Input {
		if d <= 0 {
			return profileErr(f+".input", "non-positive dimension in %v", m.Input)
		}
	}
	if len(m.Input) > maxProfileAxes || !sizeOK(m.Input) {
		return profileErr(f+".input", "%v is not a blob shape: at most %d axes, at most %d values", m.Input, maxProfileAxes, maxBlob)
	}
	if m.Params < 0 || m.FLOPs < 0 || m.WeightFileBytes < 0 || m.PeakActivationBytes < 0 {
		return profileErr(f, "negative count")
	}
	if err := m.ForwardS.Threads1.validate(f + ".forward_s.threads_1"); err != nil {
		return err
	}
	if m.ForwardS.Threads2 != (TimeStats{}) {
		if err := m.ForwardS.Threads2.validate(f + ".forward_s.threads_2"); err != nil {
			return err
		}
	}
	if err := checkTime(f+".load.seconds", m.Load.Seconds, false); err != nil {
		return err
	}
	if len(m.Layers) == 0 {
		return profileErr(f+".layers", "no layers")
	}
	for j := range m.Layers {
		if err := m.Layers[j].validate(fmt.Sprintf("%s.layers[%d]", f, j)); err != nil {
			return err
		}
	}
	return nil
}

// validate checks one layer's row at field lf.
func (l *ProfileLayer) validate(lf string) error {
	if l.Name == "" {
		return profileErr(lf+".name", "empty")
	}
	if l.Kind == "" {
		return profileErr(lf+".kind", "empty")
	}
	if l.FLOPs < 0 || l.Ops < 0 || l.Params < 0 || l.ParamBytes < 0 || l.InBytes < 0 || l.OutBytes < 0 {
		return profileErr(lf, "negative count")
	}
	if len(l.OutShape) > maxProfileAxes || len(l.OutShape) > 0 && !sizeOK(l.OutShape) {
		return profileErr(lf+".out_shape", "%v is not a blob shape: at most %d axes of positive sizes, at most %d values", l.OutShape, maxProfileAxes, maxBlob)
	}
	if err := checkTimes(lf, false, namedTime{"median_s", l.MedianS}, namedTime{"p10_s", l.P10S},
		namedTime{"p90_s", l.P90S}, namedTime{"cv", l.CV}, namedTime{"gflops", l.GFLOPs}); err != nil {
		return err
	}
	if l.P10S > l.MedianS || l.MedianS > l.P90S {
		return profileErr(lf, "need p10_s ≤ median_s ≤ p90_s, have %g, %g, %g", l.P10S, l.MedianS, l.P90S)
	}
	return nil
}

// validate checks one preprocessing measurement at field f.
func (pp ProfilePreprocess) validate(f string) error {
	if pp.Width <= 0 || pp.Height <= 0 {
		return profileErr(f, "size %d×%d", pp.Width, pp.Height)
	}
	if pp.JPEGBytes <= 0 {
		return profileErr(f+".jpeg_bytes", "must be positive")
	}
	return checkTimes(f, true, namedTime{"decode_s", pp.DecodeS}, namedTime{"resize_s", pp.ResizeS},
		namedTime{"total_s", pp.TotalS}, namedTime{"s_per_mpixel", pp.SPerMPixel})
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
