// Package reference holds the published measurements infersim is calibrated
// and validated against, each with its citation.
//
// # Overview
//
// The facts live in facts.yaml, embedded at build time: one row per published
// number (a time, a power, a size, a ratio) or ordering ("Caffe loads faster
// than CNNdroid"), with the source it was read from and how it was read (TEXT,
// CODE, CHART or DERIVED). Device profiles name the rows they were fitted to;
// `infersim validate` compares every row it can simulate with the simulation.
//
//	f, _ := reference.Lookup("P6-openblas")
//	fmt.Println(f.Value, f.Source.Citation) // 1458 ms, github.com/sh1r0/...
//
// # Invariants
//
// Every fact has a unique ID and a source that exists in the sources table;
// values parse with their kind's unit; Low ≤ Value ≤ High where given. The
// package checks this when it loads the embedded file and panics if the file
// it was built with is broken, which a test makes impossible to ship.
package reference

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"sync"

	"github.com/infersim/infersim/units"
	"go.yaml.in/yaml/v3"
)

//go:embed facts.yaml
var factsYAML []byte

// Kind says what a fact measures and so which unit its value carries.
type Kind string

// The kinds of fact. Times, powers, sizes, rates and charges carry units;
// ratios, fractions and counts are plain numbers; an order states a
// comparison and has no value.
const (
	Time         Kind = "time"
	Power        Kind = "power"
	PowerPerRate Kind = "power-per-rate" // watts per Mbps
	Bytes        Kind = "bytes"
	BytesList    Kind = "bytes-list"
	Rate         Kind = "rate"
	Charge       Kind = "charge"
	Ratio        Kind = "ratio"
	Fraction     Kind = "fraction"
	Count        Kind = "count"
	Order        Kind = "order"
)

// Source is a publication or repository facts are read from.
type Source struct {
	Key      string
	Citation string
}

// Fact is one published measurement. Value, Low, High and SD are in SI base
// units (seconds, watts, bytes, bits per second, coulombs) or plain numbers
// for ratios, fractions and counts; Low and High are 0 when the source gives
// no range, SD is 0 when it gives no spread.
type Fact struct {
	ID     string
	What   string
	Kind   Kind
	Value  float64
	Values []float64 // for BytesList
	Low    float64
	High   float64
	SD     float64
	// Tolerance is the relative error a simulated value may show before
	// validation calls it off; 0 when the fact is not checked by a tolerance
	// (ranges are checked against Low and High instead).
	Tolerance float64
	Source    Source
	Tag       string   // TEXT, CODE, CHART or DERIVED
	From      []string // facts a DERIVED fact was computed from
	Note      string
}

// HasRange reports whether the source gives a range for the value.
func (f Fact) HasRange() bool { return f.High > 0 }

