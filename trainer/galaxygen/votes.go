package galaxygen

import (
	"math"
	"math/rand/v2"

	"github.com/hiwl/hiwl/model"
	gz "github.com/hiwl/hiwl/trainer/gzdata"
)

// Margin by which a clear galaxy's deciding vote fractions clear the
// selection thresholds, so that rounding to six decimals never moves one.
const margin = 0.02

// drawVotes makes the Challenge vote fractions for a galaxy. A clear one
// gets votes that select its class; an ambiguous one the mix
// Weight*votes(Class) + (1-Weight)*votes(Toward). Both parts obey the
// decision tree and the tree's sums are linear, so the mix does too.
func drawVotes(rng *rand.Rand, p *Params) gz.Votes {
	v := clearVotes(rng, p.Class, p)
	if p.Ambiguous {
		u := clearVotes(rng, p.Toward, p)
		for i := range v {
			v[i] = p.Weight*v[i] + (1-p.Weight)*u[i]
		}
	}
	// Six decimals, as in the published file; what is written is what
	// the loader will select on.
	for i := range v {
		v[i] = math.Round(v[i]*1e6) / 1e6
	}
	return v
}

// clearVotes draws votes of a crowd that agrees on class c. The answers
// that decide the selection are drawn between threshold+margin and their
// maximum; the rest follow the galaxy's parameters where they say
// something (bulge, bar, arms, dust) and are loosely random elsewhere.
func clearVotes(rng *rand.Rand, c model.Class, p *Params) gz.Votes {
	var v gz.Votes
	star := 0.03 * sq(rng.Float64()) // a few always vote "star or artifact"
	switch c {
	case model.Round, model.InBetween, model.Cigar:
		smooth := uniform(rng, 0.62, 0.97-star)
		v[gz.Class1_1], v[gz.Class1_2], v[gz.Class1_3] = smooth, 1-smooth-star, star
		main := above(rng, gz.ShapeMin, smooth)
		rest := smooth - main
		switch c {
		case model.Round: // doubters say "in between"
			split(rng, rest, v[gz.Class7_2:gz.Class7_3+1], 0.8, 0.2)
			v[gz.Class7_1] = main
		case model.InBetween: // doubters lean the way the shape does
			t := math.Min(1, math.Max(0, (p.Q-0.45)/0.35))
			split(rng, rest, v[gz.Class7_1:gz.Class7_3+1], 0.1+t, 0, 1.1-t)
			v[gz.Class7_2] = main
		case model.Cigar:
			split(rng, rest, v[gz.Class7_1:gz.Class7_2+1], 0.1, 0.9)
			v[gz.Class7_3] = main
		}
		edge := 0.2
		if c == model.Cigar {
			edge = 0.6 // thin smooth galaxies are often called edge-on disks
		}
		features(rng, &v, v[gz.Class1_2]*uniform(rng, 0, edge))
	case model.EdgeOn:
		feat := uniform(rng, 0.68, 0.98-star)
		v[gz.Class1_1], v[gz.Class1_2], v[gz.Class1_3] = 1-feat-star, feat, star
		split(rng, v[gz.Class1_1], v[gz.Class7_1:gz.Class7_3+1], 0.05, 0.35, 0.6)
		features(rng, &v, above(rng, gz.EdgeOnMin, feat))
		if p.Class == model.EdgeOn { // the bulge shape volunteers saw
			b := math.Min(1, p.Bulge/1.5)
			split(rng, v[gz.Class2_1], v[gz.Class9_1:gz.Class9_3+1], 0.2+b, 0.15, 1.1-b)
		}
	case model.Spiral:
		feat := uniform(rng, 0.8, 0.995-star)
		v[gz.Class1_1], v[gz.Class1_2], v[gz.Class1_3] = 1-feat-star, feat, star
		split(rng, v[gz.Class1_1], v[gz.Class7_1:gz.Class7_3+1], 0.4, 0.5, 0.1)
		notEdge := above(rng, gz.NotEdgeMin, feat)
		features(rng, &v, feat-notEdge)
		v[gz.Class4_1] = above(rng, gz.SpiralMin, notEdge)
		v[gz.Class4_2] = notEdge - v[gz.Class4_1]
		spiralDetails(rng, &v, p)
	}
	odd(rng, &v, p)
	return v
}

