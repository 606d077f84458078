package models

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
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

var zooCache sync.Map // name → *zooEntry

type zooEntry struct {
	once sync.Once
	net  *Net
	err  error
}

// Zoo returns the structure of a built-in model (no weights), parsed once
// and cached; the Net is immutable and shared. Use WithSeededWeights or
// WithWeights to run it.
func Zoo(name string) (*Net, error) {
	file, ok := zooModels[name]
	if !ok {
		return nil, fmt.Errorf("models: no zoo model %q (have %v)", name, ZooNames())
	}
	e, _ := zooCache.LoadOrStore(name, &zooEntry{})
	ze := e.(*zooEntry)
	ze.once.Do(func() {
		b, err := zooFS.ReadFile(file)
		if err != nil {
			ze.err = err
			return
		}
		ze.net, ze.err = LoadPrototxt(bytes.NewReader(b), file)
	})
	return ze.net, ze.err
}

// ZooPrototxt returns the text of a built-in model's .prototxt.
func ZooPrototxt(name string) ([]byte, error) {
	file, ok := zooModels[name]
	if !ok {
		return nil, fmt.Errorf("models: no zoo model %q (have %v)", name, ZooNames())
	}
	return zooFS.ReadFile(file)
}
