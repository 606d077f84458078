package engine_test

import (
	"fmt"
	"strings"

	"github.com/infersim/infersim/devices/engine"
	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/units"
)

// The roofline model's worked example: a 1 GFLOP convolution moving 10 MB
// on a 1 TFLOP/s GPU at efficiency 0.5, with 100 GB/s and a 20 µs
// overhead, is compute-bound: 2 ms + 20 µs. Twice the peak halves the
// compute term.
func ExampleRooflineTime() {
	work, bytes := units.FLOPs(1e9), units.Bytes(10e6)
	bw, overhead := units.ByteRate(100e9), units.Duration(20e-6)
	fmt.Println(engine.RooflineTime(work, bytes, 1e12, 0.5, bw, overhead))
	fmt.Println(engine.RooflineTime(work, bytes, 2e12, 0.5, bw, overhead))
	// Output:
	// 2.02 ms
	// 1.02 ms
}

// Framework.BudgetFor: CNNdroid's parameter budget is part of each app's
// configuration (facts P4-*).
func ExampleFramework_BudgetFor() {
	fw := engine.Framework{
		Name:         "cnndroid",
		ParamBudget:  400e6,
		ParamBudgets: map[string]units.Bytes{"alexnet": 350e6, "nin": 50e6},
	}
	fmt.Println(fw.BudgetFor("alexnet"), fw.BudgetFor("nin"), fw.BudgetFor("mobilenet-v1"))
	// Output: 350 MB 50 MB 400 MB
}

// The scaled model's worked example, t_layer = s[class] · host median +
// overhead, and its fit. The kernel profile is made by hand: a "net" whose
// only costly layer is a convolution the host runs in 29.16 ms. The
// profile leaves the conv factor free and fits it to fact P6-openblas
// (CaffeNet on a Nexus 5 CPU, 1458 ms) with a fixed 1 ms per-layer
// overhead: s = (1458 − 1) / 29.16 = 49.97. A host twice as slow would
// halve s and leave the 1458 ms in place.
func ExampleProcessorProfile_Compile() {
	kp := &models.Profile{
		Format:   models.ProfileFormat,
		Settings: models.ProfileSettings{Threads: 1, Reps: 1},
		Models: []models.ProfileModel{{
			Name: "alexnet",
			Layers: []models.ProfileLayer{
				{Name: "conv", Kind: "Convolution", MedianS: 0.02916, P10S: 0.02916, P90S: 0.02916, CV: 0.1},
				{Name: "relu", Kind: "ReLU", FusedInto: "conv"},
			},
		}},
	}
	pp, err := engine.ReadProcessorProfile(strings.NewReader(`
name: example
description: one free factor fitted to one row
target: phone-cpu
framework: {name: caffe-android-lib, cores_busy: 4}
model: scaled
scaled:
  factors:
    conv: {free: true}
  overhead: {value: 1ms, reason: an example}
rows:
  - {fact: P6-openblas, model: alexnet, quantity: compute, role: fit}
`), "example.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := pp.Compile(kp)
	if err != nil {
		fmt.Println(err)
		return
	}
	layers, _ := p.Layers("alexnet")
	for _, l := range layers {
		fmt.Printf("%s: %s\n", l.Name, units.Duration(l.Mean))
	}
	fit := p.Fit()
	for _, prm := range fit.Params {
		if prm.Name == "conv" {
			fmt.Printf("conv factor %s, fitted to %v\n", prm.Text, prm.FittedTo)
		}
	}
	row := fit.Rows[0]
	fmt.Printf("%s: reference %s, simulated %s, error %+.1f%%\n", row.Fact, units.Duration(row.Reference), units.Duration(row.Simulated), 100*row.Error)
	// Output:
	// conv: 1.46 s
	// relu: 0 ns
	// conv factor 49.97, fitted to [P6-openblas]
	// P6-openblas: reference 1.46 s, simulated 1.46 s, error +0.0%
}
