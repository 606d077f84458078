package plots

import (
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// measuredText is the text handler of every chart: gonum/plot's plain
// text handler, with the sizes it measures remembered. Laying out a chart
// measures the same strings many times over (every tick label for the
// axis's width, again for its height, again when the chart is fitted to
// its legend, and once more for each format); each measurement looks up
// every glyph and kerning pair in the font again. The sizes are those the
// plain handler returns, so layouts do not change.
var measuredText text.Handler = newTextMeasures(plot.DefaultTextHandler)

// textMeasures remembers a handler's Box, Extents and Lines results. The
// maps are cleared when they hold maxTextMeasures entries, which keeps a
// long-lived process (the lab, a server) from growing without bound.
type textMeasures struct {
	text.Handler
	mu      sync.Mutex
	boxes   map[boxKey]textBox
	extents map[font.Font]font.Extents
	lines   map[string][]string
}

// maxTextMeasures bounds each of a textMeasures' maps.
const maxTextMeasures = 1 << 14

type boxKey struct {
	txt string
	fnt font.Font
}

type textBox struct{ w, h, d vg.Length }

func newTextMeasures(h text.Handler) *textMeasures {
	return &textMeasures{Handler: h, boxes: map[boxKey]textBox{}, extents: map[font.Font]font.Extents{}, lines: map[string][]string{}}
}

// Box implements text.Handler.
func (m *textMeasures) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	k := boxKey{txt, fnt}
	m.mu.Lock()
	b, ok := m.boxes[k]
	m.mu.Unlock()
	if !ok {
		b.w, b.h, b.d = m.Handler.Box(txt, fnt)
		m.mu.Lock()
		if len(m.boxes) >= maxTextMeasures {
			clear(m.boxes)
		}
		m.boxes[k] = b
		m.mu.Unlock()
	}
	return b.w, b.h, b.d
}

// Extents implements text.Handler.
func (m *textMeasures) Extents(fnt font.Font) font.Extents {
	return remember(&m.mu, m.extents, fnt, m.Handler.Extents)
}

// Lines implements text.Handler. The slice returned is shared: callers
// only read it (text.Style and the plain handler's Draw do).
func (m *textMeasures) Lines(txt string) []string {
	return remember(&m.mu, m.lines, txt, m.Handler.Lines)
}

// remember returns memo[k], computing it with f outside the lock on a miss;
// the memo is emptied when it reaches maxTextMeasures entries.
func remember[K comparable, V any](mu *sync.Mutex, memo map[K]V, k K, f func(K) V) V {
	mu.Lock()
	v, ok := memo[k]
	mu.Unlock()
	if ok {
		return v
	}
	v = f(k)
	mu.Lock()
	if len(memo) >= maxTextMeasures {
		clear(memo)
	}
	memo[k] = v
	mu.Unlock()
	return v
}
