package scenarios

import (
	"github.com/infersim/infersim/scenarios/internal/schema"
	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

// Scenario is one scenario file: the phone, the network, the cloud, the
// models, the workload, an optional sweep and what to write. The field
// reference with every description, default and check is in doc.go and in
// the JSON Schema (`infersim schema`); both come from the same registry
// (fields.go) as the decoder.
//
// In Go, a field left at its zero value counts as "not set": Validate
// gives it its default (or the preset's value). Where zero is a
// meaningful value that differs from the default (a background pressure
// of 0, outputs.plots false), use Set, which marks the field as written,
// exactly as a scenario file does.
type Scenario struct {
	Name         string   `yaml:"name"`
	Description  string   `yaml:"description"`
	Stress       string   `yaml:"stress"`
	Seed         uint64   `yaml:"seed"`
	Replications int      `yaml:"replications"`
	Phone        Phone    `yaml:"phone"`
	Thermal      Thermal  `yaml:"thermal"` // sustained load, off by default (thermal.go)
	Network      Network  `yaml:"network"`
	Cloud        Cloud    `yaml:"cloud"`
	Models       []string `yaml:"models"`
	Workload     Workload `yaml:"workload"`
	LLM          LLM      `yaml:"llm"` // chat with a language model, off by default (llm.go)
	Sweep        Sweep    `yaml:"sweep"`
	Outputs      Outputs  `yaml:"outputs"`
	// Conclusions say how the one-line conclusions of a run are computed
	// from its results (package conclude; checked in conclusions.go);
	// Quick is the reduced version `infersim run --quick` runs (quick.go).
	Conclusions []Conclusion `yaml:"conclusions"`
	Quick       Quick        `yaml:"quick"`

	file   string          // where it was read from, for errors and relative paths
	dir    string          // directory relative paths are resolved against
	doc    *yaml.Node      // the document as written (a point re-decodes it)
	set    map[string]bool // dot paths written in the file (or with Set)
	filled map[string]bool // dot paths given a default or a preset's value
	lines  map[string]int  // dot path → line of its value
	bad    map[string]bool // dot paths whose value could not be decoded
	// decodeErrs are the decoder's errors, reported again by Validate
	// with the rest.
	decodeErrs ErrorList
	shared     *loaded    // files and presets a scenario and its points share
	plan       *sweepPlan // filled by Validate
	res        *resolved  // filled by Validate (scenarios without a sweep, points)
}

// Phone is the phone: a hardware preset and the processor profiles its
// frameworks run on, with single-field overrides.
type Phone struct {
	Device    string       `yaml:"device"`
	CPU       string       `yaml:"cpu"`
	GPU       string       `yaml:"gpu"`
	Count     int          `yaml:"count"`
	Memory    Memory       `yaml:"memory"`
	GC        GC           `yaml:"gc"`
	Lifecycle Lifecycle    `yaml:"lifecycle"`
	Battery   units.Charge `yaml:"battery"`
	Power     string       `yaml:"power"`
}

// Memory overrides the phone preset's memory and heap settings.
type Memory struct {
	RAM                  units.Bytes    `yaml:"ram"`
	HeapLimit            units.Bytes    `yaml:"heap_limit"`
	LargeHeapLimit       units.Bytes    `yaml:"large_heap_limit"`
	LargeHeap            bool           `yaml:"large_heap"`
	BackgroundPressure   Fraction       `yaml:"background_pressure"`
	PressureFluctuation  Fraction       `yaml:"pressure_fluctuation"`
	FluctuationTimescale units.Duration `yaml:"fluctuation_timescale"`
}

// GC scales the phone's garbage collector model.
type GC struct {
	PauseScale float64 `yaml:"pause_scale"`
	AllocScale float64 `yaml:"alloc_scale"`
}

// Lifecycle sends the app to the background and back. Omitted, the app
// stays in the foreground.
type Lifecycle struct {
	BackgroundEvery    units.Duration `yaml:"background_every"`
	BackgroundFor      units.Duration `yaml:"background_for"`
	Random             bool           `yaml:"random"`
	BackgroundRequests string         `yaml:"background_requests"`
}

// Network is the phone's access link: a preset with single-field
// overrides.
type Network struct {
	Preset   string  `yaml:"preset"`
	Model    string  `yaml:"model"`
	Radio    string  `yaml:"radio"`
	Uplink   Channel `yaml:"uplink"`
	Downlink Channel `yaml:"downlink"`
}

// Channel is one direction of the link.
type Channel struct {
	Bandwidth   units.BitRate  `yaml:"bandwidth"`
	Latency     units.Duration `yaml:"latency"`
	Jitter      Jitter         `yaml:"jitter"`
	Loss        Fraction       `yaml:"loss"`
	Trace       string         `yaml:"trace"`
	TraceFormat string         `yaml:"trace_format"`
}

// Jitter is the per-transfer extra delay of a channel (network.Jitter).
type Jitter struct {
	Dist string         `yaml:"dist"`
	Mean units.Duration `yaml:"mean"`
	SD   units.Duration `yaml:"sd"`
}

// Cloud is the inference server every phone shares.
type Cloud struct {
	CPU        string         `yaml:"cpu"`
	GPU        string         `yaml:"gpu"`
	Workers    int            `yaml:"workers"`
	QueueLimit int            `yaml:"queue_limit"`
	Batching   Batching       `yaml:"batching"`
	Cold       bool           `yaml:"cold"`
	ReadRate   units.ByteRate `yaml:"read_rate"`
}

// Batching is the server's dynamic batching.
type Batching struct {
	MaxBatch int            `yaml:"max_batch"`
	MaxWait  units.Duration `yaml:"max_wait"`
}

// Workload is what the user does: which modes, which photos, how requests
// arrive and how many.
type Workload struct {
	Modes     []string       `yaml:"modes"`
	Images    []ImageGroup   `yaml:"images"`
	Start     string         `yaml:"start"`
	Upload    string         `yaml:"upload"`
	Arrivals  Arrivals       `yaml:"arrivals"`
	Requests  int            `yaml:"requests"`
	Duration  units.Duration `yaml:"duration"`
	Timeout   units.Duration `yaml:"timeout"`
	Warmup    string         `yaml:"warmup"` // a count or a time: ParseWarmup
	Objective string         `yaml:"objective"`
}

// ImageGroup is a group of photos of one size.
type ImageGroup struct {
	Size  ImageSize `yaml:"size"`
	Count int       `yaml:"count"`
}

// Arrivals is the arrival process of each phone's requests.
type Arrivals struct {
	Type  string           `yaml:"type"`
	Think units.Duration   `yaml:"think"`
	Rate  Rate             `yaml:"rate"`
	At    []units.Duration `yaml:"at"`
}

// Sweep lists the parameters that vary between points.
type Sweep struct {
	Combine string       `yaml:"combine"`
	Params  []SweepParam `yaml:"params"`
	// Seeds is "common" (replication r of every point uses the same seed:
	// common random numbers) or "independent" (each point draws fresh
	// numbers).
	Seeds string `yaml:"seeds"`
}

// SweepParam is one swept parameter: a path and either a list of values
// or a range.
type SweepParam struct {
	Path   string      `yaml:"path"`
	Values []yaml.Node `yaml:"values"`
	Range  Range       `yaml:"range"`
}

// Range is a sequence of Steps values from From to To inclusive, evenly
// spaced (Scale "linear") or evenly spaced in logarithm ("log"). From and
// To carry the swept field's unit, e.g. "0.25Mbps".
type Range struct {
	From  string `yaml:"from"`
	To    string `yaml:"to"`
	Steps int    `yaml:"steps"`
	Scale string `yaml:"scale"`
}

// Outputs says which files a run writes besides summary.csv and
// summary.json.
type Outputs struct {
	Requests bool `yaml:"requests"`
	// Format is the requests file's format: csv (requests.csv) or
	// parquet (requests.parquet, result.ParquetWriter).
	Format string `yaml:"format"`
	Plots  bool   `yaml:"plots"`
	Trace  bool   `yaml:"trace"`
	// Charts are hints for the charts that tell the scenario's story
	// (plots.Draw reads them back from summary.json).
	Charts []ChartHint `yaml:"charts"`
}

// Fraction is a number in [0, 1], written as a plain number ("0.3") or a
// percentage ("30%").
type Fraction = schema.Fraction

// ParseFraction reads "0.3" or "30%".
func ParseFraction(s string) (Fraction, error) { return schema.ParseFraction(s) }

// Rate is a number of requests per second, written with its time unit:
// "0.5/s", "30/min", "2/h".
type Rate = schema.Rate

// ParseRate reads a rate such as "30/min". A bare number is an error: it
// does not say per what.
func ParseRate(s string) (Rate, error) { return schema.ParseRate(s) }

// ImageSize is a photo's width and height in pixels, written "3840x2160".
type ImageSize = schema.ImageSize

// ParseImageSize reads "WIDTHxHEIGHT".
func ParseImageSize(s string) (ImageSize, error) { return schema.ParseImageSize(s) }

// File returns the file the scenario was read from ("" if built in Go, the
// builtin's name for a builtin).
func (s *Scenario) File() string { return s.file }
