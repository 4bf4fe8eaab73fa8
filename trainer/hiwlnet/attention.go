package hiwlnet

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// attentionEpsilon keeps the share defined for a map with almost no
// positive mass, and its gradient small instead of dividing by nearly
// zero. It is added above the fraction as well as below, so that such a
// map counts as off the galaxy: with eps below only, a map with no
// positive mass cost nothing, and a ReLU6 network (whose features are
// never negative) learnt to draw the maps of round and in-between
// galaxies entirely negative, 199 of 382 validation maps with no mass on
// the galaxy (MobileNetV2 run of 6 December, -attention 0.3).
const attentionEpsilon = 1e-3

// AttentionPenalty is, for each image of a batch, the share of its class
// activation map's positive mass that falls off the galaxy: the training
// counterpart of the attention measure that `trainer eval` reports.
//
// feat [B,C,H,W] are the last feature maps and w [C,K] the head's weights,
// so that class k's map is CAM_k = sum_c w[c,k] feat_c (exact, since the
// head is a global average pool and one linear layer). y [B,K] weighs the
// classes: the smoothed or soft training targets, so the penalty looks at
// the map of the class the image is, not the one the network guesses.
// off and total [H*W] say, for each cell, how much of a unit of positive
// mass there lands off the galaxy and in all once the map is drawn (the
// measure upsamples the map, so a cell near the disc's edge counts in
// part). The result [B] is (sum_p off_p relu(CAM_p) + eps) / (sum_p
// total_p relu(CAM_p) + eps), which does not change when the map is
// scaled (but for eps): it moves evidence towards the galaxy without
// rewarding a weaker map, and a map without positive mass costs 1.
func AttentionPenalty(feat, w, y *G.Node, off, total []float32) (*G.Node, error) {
	fs, ws, ys := feat.Shape(), w.Shape(), y.Shape()
	if len(fs) != 4 || len(ws) != 2 || len(ys) != 2 || ws[0] != fs[1] || ys[0] != fs[0] || ys[1] != ws[1] {
		return nil, fmt.Errorf("hiwlnet: attention penalty of maps %v, head %v, targets %v", fs, ws, ys)
	}
	a := attention{b: fs[0], c: fs[1], hw: fs[2] * fs[3], k: ws[1], off: off, total: total}
	if len(off) != a.hw || len(total) != a.hw {
		return nil, fmt.Errorf("hiwlnet: attention penalty: %d and %d cell weights for a %dx%d map", len(off), len(total), fs[2], fs[3])
	}
	name := fmt.Sprintf("AttentionPenalty%dx%dx%d", a.b, a.c, a.hw)
	op := &kernel{name: name, in: []int{4, 2, 2}, out: tensor.Shape{a.b}, run: func(out []float32, in [][]float32) {
		cam, _ := a.maps(in[0], in[1], in[2])
		for b := range out {
			out[b], _ = a.share(cam[b*a.hw : (b+1)*a.hw])
		}
	}}
	// Each of the three gradients recomputes the maps and d/dCAM: a few
	// hundred thousand multiply-adds per batch, well under 1 % of a
	// training step, where sharing them would take an intermediate op.
	op.grads = func(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
		parts := make(G.Nodes, 3)
		for i, s := range []tensor.Shape{fs, ws, ys} {
			part := &kernel{name: fmt.Sprintf("%sGrad%d", name, i), in: []int{4, 2, 2, 1}, out: s.Clone(),
				run: func(out []float32, in [][]float32) { a.grad(i, out, in[0], in[1], in[2], in[3]) }}
			var err error
			if parts[i], err = G.ApplyOp(part, inputs[0], inputs[1], inputs[2], grad); err != nil {
				return nil, err
			}
		}
		return parts, nil
	}
	return G.ApplyOp(op, feat, w, y)
}

// OffShare is AttentionPenalty for one image of class label, from its last
// feature maps feat [C*H*W] and the head's weights [C,K]: what validation
// reports.
func OffShare(feat, head []float32, label int, off, total []float32) float32 {
	hw := len(off)
	c := len(feat) / hw
	a := attention{b: 1, c: c, hw: hw, k: len(head) / c, off: off, total: total}
	y := make([]float32, a.k)
	y[label] = 1
	cam, _ := a.maps(feat, head, y)
	share, _ := a.share(cam)
	return share
}

// attention holds one penalty op's shapes and cell weights.
type attention struct {
	b, c, hw, k int
	off, total  []float32
}

// maps returns each image's CAM [B,HW] and its class mix v = y·wᵀ [B,C].
func (a attention) maps(feat, w, y []float32) (cam, v []float32) {
	v = make([]float32, a.b*a.c)
	for b := 0; b < a.b; b++ {
		for c := 0; c < a.c; c++ {
			var s float32
			for k := 0; k < a.k; k++ {
				s += y[b*a.k+k] * w[c*a.k+k]
			}
			v[b*a.c+c] = s
		}
	}
	cam = make([]float32, a.b*a.hw)
	for b := 0; b < a.b; b++ {
		row := cam[b*a.hw : (b+1)*a.hw]
		for c := 0; c < a.c; c++ {
			vc := v[b*a.c+c]
			for p, f := range feat[(b*a.c+c)*a.hw : (b*a.c+c+1)*a.hw] {
				row[p] += vc * f
			}
		}
	}
	return cam, v
}

// share is one map's penalty and the denominator it divided by.
func (a attention) share(cam []float32) (share, denom float32) {
	var off, total float32
	for p, x := range cam {
		if x > 0 {
			off += a.off[p] * x
			total += a.total[p] * x
		}
	}
	denom = total + attentionEpsilon
	return (off + attentionEpsilon) / denom, denom
}

// grad writes the gradient of sum_b grad[b]·penalty[b] with respect to
// input i (0 feat, 1 w, 2 y) into out.
func (a attention) grad(i int, out, feat, w, y, grad []float32) {
	cam, v := a.maps(feat, w, y)
	// g[b,p] = d loss / d CAM[b,p]
	g := make([]float32, a.b*a.hw)
	for b := 0; b < a.b; b++ {
		row := cam[b*a.hw : (b+1)*a.hw]
		share, denom := a.share(row)
		for p, x := range row {
			if x > 0 {
				g[b*a.hw+p] = grad[b] * (a.off[p] - share*a.total[p]) / denom
			}
		}
	}
	if i == 0 { // dfeat[b,c,p] = g[b,p]·v[b,c]
		for b := 0; b < a.b; b++ {
			for c := 0; c < a.c; c++ {
				vc, d := v[b*a.c+c], out[(b*a.c+c)*a.hw:(b*a.c+c+1)*a.hw]
				for p := range d {
					d[p] = g[b*a.hw+p] * vc
				}
			}
		}
		return
	}
	// dv[b,c] = sum_p g[b,p]·feat[b,c,p]; v = y·wᵀ carries it to w and y.
	dv := make([]float32, a.b*a.c)
	for b := 0; b < a.b; b++ {
		for c := 0; c < a.c; c++ {
			var s float32
			for p, f := range feat[(b*a.c+c)*a.hw : (b*a.c+c+1)*a.hw] {
				s += g[b*a.hw+p] * f
			}
			dv[b*a.c+c] = s
		}
	}
	clear(out)
	for b := 0; b < a.b; b++ {
		for c := 0; c < a.c; c++ {
			for k := 0; k < a.k; k++ {
				if i == 1 {
					out[c*a.k+k] += dv[b*a.c+c] * y[b*a.k+k]
				} else {
					out[b*a.k+k] += dv[b*a.c+c] * w[c*a.k+k]
				}
			}
		}
	}
}
