package training

import (
	"fmt"
	"image"
	"math/rand"
	"strings"

	"github.com/hiwl/hiwl/model"
)

// Consistency training on the unlabelled images (FixMatch: Sohn et al.
// 2020, "Simplifying semi-supervised learning with consistency and
// confidence").
//
// The teachers' pseudo-labels (pseudo.go) are fixed once, before training,
// and keep only what older models were sure of. Here the network labels
// the images itself as it learns: its answer on a weak view of an image
// (flips, the small zoom and shift every draw has) is the target of a
// strong view of the same image (any rotation, zoom-outs, twice the
// brightness range, sky noise), wherever that answer is confident. A
// galaxy's class does not change under any of these, so the network is
// asked for what the labels cannot give it in numbers: the same answer
// for the same galaxy however it is shown.

// consistencyStats counts one epoch's unlabelled draws.
type consistencyStats struct {
	seen, kept int
	perClass   []int
}

// String names the kept draws' classes by network A's outputs or, for
// the flat network, by the five classes.
func (s consistencyStats) String() string {
	var parts []string
	for c, k := range s.perClass {
		name := model.Class(c).Slug()
		if len(s.perClass) == model.NumA {
			name = model.ANames[c]
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, k))
	}
	return fmt.Sprintf("%d of %d unlabelled draws confident enough to train on (%.0f%%: %s)",
		s.kept, s.seen, 100*float64(s.kept)/float64(max(s.seen, 1)), strings.Join(parts, ", "))
}

// weakAugment is the weak view: flips, and the small zoom and shift of
// every draw.
func weakAugment() Augment { return Augment{ZoomOut: 1} }

// strongAugment is the strong view: the run's augmentations at least as
// strong as the default model's, and twice its brightness range. It never
// squeezes: that would change the class the weak view answered for.
func strongAugment(a Augment) Augment {
	a.Rotation = 180
	a.ZoomOut = max(a.ZoomOut, 2.2)
	a.ZoomOutProb = max(a.ZoomOutProb, 0.5)
	a.Brightness = max(2*a.Brightness, 0.4)
	a.Squeeze, a.SqueezeB = 0, 0
	return a
}

// maxNoise is the largest standard deviation of the strong view's
// Gaussian noise, as a share of full scale (0.03: about 8 grey levels,
// a little more than the Challenge sky's own).
const maxNoise = 0.03

// addNoise adds Gaussian noise of a drawn strength to a normalised CHW
// image of plane pixels per channel.
func addNoise(rng *rand.Rand, x []float32, plane int) {
	sigma := rng.Float64() * maxNoise
	for c := 0; c < 3; c++ {
		s := float32(sigma) / model.Std[c]
		ch := x[c*plane : (c+1)*plane]
		for i := range ch {
			ch[i] += s * float32(rng.NormFloat64())
		}
	}
}

// fillConsistency draws len(y)/K unlabelled images and writes their strong
// views into x and their targets into y. An image whose weak view the
// network answers with at least ConsistencyConfidence gets that class,
// label-smoothed and scaled by 2*Consistency (the batch's loss is a mean
// over labelled and unlabelled rows, so 2 makes it the labelled mean plus
// Consistency times the unlabelled one, as in FixMatch). The others get a
// zero target: nothing in the cross-entropy, its gradient or the attention
// penalty (a zero target has no map).
func (t *trainer) fillConsistency(rng *rand.Rand, n *network, x, y []float32, scratch *image.RGBA, stats *consistencyStats) error {
	s, k := t.cfg.Input, n.classes
	per, rows := 3*s*s, len(y)/k
	if stats.perClass == nil {
		stats.perClass = make([]int, k)
	}
	picks := make([]trainImage, rows)
	weak := make([]float32, evalBatch*per)
	for start := 0; start < rows; start += evalBatch {
		m := min(evalBatch, rows-start)
		clear(weak)
		for i := 0; i < m; i++ {
			picks[start+i] = t.unlabelled[rng.Intn(len(t.unlabelled))]
			copy(weak[i*per:], augment(rng, picks[start+i], s, weakAugment(), squeeze{S: 1}, scratch))
		}
		probs, _, err := n.evalNet.Forward(weak)
		if err != nil {
			return err
		}
		for i := 0; i < m; i++ {
			p, row := probs[i*k:(i+1)*k], y[(start+i)*k:(start+i+1)*k]
			c := model.Argmax(p)
			stats.seen++
			if float64(p[c]) < t.cfg.ConsistencyConfidence {
				clear(row)
				continue
			}
			smoothed(row, c, k, t.cfg.Smoothing)
			for j := range row {
				row[j] *= float32(2 * t.cfg.Consistency)
			}
			stats.kept++
			stats.perClass[c]++
		}
	}
	strong := strongAugment(t.cfg.Augment)
	for i, im := range picks {
		xi := x[i*per : (i+1)*per]
		copy(xi, augment(rng, im, s, strong, squeeze{S: 1}, scratch))
		addNoise(rng, xi, s*s)
	}
	return nil
}
