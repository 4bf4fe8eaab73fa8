package onnxexport

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"gorgonia.org/tensor"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// ErrBadONNX wraps every failure to read weights from an ONNX file.
var ErrBadONNX = errors.New("onnxexport: not a HIWL ONNX file")

// Tensor is one float32 initializer of an ONNX graph.
type Tensor struct {
	Dims []int
	Data []float32
}

// File is what Read takes from an ONNX file: the float32 initializers by
// name and the dimensions of the graph inputs. It is Marshal's inverse,
// for the trainer's own files: crossruntime runs their weights in gorgonia,
// and training starts from them (-init-from).
type File struct {
	Initializers map[string]Tensor
	Inputs       map[string][]int
	Metadata     map[string]string // metadata_props
}

// Field numbers of onnx.proto used below. onnx-go's generated types are in
// an internal package, and a second generated copy would clash with them in
// the protobuf registry, so the few fields needed are read with protowire.
const (
	modelGraph       = 7
	graphInitializer = 5
	graphInput       = 11
	tensorDims       = 1
	tensorDataType   = 2
	tensorFloatData  = 4
	tensorName       = 8
	tensorRawData    = 9
	valueName        = 1
	valueType        = 2
	typeTensor       = 1
	tensorTypeShape  = 2
	shapeDim         = 1
	dimValue         = 1
	onnxFloat        = 1
)

// maxValues bounds one initializer (a HIWL network has well under a
// million parameters); a bigger claim is a corrupt or foreign file.
const maxValues = 1 << 26

// field is one protobuf field: v is the payload of a length-delimited
// field, n the value of a varint or fixed32 one.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   []byte
	n   uint64
}

// fields splits a protobuf message into its fields, in order.
func fields(b []byte) ([]field, error) {
	var out []field
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.n, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.n = uint64(v)
		case protowire.Fixed64Type:
			f.n, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		b = b[n:]
		out = append(out, f)
	}
	return out, nil
}

// Read reads the initializers and input shapes of an ONNX model.
func Read(data []byte) (*File, error) {
	top, err := fields(data)
	if err != nil {
		return nil, fmt.Errorf("%w: model: %v", ErrBadONNX, err)
	}
	md, err := model.ReadMetadata(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadONNX, err)
	}
	g := &File{Initializers: map[string]Tensor{}, Inputs: map[string][]int{}, Metadata: md.Props}
	found := false
	for _, f := range top {
		if f.num != modelGraph || f.typ != protowire.BytesType {
			continue
		}
		found = true
		gf, err := fields(f.v)
		if err != nil {
			return nil, fmt.Errorf("%w: graph: %v", ErrBadONNX, err)
		}
		for _, f := range gf {
			if f.typ != protowire.BytesType {
				continue
			}
			switch f.num {
			case graphInitializer:
				name, t, err := readTensor(f.v)
				if err != nil {
					return nil, fmt.Errorf("%w: initializer %q: %v", ErrBadONNX, name, err)
				}
				g.Initializers[name] = t
			case graphInput:
				name, dims, err := readValueInfo(f.v)
				if err != nil {
					return nil, fmt.Errorf("%w: input %q: %v", ErrBadONNX, name, err)
				}
				g.Inputs[name] = dims
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: no graph", ErrBadONNX)
	}
	return g, nil
}

func readTensor(b []byte) (string, Tensor, error) {
	fs, err := fields(b)
	if err != nil {
		return "", Tensor{}, err
	}
	var (
		name  string
		t     Tensor
		dtype uint64
		raw   []byte
		hasRw bool
	)
	for _, f := range fs {
		switch {
		case f.num == tensorName && f.typ == protowire.BytesType:
			name = string(f.v)
		case f.num == tensorDataType && f.typ == protowire.VarintType:
			dtype = f.n
		case f.num == tensorDims && f.typ == protowire.VarintType:
			t.Dims = append(t.Dims, int(int64(f.n)))
		case f.num == tensorDims && f.typ == protowire.BytesType: // packed
			for v := f.v; len(v) > 0; {
				d, n := protowire.ConsumeVarint(v)
				if n < 0 {
					return name, t, protowire.ParseError(n)
				}
				t.Dims = append(t.Dims, int(int64(d)))
				v = v[n:]
			}
		case f.num == tensorRawData && f.typ == protowire.BytesType:
			raw, hasRw = f.v, true
		case f.num == tensorFloatData && f.typ == protowire.Fixed32Type:
			t.Data = append(t.Data, math.Float32frombits(uint32(f.n)))
		case f.num == tensorFloatData && f.typ == protowire.BytesType: // packed
			if len(f.v)%4 != 0 {
				return name, t, fmt.Errorf("float_data of %d bytes", len(f.v))
			}
			t.Data = append(t.Data, floats(f.v)...)
		}
	}
	if dtype != onnxFloat {
		return name, t, fmt.Errorf("data type %d, want float32", dtype)
	}
	want := 1
	for _, d := range t.Dims {
		if d < 0 || d > maxValues || want*d > maxValues {
			return name, t, fmt.Errorf("dims %v out of range", t.Dims)
		}
		want *= d
	}
	if hasRw {
		if len(raw)%4 != 0 {
			return name, t, fmt.Errorf("raw_data of %d bytes", len(raw))
		}
		t.Data = floats(raw)
	}
	if len(t.Data) != want {
		return name, t, fmt.Errorf("%d values for dims %v", len(t.Data), t.Dims)
	}
	return name, t, nil
}

// floats decodes little-endian float32s (ONNX raw_data is little-endian
// whatever the host).
func floats(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		v, _ := protowire.ConsumeFixed32(b[4*i:])
		out[i] = math.Float32frombits(v)
	}
	return out
}

