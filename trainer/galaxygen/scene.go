package galaxygen

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/hiwl/hiwl/model"
)

// Colours as linear R:G:B flux ratios: old stars in bulges and ellipticals
// are red-yellow, young stars in arms and thin disks blue.
var (
	spheroidColour = colour{1.0, 0.8, 0.52}
	diskColour     = colour{0.9, 0.88, 0.85}
	thinDiskColour = colour{0.8, 0.86, 1.05}
	armColour      = colour{0.55, 0.72, 1.1}
	// Dust dims blue light more than red (roughly i:r:g extinction).
	dustExtinction = colour{0.75, 1, 1.3}
)

// Display settings shared by every image, in flux units: the flux that
// maps to full scale, and the sky level left under the noise (SDSS colour
// cutouts have a dark, slightly warm sky).
const white = 60.0

var skyPedestal = colour{0.04, 0.042, 0.018}

// jitter varies a colour from galaxy to galaxy along the one axis stellar
// populations move on, redder or bluer (green half as much as blue), so
// no galaxy comes out pink or green.
func jitter(rng *rand.Rand, c colour, amount float64) colour {
	t := amount * (2*rng.Float64() - 1)
	return colour{c[0], c[1] * (1 + t/2), c[2] * (1 + t)}
}

// Render draws one clear-cut galaxy of the given class on a size x size
// image, using rng for every random choice, and returns the image with its
// parameters.
func Render(rng *rand.Rand, class model.Class, size int) (image.Image, Params, error) {
	if err := checkRender(class, size); err != nil {
		return nil, Params{}, err
	}
	p := drawParams(rng, class, false, size)
	img := paint(newCanvas(size), rng, &p)
	return img, p, nil
}

func checkRender(class model.Class, size int) error {
	if class < 0 || int(class) >= model.NumClasses {
		return fmt.Errorf("galaxygen: no class %d", int(class))
	}
	if size < MinSize || size > MaxSize {
		return fmt.Errorf("galaxygen: image size %d outside [%d, %d]", size, MinSize, MaxSize)
	}
	return nil
}

// paint renders the scene described by p (plus field objects drawn from
// rng) onto c and returns the 8-bit image, which c owns.
func paint(c *canvas, rng *rand.Rand, p *Params) *image.RGBA {
	c.clear()
	switch p.Class {
	case model.Round, model.InBetween, model.Cigar:
		drawSpheroid(c, rng, p)
	case model.EdgeOn:
		drawEdgeOn(c, rng, p)
	case model.Spiral:
		drawSpiral(c, rng, p)
	}
	drawField(c, rng, p)
	// Noise goes in before the PSF so that it comes out correlated over a
	// few pixels, like the resampled SDSS cutouts. Its grid level is set so
	// that about p.Noise remains after the blur: the PSF averages some
	// pi*sigma^2 independent grid cells of 2x2 pixels.
	spread := math.Sqrt(math.Pi) * max(p.PSF, 1)
	c.addNoise(rng, p.Noise*spread, sq(0.05*spread))
	c.blur(p.PSF)
	sky := skyPedestal
	for i := range sky {
		sky[i] *= p.Sky
	}
	return c.stretch(sky, white)
}

func sq(x float64) float64 { return x * x }

func drawSpheroid(c *canvas, rng *rand.Rand, p *Params) {
	col := jitter(rng, spheroidColour, 0.3)
	c.sersic(p.X, p.Y, p.PA, p.Q, p.Re, p.Sersic, p.Bright, col)
	// Many have a faint, bluer envelope well beyond Re (an extended halo
	// or an old disk), which is what makes real ones look fuzzy.
	if rng.Float64() < 0.6 {
		halo := colour{col[0], col[1] * 1.05, col[2] * 1.15}
		c.sersic(p.X, p.Y, p.PA, min(1, p.Q*uniform(rng, 1, 1.1)), p.Re*uniform(rng, 2, 3.5), 1,
			p.Bright*uniform(rng, 0.04, 0.12), halo)
	}
}

