package devices_test

import (
	"fmt"

	"github.com/infersim/infersim/devices"
	"github.com/infersim/infersim/units"
)

// The roofline model's worked example: a 1 GFLOP convolution moving 10 MB
// on a 1 TFLOP/s GPU at efficiency 0.5, with 100 GB/s and a 20 µs
// overhead, is compute-bound: 2 ms + 20 µs. Twice the peak halves the
// compute term.
func ExampleRooflineTime() {
	work, bytes := units.FLOPs(1e9), units.Bytes(10e6)
	bw, overhead := units.ByteRate(100e9), units.Duration(20e-6)
	fmt.Println(devices.RooflineTime(work, bytes, 1e12, 0.5, bw, overhead))
	fmt.Println(devices.RooflineTime(work, bytes, 2e12, 0.5, bw, overhead))
	// Output:
	// 2.02 ms
	// 1.02 ms
}

// Framework.BudgetFor: CNNdroid's parameter budget is part of each app's
// configuration (facts P4-*).
func ExampleFramework_BudgetFor() {
	fw := devices.Framework{
		Name:         "cnndroid",
		ParamBudget:  400e6,
		ParamBudgets: map[string]units.Bytes{"alexnet": 350e6, "nin": 50e6},
	}
	fmt.Println(fw.BudgetFor("alexnet"), fw.BudgetFor("nin"), fw.BudgetFor("mobilenet-v1"))
	// Output: 350 MB 50 MB 400 MB
}
