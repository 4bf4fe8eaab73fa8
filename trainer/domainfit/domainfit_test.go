package domainfit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// On features drawn from two Gaussian classes with a known shared
// covariance, Fit finds the means and the precision, and the model's
// distance with them is the Mahalanobis distance.
func TestFitRecoversGaussians(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// covariance [[4, 1.2], [1.2, 1]] = L L^T with L = [[2, 0], [0.6, 0.8]]
	mu := [2][2]float64{{10, 0}, {-5, 3}}
	var feats [][]float32
	var classes []int
	for i := range 40000 {
		k := i % 2
		z0, z1 := r.NormFloat64(), r.NormFloat64()
		feats = append(feats, []float32{float32(mu[k][0] + 2*z0), float32(mu[k][1] + 0.6*z0 + 0.8*z1)})
		classes = append(classes, k)
	}
	means, prec, err := Fit(feats, classes, 2)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 2 {
		for j := range 2 {
			if math.Abs(float64(means[k][j])-mu[k][j]) > 0.05 {
				t.Errorf("mean[%d][%d] = %v, want %v", k, j, means[k][j], mu[k][j])
			}
		}
	}
	// the inverse of [[4, 1.2], [1.2, 1]] is [[1, -1.2], [-1.2, 4]] / 2.56
	want := []float64{1 / 2.56, -1.2 / 2.56, -1.2 / 2.56, 4 / 2.56}
	for i, w := range want {
		if math.Abs(float64(prec[i])-w) > 0.03 {
			t.Errorf("precision[%d] = %v, want %v", i, prec[i], w)
		}
	}
	fit := &model.DomainFit{Means: means, Precision: prec, DistanceThreshold: 1, CrowdingThreshold: 1}
	// one standard deviation along the first axis from class 0's mean
	if d := fit.Distance([]float32{12, 0.6}); math.Abs(d-1) > 0.03 {
		t.Errorf("distance = %v, want 1", d)
	}
}

func TestFitRefusesBadInput(t *testing.T) {
	if _, _, err := Fit(nil, nil, 2); err == nil {
		t.Error("no features: no error")
	}
	if _, _, err := Fit([][]float32{{1, 2}, {3, 4}}, []int{0, 0}, 2); err == nil {
		t.Error("a class without samples: no error")
	}
	if _, _, err := Fit([][]float32{{1, 2}, {3}}, []int{0, 1}, 2); err == nil {
		t.Error("ragged rows: no error")
	}
	if _, _, err := Fit([][]float32{{1, 1}, {1, 1}}, []int{0, 1}, 2); err == nil {
		t.Error("constant features: no error")
	}
}

func TestQuantileOf(t *testing.T) {
	v := make([]float64, 400)
	for i := range v {
		v[i] = float64(400 - i) // 1..400, reversed
	}
	if q := QuantileOf(v, Quantile); q != 399 {
		t.Errorf("the %g quantile of 1..400 = %v, want 399", Quantile, q)
	}
	if q := QuantileOf(v, 1); q != 400 {
		t.Errorf("max = %v", q)
	}
	if v[0] != 400 {
		t.Error("QuantileOf sorted its argument")
	}
	small := []float64{1, 2, 3}
	if th := Threshold(small, v); th != 399 {
		t.Errorf("Threshold = %v, want the higher set's 399", th)
	}
}
