package caffe

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc),
// a measure that does not depend on the machine's load.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestNestingBound is issue 18 finding 7: 100,000 nested "layer {" (a
// 900 KB file) took 6.75 GB before protobuf's error could be positioned.
// It is now refused by the depth check, within a memory bound.
func TestNestingBound(t *testing.T) {
	const limit = 100 << 20
	for _, tc := range []struct {
		name string
		src  string
		want error
	}{
		{"100000 nested layer blocks", "name: \"x\"\n" + strings.Repeat("layer {\n", 100_000), ErrTooDeep},
		{"100000 nested params", "layer {\n" + strings.Repeat("convolution_param <\n", 100_000), ErrTooDeep},
		{"too many layers", strings.Repeat("layer {}\n", MaxLayers+1), ErrTooManyLayers},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = ParsePrototxt(strings.NewReader(tc.src), "deep.prototxt") })
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			checkErr(t, err)
			if !strings.Contains(err.Error(), "deep.prototxt:") || !strings.Contains(err.Error(), "limit") {
				t.Errorf("error %q names no position or limit", err)
			}
			if n > limit {
				t.Errorf("refusing %d bytes allocated %d MB, bound %d MB", len(tc.src), n>>20, limit>>20)
			}
		})
	}
}

// TestIndexTextLinear checks that locating a position in a file just
// within MaxNestingDepth costs memory linear in the file: 20,000 keys at
// the deepest level, probed at the end (before the fix, every key built
// its dotted path by walking the whole stack).
func TestIndexTextLinear(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("layer {\n  name: \"deep\"\n")
	for range MaxNestingDepth - 1 {
		b.WriteString("p {\n")
	}
	const keys = 20_000
	for range keys {
		b.WriteString("k: 1\n")
	}
	b.WriteString("bogus: 1\n")
	if err := checkTextBounds(b.Bytes(), "deep.prototxt"); err != nil {
		t.Fatal(err)
	}
	line := 2 + MaxNestingDepth + keys
	var ix *textIndex
	n := allocated(func() { ix = indexText(b.Bytes(), textPos{line, 1}) })
	if ix.probeLayer != 0 || ix.probeKey != "bogus" || len(ix.probePath) != MaxNestingDepth-1 {
		t.Errorf("probe: layer %d key %q path %v", ix.probeLayer, ix.probeKey, ix.probePath)
	}
	if got := ix.locate(0, strings.Repeat("p.", MaxNestingDepth-1)+"k"); got.line != 2+MaxNestingDepth {
		t.Errorf("locate: line %d, want %d", got.line, 2+MaxNestingDepth)
	}
	// A few hundred bytes per key (one path string, map entries) is
	// linear; the bound is well below what 20,000 × depth would take.
	if n > 16<<20 {
		t.Errorf("indexing %d bytes allocated %d MB, bound 16 MB", b.Len(), n>>20)
	}
}

// TestCheckTextBoundsSkipsStrings checks that braces in strings and
// comments do not count as nesting.
func TestCheckTextBoundsSkipsStrings(t *testing.T) {
	src := "name: \"" + strings.Repeat("{", 1000) + "\"\n# " + strings.Repeat("{", 1000) + "\n"
	if err := checkTextBounds([]byte(src), "s.prototxt"); err != nil {
		t.Fatal(err)
	}
}
