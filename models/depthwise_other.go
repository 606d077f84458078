//go:build !amd64 || purego

package models

// dw3Row is the row kernel of depthwise3x3Plane (pure Go here).
func dw3Row(out []float32, r0, r1, r2 *[dwMaxRow]float32, wb *[10]float32, s int, relu bool) {
	dw3RowGo(out, r0, r1, r2, wb, s, relu)
}

// dwLevel names the depthwise row kernel in use.
func dwLevel() string { return "purego" }

// dwLevelCase is a row-kernel level a test can force.
type dwLevelCase struct {
	name string
	with func(f func())
}

// dwLevels lists the row kernels of this build: pure Go only.
func dwLevels() []dwLevelCase {
	return []dwLevelCase{{"purego", func(f func()) { f() }}}
}
