package crossruntime

import (
	"testing"

	"github.com/hiwl/hiwl/model"
)

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
