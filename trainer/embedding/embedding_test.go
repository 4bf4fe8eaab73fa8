package embedding

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Two well separated clusters in 16-D stay apart in 2-D: every point is
// nearer the centre of its own cluster than the other's.
func TestTSNESeparatesClusters(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var feats [][]float32
	for i := 0; i < 60; i++ {
		f := make([]float32, 16)
		for j := range f {
			f[j] = float32(rng.NormFloat64())
			if i%2 == 1 {
				f[j] += 6
			}
		}
		feats = append(feats, f)
	}
	xy, err := TSNE(feats, 1)
	if err != nil {
		t.Fatal(err)
	}
	var c [2][2]float64
	for i, p := range xy {
		c[i%2][0] += p[0] / 30
		c[i%2][1] += p[1] / 30
	}
	dist := func(p, q [2]float64) float64 { return math.Hypot(p[0]-q[0], p[1]-q[1]) }
	for i, p := range xy {
		if dist(p, c[i%2]) >= dist(p, c[1-i%2]) {
			t.Fatalf("point %d is nearer the other cluster", i)
		}
	}
	again, _ := TSNE(feats, 1)
	if again[7] != xy[7] {
		t.Fatal("same input and seed, different layout")
	}
}

func TestTSNETooFew(t *testing.T) {
	if _, err := TSNE([][]float32{{1}, {2}}, 1); !errors.Is(err, ErrTooFew) {
		t.Fatalf("two points: %v", err)
	}
	if _, err := TSNE([][]float32{{1, 2}, {2}, {3, 4}}, 1); !errors.Is(err, ErrTooFew) {
		t.Fatalf("ragged: %v", err)
	}
}
