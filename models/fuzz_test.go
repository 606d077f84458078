package models

import (
	"strings"
	"testing"
)

// FuzzLoadPrototxt: any text gives a Net or an error prefixed "models: ",
// never a panic; a Net small enough to run runs with seeded weights, and its
// fast output matches the reference.
func FuzzLoadPrototxt(f *testing.F) {
	f.Add(smallNet)
	for _, name := range ZooNames() {
		b, _ := ZooPrototxt(name)
		f.Add(string(b))
	}
	f.Add(`input: "data" input_dim: 1 input_dim: 2 input_dim: 5 input_dim: 5
layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }`)
	f.Fuzz(func(t *testing.T, text string) {
		n, err := LoadPrototxt(strings.NewReader(text), "fuzz.prototxt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "models: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		n.Layers()
		n.SplitPoints()
		if n.PeakActivationBytes() > 1<<20 || n.FLOPs() > 1e7 || n.Params() > 1e6 {
			return
		}
		w := n.WithSeededWeights(1)
		in := randSlice(1, numel(n.InputShape()))
		ex := NewExecutor(w, 2)
		defer ex.Close()
		got, err := ex.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		want := referenceForward(w, in)
		if e := scaledErr(got, want); e > 1e-3 {
			t.Fatalf("fast vs reference: error %g", e)
		}
	})
}
