package engine_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/model/engine"
	"github.com/owulveryck/onnx-go"
	"github.com/owulveryck/onnx-go/backend/testbackend"
	_ "github.com/owulveryck/onnx-go/backend/testbackend/onnx" // registers ONNX's node tests
	"google.golang.org/protobuf/encoding/protowire"
)

// These tests hold hiwl's copy of onnx-go (third_party/onnx-go/HIWL.md),
// whose internal/onnx/ir decodes ONNX's protobuf messages by hand.
// TestONNXConformance decodes ONNX's node test models through it too.

// decodeOnly decodes a serialised ModelProto with the copy's decoder and
// nothing else: testbackend's Dump is onnx-go's one exported way to it
// that builds no graph (a graph built from mutated bytes may panic in
// onnx-go itself, which model.Load recovers from).
func decodeOnly(b []byte) error {
	return (&testbackend.TestCase{ModelB: b}).Dump(io.Discard)
}

// nodeTestModels are the serialised models of ONNX's node tests that
// onnx-go ships, in a fixed order.
func nodeTestModels() [][]byte {
	var titles []string
	byTitle := map[string][]byte{}
	for _, mk := range testbackend.GetAllRegisteredTests() {
		tc := mk()
		titles = append(titles, tc.Title)
		byTitle[tc.Title] = tc.ModelB
	}
	slices.Sort(titles)
	var out [][]byte
	for _, t := range slices.Compact(titles) {
		out = append(out, byTitle[t])
	}
	return out
}

// graphExtent is where field 7 (ModelProto.graph) lies in a model: from
// its tag to the end of its value.
func graphExtent(t *testing.T, b []byte) (start, end int) {
	for at := 0; at < len(b); {
		num, typ, n := protowire.ConsumeTag(b[at:])
		m := protowire.ConsumeFieldValue(num, typ, b[at+n:])
		if n < 0 || m < 0 {
			t.Fatal("malformed test model")
		}
		if num == 7 {
			return at, at + n + m
		}
		at += n + m
	}
	t.Fatal("no graph")
	return 0, 0
}

// TestONNXDecodeTruncated: every prefix of every node test model, and
// prefixes of the embedded model, decode and build a graph (or stop at an
// operator the engine does not run) without a panic, and a cut inside the
// graph is an error.
func TestONNXDecodeTruncated(t *testing.T) {
	try := func(name string, b []byte, stride int) {
		start, end := graphExtent(t, b)
		for n := 0; n < len(b); n += stride {
			err := onnx.NewModel(engine.NewGraph()).UnmarshalBinary(b[:n])
			if n > start && n < end && err == nil {
				t.Fatalf("%s cut at %d of %d, inside the graph (%d-%d): no error", name, n, len(b), start, end)
			}
		}
		var ni *onnx.ErrNotImplemented
		if err := onnx.NewModel(engine.NewGraph()).UnmarshalBinary(b); err != nil && !errors.As(err, &ni) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	models := nodeTestModels()
	for i, b := range models {
		try(fmt.Sprintf("node test model %d", i), b, 1)
	}
	try("default model", model.DefaultONNX(), 97)
	t.Logf("%d node test models", len(models))
}

// TestONNXDecodeMutated: bytes of the node test models and of the
// embedded model changed, inserted and cut at random (seeded) give an
// error or a model, never a panic.
func TestONNXDecodeMutated(t *testing.T) {
	r := rand.New(rand.NewPCG(24, 1))
	inputs := append(nodeTestModels(), model.DefaultONNX())
	decoded := 0
	for _, b := range inputs {
		for k := range 20 {
			c := slices.Clone(b)
			switch i := r.IntN(len(c)); k % 4 {
			case 0:
				c = c[:i]
			case 1:
				c[i] = byte(r.IntN(256))
			case 2:
				c[i] ^= 1 << r.IntN(8)
			case 3:
				c = slices.Insert(c, i, byte(r.IntN(256)))
			}
			if decodeOnly(c) == nil {
				decoded++
			}
		}
	}
	t.Logf("%d of %d mutated models decoded", decoded, 20*len(inputs))
}

// FuzzDecodeONNX: no input makes the copy's decoder panic, hang or
// allocate beyond a small multiple of its size (model.FuzzLoad cannot
// tell: Load recovers onnx-go's panics).
func FuzzDecodeONNX(f *testing.F) {
	models := nodeTestModels()
	for _, i := range []int{0, len(models) / 3, 2 * len(models) / 3} {
		f.Add(models[i])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = decodeOnly(b)
	})
}

// Wire-format helpers for hand-made TensorProtos.
func tag(b []byte, num protowire.Number, typ protowire.Type) []byte {
	return protowire.AppendTag(b, num, typ)
}

func bytesField(b []byte, num protowire.Number, v []byte) []byte {
	return protowire.AppendBytes(tag(b, num, protowire.BytesType), v)
}

func varintField(b []byte, num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(tag(b, num, protowire.VarintType), v)
}

func le32(fs ...float32) []byte {
	var b []byte
	for _, f := range fs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return b
}

