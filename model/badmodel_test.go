package model

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// A minimal ONNX writer for test models (field numbers of onnx.proto), so
// that bad models can be built with one thing wrong at a time.
type tNode struct {
	op, name string
	in, out  []string
	ints     map[string][]int64
}
type tInit struct {
	name string
	dims []int64
	data []float32
}
type tModel struct {
	nodes  []tNode
	inits  []tInit
	input  []int64 // dims of "image"
	output []string
}

func pbBytes(b []byte, f protowire.Number, v []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(b, f, protowire.BytesType), v)
}
func pbVarint(b []byte, f protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(b, f, protowire.VarintType), v)
}

func valueInfo(name string, dims []int64) []byte {
	var shape []byte
	for _, d := range dims {
		shape = pbBytes(shape, 1, pbVarint(nil, 1, uint64(d)))
	}
	tt := pbBytes(pbVarint(nil, 1, 1), 2, shape)
	return pbBytes(pbBytes(nil, 1, []byte(name)), 2, pbBytes(nil, 1, tt))
}

func (m *tModel) marshal() []byte {
	var g []byte
	for _, n := range m.nodes {
		var b []byte
		for _, s := range n.in {
			b = pbBytes(b, 1, []byte(s))
		}
		for _, s := range n.out {
			b = pbBytes(b, 2, []byte(s))
		}
		b = pbBytes(b, 3, []byte(n.name))
		b = pbBytes(b, 4, []byte(n.op))
		for k, v := range n.ints {
			var packed []byte
			for _, x := range v {
				packed = protowire.AppendVarint(packed, uint64(x))
			}
			a := pbBytes(nil, 1, []byte(k))
			if len(v) == 1 && k == "axis" {
				a = pbVarint(a, 3, uint64(v[0]))
				a = pbVarint(a, 20, 2)
			} else {
				a = pbBytes(a, 8, packed)
				a = pbVarint(a, 20, 7)
			}
			b = pbBytes(b, 5, a)
		}
		g = pbBytes(g, 1, b)
	}
	g = pbBytes(g, 2, []byte("t"))
	for _, t := range m.inits {
		var dims, raw []byte
		for _, d := range t.dims {
			dims = protowire.AppendVarint(dims, uint64(d))
		}
		for _, v := range t.data {
			raw = protowire.AppendFixed32(raw, math.Float32bits(v))
		}
		b := pbBytes(nil, 1, dims)
		b = pbVarint(b, 2, 1)
		b = pbBytes(b, 8, []byte(t.name))
		b = pbBytes(b, 9, raw)
		g = pbBytes(g, 5, b)
	}
	g = pbBytes(g, 11, valueInfo(InputName, m.input))
	for _, o := range m.output {
		g = pbBytes(g, 12, valueInfo(o, nil))
	}
	b := pbVarint(nil, 1, 4)
	b = pbBytes(b, 7, g)
	return pbBytes(b, 8, pbVarint(nil, 2, 9))
}

func ramp(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%5-2) * 0.1
	}
	return x
}

// tinyHIWL is a HIWL-shaped model: conv-relu, feature outputs, GAP, two
// linear heads with softmax, 8x8 input, 4 channels.
func tinyHIWL() *tModel {
	return &tModel{
		input:  []int64{1, 3, 8, 8},
		output: []string{ProbAName, ProbBName, FeatAName, FeatBName},
		inits: []tInit{
			{"cw", []int64{4, 3, 3, 3}, ramp(4 * 27)},
			{HeadAWeights, []int64{4, NumA}, ramp(4 * NumA)},
			{HeadBWeights, []int64{4, NumB}, ramp(4 * NumB)},
		},
		nodes: []tNode{
			{op: "Conv", name: "conv", in: []string{InputName, "cw"}, out: []string{"c"}, ints: map[string][]int64{"pads": {1, 1, 1, 1}, "kernel_shape": {3, 3}}},
			{op: "Relu", name: "relu", in: []string{"c"}, out: []string{"r"}},
			{op: "Identity", name: "fa", in: []string{"r"}, out: []string{FeatAName}},
			{op: "Identity", name: "fb", in: []string{"r"}, out: []string{FeatBName}},
			{op: "GlobalAveragePool", name: "gap", in: []string{"r"}, out: []string{"g"}},
			{op: "Flatten", name: "flat", in: []string{"g"}, out: []string{"f"}, ints: map[string][]int64{"axis": {1}}},
			{op: "MatMul", name: "ma", in: []string{"f", HeadAWeights}, out: []string{"la"}},
			{op: "Softmax", name: "sa", in: []string{"la"}, out: []string{ProbAName}, ints: map[string][]int64{"axis": {1}}},
			{op: "MatMul", name: "mb", in: []string{"f", HeadBWeights}, out: []string{"lb"}},
			{op: "Softmax", name: "sb", in: []string{"lb"}, out: []string{ProbBName}, ints: map[string][]int64{"axis": {1}}},
		},
	}
}

