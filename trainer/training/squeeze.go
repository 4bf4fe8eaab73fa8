package training

import (
	"image"
	"math"
	"math/rand"
	"slices"

	"github.com/hiwl/hiwl/model"
)

// Squeezing a smooth galaxy.
//
// Among smooth galaxies, round, in-between and cigar-shaped differ by their
// axis ratio q (minor over major axis). Measured from second moments of the
// sky-subtracted light above 10 % of the central peak on the shared labelled
// set, the medians are 0.88, 0.71 and 0.45, and the classes overlap little
// (in-between 10-90 %: 0.59-0.81; cigar 90 %: 0.54). So a smooth galaxy
// squeezed along a random direction is another smooth galaxy whose class
// follows from its new q: an in-between galaxy squeezed to q 0.45 is a
// cigar. The cigar class has 31 training images; this makes more.
//
// The class boundaries are fitted on the training split at the start of a
// run (the q that best separates each neighbouring pair), and a squeeze
// whose new q falls near a boundary is not drawn, so that no label is a
// coin toss.

// moments is a galaxy's second-moment matrix of light, [xx, xy, yy], in
// the cached training image's pixels.
type moments [3]float64

// axisRatio is sqrt(λmin/λmax) of the moment matrix; 0 when degenerate.
func (m moments) axisRatio() float64 {
	tr, det := m[0]+m[2], m[0]*m[2]-m[1]*m[1]
	disc := math.Sqrt(max(tr*tr/4-det, 0))
	l1, l2 := tr/2+disc, tr/2-disc
	if !(l1 > 0 && l2 > 0) {
		return 0
	}
	return math.Sqrt(l2 / l1)
}

// squeezed is the moment matrix after scaling by s along direction phi:
// A M Aᵀ with A = I + (s-1) d dᵀ.
func (m moments) squeezed(s, phi float64) moments {
	dx, dy := math.Cos(phi), math.Sin(phi)
	a := [2][2]float64{{1 + (s-1)*dx*dx, (s - 1) * dx * dy}, {(s - 1) * dx * dy, 1 + (s-1)*dy*dy}}
	mm := [2][2]float64{{m[0], m[1]}, {m[1], m[2]}}
	var am [2][2]float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			am[i][j] = a[i][0]*mm[0][j] + a[i][1]*mm[1][j]
		}
	}
	var out [2][2]float64
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			out[i][j] = am[i][0]*a[j][0] + am[i][1]*a[j][1]
		}
	}
	return moments{out[0][0], out[0][1], out[1][1]}
}

// galaxyMoments measures the central galaxy in the cached training image
// (whose middle input pixels are the evaluation crop): light
// above the sky (the image's lower quartile of luminance) and above 10 %
// of the central peak, within a disc of 0.4 of the evaluation crop's side.
func galaxyMoments(img *image.RGBA, input int) moments {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	lum := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := img.Pix[y*img.Stride+4*x:]
			lum[y*w+x] = (float64(p[0]) + float64(p[1]) + float64(p[2])) / 3
		}
	}
	sorted := slices.Clone(lum)
	slices.Sort(sorted)
	sky := sorted[len(sorted)/4]
	cx, cy := float64(w)/2, float64(h)/2
	core := max(1, input/32)
	peak := 0.0
	for y := h/2 - core; y <= h/2+core; y++ {
		for x := w/2 - core; x <= w/2+core; x++ {
			if x >= 0 && y >= 0 && x < w && y < h {
				peak = max(peak, lum[y*w+x]-sky)
			}
		}
	}
	r := 0.4 * float64(input)
	var m, mx, my, mxx, myy, mxy float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := lum[y*w+x] - sky
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			if peak <= 0 || v < 0.1*peak || dx*dx+dy*dy > r*r {
				continue
			}
			m += v
			mx += v * dx
			my += v * dy
			mxx += v * dx * dx
			myy += v * dy * dy
			mxy += v * dx * dy
		}
	}
	if m == 0 {
		return moments{}
	}
	mx, my = mx/m, my/m
	return moments{mxx/m - mx*mx, mxy/m - mx*my, myy/m - my*my}
}

// squeezeBounds are the axis ratios that separate round from in-between
// and in-between from cigar-shaped.
type squeezeBounds struct{ roundIn, inCigar float64 }

