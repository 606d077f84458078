package models

import (
	"strings"
	"testing"
)

func TestKindCostClass(t *testing.T) {
	for _, tc := range []struct {
		kind string
		want CostClass
	}{
		{"Convolution", CostConv},
		{"InnerProduct", CostFC},
		{"Pooling", CostPool},
		{"LRN", CostLRN},
		{"Input", CostNone},
		{"Data", CostNone},
		{"Dropout", CostNone},
		{"ReLU", CostElementwise},
		{"Softmax", CostElementwise},
		{"Concat", CostElementwise},
		{"Eltwise", CostElementwise},
		{"BatchNorm", CostElementwise},
		{"Scale", CostElementwise},
		{"Sigmoid", CostElementwise}, // not implemented
	} {
		if got := KindCostClass(tc.kind); got != tc.want {
			t.Errorf("KindCostClass(%q) = %v, want %v", tc.kind, got, tc.want)
		}
	}
	for _, k := range LayerKinds() {
		if s := KindCostClass(k).String(); s == "CostClass(?)" {
			t.Errorf("kind %s has no class name", k)
		}
	}
}

// TestPricedClasses: the classes that take time, in the order processor
// profiles and fit reports list them, without CostNone.
func TestPricedClasses(t *testing.T) {
	var names []string
	for _, c := range PricedClasses() {
		names = append(names, c.String())
	}
	if got, want := strings.Join(names, " "), "conv depthwise fc pool lrn elementwise"; got != want {
		t.Errorf("PricedClasses = %s, want %s", got, want)
	}
}

// TestLayerClassDepthwise: MobileNet v1's 13 group = num_output
// convolutions are depthwise, its other 15 convolutions are not, and every
// other layer has its kind's class.
func TestLayerClassDepthwise(t *testing.T) {
	net, err := Zoo("mobilenet-v1")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[CostClass]int{}
	for _, l := range net.Layers() {
		counts[l.Class]++
		if l.Kind != "Convolution" && l.Class != KindCostClass(l.Kind) {
			t.Errorf("layer %s (%s): class %v, want %v", l.Name, l.Kind, l.Class, KindCostClass(l.Kind))
		}
	}
	if counts[CostDepthwise] != 13 || counts[CostConv] != 15 {
		t.Errorf("mobilenet-v1: %d depthwise and %d other convolutions, want 13 and 15", counts[CostDepthwise], counts[CostConv])
	}
}