// TestONNXDecodeTensor: a TensorProto's fields as the copy decodes them
// (onnx.NewTensor), by protobuf's rules: raw_data and float_data give
// the same tensor, packed and unpacked repeated fields the same values,
// unknown fields and known ones of another wire type are skipped, and
// malformed data is an error.
func TestONNXDecodeTensor(t *testing.T) {
	dims := varintField(varintField(nil, 1, 2), 1, 2) // dims 2, 2 unpacked
	packedDims := bytesField(nil, 1, []byte{2, 2})
	float := varintField(nil, 2, 1)
	int64s := varintField(nil, 2, 7)
	vals := []float32{1.5, -2, float32(math.Inf(1)), 3e-39}
	ok := []struct {
		name string
		b    []byte
		want any
	}{
		{"raw_data", slices.Concat(dims, float, bytesField(nil, 9, le32(vals...))), vals},
		{"float_data packed", slices.Concat(packedDims, float, bytesField(nil, 4, le32(vals...))), vals},
		{"float_data in two packed runs", slices.Concat(dims, float, bytesField(nil, 4, le32(vals[:1]...)), bytesField(nil, 4, le32(vals[1:]...))), vals},
		{"float_data unpacked", slices.Concat(dims, float,
			protowire.AppendFixed32(tag(nil, 4, protowire.Fixed32Type), math.Float32bits(vals[0])),
			bytesField(nil, 4, le32(vals[1:]...))), vals},
		{"unknown fields skipped", slices.Concat(varintField(nil, 99, 5), dims, bytesField(nil, 98, []byte("x")), float,
			protowire.AppendFixed64(tag(nil, 97, protowire.Fixed64Type), 1), bytesField(nil, 9, le32(vals...))), vals},
		{"known field of another wire type skipped", slices.Concat(dims, float,
			protowire.AppendFixed32(tag(nil, 1, protowire.Fixed32Type), 7), bytesField(nil, 2, []byte{3}), bytesField(nil, 9, le32(vals...))), vals},
		{"int64_data packed", slices.Concat(dims, int64s, bytesField(nil, 7, protowire.AppendVarint(protowire.AppendVarint([]byte{1, 0x7f}, uint64(1<<40)), math.MaxUint64))),
			[]int64{1, 127, 1 << 40, -1}},
		{"name", slices.Concat(bytesField(nil, 8, []byte("w")), dims, float, bytesField(nil, 9, le32(vals...))), vals},
	}
	for _, tc := range ok {
		x, err := onnx.NewTensor(tc.b)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !slices.Equal(x.Shape(), []int{2, 2}) {
			t.Errorf("%s: shape %v", tc.name, x.Shape())
		}
		switch want := tc.want.(type) {
		case []float32:
			if got, _ := x.Data().([]float32); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", tc.name, x.Data(), want)
			}
		case []int64:
			if got, _ := x.Data().([]int64); !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", tc.name, x.Data(), want)
			}
		}
	}
	raw := le32(vals...)
	bad := []struct {
		name string
		b    []byte
		want string
	}{
		{"raw_data not a multiple of 4", slices.Concat(dims, float, bytesField(nil, 9, raw[:7])), "Unable to decode data"},
		{"float_data not a multiple of 4", slices.Concat(dims, float, bytesField(nil, 4, raw[:7])), "float_data"},
		{"truncated value", slices.Concat(dims, float, bytesField(nil, 9, raw))[:10], "TensorProto"},
		{"truncated varint", slices.Concat(dims, []byte{0x10, 0x80}), "TensorProto"},
		{"bad varint in packed dims", bytesField(nil, 1, []byte{2, 0x80}), "dims"},
		{"name not UTF-8", slices.Concat(bytesField(nil, 8, []byte{0xff, 0xfe}), dims, float, bytesField(nil, 9, raw)), "UTF-8"},
		{"field number 0", slices.Concat([]byte{0x00, 0x01}, dims), "TensorProto"},
		{"end group without start", slices.Concat(dims, []byte{0x0c}), "TensorProto"},
		{"no data", slices.Concat(dims, float), "No data found"},
		{"segmented", slices.Concat(dims, float, bytesField(nil, 3, varintField(nil, 1, 1)), bytesField(nil, 9, raw)), "segmented"},
	}
	for _, tc := range bad {
		if _, err := onnx.NewTensor(tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error about %q", tc.name, err, tc.want)
		}
	}
}

// TestONNXDecodeNestedGraphs: graphs nested in attributes (If, Loop
// bodies) decode a few levels deep, and absurd nesting is an error
// instead of a recursion as deep as the file allows.
func TestONNXDecodeNestedGraphs(t *testing.T) {
	nest := func(depth int) []byte {
		g := bytesField(nil, 2, []byte("body"))
		for range depth {
			attr := slices.Concat(bytesField(nil, 1, []byte("then_branch")), bytesField(nil, 6, g), varintField(nil, 20, 5))
			node := slices.Concat(bytesField(nil, 4, []byte("If")), bytesField(nil, 5, attr))
			g = bytesField(nil, 1, node)
		}
		return bytesField(varintField(nil, 1, 3), 7, g)
	}
	if err := decodeOnly(nest(5)); err != nil {
		t.Errorf("5 levels: %v", err)
	}
	if err := decodeOnly(nest(1000)); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("1000 levels: got %v", err)
	}
}

// TestNoReflectiveProtobuf: model, and so every runtime, links no
// protobuf runtime: onnx-go's copy decodes with protowire alone. The
// generated ONNX types' registration and golang/protobuf's reflection
// were most of the page's Go start-up.
func TestNoReflectiveProtobuf(t *testing.T) {
	for _, goos := range []string{"", "js"} {
		cmd := exec.Command("go", "list", "-deps", "github.com/hiwl/hiwl/model")
		cmd.Env = os.Environ()
		if goos != "" {
			cmd.Env = append(cmd.Env, "GOOS=js", "GOARCH=wasm")
		}
		out, err := cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("go list: %v\n%s", err, ee.Stderr)
			}
			t.Skipf("no go command: %v", err)
		}
		for _, p := range strings.Fields(string(out)) {
			switch {
			case p == "google.golang.org/protobuf/encoding/protowire",
				p == "google.golang.org/protobuf/internal/errors",
				p == "google.golang.org/protobuf/internal/detrand":
			case strings.Contains(p, "protobuf"):
				t.Errorf("GOOS=%q: model depends on %s", goos, p)
			}
		}
	}
}
