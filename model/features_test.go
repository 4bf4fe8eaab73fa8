package model

import (
	"math"
	"testing"
)

// The pooled features are what network A's head sees: averaging class c's
// activation map over the grid gives the dot product of the features with
// the head's column c (CAM_c = sum_k w[k,c] F_k, and pooling is linear).
func TestFeaturesMatchCAM(t *testing.T) {
	clf, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range realImages(t, 2) {
		p, err := clf.ClassifyFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f := p.Features()
		if len(f) != clf.channelsA {
			t.Fatalf("%d features, want %d", len(f), clf.channelsA)
		}
		for _, c := range []Class{Round, InBetween, Spiral} {
			m := p.CAM(c)
			var mean float64
			for _, v := range m.Values {
				mean += float64(v)
			}
			mean /= float64(len(m.Values))
			var dot float64
			for k, v := range f {
				dot += float64(v) * float64(clf.headA[k*NumA+AIndex(c)])
			}
			if math.Abs(mean-dot) > 1e-3*(1+math.Abs(dot)) {
				t.Fatalf("%s: mean CAM %v, features·head %v", c, mean, dot)
			}
		}
	}
}
