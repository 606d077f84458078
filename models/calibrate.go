package models

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CalibrateOptions configures Calibrate. Zero values take the defaults.
type CalibrateOptions struct {
	Models  []string // zoo models to time; default all (ZooNames)
	Threads int      // threads for the per-layer timings; default 1
	Warmup  int      // untimed passes before timing; default 3
	Reps    int      // timed passes; default 20
	Seed    uint64   // weight seed; default 1

	// SkipLoad and SkipPreprocess leave out the model-load and
	// image-preprocessing measurements.
	SkipLoad, SkipPreprocess bool
	// PreprocessSizes are the JPEG sizes to time; default the study's
	// 3840×2160, 1920×1080 and 960×540.
	PreprocessSizes [][2]int
	// TempDir holds the .caffemodel files written for the load timing;
	// default os.TempDir(). The files are removed afterwards.
	TempDir string
	// Version is recorded as host.infersim.
	Version string
	// Progress, if set, is called as each step starts.
	Progress func(Progress)
}

// Progress reports Calibrate's advance: Step of Steps, with a description.
type Progress struct {
	Step, Steps int
	What        string // e.g. "alexnet: layers (1 thread)"
}

// StudyImageSizes are the photo sizes of the study (T. Guo, IC2E 2018): 15
// photos at 3840×2160 and the same downsampled by 2 and by 4.
var StudyImageSizes = [][2]int{{3840, 2160}, {1920, 1080}, {960, 540}}

// Calibrate measures a kernel profile on this machine:
//
//   - per layer of each model (seeded weights, batch 1): Warmup untimed
//     passes, then Reps timed passes with the layer hook, on Threads
//     threads; median, p10, p90, coefficient of variation and GFLOP/s;
//   - per model: whole forward passes (no hook) at 1 and 2 threads;
//   - model load: a full-size .caffemodel written to TempDir, then read,
//     parsed and materialised (WithWeights) from the file;
//   - preprocessing: synthetic photo-like JPEGs (quality 90) of each size,
//     decoded (image/jpeg) and resized and cropped to 227×227 (Preprocess).
//
// Garbage collection is kept out of the kernel timings: the forward pass
// allocates nothing, runtime.GC runs before each timed series, and the
// collector is disabled (debug.SetGCPercent(-1)) during it and restored
// after. Profile.GC counts collections that happened anyway during timed
// series. Load and preprocessing timings include the collector, since
// allocating is part of their cost. The context cancels between passes.
func Calibrate(ctx context.Context, opts CalibrateOptions) (*Profile, error) {
	o := opts.withDefaults()
	nets := make([]*Net, len(o.Models))
	for i, name := range o.Models {
		n, err := Zoo(name)
		if err != nil {
			return nil, err
		}
		nets[i] = n
	}
	p := &Profile{
		Format:   ProfileFormat,
		Host:     hostInfo(o.Version),
		Settings: ProfileSettings{Threads: o.Threads, Warmup: o.Warmup, Reps: o.Reps},
	}
	steps := 3 * len(o.Models)
	if !o.SkipLoad {
		steps += len(o.Models)
	}
	if !o.SkipPreprocess {
		steps += len(o.PreprocessSizes)
	}
	step := 0
	progress := func(format string, args ...any) {
		step++
		if o.Progress != nil {
			o.Progress(Progress{Step: step, Steps: steps, What: fmt.Sprintf(format, args...)})
		}
	}
	gcStats := &gcCounter{}
	for i, name := range o.Models {
		pm, err := calibrateModel(ctx, &o, name, nets[i].WithSeededWeights(o.Seed), progress, gcStats)
		if err != nil {
			return nil, err
		}
		p.Models = append(p.Models, pm)
	}
	p.GC = ProfileGC{Cycles: gcStats.cycles, PauseTotalS: float64(gcStats.pauseNs) / 1e9}
	if !o.SkipPreprocess {
		var target *Net
		if len(nets) > 0 {
			target = nets[0]
		} else {
			target, _ = Zoo("alexnet")
		}
		for _, sz := range o.PreprocessSizes {
			progress("preprocess %d×%d", sz[0], sz[1])
			pp, err := timePreprocess(ctx, target, sz[0], sz[1], min(o.Reps, 5))
			if err != nil {
				return nil, err
			}
			p.Preprocess = append(p.Preprocess, pp)
		}
	}
	p.round()
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("models: calibration produced an invalid profile: %w", err)
	}
	return p, nil
}

