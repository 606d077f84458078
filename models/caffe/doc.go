// Package caffe reads and writes Caffe's file formats: net definitions in
// protobuf text format (.prototxt) and trained nets in binary protobuf
// (.caffemodel), with google.golang.org/protobuf and no cgo.
//
// # Overview
//
// A Caffe net is a NetParameter message: a name, optional legacy input
// declarations, and a list of LayerParameter, each with a type ("Convolution",
// "Pooling", ...), the names of its bottom (input) and top (output) blobs,
// its type-specific parameters (convolution_param, pooling_param, ...) and,
// in a .caffemodel, its learned parameters as BlobProto values. The Go types
// are generated from caffe.proto, a subset of Caffe's schema written for
// this package that keeps Caffe's message and field names, numbers, types,
// defaults and enum values, so that real files parse.
//
// The package only reads, checks and writes files; building and running a
// net is the job of package models. Reading a .prototxt never needs the
// weights file.
//
// # Usage
//
//	f, err := os.Open("deploy.prototxt")
//	...
//	net, err := caffe.ParsePrototxt(f, "deploy.prototxt")
//	for _, l := range net.GetLayer() {
//		if l.GetType() == "Convolution" {
//			g, err := caffe.ConvGeometry(l.GetConvolutionParam()) // g.KernelH, g.StrideH, …
//			...
//		}
//	}
//
//	w, err := os.Open("bvlc_alexnet.caffemodel")
//	...
//	weights, err := caffe.ReadCaffemodel(w, "bvlc_alexnet.caffemodel")
//	conv1 := weights.GetLayer()[1].GetBlobs()[0] // Shape(conv1) is [96 3 11 11]
//
// Defaults are read with the generated getters: GetGroup() is 1 and
// GetBiasTerm() is true when the file does not set them, as in Caffe. A
// field's presence is a non-nil pointer (p.KernelH != nil).
//
// Errors are a *FormatError (malformed input) or an *UnsupportedError
// (valid Caffe this package does not handle), both with messages like
//
//	caffe: alexnet.prototxt:12:3: layer "conv1": convolution_param.kernel_size: not set
//	caffe: old.caffemodel: layer "conv1": layer: unsupported: V0 layer definition inside a V1 layer (...)
//
// Use errors.As to get at the file, line, layer and field. ParsePrototxt
// is strict (an unknown field is an error naming it);
// ParsePrototxtLenient drops unknown fields instead.
//
// ReadCaffemodel decodes a file or other sized reader as it reads it,
// holding one copy of the weights (AlexNet: 244 MB allocated and a peak
// RSS 244 MB above the start for its 244 MB file, against twice that for
// proto.Unmarshal of the whole file);
// WriteCaffemodel encodes as it writes, without a second copy. Both produce
// exactly what protobuf-go produces (proto.Unmarshal, and proto.Marshal
// with Deterministic set), which the tests and fuzzers check byte for byte.
//
// # Invariants
//
//   - A net returned by ParsePrototxt, ParsePrototxtLenient or ReadCaffemodel
//     is in the V2 format (V1 input is upgraded) and passes Validate: in particular every blob holds exactly the values its
//     shape calls for, and ConvGeometry and PoolGeometry succeed (up to N-D
//     convolution) for its Convolution and Pooling layers.
//   - A net returned by ReadCaffemodel has the blobs Caffe expects for each
//     layer with learned parameters, of shapes matching its parameters.
//   - WriteCaffemodel is deterministic: equal nets give identical bytes, and
//     ReadCaffemodel followed by WriteCaffemodel reproduces a file written by
//     WriteCaffemodel bit for bit.
//   - WritePrototxt is deterministic, and ParsePrototxt reads its output back
//     to a message equal (proto.Equal) to the one written (to its upgrade,
//     for a net still in the V1 format). WriteCaffemodel always writes V2.
//   - No input makes a reader panic, and none makes it allocate much more
//     than the input's size (FuzzParsePrototxt, FuzzReadCaffemodel). Inputs
//     over MaxPrototxtBytes or MaxCaffemodelBytes are refused.
//   - A truncated or corrupted .caffemodel gives a *FormatError unless the
//     damage leaves a valid file: a cut exactly between two layers (a
//     shorter net: compare its layer names with the net definition) or
//     changed bytes inside float data (other weights). Everything else —
//     a cut inside a layer, a broken length or tag, a blob whose data does
//     not fill its shape, a layer missing a blob — is detected.
//
// # Determinism
//
// The readers and writers have no state and no randomness: the same input
// gives the same result and the same error message. (protobuf-go varies
// its own text output and error prefixes from build to build on purpose;
// this package writes text with its own printer and reports errors with
// its own messages for that reason.)
//
// # What is supported
//
// The schema covers NetParameter (name, input, input_shape, input_dim,
// force_backward, state, debug_info, layer, and the V1 layers),
// V1LayerParameter (all but the fields listed under "Not supported"),
// NetState, NetStateRule, ParamSpec, BlobShape, BlobProto (shape, data, diff, double_data,
// double_diff and the legacy num/channels/height/width), FillerParameter,
// TransformationParameter (without the data-augmentation extensions of
// forks), LossParameter, and the parameters of these layers: Accuracy,
// ArgMax, BatchNorm, Bias, Concat, Convolution (and Deconvolution), Crop,
// Data, Dropout, DummyData, Eltwise, ELU, Flatten, HDF5Data, ImageData,
// InnerProduct, Input, LRN, MemoryData, Pooling (with round_mode), Power,
// PReLU, Python, ReLU, Reshape, Scale, Sigmoid, Slice, Softmax, TanH,
// Threshold. That is enough for the deploy and train_val files of AlexNet,
// CaffeNet, NIN, SqueezeNet v1.0/v1.1, GoogLeNet and MobileNet.
//
// The deprecated V1 format (NetParameter.layers, field 2, of
// V1LayerParameter with enum types such as CONVOLUTION), used by files
// written before 2015 — the original NIN ImageNet release, the 2014
// bvlc_alexnet.caffemodel and bvlc_reference_caffenet.caffemodel — is read
// too: both readers upgrade it to the V2 format as Caffe does (UpgradeV1),
// moving the weights rather than copying them.
//
// Not supported:
//
//   - The V0 format (a V0LayerParameter, field "layer", inside each V1
//     layer), used by files written before 2014: both readers return an
//     *UnsupportedError. Caffe's upgrade_net_proto_text and
//     upgrade_net_proto_binary tools convert such files.
//   - V1 layers with the parameters of a layer type whose parameters this
//     package does not declare (window_data_param, exp_param, mvn_param,
//     hdf5_output_param, infogain_loss_param, hinge_loss_param,
//     contrastive_loss_param): an *UnsupportedError, as the upgraded layer
//     would lose them. A net with both "layer" and "layers" is a
//     *FormatError (Caffe ignores the "layer" list then).
//   - Parameters of other layer types (ContrastiveLoss, Embed, Exp, HDF5Output,
//     HingeLoss, InfogainLoss, Log, MVN, Parameter, Recurrent, Reduction, SPP,
//     Tile, WindowData) and fields added by forks (SSD, Faster R-CNN, ...).
//     ParsePrototxt reports them as unknown fields; ParsePrototxtLenient drops
//     them; ReadCaffemodel keeps them, unnamed, inside their layer.
//   - SolverParameter, SolverState, Datum and the other messages of Caffe's
//     schema that are not part of a net.
//
// # Regenerating caffe.pb.go
//
// caffe.pb.go is generated from caffe.proto and committed, so building and
// testing need no protobuf compiler. After editing caffe.proto, run
//
//	apt-get install -y protobuf-compiler   # protoc 3.21 on Debian 12
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	go generate ./models/caffe
//
// and commit both files. Field numbers, names, types and defaults must stay
// those of Caffe's caffe.proto.
//
// # Testing
//
//	go test ./models/caffe
//	go test -run '^$' -fuzz FuzzReadCaffemodel -fuzztime 90s -fuzzminimizetime 200x ./models/caffe
//	go test -run '^$' -fuzz FuzzParsePrototxt -fuzztime 90s -fuzzminimizetime 200x ./models/caffe
//	go test -run '^$' -bench Caffemodel -caffe.big ./models/caffe    # full-size AlexNet too
//	go test -run PeakMemory -v -caffe.big ./models/caffe             # peak memory of a 244 MB read
//
// Without -fuzzminimizetime the fuzzer can spend a minute minimizing each
// new input and look stalled.
package caffe

//go:generate protoc --go_out=. --go_opt=paths=source_relative caffe.proto
