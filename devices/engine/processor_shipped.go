package engine

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/infersim/infersim/models"
)

// The shipped processor profiles, one YAML file each, with the source of
// every number in the file.
//
//go:embed processors/*.yaml
var processorFS embed.FS

var (
	shippedOnce  sync.Once
	shipped      map[string]*ProcessorProfile
	shippedErr   error
	shippedNames []string
)

func loadShipped() {
	shipped = map[string]*ProcessorProfile{}
	entries, err := processorFS.ReadDir("processors")
	if err != nil {
		shippedErr = err
		return
	}
	for _, e := range entries {
		file := path.Join("processors", e.Name())
		b, err := processorFS.ReadFile(file)
		if err != nil {
			shippedErr = err
			return
		}
		pp, err := ReadProcessorProfile(bytes.NewReader(b), file)
		if err != nil {
			shippedErr = err
			return
		}
		if want := strings.TrimSuffix(e.Name(), ".yaml"); pp.Name != want {
			shippedErr = fmt.Errorf("devices: %s: name %q does not match the file name", file, pp.Name)
			return
		}
		shipped[pp.Name] = pp
		shippedNames = append(shippedNames, pp.Name)
	}
	sort.Strings(shippedNames)
}

// shippedProfile returns a shipped profile by name. A broken embedded
// profile is reported as an error (TestShippedProfilesRead keeps one from
// being released).
func shippedProfile(name string) (*ProcessorProfile, error) {
	shippedOnce.Do(loadShipped)
	if shippedErr != nil {
		return nil, shippedErr
	}
	pp, ok := shipped[name]
	if !ok {
		return nil, fmt.Errorf("devices: no processor profile %q (have %s)", name, strings.Join(shippedNames, ", "))
	}
	return pp, nil
}

// ProcessorNames returns the names of the shipped processor profiles (the
// name field of each devices/engine/processors/*.yaml), sorted. `infersim
// profiles` lists them with their targets and fits.
func ProcessorNames() []string {
	shippedOnce.Do(loadShipped)
	return append([]string(nil), shippedNames...)
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
