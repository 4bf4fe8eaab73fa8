package onnxexport

import (
	"errors"
	"slices"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// randomExport marshals networks of the given backbones with seeded random
// weights and perturbed batch-norm statistics and heads.
func randomExport(t *testing.T, seed int64, archA, archB hiwlnet.Arch) ([]byte, hiwlnet.Params, hiwlnet.Params) {
	t.Helper()
	pa := hiwlnet.NewParams(archA, model.NumA, seed)
	pb := hiwlnet.NewParams(archB, model.NumB, seed+1)
	perturb(pa, seed)
	perturb(pb, seed+1)
	data, err := Marshal(archA, archB, pa, pb, Info{Version: "read test"})
	if err != nil {
		t.Fatal(err)
	}
	return data, pa, pb
}

// Reading an exported file back gives exactly the parameters and the
// architectures it was written from, also when B is narrower than A.
func TestNetworksRoundTrip(t *testing.T) {
	def := hiwlnet.DefaultArch()
	mbA, err := hiwlnet.ParseArch("80:s16k3/2,m16e1k3q4,m24e4k3/2q6,m24e4k5q6,m40e4k5/2q10,t64")
	if err != nil {
		t.Fatal(err)
	}
	mbB, err := hiwlnet.ParseArch("80:s8k3/2,m16e4k3/2q4,m24e4k5/2q6,t32")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		archA, archB hiwlnet.Arch
		legacy       bool // a file from before the specs in the metadata
	}{
		{"same widths", def, def, false},
		{"narrower B", def, hiwlnet.NewArch(def.Input, 8, 16, 32), false},
		{"residual CNN without specs", def, hiwlnet.NewArch(def.Input, 8, 16, 32), true},
		{"MBConv", mbA, mbB, false},
	} {
		data, pa, pb := randomExport(t, 5, tc.archA, tc.archB)
		g, err := Read(data)
		if err != nil {
			t.Fatal(err)
		}
		if g.Metadata[PropArchA] != tc.archA.String() || g.Metadata[PropArchB] != tc.archB.String() {
			t.Fatalf("%s: metadata specs %q, %q", tc.name, g.Metadata[PropArchA], g.Metadata[PropArchB])
		}
		if tc.legacy {
			delete(g.Metadata, PropArchA)
			delete(g.Metadata, PropArchB)
		}
		gotA, gotB, a, b, err := g.Networks()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, c := range []struct {
			name      string
			got, want hiwlnet.Arch
		}{{"a", gotA, tc.archA}, {"b", gotB, tc.archB}} {
			if c.got.Input != c.want.Input || !slices.Equal(c.got.Layers, c.want.Layers) {
				t.Fatalf("%s: network %s: arch %+v, want %+v", tc.name, c.name, c.got, c.want)
			}
		}
		for _, c := range []struct {
			name      string
			got, want map[string][]float32
		}{{"a", flat(a), flat(pa)}, {"b", flat(b), flat(pb)}} {
			if len(c.got) != len(c.want) {
				t.Fatalf("%s: network %s: %d parameters, want %d", tc.name, c.name, len(c.got), len(c.want))
			}
			for k, v := range c.want {
				if !slices.Equal(c.got[k], v) {
					t.Fatalf("%s: network %s: %s differs", tc.name, c.name, k)
				}
			}
		}
	}
}

func flat[T interface{ Float32s() []float32 }](p map[string]T) map[string][]float32 {
	out := make(map[string][]float32, len(p))
	for k, v := range p {
		out[k] = v.Float32s()
	}
	return out
}

func TestReadONNXRefusesBadFiles(t *testing.T) {
	def := hiwlnet.DefaultArch()
	good, _, _ := randomExport(t, 6, def, def)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("not an onnx file at all")},
		{"truncated", good[:len(good)/2]},
		{"one byte short", good[:len(good)-1]},
	} {
		g, err := Read(tc.data)
		if err == nil {
			_, _, _, _, err = g.Networks()
		}
		if !errors.Is(err, ErrBadONNX) {
			t.Errorf("%s: got %v, want ErrBadONNX", tc.name, err)
		}
	}
	// A file missing one parameter is refused, not half-read.
	g, err := Read(good)
	if err != nil {
		t.Fatal(err)
	}
	delete(g.Initializers, "b.res2.c2.bn.var")
	if _, _, _, _, err := g.Networks(); !errors.Is(err, ErrBadONNX) {
		t.Fatalf("missing parameter: got %v", err)
	}
}

// A spec that disagrees with the file's graph input, or that cannot be
// read, is refused.
func TestReadRefusesBadSpec(t *testing.T) {
	def := hiwlnet.DefaultArch()
	good, _, _ := randomExport(t, 7, def, def)
	for _, spec := range []string{"96:c16,p,c32,p,r32,c64,p,r64", "80:c16,p,c33,p,r32,c64,p,r64", "80:zz"} {
		g, err := Read(good)
		if err != nil {
			t.Fatal(err)
		}
		g.Metadata[PropArchB] = spec
		if _, _, _, _, err := g.Networks(); !errors.Is(err, ErrBadONNX) {
			t.Errorf("spec %q: got %v, want ErrBadONNX", spec, err)
		}
	}
}
