package caffe

import (
	"errors"
	"fmt"
	"strconv"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// This file upgrades nets in Caffe's deprecated V1 format (NetParameter
// field 2, "layers", of V1LayerParameter), which files written before 2015
// use — the original NIN release, the 2014 BVLC AlexNet and CaffeNet — to
// the current one (field 100, "layer", of LayerParameter), with the
// semantics of Caffe's own upgrade (UpgradeV1Net and its data-transformation
// step), so that a V1 file and its upgrade_net_proto_* conversion read the
// same. Written for this package from the two messages' field numbers.

// netLayersField is the number of NetParameter.layers, the V1 layer list.
const netLayersField = 2

// v1TypeNames maps each V1 layer type to the V2 type string Caffe gives it.
// NONE becomes "", as in Caffe: a layer without a type, which a net
// builder then refuses as it would a V2 layer typed "".
var v1TypeNames = map[V1LayerParameter_LayerType]string{
	V1LayerParameter_NONE:                       "",
	V1LayerParameter_ABSVAL:                     "AbsVal",
	V1LayerParameter_ACCURACY:                   "Accuracy",
	V1LayerParameter_ARGMAX:                     "ArgMax",
	V1LayerParameter_BNLL:                       "BNLL",
	V1LayerParameter_CONCAT:                     "Concat",
	V1LayerParameter_CONTRASTIVE_LOSS:           "ContrastiveLoss",
	V1LayerParameter_CONVOLUTION:                "Convolution",
	V1LayerParameter_DATA:                       "Data",
	V1LayerParameter_DECONVOLUTION:              "Deconvolution",
	V1LayerParameter_DROPOUT:                    "Dropout",
	V1LayerParameter_DUMMY_DATA:                 "DummyData",
	V1LayerParameter_EUCLIDEAN_LOSS:             "EuclideanLoss",
	V1LayerParameter_ELTWISE:                    "Eltwise",
	V1LayerParameter_EXP:                        "Exp",
	V1LayerParameter_FLATTEN:                    "Flatten",
	V1LayerParameter_HDF5_DATA:                  "HDF5Data",
	V1LayerParameter_HDF5_OUTPUT:                "HDF5Output",
	V1LayerParameter_HINGE_LOSS:                 "HingeLoss",
	V1LayerParameter_IM2COL:                     "Im2col",
	V1LayerParameter_IMAGE_DATA:                 "ImageData",
	V1LayerParameter_INFOGAIN_LOSS:              "InfogainLoss",
	V1LayerParameter_INNER_PRODUCT:              "InnerProduct",
	V1LayerParameter_LRN:                        "LRN",
	V1LayerParameter_MEMORY_DATA:                "MemoryData",
	V1LayerParameter_MULTINOMIAL_LOGISTIC_LOSS:  "MultinomialLogisticLoss",
	V1LayerParameter_MVN:                        "MVN",
	V1LayerParameter_POOLING:                    "Pooling",
	V1LayerParameter_POWER:                      "Power",
	V1LayerParameter_RELU:                       "ReLU",
	V1LayerParameter_SIGMOID:                    "Sigmoid",
	V1LayerParameter_SIGMOID_CROSS_ENTROPY_LOSS: "SigmoidCrossEntropyLoss",
	V1LayerParameter_SILENCE:                    "Silence",
	V1LayerParameter_SOFTMAX:                    "Softmax",
	V1LayerParameter_SOFTMAX_LOSS:               "SoftmaxWithLoss",
	V1LayerParameter_SPLIT:                      "Split",
	V1LayerParameter_SLICE:                      "Slice",
	V1LayerParameter_TANH:                       "TanH",
	V1LayerParameter_WINDOW_DATA:                "WindowData",
	V1LayerParameter_THRESHOLD:                  "Threshold",
}

// v1Missing names the fields of Caffe's V1LayerParameter that caffe.proto
// leaves out: the pre-2014 V0 layer, and the parameters of layer types
// this package does not declare. A binary file keeps them as unknown
// fields, which UpgradeV1 refuses rather than drop: the upgraded layer
// would silently lose its parameters.
var v1Missing = map[protowire.Number]string{
	1:  "layer",
	14: "hdf5_output_param",
	16: "infogain_loss_param",
	20: "window_data_param",
	29: "hinge_loss_param",
	34: "mvn_param",
	40: "contrastive_loss_param",
	41: "exp_param",
}

// v1MissingNumber returns the field number of a V1 field named in v1Missing.
func v1MissingNumber(name string) (protowire.Number, bool) {
	for num, n := range v1Missing {
		if n == name {
			return num, true
		}
	}
	return 0, false
}

// v1MissingErr is the error for a V1 layer that sets field num of
// v1Missing.
func v1MissingErr(num protowire.Number) *UnsupportedError {
	if num == 1 {
		return &UnsupportedError{Field: "layer", Feature: "V0 layer definition inside a V1 layer (the pre-2014 format); " +
			"convert the file with Caffe's upgrade_net_proto_text or upgrade_net_proto_binary"}
	}
	return &UnsupportedError{Field: v1Missing[num], Feature: fmt.Sprintf(
		"V1 field %d: parameters of a layer type this package does not declare", num)}
}

// UpgradeV1 converts net from Caffe's deprecated V1 format (the "layers"
// list of V1LayerParameter) to the current one (the "layer" list of
// LayerParameter), as Caffe does when it loads such a file. ParsePrototxt,
// ParsePrototxtLenient and ReadCaffemodel call it, so their results are
// always in the current format; it is exported for nets built or decoded
// by other means. Each V1 layer becomes a LayerParameter with:
//
//   - the same name, bottom, top, include, exclude, loss_weight and blobs,
//     and the same *_param messages (V1 and V2 layers share their types);
//   - type: the enum value's V2 name, e.g. CONVOLUTION → "Convolution",
//     SOFTMAX_LOSS → "SoftmaxWithLoss", TANH → "TanH" (NONE → "");
//   - param[i]: a ParamSpec gathering the i-th param name, blob_share_mode,
//     blobs_lr (as lr_mult) and weight_decay (as decay_mult);
//   - for DATA and IMAGE_DATA layers, the deprecated scale, mean_file,
//     crop_size and mirror of data_param or image_data_param moved into
//     transform_param, Caffe's data-transformation upgrade for V1 nets.
//
// The blobs and parameter messages are moved, not copied, so upgrading a
// 244 MB file needs no second copy of its weights: net.Layers is cleared,
// and the V1LayerParameter values it held must not be used afterwards.
// A net without V1 layers is left as it is.
//
// On error net is unchanged. A *FormatError reports a net with both
// "layer" and "layers" (Caffe then ignores "layer"; here it is an error)
// or a V1 layer with a field of the wrong wire type. An *UnsupportedError
// reports a V1 layer that cannot be upgraded faithfully: one holding a V0
// layer ("layer", the pre-2014 format), one with parameters of a layer
// type this package does not declare (window_data_param, exp_param,
// mvn_param, hdf5_output_param, infogain_loss_param, hinge_loss_param,
// contrastive_loss_param), a type or blob_share_mode value outside Caffe's
// enums, or a field Caffe's V1LayerParameter does not have. Both name the
// layer and field. UpgradeV1 does not otherwise check the result: Validate
// does.
func UpgradeV1(net *NetParameter) error {
	if net == nil {
		return &FormatError{Err: errors.New("nil net")}
	}
	if len(net.Layers) == 0 {
		return nil
	}
	layers, err := upgradeLayers(net)
	if err != nil {
		return err
	}
	net.Layer, net.Layers = layers, nil
	return nil
}

// upgraded returns net itself when it has no V1 layers, and otherwise a new
// net with net's other fields and the upgrade of its V1 layers, all sharing
// net's memory: Validate and WriteCaffemodel use it to check and write a V1
// net as its upgrade without changing the caller's message.
func upgraded(net *NetParameter) (*NetParameter, error) {
	if len(net.GetLayers()) == 0 {
		return net, nil
	}
	layers, err := upgradeLayers(net)
	if err != nil {
		return nil, err
	}
	// Copy the other fields by reflection rather than by name, so that a
	// field added to NetParameter in caffe.proto is not silently lost.
	out := new(NetParameter)
	src, dst := net.ProtoReflect(), out.ProtoReflect()
	src.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Number() != netLayersField {
			dst.Set(fd, v)
		}
		return true
	})
	dst.SetUnknown(src.GetUnknown())
	out.Layer = layers
	return out, nil
}

