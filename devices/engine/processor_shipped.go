package engine

import (
	"bytes"
	"embed"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/infersim/infersim/internal/suggest"
	"github.com/infersim/infersim/models"
)

// The shipped processor profiles, one YAML file each, with the source of
// every number in the file.
//
//go:embed processors/*.yaml
var processorFS embed.FS

// shippedSet is the shipped profiles as read from processorFS: by name,
// the sorted names, and the first error (a broken embedded file; the
// profiles read before it are kept).
type shippedSet struct {
	byName map[string]*ProcessorProfile
	names  []string
	err    error
}

// shipped reads the embedded profiles once per process. A cache rather
// than a value passed in: the files are compiled into the binary and never
// change, every caller wants the same profiles, and ProcessorProfile
// values are only ever copied out (ShippedProcessorProfile) or read.
var shipped = sync.OnceValue(readShipped)

func readShipped() *shippedSet {
	set := &shippedSet{byName: map[string]*ProcessorProfile{}}
	entries, err := processorFS.ReadDir("processors")
	if err != nil {
		set.err = err
		return set
	}
	for _, e := range entries {
		file := path.Join("processors", e.Name())
		b, err := processorFS.ReadFile(file)
		if err != nil {
			set.err = err
			break
		}
		pp, err := ReadProcessorProfile(bytes.NewReader(b), file)
		if err != nil {
			set.err = err
			break
		}
		if want := strings.TrimSuffix(e.Name(), ".yaml"); pp.Name != want {
			set.err = fmt.Errorf("devices: %s: name %q does not match the file name", file, pp.Name)
			break
		}
		set.byName[pp.Name] = pp
		set.names = append(set.names, pp.Name)
	}
	sort.Strings(set.names)
	return set
}

// shippedProfile returns a shipped profile by name. A broken embedded
// profile is reported as an error (TestShippedProfilesRead keeps one from
// being released).
func shippedProfile(name string) (*ProcessorProfile, error) {
	set := shipped()
	if set.err != nil {
		return nil, set.err
	}
	pp, ok := set.byName[name]
	if !ok {
		return nil, fmt.Errorf("devices: no processor profile %q%s", name, suggest.DidYouMean(name, set.names))
	}
	return pp, nil
}

// ProcessorNames returns the names of the shipped processor profiles (the
// name field of each devices/engine/processors/*.yaml), sorted. `infersim
// profiles` lists them with their targets and fits.
func ProcessorNames() []string {
	return append([]string(nil), shipped().names...)
}

// ShippedProcessorProfile returns the shipped profile of that name, as
// read from its YAML (a copy the caller may change and Compile).
func ShippedProcessorProfile(name string) (*ProcessorProfile, error) {
	pp, err := shippedProfile(name)
	if err != nil {
		return nil, err
	}
	c := *pp
	return &c, nil
}

type procKey struct {
	name string
	kp   *models.Profile
}

type procEntry struct {
	once sync.Once
	p    *Processor
	err  error
}

// procCache holds the compiled processors, one per (profile name, kernel
// profile), for the life of the process. A cache rather than a value
// passed in: compiling runs the fit (milliseconds to tens of them), every
// world of every sweep point of a run asks for the same few processors,
// and sharing one immutable *Processor is also what lets devices share
// each model's tables between worlds. Keyed by the kernel profile's
// pointer: a caller that reads many kernel profiles keeps them all.
var procCache sync.Map // procKey → *procEntry

// LoadProcessor returns the shipped processor profile name compiled
// against the kernel profile kp (nil: the embedded default kernel
// profile). Results are cached per (name, kp) and shared: a Processor is
// immutable, and kp must not be modified after the call.
func LoadProcessor(name string, kp *models.Profile) (*Processor, error) {
	if kp == nil {
		kp = defaultKernelProfile()
	}
	pp, err := shippedProfile(name)
	if err != nil {
		return nil, err
	}
	e, _ := procCache.LoadOrStore(procKey{name, kp}, &procEntry{})
	pe := e.(*procEntry)
	pe.once.Do(func() { pe.p, pe.err = compileProfile(pp, kp, false) })
	return pe.p, pe.err
}

// compileShipped compiles a shipped profile for another profile's
// comparison rows; nested compiles skip their own comparison rows, so two
// profiles that compare with each other cannot recurse.
func compileShipped(name string, kp *models.Profile, nested bool) (*Processor, error) {
	if !nested {
		return LoadProcessor(name, kp)
	}
	pp, err := shippedProfile(name)
	if err != nil {
		return nil, err
	}
	return compileProfile(pp, kp, true)
}

// Perturbed returns a new kernel-profile identity for sensitivity
// analyses: LoadProcessor(name, kp2) is the shipped profile name fitted
// against kp as usual, then with its fitted free parameter param
// multiplied by scale (factors tied to it follow; nothing is refitted),
// and every other profile compiles against kp2 exactly as against kp. kp2
// shares kp's data (kp nil: the embedded default) and must not be
// modified; Release(kp2) drops the processors compiled for it. param is a
// name of FitReport.Params whose status is free, or a share-tied class
// factor (scaled itself: the classes tied to it by ratio do not follow).
func Perturbed(kp *models.Profile, name, param string, scale float64) (*models.Profile, error) {
	if kp == nil {
		kp = defaultKernelProfile()
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("devices: perturbing %s %s: scale %v is not positive", name, param, scale)
	}
	pp, err := shippedProfile(name)
	if err != nil {
		return nil, err
	}
	kp2 := new(models.Profile)
	*kp2 = *kp
	c := &compiler{pp: pp, kp: kp2, models: map[string]*hostModel{}, perturb: param, perturbScale: scale}
	if err := c.setup(); err != nil {
		return nil, fmt.Errorf("devices: profile %s: %w", pp.Name, err)
	}
	co, err := c.fit()
	if err != nil {
		return nil, fmt.Errorf("devices: profile %s: %w", pp.Name, err)
	}
	_, found := c.shareUnc[param]
	found = found || param == "noise_scale" && pp.Noise.Scale != nil && pp.Noise.Scale.Free
	found = found || param == "handling.setup" && pp.Handling != nil && pp.Handling.Setup.Free
	for _, f := range c.free {
		found = found || f.name == param
	}
	if !found {
		return nil, fmt.Errorf("devices: profile %s has no free parameter %q", name, param)
	}
	p := c.build(co)
	if err := c.attachHandling(p); err != nil {
		return nil, err
	}
	e := &procEntry{}
	e.once.Do(func() { e.p = p })
	procCache.Store(procKey{name, kp2}, e)
	return kp2, nil
}

// Release drops every processor compiled against kp from the cache (for
// the kernel profiles Perturbed returns, once the analysis is done).
func Release(kp *models.Profile) {
	procCache.Range(func(k, _ any) bool {
		if k.(procKey).kp == kp {
			procCache.Delete(k)
		}
		return true
	})
}