// Format prints v in the fact's unit, e.g. "88 s" for a time.
func (f Fact) Format(v float64) string {
	switch f.Kind {
	case Time:
		return units.Duration(v).String()
	case Power:
		return units.Power(v).String()
	case PowerPerRate:
		return units.Power(v).String() + "/Mbps"
	case Bytes, BytesList:
		return units.Bytes(v).String()
	case Rate:
		return units.BitRate(v).String()
	case Charge:
		return units.Charge(v).String()
	case Ratio:
		return fmt.Sprintf("%.3g×", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

// rawFile mirrors facts.yaml.
type rawFile struct {
	Sources map[string]string `yaml:"sources"`
	Facts   []rawFact         `yaml:"facts"`
}

type rawFact struct {
	ID        string    `yaml:"id"`
	What      string    `yaml:"what"`
	Kind      Kind      `yaml:"kind"`
	Value     yaml.Node `yaml:"value"`
	Values    []string  `yaml:"values"`
	Low       yaml.Node `yaml:"low"`
	High      yaml.Node `yaml:"high"`
	SD        yaml.Node `yaml:"sd"`
	Tolerance float64   `yaml:"tolerance"`
	Source    string    `yaml:"source"`
	Tag       string    `yaml:"tag"`
	From      []string  `yaml:"from"`
	Note      string    `yaml:"note"`
	UnitNote  string    `yaml:"unit_note"`
}

var (
	loadOnce sync.Once
	facts    []Fact
	byID     map[string]int
	loadErr  error
)

func load() {
	facts, byID, loadErr = parse(factsYAML)
}

// parse decodes and checks a facts file.
func parse(data []byte) ([]Fact, map[string]int, error) {
	var raw rawFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, fmt.Errorf("reference: facts.yaml: %w", err)
	}
	out := make([]Fact, 0, len(raw.Facts))
	index := make(map[string]int, len(raw.Facts))
	for _, r := range raw.Facts {
		f, err := r.fact(raw.Sources)
		if err != nil {
			return nil, nil, fmt.Errorf("reference: facts.yaml:%d: fact %q: %w", r.line(), r.ID, err)
		}
		if _, dup := index[f.ID]; dup {
			return nil, nil, fmt.Errorf("reference: facts.yaml:%d: duplicate fact id %q", r.line(), r.ID)
		}
		index[f.ID] = len(out)
		out = append(out, f)
	}
	for _, f := range out {
		for _, id := range f.From {
			if _, ok := index[id]; !ok {
				return nil, nil, fmt.Errorf("reference: facts.yaml: fact %q: from: unknown fact %q", f.ID, id)
			}
		}
	}
	return out, index, nil
}

func (r rawFact) line() int { return r.Value.Line }

func (r rawFact) fact(sources map[string]string) (Fact, error) {
	f := Fact{ID: r.ID, What: r.What, Kind: r.Kind, Tolerance: r.Tolerance, Tag: r.Tag, From: r.From, Note: r.Note}
	if f.ID == "" || f.What == "" {
		return f, fmt.Errorf("id and what are required")
	}
	cit, ok := sources[r.Source]
	if !ok {
		return f, fmt.Errorf("source: unknown source %q", r.Source)
	}
	f.Source = Source{Key: r.Source, Citation: cit}
	switch r.Tag {
	case "TEXT", "CODE", "CHART", "DERIVED":
	default:
		return f, fmt.Errorf("tag: %q is not TEXT, CODE, CHART or DERIVED", r.Tag)
	}
	if (r.Tag == "DERIVED") != (len(r.From) > 0) {
		return f, fmt.Errorf("from: a DERIVED fact lists the facts it comes from, and only a DERIVED fact does")
	}
	var err error
	switch r.Kind {
	case Order:
		if r.Value.Kind != 0 {
			return f, fmt.Errorf("value: an order fact has no value")
		}
		return f, nil
	case BytesList:
		for _, s := range r.Values {
			v, err := units.ParseBytes(s)
			if err != nil {
				return f, fmt.Errorf("values: %w", err)
			}
			f.Values = append(f.Values, float64(v))
		}
		if len(f.Values) == 0 {
			return f, fmt.Errorf("values: required for a bytes-list fact")
		}
		return f, nil
	}
	if r.Value.Kind == 0 {
		return f, fmt.Errorf("value: required for a %s fact", r.Kind)
	}
	if f.Value, err = r.Kind.parse(r.Value.Value); err != nil {
		return f, fmt.Errorf("value: %w", err)
	}
	for _, x := range []struct {
		name string
		node yaml.Node
		dst  *float64
	}{{"low", r.Low, &f.Low}, {"high", r.High, &f.High}, {"sd", r.SD, &f.SD}} {
		if x.node.Kind == 0 {
			continue
		}
		if *x.dst, err = r.Kind.parse(x.node.Value); err != nil {
			return f, fmt.Errorf("%s: %w", x.name, err)
		}
	}
	if f.HasRange() && !(f.Low <= f.Value && f.Value <= f.High) {
		return f, fmt.Errorf("value %v is outside [low, high] = [%v, %v]", f.Value, f.Low, f.High)
	}
	if f.Tolerance < 0 || f.Tolerance >= 1 {
		return f, fmt.Errorf("tolerance: %v is not in [0, 1)", f.Tolerance)
	}
	return f, nil
}

// parse reads a value of kind k: with a unit for physical kinds, a plain
// number for the others.
func (k Kind) parse(s string) (float64, error) {
	switch k {
	case Time:
		v, err := units.ParseDuration(s)
		return float64(v), err
	case Power, PowerPerRate:
		v, err := units.ParsePower(s)
		return float64(v), err
	case Bytes:
		v, err := units.ParseBytes(s)
		return float64(v), err
	case Rate:
		v, err := units.ParseBitRate(s)
		return float64(v), err
	case Charge:
		v, err := units.ParseCharge(s)
		return float64(v), err
	case Ratio, Fraction, Count:
		var v float64
		if _, err := fmt.Sscanf(s, "%g", &v); err != nil {
			return 0, fmt.Errorf("%q is not a number", s)
		}
		return v, nil
	default:
		return 0, fmt.Errorf("unknown kind %q", k)
	}
}

func mustLoad() {
	loadOnce.Do(load)
	if loadErr != nil {
		// The embedded file is part of the program; TestEmbeddedFactsLoad
		// keeps a broken one from being built.
		panic(loadErr)
	}
}

// All returns every fact, in file order. The slice is a copy.
func All() []Fact {
	mustLoad()
	return append([]Fact(nil), facts...)
}

// Lookup returns the fact with the given ID.
func Lookup(id string) (Fact, bool) {
	mustLoad()
	i, ok := byID[id]
	if !ok {
		return Fact{}, false
	}
	return facts[i], true
}

// MustLookup returns the fact with the given ID; it panics if there is none,
// which is a programmer error (a profile naming a fact that does not exist is
// caught by that profile's tests).
func MustLookup(id string) Fact {
	f, ok := Lookup(id)
	if !ok {
		panic(fmt.Sprintf("reference: no fact %q", id))
	}
	return f
}

// IDs returns every fact ID, sorted.
func IDs() []string {
	mustLoad()
	ids := make([]string, 0, len(facts))
	for _, f := range facts {
		ids = append(ids, f.ID)
	}
	sort.Strings(ids)
	return ids
}