// upgradeLayers returns the upgrade of net's V1 layers, leaving net as it
// is. Errors name the layer, with the V1 layer's index.
func upgradeLayers(net *NetParameter) ([]*LayerParameter, error) {
	if n := len(net.Layer); n > 0 {
		return nil, &FormatError{Field: "layers", Err: fmt.Errorf(
			"%d V1 layers set together with %d current-format layers (\"layer\"); a net uses one format", len(net.Layers), n)}
	}
	out := make([]*LayerParameter, len(net.Layers))
	for i, v1 := range net.Layers {
		l, err := upgradeLayer(v1)
		if err != nil {
			id := "#" + strconv.Itoa(i)
			if v1.GetName() != "" {
				id = v1.GetName()
			}
			var fe *FormatError
			var ue *UnsupportedError
			switch {
			case errors.As(err, &fe):
				fe.Layer, fe.idx = id, i+1
			case errors.As(err, &ue):
				ue.Layer, ue.idx = id, i+1
			}
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

// upgradeLayer converts one V1 layer. The result shares v1's slices and
// messages, except the data_param, image_data_param and transform_param
// that the data-transformation step changes, which are copies: v1 itself
// is never modified.
func upgradeLayer(v1 *V1LayerParameter) (*LayerParameter, error) {
	if v1 == nil {
		return nil, &FormatError{Err: errors.New("nil layer")}
	}
	if err := v1Unknown(v1); err != nil {
		return nil, err
	}
	l := &LayerParameter{
		Name:       v1.Name,
		Bottom:     v1.Bottom,
		Top:        v1.Top,
		Include:    v1.Include,
		Exclude:    v1.Exclude,
		LossWeight: v1.LossWeight,
		Blobs:      v1.Blobs,

		TransformParam:    v1.TransformParam,
		LossParam:         v1.LossParam,
		AccuracyParam:     v1.AccuracyParam,
		ArgmaxParam:       v1.ArgmaxParam,
		ConcatParam:       v1.ConcatParam,
		ConvolutionParam:  v1.ConvolutionParam,
		DataParam:         v1.DataParam,
		DropoutParam:      v1.DropoutParam,
		DummyDataParam:    v1.DummyDataParam,
		EltwiseParam:      v1.EltwiseParam,
		Hdf5DataParam:     v1.Hdf5DataParam,
		ImageDataParam:    v1.ImageDataParam,
		InnerProductParam: v1.InnerProductParam,
		LrnParam:          v1.LrnParam,
		MemoryDataParam:   v1.MemoryDataParam,
		PoolingParam:      v1.PoolingParam,
		PowerParam:        v1.PowerParam,
		ReluParam:         v1.ReluParam,
		SigmoidParam:      v1.SigmoidParam,
		SoftmaxParam:      v1.SoftmaxParam,
		SliceParam:        v1.SliceParam,
		TanhParam:         v1.TanhParam,
		ThresholdParam:    v1.ThresholdParam,
	}
	if v1.Type != nil {
		name, ok := v1TypeNames[*v1.Type]
		if !ok {
			return nil, &UnsupportedError{Field: "type", Feature: fmt.Sprintf(
				"V1 layer type %d, not a value of Caffe's V1 LayerType enum", int32(*v1.Type))}
		}
		l.Type = proto.String(name)
	}
	var err error
	if l.Param, err = v1Params(v1); err != nil {
		return nil, err
	}
	upgradeTransform(l, v1.GetType())
	return l, nil
}

// v1Params gathers the V1 layer's per-blob settings, four parallel lists
// of possibly different lengths, into ParamSpecs as Caffe does: param[i]
// has the fields of index i of whichever lists are that long.
func v1Params(v1 *V1LayerParameter) ([]*ParamSpec, error) {
	n := max(len(v1.Param), len(v1.BlobShareMode), len(v1.BlobsLr), len(v1.WeightDecay))
	if n == 0 {
		return nil, nil
	}
	ps := make([]*ParamSpec, n)
	for i := range ps {
		ps[i] = &ParamSpec{}
	}
	for i, name := range v1.Param {
		ps[i].Name = proto.String(name)
	}
	for i, m := range v1.BlobShareMode {
		switch m {
		case V1LayerParameter_STRICT:
			ps[i].ShareMode = ParamSpec_STRICT.Enum()
		case V1LayerParameter_PERMISSIVE:
			ps[i].ShareMode = ParamSpec_PERMISSIVE.Enum()
		default:
			return nil, &UnsupportedError{Field: "blob_share_mode[" + strconv.Itoa(i) + "]", Feature: fmt.Sprintf(
				"value %d, not a value of Caffe's DimCheckMode enum", int32(m))}
		}
	}
	for i, v := range v1.BlobsLr {
		ps[i].LrMult = proto.Float32(v)
	}
	for i, v := range v1.WeightDecay {
		ps[i].DecayMult = proto.Float32(v)
	}
	return ps, nil
}

// legacyTransform names the fields that DataParameter and
// ImageDataParameter carried before TransformationParameter existed; the
// three messages give them the same names and types.
var legacyTransform = []protoreflect.Name{"scale", "mean_file", "crop_size", "mirror"}

// upgradeTransform moves the legacy transformation fields of a DATA or
// IMAGE_DATA layer's parameters into its transform_param, overriding what
// transform_param says, as Caffe's UpgradeNetDataTransformation does for
// V1 nets. The messages it changes are copies.
func upgradeTransform(l *LayerParameter, t V1LayerParameter_LayerType) {
	switch t {
	case V1LayerParameter_DATA:
		if p := l.DataParam; p != nil && hasLegacyTransform(p) {
			p = proto.Clone(p).(*DataParameter)
			l.TransformParam = moveTransform(p, l.TransformParam)
			l.DataParam = p
		}
	case V1LayerParameter_IMAGE_DATA:
		if p := l.ImageDataParam; p != nil && hasLegacyTransform(p) {
			p = proto.Clone(p).(*ImageDataParameter)
			l.TransformParam = moveTransform(p, l.TransformParam)
			l.ImageDataParam = p
		}
	}
}

func hasLegacyTransform(p proto.Message) bool {
	m := p.ProtoReflect()
	for _, name := range legacyTransform {
		if m.Has(m.Descriptor().Fields().ByName(name)) {
			return true
		}
	}
	return false
}

// moveTransform clears the legacy transformation fields of p and returns a
// copy of tp (or a new message) with their values.
func moveTransform(p proto.Message, tp *TransformationParameter) *TransformationParameter {
	if tp == nil {
		tp = new(TransformationParameter)
	} else {
		tp = proto.Clone(tp).(*TransformationParameter)
	}
	src, dst := p.ProtoReflect(), tp.ProtoReflect()
	for _, name := range legacyTransform {
		fd := src.Descriptor().Fields().ByName(name)
		if src.Has(fd) {
			dst.Set(dst.Descriptor().Fields().ByName(name), src.Get(fd))
			src.Clear(fd)
		}
	}
	return tp
}

// v1Unknown checks the fields of a V1 layer that decoding could not place:
// fields caffe.proto leaves out (v1Missing), enum values outside Caffe's
// enums, declared fields of the wrong wire type (corruption) and fields
// Caffe's V1LayerParameter does not have. Any of them is an error, since
// the V2 layer has no field to keep them in under the same number.
func v1Unknown(v1 *V1LayerParameter) error {
	m := v1.ProtoReflect()
	b := m.GetUnknown()
	fields := m.Descriptor().Fields()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return &FormatError{Err: errors.New("malformed unknown fields")}
		}
		k := protowire.ConsumeFieldValue(num, typ, b[n:])
		if k < 0 {
			return &FormatError{Err: errors.New("malformed unknown fields")}
		}
		val := b[n : n+k]
		b = b[n+k:]
		if _, ok := v1Missing[num]; ok {
			return v1MissingErr(num)
		}
		fd := fields.ByNumber(num)
		if fd == nil {
			return &UnsupportedError{Feature: fmt.Sprintf(
				"V1 layer field %d, not in Caffe's V1LayerParameter (written by a fork of Caffe?)", num)}
		}
		// The protobuf spec has a value outside a closed (proto2) enum
		// kept as an unknown field. protobuf-go 1.36 stores it in the
		// field instead, where upgradeLayer and v1Params refuse it; this
		// catches the other behaviour, with the same error.
		if fd.Kind() == protoreflect.EnumKind {
			if v, ok := firstUnknownEnum(fd, typ, val); ok {
				return &UnsupportedError{Field: string(fd.Name()), Feature: fmt.Sprintf(
					"value %d, not a value of Caffe's %s enum", v, fd.Enum().Name())}
			}
		}
		return &FormatError{Field: string(fd.Name()), Err: fmt.Errorf(
			"wire type %d does not match the field's type (file corrupted?)", typ)}
	}
	return nil
}

// firstUnknownEnum returns the first value outside fd's enum in an unknown
// field's value, given as a varint or, for a list, as packed varints.
func firstUnknownEnum(fd protoreflect.FieldDescriptor, typ protowire.Type, val []byte) (int32, bool) {
	var vals []byte
	switch {
	case typ == protowire.VarintType:
		vals = val
	case typ == protowire.BytesType && fd.IsList():
		v, n := protowire.ConsumeBytes(val)
		if n < 0 {
			return 0, false
		}
		vals = v
	default:
		return 0, false
	}
	for len(vals) > 0 {
		v, n := protowire.ConsumeVarint(vals)
		if n < 0 {
			return 0, false
		}
		vals = vals[n:]
		if fd.Enum().Values().ByNumber(protoreflect.EnumNumber(int32(v))) == nil {
			return int32(v), true
		}
	}
	return 0, false
}