func TestTinyModelLoads(t *testing.T) {
	c, err := Load(tinyHIWL().marshal())
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.ClassifyTensor(ramp(3 * 8 * 8))
	if err != nil {
		t.Fatal(err)
	}
	if s := p.A[0] + p.A[1] + p.A[2] + p.A[3]; math.Abs(float64(s)-1) > 1e-5 || p.CAM(Round).Side != 8 {
		t.Fatalf("A %v, CAM side %d", p.A, p.CAM(Round).Side)
	}
}

// TestLoadRefusesBadModels: each model has one defect; Load must refuse it
// with ErrBadModel and name the operator or tensor at fault.
func TestLoadRefusesBadModels(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *tModel)
		want   string
	}{
		{"unsupported op", func(m *tModel) { m.nodes[1].op = "Tanh" }, "Tanh"},
		{"conv weights for other channels", func(m *tModel) { m.inits[0].dims = []int64{4, 2, 3, 3}; m.inits[0].data = ramp(4 * 18) }, "cw"},
		{"data shorter than dims", func(m *tModel) { m.inits[1].data = m.inits[1].data[:5] }, HeadAWeights},
		{"head of other width", func(m *tModel) { m.inits[1].dims = []int64{2, 8} }, "MatMul"},
		{"absurd input", func(m *tModel) { m.input = []int64{1, 3, 1 << 20, 1 << 20} }, InputName},
		{"absurd initializer", func(m *tModel) { m.inits[0].dims = []int64{1 << 30, 1 << 30, 3, 3} }, "cw"},
		{"negative pads", func(m *tModel) { m.nodes[0].ints["pads"] = []int64{-5, 1, 1, 1} }, "Conv"},
		{"kernel larger than input", func(m *tModel) {
			m.nodes[0].ints = map[string][]int64{"kernel_shape": {9, 9}}
			m.inits[0].dims = []int64{4, 3, 9, 9}
			m.inits[0].data = ramp(4 * 3 * 81)
		}, "Conv"},
		{"output not computed", func(m *tModel) { m.nodes = m.nodes[:9] }, ProbBName},
		{"cycle", func(m *tModel) { m.nodes[0].in[0] = "r" }, ""},
	}
	for _, tc := range cases {
		m := tinyHIWL()
		tc.mutate(m)
		_, err := Load(m.marshal())
		if !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want ErrBadModel naming %q", tc.name, err, tc.want)
		}
	}
}

// FuzzLoad: no input makes Load crash, hang or allocate without bound; it
// either loads a model that then classifies, or returns ErrBadModel. The
// committed corpus (testdata/fuzz/FuzzLoad) holds small valid and broken
// models. (The 538 kB default model is no seed: mutating it is slow and
// finds nothing the small models do not.)
func FuzzLoad(f *testing.F) {
	f.Add(tinyHIWL().marshal())
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load(data)
		if err != nil {
			if !errors.Is(err, ErrBadModel) {
				t.Fatalf("error not wrapping ErrBadModel: %v", err)
			}
			return
		}
		if _, err := c.ClassifyTensor(make([]float32, 3*c.InputSize()*c.InputSize())); err != nil {
			t.Fatalf("loaded model fails to run: %v", err)
		}
	})
}

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzLoad when
// HIWL_WRITE_CORPUS=1.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("HIWL_WRITE_CORPUS") == "" {
		t.Skip("set HIWL_WRITE_CORPUS=1 to rewrite the fuzz corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoad")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	seeds := map[string][]byte{"tiny": tinyHIWL().marshal()}
	for i, mut := range []func(*tModel){
		func(m *tModel) { m.nodes[1].op = "Tanh" },
		func(m *tModel) { m.input = []int64{1, 3, 1 << 20, 1 << 20} },
		func(m *tModel) { m.inits[0].dims = []int64{4, 2, 3, 3} },
		func(m *tModel) { m.nodes[0].in[0] = "r" },
		func(m *tModel) { m.nodes[0].op = "MaxPool" },
	} {
		m := tinyHIWL()
		mut(m)
		seeds["bad"+string(rune('a'+i))] = m.marshal()
	}
	tiny := seeds["tiny"]
	seeds["truncated"] = tiny[:len(tiny)*2/3]
	for name, b := range seeds {
		body := "go test fuzz v1\n[]byte(" + quote(b) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func quote(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			s.WriteByte(c)
		} else {
			s.WriteString("\\x")
			s.WriteByte("0123456789abcdef"[c>>4])
			s.WriteByte("0123456789abcdef"[c&15])
		}
	}
	s.WriteByte('"')
	return s.String()
}