func drawEdgeOn(c *canvas, rng *rand.Rand, p *Params) {
	h, hz := p.Re, p.Q*p.Re
	i0 := p.Bright
	col := jitter(rng, thinDiskColour, 0.15)
	// Seen edge-on, an exponential disk is exponential along the major axis
	// (softened at the centre, where the line of sight crosses the whole
	// disk) and sech^2 across it.
	rmax := min(h*math.Log(i0/2e-3), 1.5*float64(c.n))
	soft := sq(0.3 * h)
	vmax := 8 * hz
	c.splat(p.X, p.Y, p.PA, rmax, col, colour{}, func(u, v float64) (float64, float64) {
		if math.Abs(v) > vmax {
			return 0, 0
		}
		ch := math.Cosh(v / hz)
		return i0 * math.Exp(-math.Sqrt(u*u+soft)/h) / (ch * ch), 0
	})
	bq := uniform(rng, 0.55, 0.85)
	c.sersic(p.X, p.Y, p.PA, bq, p.BulgeRe, p.Sersic, i0*p.Bulge, jitter(rng, spheroidColour, 0.1))
	if p.Dust > 0 {
		// The lane is the near side of the disk seen a few degrees from
		// exactly edge-on: slightly off the midplane, thinner than the
		// light, fading towards the ends.
		off := uniform(rng, -0.4, 0.4) * hz
		w := max(uniform(rng, 0.3, 0.5)*hz, 0.8)
		ends := 2.5 * h
		tau := p.Dust
		c.attenuate(p.X, p.Y, p.PA, rmax, dustExtinction, func(u, v float64) float64 {
			d := (v - off) / w
			if d*d > 30 {
				return 0
			}
			return tau * math.Exp(-d*d/2-math.Abs(u)/ends)
		})
	}
}

func drawSpiral(c *canvas, rng *rand.Rand, p *Params) {
	h, q, i0 := p.Re, p.Q, p.Bright
	m := float64(p.Arms)
	cot := 1 / math.Tan(p.Pitch)
	if rng.IntN(2) == 0 {
		cot = -cot // winding sense
	}
	phase := rng.Float64() * 2 * math.Pi
	// Arms start where the bulge or bar ends and are sharpened by raising
	// a cosine to a power; dividing by its mean keeps the disk's flux.
	start := 2 * p.BulgeRe
	if p.Bar {
		start = uniform(rng, 0.6, 1.1) * h
	}
	sharp := 1 + rng.IntN(2)
	norm := 1 / armMean[sharp]
	lop, lopPhase := uniform(rng, 0, 0.35), rng.Float64()*2*math.Pi
	contrast := p.ArmContrast
	rmax := min(h*math.Log(i0/2e-3), 1.5*float64(c.n))
	invq := 1 / q
	diskCol := jitter(rng, diskColour, 0.1)
	armCol := jitter(rng, armColour, 0.1)
	// Everything that depends only on the in-plane radius r is tabulated:
	// the smooth disk, the light swept into arms, and the arm phase
	// g(r) = m*(cot*ln(r/h) + phase) as cos and sin. The angle never needs
	// atan2: cos(m*theta - g) is Re(z^m * e^-ig) for z = (x + iy)/r.
	const step = 0.1 // pixels; fine enough for the fast phase change near the centre
	nt := int(rmax/step) + 2
	if cap(c.rtab) < nt {
		c.rtab = make([][4]float32, nt)
	}
	tab := c.rtab[:nt]
	for i := range tab {
		r := float64(i) * step
		disk := i0 * math.Exp(-r/h)
		arm := disk * contrast * (1 - math.Exp(-sq(r/start)))
		g := m * (cot*math.Log(max(r, 0.5)/h) + phase)
		tab[i] = [4]float32{float32(disk - arm), float32(arm * norm), float32(math.Cos(g)), float32(math.Sin(g))}
	}
	lc, ls := math.Cos(lopPhase), math.Sin(lopPhase)
	arms := p.Arms
	c.splat(p.X, p.Y, p.PA, rmax, diskCol, armCol, func(u, v float64) (float64, float64) {
		y := v * invq // deproject into the disk plane
		r := math.Sqrt(u*u + y*y)
		t := r / step
		i := int(t)
		if i >= nt-1 {
			return 0, 0
		}
		f := float32(t - float64(i))
		a, b := &tab[i], &tab[i+1]
		smooth := float64(a[0] + f*(b[0]-a[0]))
		arm := float64(a[1] + f*(b[1]-a[1]))
		if arm < 1e-6 || r == 0 {
			return smooth, 0
		}
		cg, sg := float64(a[2]+f*(b[2]-a[2])), float64(a[3]+f*(b[3]-a[3]))
		zr, zi := u/r, y/r
		pr, pi := zr, zi
		for range arms - 1 {
			pr, pi = pr*zr-pi*zi, pr*zi+pi*zr
		}
		cosPsi := pr*cg + pi*sg
		pat := armPower((1+cosPsi)/2, sharp)
		pat *= 1 + lop*(zr*lc+zi*ls) // one side stronger
		return smooth, arm * pat
	})
	// Star-forming knots strung along the arms.
	knots := 8 + rng.IntN(30)
	cs, sn := math.Cos(p.PA), math.Sin(p.PA)
	for range knots {
		r := uniform(rng, 1, 3) * h
		arm := float64(rng.IntN(p.Arms))
		theta := phase + (2*math.Pi*arm+0.3*rng.NormFloat64())/m + cot*math.Log(r/h)
		u, v := r*math.Cos(theta), r*math.Sin(theta)*q
		flux := i0 * math.Exp(-r/h) * logUniform(rng, 2, 15) * sq(p.PSF)
		c.point(p.X+u*cs-v*sn, p.Y+u*sn+v*cs, flux, armCol)
	}
	bulgeCol := jitter(rng, spheroidColour, 0.1)
	c.sersic(p.X, p.Y, p.PA, max(q, 0.75), p.BulgeRe, p.Sersic, i0*p.Bulge, bulgeCol)
	if p.Bar {
		barPA := p.PA + uniform(rng, -1.2, 1.2)
		c.sersic(p.X, p.Y, barPA, uniform(rng, 0.25, 0.35), 0.7*start, 0.5, i0*uniform(rng, 0.4, 0.9), bulgeCol)
	}
}

