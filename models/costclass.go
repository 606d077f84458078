package models

// CostClass is the kind of work a layer does, the unit in which device
// models price layers (devices/engine's scaled and roofline models give
// each class its own speed factor or kernel). Each layer kind reports its
// class where it registers itself (conv.go, pool.go, …); a Convolution
// whose group equals its num_output (> 1) is CostDepthwise.
type CostClass uint8

// The cost classes. CostNone is work-free at inference (the input, and
// Dropout, the identity at test time).
const (
	CostElementwise CostClass = iota // ReLU, Softmax, Eltwise, Concat, BatchNorm, Scale, and any kind not registered
	CostNone                         // Input, Dropout: no work at inference
	CostConv                         // Convolution (not depthwise)
	CostDepthwise                    // Convolution with group = num_output > 1
	CostFC                           // InnerProduct
	CostPool                         // Pooling
	CostLRN                          // LRN
)

var costClassNames = [...]string{
	CostElementwise: "elementwise",
	CostNone:        "none",
	CostConv:        "conv",
	CostDepthwise:   "depthwise",
	CostFC:          "fc",
	CostPool:        "pool",
	CostLRN:         "lrn",
}

// String returns the class's name as profiles spell it: "conv",
// "depthwise", "fc", "pool", "lrn", "elementwise" or "none".
func (c CostClass) String() string {
	if int(c) < len(costClassNames) {
		return costClassNames[c]
	}
	return "CostClass(?)"
}

// pricedClasses are the classes that take time, in the order profiles
// and fit reports list them.
var pricedClasses = []CostClass{CostConv, CostDepthwise, CostFC, CostPool, CostLRN, CostElementwise}

// PricedClasses returns the classes a device model gives a speed: every
// class but CostNone, in the order conv, depthwise, fc, pool, lrn,
// elementwise (the order profiles and fit reports use).
func PricedClasses() []CostClass { return append([]CostClass(nil), pricedClasses...) }

// noWorkKinds are Caffe input layers this package does not build but a
// hand-written kernel profile may name; like Input they cost nothing.
var noWorkKinds = map[string]bool{"Data": true}

// KindCostClass returns the cost class of a Caffe layer type: the class its
// kind registered, CostNone for Caffe's Data layer, CostElementwise for
// types this package does not implement. A Convolution is CostConv here;
// only a built layer (LayerInfo.Class) knows whether it is depthwise.
func KindCostClass(kind string) CostClass {
	if k, ok := registry[kind]; ok {
		return k.class
	}
	if noWorkKinds[kind] {
		return CostNone
	}
	return CostElementwise
}

// classer is implemented by ops whose class depends on their parameters
// (a depthwise Convolution); other ops take their kind's class.
type classer interface {
	costClass() CostClass
}
