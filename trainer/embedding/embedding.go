// Package embedding lays feature vectors out in 2-D with t-SNE, for the
// paper's picture of how the network's features separate the classes.
//
// It is exact t-SNE (van der Maaten and Hinton 2008, with the optimiser of
// their reference implementation: early exaggeration, momentum and
// per-coordinate gains), fine for a test split of a few hundred images. The
// Go package github.com/danaugrs/go-tsne was tried first and not used: it
// never resets its gradient between iterations, has no momentum or early
// exaggeration, and draws from math/rand's global source, so its layouts
// neither converge reliably nor repeat.
package embedding

import (
	"errors"
	"math"
	"math/rand/v2"
)

// Settings of the embedding: those of the reference implementation.
const (
	Perplexity   = 30
	LearningRate = 200
	Iterations   = 1000
	exaggeration = 12
	exaggerated  = 250 // iterations with exaggerated affinities
)

// ErrTooFew is returned for too few points or ragged vectors.
var ErrTooFew = errors.New("embedding: need at least 3 points of equal, non-zero length")

// TSNE embeds the rows of features in 2-D. Each feature is standardised
// first, so that a few channels with large activations do not dominate the
// distances. The same input and seed give the same layout.
func TSNE(features [][]float32, seed uint64) ([][2]float64, error) {
	n := len(features)
	if n < 3 || len(features[0]) == 0 {
		return nil, ErrTooFew
	}
	d := len(features[0])
	x := make([]float64, n*d)
	for i, f := range features {
		if len(f) != d {
			return nil, ErrTooFew
		}
		for j, v := range f {
			x[i*d+j] = float64(v)
		}
	}
	standardise(x, n, d)
	p := affinities(x, n, d, math.Min(Perplexity, float64(n-1)/3))

	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	y := make([][2]float64, n)
	for i := range y {
		y[i] = [2]float64{1e-4 * rng.NormFloat64(), 1e-4 * rng.NormFloat64()}
	}
	vel := make([][2]float64, n)
	gain := make([][2]float64, n)
	for i := range gain {
		gain[i] = [2]float64{1, 1}
	}
	q := make([]float64, n*n)
	grad := make([][2]float64, n)
	for iter := 0; iter < Iterations; iter++ {
		exag, momentum := 1.0, 0.8
		if iter < exaggerated {
			exag, momentum = exaggeration, 0.5
		}
		// Student-t affinities in the map, unnormalised.
		var sum float64
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				dx, dy := y[i][0]-y[j][0], y[i][1]-y[j][1]
				v := 1 / (1 + dx*dx + dy*dy)
				q[i*n+j], q[j*n+i] = v, v
				sum += 2 * v
			}
		}
		for i := 0; i < n; i++ {
			grad[i] = [2]float64{}
			for j := 0; j < n; j++ {
				if i == j {
					continue
				}
				w := q[i*n+j]
				m := 4 * (exag*p[i*n+j] - w/sum) * w
				grad[i][0] += m * (y[i][0] - y[j][0])
				grad[i][1] += m * (y[i][1] - y[j][1])
			}
		}
		var mean [2]float64
		for i := 0; i < n; i++ {
			for k := 0; k < 2; k++ {
				// Gains grow where the gradient keeps its sign against the
				// velocity, and shrink where it flips.
				if (grad[i][k] > 0) != (vel[i][k] > 0) {
					gain[i][k] += 0.2
				} else {
					gain[i][k] = math.Max(gain[i][k]*0.8, 0.01)
				}
				vel[i][k] = momentum*vel[i][k] - LearningRate*gain[i][k]*grad[i][k]
				y[i][k] += vel[i][k]
				mean[k] += y[i][k] / float64(n)
			}
		}
		for i := range y {
			y[i][0] -= mean[0]
			y[i][1] -= mean[1]
		}
	}
	return y, nil
}

func standardise(x []float64, n, d int) {
	for j := 0; j < d; j++ {
		var mean, sq float64
		for i := 0; i < n; i++ {
			mean += x[i*d+j]
		}
		mean /= float64(n)
		for i := 0; i < n; i++ {
			sq += (x[i*d+j] - mean) * (x[i*d+j] - mean)
		}
		std := math.Sqrt(sq / float64(n))
		if std == 0 {
			std = 1
		}
		for i := 0; i < n; i++ {
			x[i*d+j] = (x[i*d+j] - mean) / std
		}
	}
}

// affinities returns t-SNE's symmetric input affinities: for each point a
// Gaussian whose width is found by bisection so that its perplexity is the
// target, then P = (P_j|i + P_i|j) / 2n.
func affinities(x []float64, n, d int, perplexity float64) []float64 {
	dist := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			var s float64
			for k := 0; k < d; k++ {
				v := x[i*d+k] - x[j*d+k]
				s += v * v
			}
			dist[i*n+j], dist[j*n+i] = s, s
		}
	}
	cond := make([]float64, n*n)
	target := math.Log(perplexity)
	row := make([]float64, n)
	for i := 0; i < n; i++ {
		beta, lo, hi := 1.0, 0.0, math.Inf(1)
		for step := 0; step < 64; step++ {
			var sum, h float64
			for j := 0; j < n; j++ {
				row[j] = 0
				if j != i {
					row[j] = math.Exp(-beta * dist[i*n+j])
					sum += row[j]
				}
			}
			if sum == 0 {
				sum = 1e-300
			}
			for j := 0; j < n; j++ {
				row[j] /= sum
				if row[j] > 0 {
					h -= row[j] * math.Log(row[j])
				}
			}
			if math.Abs(h-target) < 1e-5 {
				break
			}
			if h > target { // too flat: narrow the Gaussian
				lo = beta
				if math.IsInf(hi, 1) {
					beta *= 2
				} else {
					beta = (beta + hi) / 2
				}
			} else {
				hi = beta
				beta = (beta + lo) / 2
			}
		}
		copy(cond[i*n:(i+1)*n], row)
	}
	p := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			p[i*n+j] = math.Max((cond[i*n+j]+cond[j*n+i])/(2*float64(n)), 1e-12)
		}
	}
	return p
}