// armMean[k] is the mean of ((1+cos x)/2)^k over a period: C(2k,k)/4^k.
var armMean = [...]float64{1, 0.5, 0.375, 0.3125, 0.2734375}

func armPower(x float64, k int) float64 {
	y := x
	for i := 1; i < k; i++ {
		y *= x
	}
	return y
}

// drawField adds what else is in a cutout: foreground stars, a companion,
// small faint background galaxies. All keep clear of the target so the
// label stays the target's.
func drawField(c *canvas, rng *rand.Rand, p *Params) {
	size := float64(c.n)
	k := size / 424
	psfArea := 2 * math.Pi * sq(p.PSF)
	for range p.Stars {
		x, y := fieldPos(rng, p, size, 45*k)
		peak := logUniform(rng, 0.3, 80) // brightness after the PSF
		t := rng.Float64()               // colour: cool red to hot blue-white
		col := colour{1, 0.5 + 0.45*t, 0.25 + 1.05*t}
		c.point(x, y, peak*psfArea, col)
		if peak > 10 { // scattered light around bright stars
			c.sersic(x, y, 0, 1, 3*k, 1, peak*0.01, col)
		}
	}
	if p.Neighbour {
		x, y := fieldPos(rng, p, size, 100*k)
		col := spheroidColour
		if rng.IntN(3) == 0 {
			col = thinDiskColour
		}
		c.sersic(x, y, rng.Float64()*math.Pi, uniform(rng, 0.3, 1), logUniform(rng, 3, 9)*k,
			uniform(rng, 1, 3), logUniform(rng, 0.2, 1.2), jitter(rng, col, 0.2))
	}
	for range rng.IntN(13) {
		x, y := fieldPos(rng, p, size, 60*k)
		t := rng.Float64()
		col := colour{1, 0.7 + 0.2*t, 0.4 + 0.7*t}
		c.sersic(x, y, rng.Float64()*math.Pi, uniform(rng, 0.4, 1), logUniform(rng, 1, 3)*k,
			1, logUniform(rng, 0.2, 2), col)
	}
}

// fieldPos picks a point in the image at least minDist from the galaxy.
func fieldPos(rng *rand.Rand, p *Params, size, minDist float64) (x, y float64) {
	for range 32 { // bounded: a small image may have no such point
		x, y = rng.Float64()*size, rng.Float64()*size
		if sq(x-p.X)+sq(y-p.Y) >= sq(minDist) {
			break
		}
	}
	return x, y
}
