package galaxygen

import (
	"math"
	"math/rand/v2"

	"github.com/hiwl/hiwl/model"
)

// Params describes one rendered galaxy. Lengths are in pixels of the image
// it was drawn for, angles in radians, brightness in flux units (see canvas).
type Params struct {
	Class     model.Class // the class the galaxy was drawn as
	Ambiguous bool        // drawn at the boundary with Toward; votes are split between the two
	Toward    model.Class // the neighbouring class, when Ambiguous
	Weight    float64     // share of the votes cast for Class (1 unless Ambiguous)

	X, Y   float64 // centre
	PA     float64 // position angle of the major axis, from +x towards +y
	Q      float64 // apparent axis ratio of the main body (the disk for edge-on and spiral)
	Re     float64 // effective radius of a spheroid, or exponential scale length of a disk
	Sersic float64 // Sersic index of the spheroid, or of the bulge of a disk
	Bright float64 // surface brightness at Re (spheroid) or at the disk centre

	Bulge       float64 // bulge brightness relative to the disk centre (edge-on, spiral)
	BulgeRe     float64 // bulge effective radius
	Dust        float64 // peak optical depth of the dust lane (edge-on); 0 for none
	Arms        int     // number of spiral arms (spiral)
	Pitch       float64 // arm pitch angle (spiral)
	ArmContrast float64 // share of the disk light swept into the arms, 0..1
	Bar         bool    // a bar between the arms (spiral)

	PSF       float64 // Gaussian sigma of the point spread function
	Noise     float64 // sky noise after the PSF, flux units
	Sky       float64 // sky level left after subtraction, relative to the usual
	Stars     int     // foreground stars in the field
	Neighbour bool    // a companion galaxy in the field
}

// neighbours lists, per class, the classes an ambiguous galaxy can lean to:
// the boundaries where volunteers disagree in the real data.
var neighbours = [model.NumClasses][]model.Class{
	model.Round:     {model.InBetween},
	model.InBetween: {model.Round, model.Cigar},
	model.Cigar:     {model.InBetween, model.EdgeOn},
	model.EdgeOn:    {model.Cigar},
	model.Spiral:    {model.InBetween, model.EdgeOn},
}

func uniform(rng *rand.Rand, a, b float64) float64 { return a + (b-a)*rng.Float64() }

func logUniform(rng *rand.Rand, a, b float64) float64 {
	return math.Exp(uniform(rng, math.Log(a), math.Log(b)))
}

// drawParams picks the parameters of a galaxy of class c for an image of
// side size. With ambiguous set it picks a neighbouring class and pushes
// the shape towards that boundary.
func drawParams(rng *rand.Rand, c model.Class, ambiguous bool, size int) Params {
	k := float64(size) / 424 // every length below is for a 424-pixel image
	p := Params{Class: c, Toward: c, Weight: 1}
	if ambiguous {
		nb := neighbours[c]
		p.Ambiguous, p.Toward = true, nb[rng.IntN(len(nb))]
		// Between 0.2 and 0.85 of the votes for the drawn class: some such
		// galaxies are still selected as it, some as the neighbour, many
		// as neither, like real boundary cases.
		p.Weight = uniform(rng, 0.2, 0.85)
	}
	p.X = float64(size)/2 + clampAbs(rng.NormFloat64()*3, 8)*k
	p.Y = float64(size)/2 + clampAbs(rng.NormFloat64()*3, 8)*k
	p.PA = rng.Float64() * math.Pi
	p.PSF = max(0.6, uniform(rng, 1.3, 2.6)*k)
	p.Noise = logUniform(rng, 0.06, 0.15)
	p.Sky = uniform(rng, 0.7, 2)
	p.Stars = rng.IntN(4) + rng.IntN(4) // 0..6, mostly 2-4
	p.Neighbour = rng.Float64() < 0.35

	switch c {
	case model.Round, model.InBetween, model.Cigar:
		p.Sersic = uniform(rng, 1, 4)
		p.Re = logUniform(rng, 16, 38) * k
		p.Bright = logUniform(rng, 1.5, 5)
		switch c {
		case model.Round:
			p.Q = uniform(rng, 0.85, 1)
		case model.InBetween:
			p.Q = uniform(rng, 0.45, 0.8)
		case model.Cigar:
			p.Q = uniform(rng, 0.15, 0.4)
			p.Sersic = uniform(rng, 0.8, 2.5) // elongated spheroids are disky
			p.Re = logUniform(rng, 18, 40) * k
		}
		if ambiguous {
			switch {
			case c == model.Round:
				p.Q = uniform(rng, 0.75, 0.86)
			case c == model.InBetween && p.Toward == model.Round:
				p.Q = uniform(rng, 0.76, 0.86)
			case c == model.InBetween: // towards cigar
				p.Q = uniform(rng, 0.38, 0.48)
			case p.Toward == model.InBetween: // cigar towards in-between
				p.Q = uniform(rng, 0.38, 0.5)
			default: // cigar towards edge-on: a thin, disky spheroid
				p.Q = uniform(rng, 0.15, 0.25)
				p.Sersic = uniform(rng, 0.6, 1.1)
			}
		}
	case model.EdgeOn:
		p.Re = logUniform(rng, 18, 38) * k
		p.Q = uniform(rng, 0.08, 0.2)
		p.Bright = logUniform(rng, 4, 12)
		p.Sersic = uniform(rng, 1, 2.5)
		p.BulgeRe = uniform(rng, 0.15, 0.35) * p.Re
		p.Bulge = uniform(rng, 0.3, 1.5)
		if rng.Float64() < 0.6 {
			// A lane shows only where the disk is resolved across, so the
			// dusty ones are the larger, less thin disks.
			p.Dust = uniform(rng, 0.8, 2)
			p.Q = uniform(rng, 0.12, 0.2)
			p.Re = max(p.Re, logUniform(rng, 24, 38)*k)
		}
		if ambiguous { // towards cigar: thicker, no lane, bigger bulge
			p.Q = uniform(rng, 0.18, 0.28)
			p.Dust = 0
			p.Bulge = uniform(rng, 1, 2)
		}
	case model.Spiral:
		p.Re = logUniform(rng, 20, 40) * k
		p.Q = uniform(rng, 0.45, 1)
		p.Bright = logUniform(rng, 2, 6)
		p.Sersic = uniform(rng, 1, 3)
		p.BulgeRe = uniform(rng, 0.12, 0.3) * p.Re
		p.Bulge = logUniform(rng, 1, 8)
		p.Arms = []int{2, 2, 2, 3, 3, 4}[rng.IntN(6)]
		p.Pitch = uniform(rng, 18, 40) * math.Pi / 180
		p.ArmContrast = uniform(rng, 0.3, 0.7)
		p.Bar = rng.Float64() < 0.3
		if ambiguous {
			if p.Toward == model.InBetween { // faint, barely visible arms
				p.ArmContrast = uniform(rng, 0.1, 0.3)
			} else { // tilted towards edge-on
				p.Q = uniform(rng, 0.3, 0.45)
			}
		}
	}
	return p
}

func clampAbs(x, m float64) float64 { return max(-m, min(m, x)) }
