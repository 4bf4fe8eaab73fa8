package training

import (
	"image"

	"github.com/hiwl/hiwl/model"
)

// Dihedral returns the 8 flips and quarter-turn rotations of a square CHW
// tensor of side s, the first being x itself. A galaxy has no up, so a
// classifier should say the same of all eight.
func Dihedral(x []float32, s int) [][]float32 {
	out := make([][]float32, 8)
	plane := s * s
	for k := range out {
		y := make([]float32, len(x))
		for c := 0; c < len(x)/plane; c++ {
			src, dst := x[c*plane:(c+1)*plane], y[c*plane:(c+1)*plane]
			for v := 0; v < s; v++ {
				for u := 0; u < s; u++ {
					su, sv := u, v
					if k&4 != 0 { // transpose
						su, sv = sv, su
					}
					if k&1 != 0 {
						su = s - 1 - su
					}
					if k&2 != 0 {
						sv = s - 1 - sv
					}
					dst[v*s+u] = src[sv*s+su]
				}
			}
		}
		out[k] = y
	}
	return out
}

// classifyTTA classifies the 8 dihedral views of img and averages each
// network's probabilities before the hierarchy combines them: test-time
// averaging, measured by `trainer eval -tta` to see whether it pays for
// its 8x cost.
func classifyTTA(clf *model.Classifier, img image.Image) (*model.Prediction, error) {
	s := clf.InputSize()
	var ps []*model.Prediction
	for _, x := range Dihedral(model.Preprocess(img, s), s) {
		p, err := clf.ClassifyTensor(x)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	// The averaged decision, on the prediction of the image as it is (its
	// features and maps are those of the unturned view).
	return mean(ps), nil
}
