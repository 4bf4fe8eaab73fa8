package training

import (
	"math"
	"math/rand"
	"testing"

	"github.com/hiwl/hiwl/model"
)

func TestAttentionShare(t *testing.T) {
	const side = 10
	cam := func(f func(x, y int) float32) model.CAM {
		c := model.CAM{Side: side, Values: make([]float32, side*side)}
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				c.Values[y*side+x] = f(x, y)
			}
		}
		return c
	}
	// All mass in the four central cells: on the galaxy.
	if s := AttentionShare(cam(func(x, y int) float32 {
		if (x == 4 || x == 5) && (y == 4 || y == 5) {
			return 1
		}
		return 0
	})); s < 0.99 {
		t.Errorf("central map: share %v", s)
	}
	// All mass in a corner: beside it.
	if s := AttentionShare(cam(func(x, y int) float32 {
		if x < 2 && y < 2 {
			return 1
		}
		return -1
	})); s > 0.01 {
		t.Errorf("corner map: share %v", s)
	}
	// A uniform map: the disc's share of the square, pi·0.3².
	if s := AttentionShare(cam(func(x, y int) float32 { return 2 })); math.Abs(s-math.Pi*0.09) > 0.01 {
		t.Errorf("uniform map: share %v, want about %v", s, math.Pi*0.09)
	}
	// Negative evidence only: nothing to share.
	if s := AttentionShare(cam(func(x, y int) float32 { return -1 })); s != 0 {
		t.Errorf("negative map: share %v", s)
	}
}

// The training penalty's cell weights agree with the measure: for a map
// without negative cells, its off-disc share is 1 - AttentionShare.
func TestAttentionCellsMatchShare(t *testing.T) {
	const side = 10
	off, total := attentionCells(side)
	rng := rand.New(rand.NewSource(5))
	for trial := 0; trial < 5; trial++ {
		cam := model.CAM{Side: side, Values: make([]float32, side*side)}
		var o, all float64
		for p := range cam.Values {
			v := float32(rng.ExpFloat64())
			cam.Values[p] = v
			o += float64(off[p] * v)
			all += float64(total[p] * v)
		}
		if got, want := o/all, 1-AttentionShare(cam); math.Abs(got-want) > 1e-5 {
			t.Errorf("trial %d: off share from cell weights %v, from the measure %v", trial, got, want)
		}
	}
	// a corner cell is wholly off the disc, a central one wholly on it
	if off[0] != total[0] || off[4*side+4] != 0 {
		t.Errorf("corner off %v of %v, centre off %v", off[0], total[0], off[4*side+4])
	}
}

// An epoch replaces the best on higher validation accuracy; with the
// attention penalty, also on equal accuracy with less of its maps off the
// galaxy, never on lower accuracy.
func TestImprovesBreaksTiesByAttention(t *testing.T) {
	best := netState{BestAcc: 0.85, BestOff: 0.30}
	for _, c := range []struct {
		score, off float64
		want       bool
	}{
		{0.87, math.NaN(), true},
		{0.85, math.NaN(), false}, // no penalty: ties keep the earlier epoch
		{0.85, 0.20, true},
		{0.85, 0.30, false},
		{0.85, 0.40, false},
		{0.83, 0.01, false},
	} {
		if got := best.improves(c.score, c.off); got != c.want {
			t.Errorf("score %v off %v: improves %v, want %v", c.score, c.off, got, c.want)
		}
	}
}