func readValueInfo(b []byte) (string, []int, error) {
	fs, err := fields(b)
	if err != nil {
		return "", nil, err
	}
	var name string
	var dims []int
	for _, f := range fs {
		if f.typ != protowire.BytesType {
			continue
		}
		switch f.num {
		case valueName:
			name = string(f.v)
		case valueType:
			// TypeProto.tensor_type.shape.dim[].dim_value
			if dims, err = shapeOf(f.v); err != nil {
				return name, nil, err
			}
		}
	}
	return name, dims, nil
}

func shapeOf(typeProto []byte) ([]int, error) {
	tt, err := sub(typeProto, typeTensor)
	if err != nil || tt == nil {
		return nil, err
	}
	shape, err := sub(tt, tensorTypeShape)
	if err != nil || shape == nil {
		return nil, err
	}
	fs, err := fields(shape)
	if err != nil {
		return nil, err
	}
	var dims []int
	for _, f := range fs {
		if f.num != shapeDim || f.typ != protowire.BytesType {
			continue
		}
		df, err := fields(f.v)
		if err != nil {
			return nil, err
		}
		d := -1 // a symbolic dimension (dim_param)
		for _, g := range df {
			if g.num == dimValue && g.typ == protowire.VarintType {
				d = int(int64(g.n))
			}
		}
		dims = append(dims, d)
	}
	return dims, nil
}

// sub returns the payload of the first length-delimited field num, or nil.
func sub(b []byte, num protowire.Number) ([]byte, error) {
	fs, err := fields(b)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if f.num == num && f.typ == protowire.BytesType {
			return f.v, nil
		}
	}
	return nil, nil
}

// Networks turns the initializers of an exported HIWL model back into the
// trainer's parameters and architectures of networks A and B. Each
// architecture is inferred from the file: the input side from the graph
// input, the network's three widths from its convolution weights (the names
// and shapes trainer/onnxexport writes; B's may differ from A's), or from
// the architecture's spec in the metadata, which files carry since the
// MBConv backbone (hiwl.arch.a, hiwl.arch.b). Every
// parameter hiwlnet expects must be there with its shape, and no other one:
// a file that does not describe exactly a HIWL network is refused rather
// than half-read.
func (g *File) Networks() (archA, archB hiwlnet.Arch, a, b hiwlnet.Params, err error) {
	in := g.Inputs[model.InputName]
	if len(in) != 4 || in[0] != 1 || in[1] != 3 || in[2] != in[3] || in[2] <= 0 {
		return archA, archB, nil, nil, fmt.Errorf("%w: input %q has shape %v, want [1 3 S S]", ErrBadONNX, model.InputName, in)
	}
	if archA, a, err = g.network(in[2], "a", model.NumA); err != nil {
		return archA, archB, nil, nil, err
	}
	if archB, b, err = g.network(in[2], "b", model.NumB); err != nil {
		return archA, archB, nil, nil, err
	}
	return archA, archB, a, b, nil
}

// network infers one network's architecture from its convolution weights
// and reads its parameters.
func (g *File) network(input int, prefix string, classes int) (hiwlnet.Arch, hiwlnet.Params, error) {
	if spec, ok := g.Metadata["hiwl.arch."+prefix]; ok {
		arch, err := hiwlnet.ParseArch(spec)
		if err != nil {
			return arch, nil, fmt.Errorf("%w: network %s: %v", ErrBadONNX, prefix, err)
		}
		if arch.Input != input {
			return arch, nil, fmt.Errorf("%w: network %s: spec %q takes %d pixels, the graph input %d", ErrBadONNX, prefix, spec, arch.Input, input)
		}
		p, err := g.params(arch, prefix, classes)
		return arch, p, err
	}
	width := func(conv string) int {
		if t, ok := g.Initializers[prefix+"."+conv+".w"]; ok && len(t.Dims) == 4 {
			return t.Dims[0]
		}
		return 0
	}
	arch := hiwlnet.NewArch(input, width("conv1"), width("conv2"), width("conv3"))
	if err := arch.Validate(); err != nil {
		return arch, nil, fmt.Errorf("%w: network %s: %v", ErrBadONNX, prefix, err)
	}
	for _, c := range arch.Convs() {
		if c.Out <= 0 {
			return arch, nil, fmt.Errorf("%w: no weights for %s.%s", ErrBadONNX, prefix, c.Name)
		}
	}
	p, err := g.params(arch, prefix, classes)
	return arch, p, err
}

// params collects one network's parameters, using hiwlnet.NewParams as the
// list of names and shapes.
func (g *File) params(arch hiwlnet.Arch, prefix string, classes int) (hiwlnet.Params, error) {
	want := hiwlnet.NewParams(arch, classes, 0)
	p := make(hiwlnet.Params, len(want))
	for name, shape := range want {
		t, ok := g.Initializers[prefix+"."+name]
		if !ok {
			return nil, fmt.Errorf("%w: no initializer %s.%s", ErrBadONNX, prefix, name)
		}
		dims := shape.Shape()
		if !slices.Equal(t.Dims, []int(dims)) {
			return nil, fmt.Errorf("%w: %s.%s has shape %v, want %v", ErrBadONNX, prefix, name, t.Dims, []int(dims))
		}
		data := append([]float32(nil), t.Data...)
		p[name] = tensor.New(tensor.WithShape(dims...), tensor.WithBacking(data))
	}
	n := 0
	for name := range g.Initializers {
		if strings.HasPrefix(name, prefix+".") {
			n++
		}
	}
	if n != len(want) {
		return nil, fmt.Errorf("%w: network %s has %d initializers, a HIWL network has %d", ErrBadONNX, prefix, n, len(want))
	}
	return p, nil
}
