// Package models holds infersim's convolutional networks: their graphs
// (layers, shapes, FLOPs, parameter and activation bytes), the built-in
// model zoo, Caffe model files, a native Go executor that runs them fast
// on the CPU, and the calibration that times each layer on this machine
// to produce the kernel profile the simulator's processor models use.
//
// # Overview
//
// A Net is a directed acyclic graph of layers over named blobs with
// Caffe's semantics, read from a .prototxt (LoadPrototxt) or taken from the
// zoo (Zoo: AlexNet, NIN, SqueezeNet v1.0 and v1.1, MobileNet v1, written
// for infersim as .prototxt files from the published architectures).
// Reading the structure never needs weights: Layers, FLOPs, Params,
// WeightFileBytes, PeakActivationBytes and SplitPoints all come from the
// .prototxt alone. WithWeights adds the weights of a Caffe .caffemodel;
// WithSeededWeights adds deterministic He-initialised ones, which give
// faithful timings and meaningless class scores.
//
// An Executor runs a weighted Net: float32, NCHW, batch as declared by the
// net's input. Each layer kind lives in its own file (conv.go, fc.go,
// pool.go, lrn.go, relu.go, softmax.go, concat.go, dropout.go,
// batchnorm.go, scale.go, eltwise.go, input.go), registers itself under its
// Caffe type name, and has a fast kernel and a naive reference kernel:
//
//   - Convolution: a packed SIMD GEMM (models/internal/gemm) whose packed
//     blocks of the im2col matrix are gathered straight from the input by
//     the GEMM worker that uses them (the matrix is never stored); a
//     1×1, stride-1, unpadded convolution is a plain GEMM on the input;
//     on a 1×1 map it is a matrix-vector product; grouped convolution runs
//     one GEMM per group; depthwise convolution (group = channels) runs a
//     direct kernel (3×3 with stride 1 or 2 and padding 0 or 1: AVX2+FMA
//     row kernels over zero-bordered rows, depthwise.go). A following ReLU
//     runs in the depthwise kernel or the GEMM's epilogue; a following
//     BatchNorm and Scale are folded into the weights and bias at load.
//   - InnerProduct: a matrix-vector product at batch 1 (bandwidth bound).
//   - Pooling: MAX and AVE with Caffe's ceil rounding, clipping and AVE
//     divisor; global pooling. LRN across channels with a sliding window
//     sum of squares and an exact square-root path for β = 0.75.
//   - Concat: producers write straight into the output when possible.
//
// Conventions for counts: FLOPs are 2 × the multiply-adds of convolution
// and inner-product layers (bias additions excluded), the convention of
// published counts (AlexNet 1.449 GFLOP). Every other arithmetic operation
// is counted in LayerInfo.Ops: bias additions, one compare or add per
// pooling window element, 2n + 4 per LRN element, one per ReLU element, 4
// per softmax element, 2 per BatchNorm or Scale element. Params counts
// every element of every weight blob, BatchNorm statistics included; bytes
// are float32.
//
// # Usage
//
//	net, err := models.Zoo("squeezenet-v1.1")     // structure only, cached
//	fmt.Println(net.FLOPs(), net.Params())         // 775495040 1235496
//	net = net.WithSeededWeights(1)                 // or net.WithWeights(f, "x.caffemodel")
//	ex := models.NewExecutor(net, 2)               // 2 threads
//	defer ex.Close()
//	probs, err := ex.Forward(models.Preprocess(img, net))
//	top5 := models.TopK(probs, 5)
//
// Calibrate (and the "infersim calibrate" command) writes a Profile; the
// embedded DefaultProfile was measured on a 2-vCPU AMD EPYC (Zen 4).
//
// # Invariants
//
//   - A Net is immutable after it is built; WithWeights and
//     WithSeededWeights return new Nets. Any number of Executors may share
//     one Net. An Executor belongs to one goroutine.
//   - After its first call, Executor.Forward allocates nothing (tested with
//     testing.AllocsPerRun); its result is the executor's own memory, valid
//     until the next call.
//   - Every value (blob version) lives in one arena planned at build time:
//     values alive at the same time never overlap (TestMemoryPlan); the
//     arena's size is PeakActivationBytes.
//   - Every fast kernel agrees with its naive reference within a stated
//     tolerance (TestConvKernels, TestPoolKernels, TestLRNKernels, TestVec),
//     and the whole fast executor agrees with the whole naive reference
//     (TestNetReference).
//   - A fused layer (FusedInto set) keeps its row in Layers and in profiles,
//     with zero time: its cost is in the row of the layer that absorbed it.
//   - WriteCaffemodel writes exactly WeightFileBytes bytes, and WithWeights
//     reads them back bit for bit.
//   - Errors are prefixed "models: " and name the file, layer and field;
//     *FormatError means malformed input, *UnsupportedError valid input this
//     package does not implement (e.g. V0 layers inside a pre-2014 file's
//     V1 layers, WITHIN_CHANNEL LRN, STOCHASTIC pooling). No input makes the
//     package panic.
//
// # Determinism
//
// The executor's results do not depend on scheduling: work is handed to
// threads in units (rows, channels, blocks) whose outputs are computed the
// same way whichever thread runs them, so a given thread count gives
// bit-identical outputs run after run (TestSeededDeterministic). Different thread counts may differ in the last
// bits (the GEMM splits its sums differently). WithSeededWeights depends only
// on the seed and each layer's name. Timings, of course, vary: Calibrate
// reports their spread.
package models
