//go:build !amd64 || purego

package devices

// expVector is false: expInto calls math.Exp.
const expVector = false

func expVec(xs []float64) { panic("devices: expVec without a vector unit") }
