package models

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed zoo/*.prototxt
var zooFS embed.FS

// zooModels maps zoo names to their files and published reference numbers
// (checked by TestZoo).
var zooModels = map[string]string{
	"alexnet":         "zoo/alexnet.prototxt",
	"nin":             "zoo/nin.prototxt",
	"squeezenet-v1.0": "zoo/squeezenet-v1.0.prototxt",
	"squeezenet-v1.1": "zoo/squeezenet-v1.1.prototxt",
	"mobilenet-v1":    "zoo/mobilenet-v1.prototxt",
}

// ZooNames returns the names of the built-in models, sorted: alexnet,
// mobilenet-v1, nin, squeezenet-v1.0, squeezenet-v1.1.
func ZooNames() []string {
	names := make([]string, 0, len(zooModels))
	for n := range zooModels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// zooNets builds each zoo model's Net once per process, on first use. A
// cache rather than a value passed in: the prototxts are compiled into the
// binary, a Net is immutable and safe to share, and every phone of every
// world (and every compiled processor) asks for the same few.
var zooNets = func() map[string]func() (*Net, error) {
	m := make(map[string]func() (*Net, error), len(zooModels))
	for name, file := range zooModels {
		m[name] = sync.OnceValues(func() (*Net, error) {
			b, err := zooFS.ReadFile(file)
			if err != nil {
				return nil, err
			}
			return LoadPrototxt(bytes.NewReader(b), file)
		})
	}
	return m
}()

// Zoo returns the structure of a built-in model (no weights), parsed once
// and cached; the Net is immutable and shared. Use WithSeededWeights or
// WithWeights to run it.
func Zoo(name string) (*Net, error) {
	build, ok := zooNets[name]
	if !ok {
		return nil, fmt.Errorf("models: no zoo model %q (have %s)", name, strings.Join(ZooNames(), ", "))
	}
	return build()
}

// ZooPrototxt returns the text of a built-in model's .prototxt.
func ZooPrototxt(name string) ([]byte, error) {
	file, ok := zooModels[name]
	if !ok {
		return nil, fmt.Errorf("models: no zoo model %q (have %s)", name, strings.Join(ZooNames(), ", "))
	}
	return zooFS.ReadFile(file)
}
