package training

import "github.com/hiwl/hiwl/model"

// mean averages each network's probabilities over ps before the hierarchy
// combines them, and decides on the averages. It returns ps[0] so changed:
// its features and maps stand for all.
func mean(ps []*model.Prediction) *model.Prediction {
	var a [model.NumA]float32
	var b [model.NumB]float32
	w := 1 / float32(len(ps))
	for _, p := range ps {
		for i := range a {
			a[i] += p.A[i] * w
		}
		for i := range b {
			b[i] += p.B[i] * w
		}
	}
	first := ps[0]
	first.A, first.B = a, b
	first.Probabilities, first.Label = model.Combine(a, b), model.Decide(a, b)
	return first
}