// above draws a vote fraction between threshold+margin and max, leaning
// towards max: most clear galaxies are clearer than the cut.
func above(rng *rand.Rand, threshold, max float64) float64 {
	lo := threshold + margin
	return lo + (max-lo)*math.Sqrt(uniform(rng, 0.1, 1))
}

// split shares total among the answers in out, in proportion to the
// weights jittered by up to +-50%.
func split(rng *rand.Rand, total float64, out []float64, weights ...float64) {
	sum := 0.0
	w := make([]float64, len(out))
	for i := range out {
		w[i] = weights[i] * uniform(rng, 0.5, 1.5)
		sum += w[i]
	}
	for i := range out {
		if sum > 0 {
			out[i] = total * w[i] / sum
		} else {
			out[i] = total / float64(len(out))
		}
	}
}

// features fills the "features or disk" branch given how many votes went
// to edge-on: Q2 from it, then Q3, Q4, Q5 from the rest and Q9 from it.
// The spiral case overwrites Q4 and what hangs below it.
func features(rng *rand.Rand, v *gz.Votes, edge float64) {
	v[gz.Class2_1] = edge
	v[gz.Class2_2] = v[gz.Class1_2] - edge
	face := v[gz.Class2_2]
	v[gz.Class3_1] = face * uniform(rng, 0, 0.2)
	v[gz.Class3_2] = face - v[gz.Class3_1]
	v[gz.Class4_1] = face * uniform(rng, 0, 0.35)
	v[gz.Class4_2] = face - v[gz.Class4_1]
	split(rng, face, v[gz.Class5_1:gz.Class5_4+1], 0.2, 0.4, 0.3, 0.1)
	split(rng, edge, v[gz.Class9_1:gz.Class9_3+1], 0.5, 0.2, 0.3)
	split(rng, v[gz.Class4_1], v[gz.Class10_1:gz.Class10_3+1], 1, 1, 1)
	split(rng, v[gz.Class4_1], v[gz.Class11_1:gz.Class11_6+1], 0.1, 0.4, 0.15, 0.05, 0.05, 0.25)
}

// spiralDetails sets bar, bulge, arm winding and arm count votes from what
// was drawn, with the scatter of a crowd.
func spiralDetails(rng *rand.Rand, v *gz.Votes, p *Params) {
	face := v[gz.Class2_2]
	bar := uniform(rng, 0, 0.2)
	if p.Bar {
		bar = uniform(rng, 0.5, 0.9)
	}
	v[gz.Class3_1] = face * bar
	v[gz.Class3_2] = face - v[gz.Class3_1]
	b := math.Min(1, math.Log1p(p.Bulge)/2) // 0: tiny bulge, 1: dominant
	split(rng, face, v[gz.Class5_1:gz.Class5_4+1], 0.3*(1-b), 1-b, 0.3+b, 0.3*b)
	arms := v[gz.Class4_1]
	deg := p.Pitch * 180 / math.Pi // tight below ~20 degrees, loose above ~30
	t := math.Min(1, math.Max(0, (deg-15)/25))
	split(rng, arms, v[gz.Class10_1:gz.Class10_3+1], sq(1-t)+0.1, 0.5, sq(t)+0.1)
	w := []float64{0.05, 0.1, 0.1, 0.1, 0.05, 0.3}
	if p.Arms >= 1 && p.Arms <= 5 {
		w[p.Arms-1] += 1
	}
	split(rng, arms, v[gz.Class11_1:gz.Class11_6+1], w...)
}

// odd fills Q6 ("anything odd?", asked of everyone who did not vote star)
// and Q8 (which odd feature) from the scene: a companion draws merger and
// "other" votes, a dust lane draws dust-lane votes.
func odd(rng *rand.Rand, v *gz.Votes, p *Params) {
	asked := v[gz.Class1_1] + v[gz.Class1_2]
	frac := uniform(rng, 0, 0.15)
	w := []float64{0.1, 0.05, 0.1, 0.1, 0.35, 0.1, 0.05}
	if p.Neighbour {
		frac += uniform(rng, 0, 0.25)
		w[5] += 0.6
	}
	if p.Dust > 0 {
		frac += uniform(rng, 0.1, 0.4)
		w[6] += 1.5
	}
	v[gz.Class6_1] = asked * math.Min(frac, 0.9)
	v[gz.Class6_2] = asked - v[gz.Class6_1]
	split(rng, v[gz.Class6_1], v[gz.Class8_1:gz.Class8_7+1], w...)
}
