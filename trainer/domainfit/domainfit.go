// Package domainfit fits the in-domain score of model.Domain: the class
// means and shared covariance of a model's pooled features on its training
// images, and the thresholds, taken as a quantile of the scores of the
// validation images at full and half scale.
package domainfit

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Shrinkage is added to the covariance's diagonal, as a fraction of its
// mean variance, before it is inverted: channels a ReLU never opens have
// no variance, and 64 channels from under two thousand images leave the
// smallest eigenvalues noisy. 1e-3 changes the distances of real
// galaxies by well under a percent.
const Shrinkage = 1e-3

// Quantile is the share of the fitting images under each threshold, at
// each scale: 99.75 %, so that each of the three measurements flags at
// most a quarter of a percent of the real cutouts it was fitted on, at
// full and at half scale alike, and all three together under one percent.
const Quantile = 0.9975

// Threshold is the highest of the Quantile-quantiles of each set of values
// (one set per scale): a threshold taken on the sets pooled would let one
// scale spend the whole budget (the radius: no galaxy at half scale is
// large, so pooled it flags twice as many at full scale).
func Threshold(sets ...[]float64) float64 {
	t := math.Inf(-1)
	for _, v := range sets {
		t = max(t, QuantileOf(v, Quantile))
	}
	return t
}

// Fit returns the mean of the features of each class (0..k-1) and the
// inverse of their shared covariance (features minus their class mean),
// row major. Every class needs at least one sample.
func Fit(features [][]float32, classes []int, k int) (means [][]float32, precision []float32, err error) {
	if len(features) == 0 || len(features) != len(classes) {
		return nil, nil, fmt.Errorf("domainfit: %d feature rows for %d labels", len(features), len(classes))
	}
	c := len(features[0])
	sum := make([][]float64, k)
	count := make([]int, k)
	for i := range sum {
		sum[i] = make([]float64, c)
	}
	for i, f := range features {
		if len(f) != c {
			return nil, nil, fmt.Errorf("domainfit: row %d has %d features, want %d", i, len(f), c)
		}
		if classes[i] < 0 || classes[i] >= k {
			return nil, nil, fmt.Errorf("domainfit: row %d has class %d, want 0..%d", i, classes[i], k-1)
		}
		count[classes[i]]++
		for j, v := range f {
			sum[classes[i]][j] += float64(v)
		}
	}
	means = make([][]float32, k)
	for i := range sum {
		if count[i] == 0 {
			return nil, nil, fmt.Errorf("domainfit: class %d has no samples", i)
		}
		means[i] = make([]float32, c)
		for j := range sum[i] {
			sum[i][j] /= float64(count[i])
			means[i][j] = float32(sum[i][j])
		}
	}
	cov := mat.NewSymDense(c, nil)
	d := make([]float64, c)
	for i, f := range features {
		for j, v := range f {
			d[j] = float64(v) - sum[classes[i]][j]
		}
		cov.SymRankOne(cov, 1/float64(len(features)), mat.NewVecDense(c, d))
	}
	var trace float64
	for i := range c {
		trace += cov.At(i, i)
	}
	if !(trace > 0) {
		return nil, nil, errors.New("domainfit: the features do not vary")
	}
	for i := range c {
		cov.SetSym(i, i, cov.At(i, i)+Shrinkage*trace/float64(c))
	}
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return nil, nil, errors.New("domainfit: covariance is not positive definite")
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return nil, nil, fmt.Errorf("domainfit: inverting the covariance: %w", err)
	}
	precision = make([]float32, c*c)
	for i := range c {
		for j := range c {
			precision[i*c+j] = float32(inv.At(i, j))
		}
	}
	return means, precision, nil
}

// QuantileOf returns the q-quantile of v (the value below which a share q
// of them lie, the nearest rank); v is not changed.
func QuantileOf(v []float64, q float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(len(s)-1, max(0, i))]
}