// withDefaults fills the options' zero fields with their defaults.
func (o CalibrateOptions) withDefaults() CalibrateOptions {
	if len(o.Models) == 0 {
		o.Models = ZooNames()
	}
	if o.Threads <= 0 {
		o.Threads = 1
	}
	if o.Warmup <= 0 {
		o.Warmup = 3
	}
	if o.Reps <= 0 {
		o.Reps = 20
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.PreprocessSizes == nil {
		o.PreprocessSizes = StudyImageSizes
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	return o
}

// calibrateModel times one model (weights set): its layers, its whole
// forward pass at one and two threads, and, unless skipped, its load.
func calibrateModel(ctx context.Context, o *CalibrateOptions, name string, net *Net, progress func(string, ...any), gcStats *gcCounter) (ProfileModel, error) {
	pm := ProfileModel{
		Name: name, Input: net.InputShape(), Params: net.Params(), WeightFileBytes: net.WeightFileBytes(),
		FLOPs: net.FLOPs(), PeakActivationBytes: net.PeakActivationBytes(),
	}
	progress("%s: layers (%d thread(s))", name, o.Threads)
	layers, err := timeLayers(ctx, net, o.Threads, o.Warmup, o.Reps, gcStats)
	if err != nil {
		return pm, err
	}
	pm.Layers = layers
	for k, threads := range []int{1, 2} {
		progress("%s: forward (%d thread(s))", name, threads)
		ts, err := timeForward(ctx, net, threads, o.Warmup, o.Reps, gcStats)
		if err != nil {
			return pm, err
		}
		if k == 0 {
			pm.ForwardS.Threads1 = ts
		} else {
			pm.ForwardS.Threads2 = ts
		}
	}
	if !o.SkipLoad {
		progress("%s: load %.0f MB", name, float64(net.WeightFileBytes())/1e6)
		ld, err := timeLoad(ctx, net, o.TempDir, min(o.Reps, 3))
		if err != nil {
			return pm, err
		}
		pm.Load = ld
	}
	return pm, nil
}

// gcCounter accumulates GC cycles and pause time over timed series.
type gcCounter struct {
	cycles  int64
	pauseNs uint64
}

// timed runs f with the collector stopped after a full collection, and
// counts any collection that happens anyway.
func (g *gcCounter) timed(f func() error) error {
	runtime.GC()
	old := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(old)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := f()
	runtime.ReadMemStats(&after)
	g.cycles += int64(after.NumGC - before.NumGC)
	g.pauseNs += after.PauseTotalNs - before.PauseTotalNs
	return err
}

func timeLayers(ctx context.Context, net *Net, threads, warmup, reps int, gc *gcCounter) ([]ProfileLayer, error) {
	ex := NewExecutor(net, threads)
	defer ex.Close()
	in := randSlice(1, numel(net.InputShape()))
	nl := len(net.nodes)
	times := make([]float64, reps*nl) // times[r*nl+layer]
	rep := 0
	ex.SetLayerHook(func(layer int, d time.Duration) {
		if rep >= 0 {
			times[rep*nl+layer] = d.Seconds()
		}
	})
	rep = -1
	for range warmup {
		if _, err := ex.Forward(in); err != nil {
			return nil, err
		}
	}
	err := gc.timed(func() error {
		for rep = 0; rep < reps; rep++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			ex.Forward(in)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]ProfileLayer, nl)
	col := make([]float64, reps)
	for i, info := range net.Layers() {
		for r := range reps {
			col[r] = times[r*nl+i]
		}
		s, cv := summarise(col)
		l := ProfileLayer{
			Name: info.Name, Kind: info.Kind, FusedInto: info.FusedInto, FLOPs: info.FLOPs, Ops: info.Ops,
			Params: info.Params, ParamBytes: info.ParamBytes, InBytes: info.InBytes, OutBytes: info.OutBytes,
			OutShape: info.OutShape, MedianS: s.Median, P10S: s.P10, P90S: s.P90, CV: cv,
		}
		if s.Median > 0 && info.FLOPs > 0 {
			l.GFLOPs = float64(info.FLOPs) / s.Median / 1e9
		}
		out[i] = l
	}
	return out, nil
}

func timeForward(ctx context.Context, net *Net, threads, warmup, reps int, gc *gcCounter) (TimeStats, error) {
	ex := NewExecutor(net, threads)
	defer ex.Close()
	in := randSlice(1, numel(net.InputShape()))
	for range warmup {
		if _, err := ex.Forward(in); err != nil {
			return TimeStats{}, err
		}
	}
	ts := make([]float64, reps)
	err := gc.timed(func() error {
		for r := range ts {
			if err := ctx.Err(); err != nil {
				return err
			}
			t0 := time.Now()
			ex.Forward(in)
			ts[r] = time.Since(t0).Seconds()
		}
		return nil
	})
	s, _ := summarise(ts)
	return s, err
}

func timeLoad(ctx context.Context, net *Net, dir string, reps int) (ProfileLoad, error) {
	f, err := os.CreateTemp(dir, "infersim-calibrate-*.caffemodel")
	if err != nil {
		return ProfileLoad{}, fmt.Errorf("models: load timing: %w", err)
	}
	path := f.Name()
	defer os.Remove(path)
	w := bufio.NewWriterSize(f, 1<<20)
	if err := net.WriteCaffemodel(w); err != nil {
		f.Close()
		return ProfileLoad{}, err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return ProfileLoad{}, fmt.Errorf("models: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return ProfileLoad{}, fmt.Errorf("models: writing %s: %w", path, err)
	}
	structure := &Net{}
	*structure = *net
	structure.weighted = false
	ts := make([]float64, max(reps, 1))
	for r := range ts {
		if err := ctx.Err(); err != nil {
			return ProfileLoad{}, err
		}
		runtime.GC()
		t0 := time.Now()
		rf, err := os.Open(path)
		if err != nil {
			return ProfileLoad{}, fmt.Errorf("models: load timing: %w", err)
		}
		_, err = structure.WithWeights(rf, filepath.Base(path))
		rf.Close()
		if err != nil {
			return ProfileLoad{}, err
		}
		ts[r] = time.Since(t0).Seconds()
	}
	s, _ := summarise(ts)
	bytes := net.WeightFileBytes()
	return ProfileLoad{Bytes: bytes, Seconds: s.Median, MBPerS: float64(bytes) / s.Median / 1e6}, nil
}

func timePreprocess(ctx context.Context, net *Net, w, h, reps int) (ProfilePreprocess, error) {
	data, err := SyntheticJPEG(w, h, 90, 1)
	if err != nil {
		return ProfilePreprocess{}, err
	}
	dst := make([]float32, numel(net.InputShape()))
	dec, rs := make([]float64, max(reps, 1)), make([]float64, max(reps, 1))
	for r := range dec {
		if err := ctx.Err(); err != nil {
			return ProfilePreprocess{}, err
		}
		runtime.GC()
		t0 := time.Now()
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return ProfilePreprocess{}, fmt.Errorf("models: decoding the synthetic JPEG: %w", err)
		}
		t1 := time.Now()
		PreprocessInto(dst, img, net)
		t2 := time.Now()
		dec[r], rs[r] = t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds()
	}
	d, _ := summarise(dec)
	z, _ := summarise(rs)
	total := d.Median + z.Median
	return ProfilePreprocess{Width: w, Height: h, JPEGBytes: int64(len(data)), DecodeS: d.Median, ResizeS: z.Median,
		TotalS: total, SPerMPixel: total / (float64(w*h) / 1e6)}, nil
}

// summarise returns the median, 10th and 90th percentiles (nearest rank
// with linear interpolation) and a robust coefficient of variation of xs.
//
// The CV is read off the interdecile spread as if the timings were
// log-normal, which is how the simulator draws layer times from it:
// σ = ln(p90/p10) / (2·z₀.₉), CV = sqrt(exp(σ²) − 1), z₀.₉ = 1.2816. The
// plain standard deviation / mean would let a handful of passes the OS
// preempted (a shared machine, another process) dominate it — the profile
// of a loaded host showed CVs above 3 for 0.1 ms layers — and that is
// host noise, not a property of the layer.
func summarise(xs []float64) (TimeStats, float64) {
	if len(xs) == 0 {
		return TimeStats{}, 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	q := func(p float64) float64 {
		pos := p * float64(len(s)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(s)-1)
		return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
	}
	st := TimeStats{Median: q(0.5), P10: q(0.1), P90: q(0.9)}
	cv := 0.0
	if st.P10 > 0 && st.P90 > st.P10 {
		const z90 = 1.2815515655446004 // standard normal 90th percentile
		sigma := math.Log(st.P90/st.P10) / (2 * z90)
		cv = math.Sqrt(math.Expm1(sigma * sigma))
	}
	return st, cv
}

func hostInfo(version string) ProfileHost {
	return ProfileHost{
		CPU: cpuName(), Cores: runtime.NumCPU(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Go: runtime.Version(), Gemm: gemmName(), Vec: vecLevel(),
		Date: time.Now().UTC().Format("2006-01-02"), Infersim: version, Load1: loadAvg(),
	}
}

// loadAvg returns the 1-minute load average from /proc/loadavg, or 0.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0
	}
	return v
}

// cpuName reads the CPU model from /proc/cpuinfo (Linux), or returns
// GOARCH.
func cpuName() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}

// sig4 rounds to 4 significant digits, the precision timings deserve.
func sig4(v float64) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	e := math.Pow(10, 3-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*e) / e
}

// round rounds every measured number of the profile to 4 significant
// digits, so the file stays readable; rounding again changes nothing, so a
// written profile reads back equal.
func (p *Profile) round() {
	p.GC.PauseTotalS = sig4(p.GC.PauseTotalS)
	r := func(s *TimeStats) { s.Median, s.P10, s.P90 = sig4(s.Median), sig4(s.P10), sig4(s.P90) }
	for i := range p.Models {
		m := &p.Models[i]
		r(&m.ForwardS.Threads1)
		r(&m.ForwardS.Threads2)
		m.Load.Seconds, m.Load.MBPerS = sig4(m.Load.Seconds), sig4(m.Load.MBPerS)
		for j := range m.Layers {
			l := &m.Layers[j]
			l.MedianS, l.P10S, l.P90S, l.CV, l.GFLOPs = sig4(l.MedianS), sig4(l.P10S), sig4(l.P90S), sig4(l.CV), sig4(l.GFLOPs)
		}
	}
	for i := range p.Preprocess {
		q := &p.Preprocess[i]
		q.DecodeS, q.ResizeS, q.TotalS, q.SPerMPixel = sig4(q.DecodeS), sig4(q.ResizeS), sig4(q.TotalS), sig4(q.SPerMPixel)
	}
}
