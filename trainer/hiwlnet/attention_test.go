package hiwlnet

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// cellWeights for a 3x4 map: the corners are wholly off the galaxy, the
// middle two cells wholly on it, the rest half and half.
var testOff, testTotal = []float32{1, .5, .5, 1, .5, 0, 0, .5, 1, .5, .5, 1}, []float32{1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1}

func TestAttentionPenaltyGradient(t *testing.T) {
	// Smooth away from CAM = 0, where the clipping has its kink: random
	// maps of 16 channels almost never sit within eps of it.
	gradCheck(t, "attention penalty", 1e-2, 2e-2, []tensor.Shape{{2, 16, 3, 4}, {16, 3}, {2, 3}},
		func(in []*G.Node) (*G.Node, error) { return AttentionPenalty(in[0], in[1], in[2], testOff, testTotal) })
}

// The penalty is the off-galaxy share of the target class's positive map,
// whatever the map's scale.
func TestAttentionPenaltyValues(t *testing.T) {
	const b, c, hw, k = 2, 1, 12, 2
	feat := make([]float32, b*c*hw)
	// image 0: mass on one middle cell and one corner, equal; image 1: a
	// map that is negative everywhere but in a corner.
	feat[5], feat[0] = 3, 3
	for p := 0; p < hw; p++ {
		feat[hw+p] = -1
	}
	feat[hw+11] = 10
	w := []float32{2, -1} // class 0 reads the feature, class 1 its opposite
	y := []float32{1, 0, 0.5, 0.5}
	g := G.NewGraph()
	node := func(s tensor.Shape, d []float32) *G.Node {
		return G.NodeFromAny(g, tensor.New(tensor.WithShape(s...), tensor.WithBacking(d)))
	}
	out, err := AttentionPenalty(node(tensor.Shape{b, c, 3, 4}, feat), node(tensor.Shape{c, k}, w), node(tensor.Shape{b, k}, y), testOff, testTotal)
	if err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	got := out.Value().Data().([]float32)
	// image 0: CAM = 2·feat; off mass 1·6, total 2·6 + 1·6.
	// image 1: CAM = 0.5·feat: only the corner (off) is positive.
	want := []float64{(6.0 + attentionEpsilon) / (18 + attentionEpsilon), (5 + attentionEpsilon) / (5 + attentionEpsilon)}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-5 {
			t.Errorf("image %d: penalty %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := AttentionPenalty(node(tensor.Shape{b, c, 3, 4}, feat), node(tensor.Shape{c, k}, w), node(tensor.Shape{b, k}, y), testOff[:4], testTotal); err == nil {
		t.Error("cell weights for another map size were accepted")
	}
}

// OffShare, for one image and a one-hot class, is the penalty op's value.
func TestOffShareMatchesPenalty(t *testing.T) {
	feat := []float32{3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0} // one channel, 3x4
	head := []float32{2, -1}
	if got, want := OffShare(feat, head, 0, testOff, testTotal), float32((6+attentionEpsilon)/(18+attentionEpsilon)); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("class 0: %v, want %v", got, want)
	}
	// A map with no positive mass has none on the galaxy: it costs the
	// most, not nothing (a ReLU6 network learnt to draw such maps).
	if got := OffShare(feat, head, 1, testOff, testTotal); got != 1 {
		t.Errorf("class 1 (a negative map): %v, want 1", got)
	}
}