// classOf is the smooth class of axis ratio q.
func (b squeezeBounds) classOf(q float64) model.Class {
	switch {
	case q >= b.roundIn:
		return model.Round
	case q >= b.inCigar:
		return model.InBetween
	}
	return model.Cigar
}

// squeezeMargin is how far from a boundary a squeezed galaxy's q must lie
// for its new class to be drawn.
const squeezeMargin = 0.04

// fitSqueezeBounds finds, for each neighbouring pair of smooth classes in
// the training images, the axis ratio that misclassifies fewest of them.
func fitSqueezeBounds(ims []trainImage) squeezeBounds {
	by := map[model.Class][]float64{}
	for _, im := range ims {
		if q := im.shape.axisRatio(); q > 0 {
			by[im.class] = append(by[im.class], q)
		}
	}
	split := func(low, high []float64, def float64) float64 {
		if len(low) == 0 || len(high) == 0 {
			return def
		}
		best, bestErr := def, math.MaxInt
		for t := 0.3; t <= 0.95; t += 0.005 {
			e := 0
			for _, q := range low {
				if q >= t {
					e++
				}
			}
			for _, q := range high {
				if q < t {
					e++
				}
			}
			if e < bestErr {
				best, bestErr = t, e
			}
		}
		return best
	}
	return squeezeBounds{
		roundIn: split(by[model.InBetween], by[model.Round], 0.78),
		inCigar: split(by[model.Cigar], by[model.InBetween], 0.56),
	}
}

// drawSqueeze decides whether to squeeze a smooth training galaxy, by how
// much (factor s in [minSqueeze, 1)) and along which direction, and which
// class the result has. ok is false when the image is not squeezed.
func drawSqueeze(rng *rand.Rand, im trainImage, b squeezeBounds, prob float64) (s, phi float64, class model.Class, ok bool) {
	const minSqueeze = 0.5
	if prob <= 0 || !smooth(im.class) || rng.Float64() >= prob {
		return 1, 0, im.class, false
	}
	s = minSqueeze + rng.Float64()*(1-minSqueeze)
	phi = rng.Float64() * math.Pi
	q := im.shape.squeezed(s, phi).axisRatio()
	if q <= 0 || math.Abs(q-b.roundIn) < squeezeMargin || math.Abs(q-b.inCigar) < squeezeMargin {
		return 1, 0, im.class, false
	}
	class = b.classOf(q)
	// Squeezing never makes a galaxy rounder: where the measured q
	// disagrees with the volunteers' label, the label stands unless the
	// squeeze moves it to a flatter class.
	if rank(class) < rank(im.class) {
		return 1, 0, im.class, false
	}
	return s, phi, class, true
}

func smooth(c model.Class) bool { return c == model.Round || c == model.InBetween || c == model.Cigar }

// rank orders the smooth classes from round to cigar-shaped.
func rank(c model.Class) int {
	switch c {
	case model.Round:
		return 0
	case model.InBetween:
		return 1
	}
	return 2
}

// minorAxis is the direction of the galaxy's minor axis, in radians.
func (m moments) minorAxis() float64 {
	return 0.5*math.Atan2(2*m[1], m[0]-m[2]) + math.Pi/2
}

// drawCigar squeezes a smooth galaxy into a cigar-shaped one for network B,
// whose real cigars are few: along the minor axis (give or take 0.2 rad),
// by a factor drawn so that the new axis ratio falls below the
// in-between/cigar boundary by at least squeezeMargin. ok is false when no
// squeeze of at least 0.5 gets there.
func drawCigar(rng *rand.Rand, im trainImage, b squeezeBounds) (s, phi float64, ok bool) {
	const minSqueeze = 0.5
	q := im.shape.axisRatio()
	if q <= 0 {
		return 1, 0, false
	}
	hi := min(0.999, (b.inCigar-squeezeMargin)/q)
	if hi <= minSqueeze {
		return 1, 0, false
	}
	s = minSqueeze + rng.Float64()*(hi-minSqueeze)
	phi = im.shape.minorAxis() + (rng.Float64()*2-1)*0.2
	nq := im.shape.squeezed(s, phi).axisRatio()
	if nq <= 0 || b.classOf(nq) != model.Cigar || b.inCigar-nq < squeezeMargin {
		return 1, 0, false
	}
	return s, phi, true
}
