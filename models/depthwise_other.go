//go:build !amd64 || purego

package models

// dw3Row is the row kernel of depthwise3x3Plane (pure Go here).
func dw3Row(out []float32, r0, r1, r2 *[dwMaxRow]float32, wb *[10]float32, s int, relu bool) {
	dw3RowGo(out, r0, r1, r2, wb, s, relu)
}
