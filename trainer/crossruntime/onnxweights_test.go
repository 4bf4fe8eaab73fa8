package crossruntime

import (
	"errors"
	"slices"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// Reading an exported file back gives exactly the parameters and the
// architectures it was written from, also when B is narrower than A.
func TestNetworksRoundTrip(t *testing.T) {
	def := hiwlnet.DefaultArch()
	for _, tc := range []struct {
		name         string
		archA, archB hiwlnet.Arch
	}{
		{"same widths", def, def},
		{"narrower B", def, hiwlnet.NewArch(def.Input, 8, 16, 32)},
	} {
		data, pa, pb := randomModelOf(t, 5, tc.archA, tc.archB)
		g, err := ReadONNX(data)
		if err != nil {
			t.Fatal(err)
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
	good, _, _, _ := randomModel(t, 6)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("not an onnx file at all")},
		{"truncated", good[:len(good)/2]},
		{"one byte short", good[:len(good)-1]},
	} {
		g, err := ReadONNX(tc.data)
		if err == nil {
			_, _, _, _, err = g.Networks()
		}
		if !errors.Is(err, ErrBadONNX) {
			t.Errorf("%s: got %v, want ErrBadONNX", tc.name, err)
		}
	}
	// A file missing one parameter is refused, not half-read.
	g, err := ReadONNX(good)
	if err != nil {
		t.Fatal(err)
	}
	delete(g.Initializers, "b.res2.c2.bn.var")
	if _, _, _, _, err := g.Networks(); !errors.Is(err, ErrBadONNX) {
		t.Fatalf("missing parameter: got %v", err)
	}
}

// The trainer's gorgonia evaluation graph, with the weights read back from
// the file, computes what the engine computes on the same file: for a model
// with random weights and for the shipped default model.
func TestGorgoniaMatchesONNXGo(t *testing.T) {
	random, _, _, _ := randomModel(t, 7)
	images, err := RealImages(repoRoot(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		onnx []byte
	}{{"random weights", random}, {"default model", model.DefaultONNX()}} {
		c, err := model.Load(tc.onnx)
		if err != nil {
			t.Fatal(err)
		}
		g, err := NewGorgonia(tc.onnx)
		if err != nil {
			t.Fatal(err)
		}
		w, err := Prepare(t.TempDir(), repoRoot(t), tc.onnx, images)
		if err != nil {
			t.Fatal(err)
		}
		var distinct []Output
		for i, x := range w.Tensors {
			p, err := c.ClassifyTensor(x)
			if err != nil {
				t.Fatal(err)
			}
			got, err := g.Run(x)
			if err != nil {
				t.Fatal(err)
			}
			want := FromPrediction(p)
			if d := MaxDiff(got, want); d > Tolerance {
				t.Errorf("%s, %s: gorgonia differs from the engine by %.3g\ngorgonia %+v\nengine   %+v", tc.name, images[i], d, got, want)
			}
			distinct = append(distinct, got)
		}
		// With random weights the images must be told apart, or the
		// comparison above proves nothing.
		if tc.name == "random weights" && MaxDiff(distinct[0], distinct[len(distinct)-1]) < 1e-3 {
			t.Fatalf("random model answers alike for different images: %+v", distinct)
		}
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {0.9, 4.6}, {1, 5}} {
		if got := Quantile(xs, c.q); got < c.want-1e-12 || got > c.want+1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if xs[0] != 5 {
		t.Fatal("Quantile sorted its argument")
	}
}
