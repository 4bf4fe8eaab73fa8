package galaxygen

import (
	"image"
	"math"
	"math/rand/v2"
)

// The canvas works in linear flux, one float32 plane per colour channel
// (R, G, B standing in for the SDSS i, r, g bands). The unit is the
// softening of the asinh stretch: one unit of flux is where the stretch
// turns from linear to logarithmic.
type canvas struct {
	n    int
	px   [3][]float32
	tmp  []float32    // blur scratch, one plane
	kern []float32    // blur kernel, reused
	lut  []float32    // radial profile table, reused
	rtab [][4]float32 // spiral radial tables, reused
	grid []float32    // coarse noise grid, reused
	img  *image.RGBA
}

func newCanvas(n int) *canvas {
	c := &canvas{n: n, tmp: make([]float32, n*n), img: image.NewRGBA(image.Rect(0, 0, n, n))}
	for i := range c.px {
		c.px[i] = make([]float32, n*n)
	}
	return c
}

func (c *canvas) clear() {
	for i := range c.px {
		clear(c.px[i])
	}
}

// colour is a linear flux ratio between the R, G and B channels.
type colour [3]float64

// splat adds a*colA + b*colB, where (a, b) = f(u, v), to every pixel centre
// within rmax of (cx, cy); u runs along position angle pa (radians, from +x
// towards +y) and v across it. Two colours let one pass draw, say, a disk
// and the bluer arms that share its geometry.
func (c *canvas) splat(cx, cy, pa, rmax float64, colA, colB colour, f func(u, v float64) (a, b float64)) {
	x0, x1 := max(0, int(math.Floor(cx-rmax))), min(c.n-1, int(math.Ceil(cx+rmax)))
	y0, y1 := max(0, int(math.Floor(cy-rmax))), min(c.n-1, int(math.Ceil(cy+rmax)))
	cs, sn := math.Cos(pa), math.Sin(pa)
	r2max := rmax * rmax
	pr, pg, pb := c.px[0], c.px[1], c.px[2]
	for y := y0; y <= y1; y++ {
		dy := float64(y) + 0.5 - cy
		row := y * c.n
		for x := x0; x <= x1; x++ {
			dx := float64(x) + 0.5 - cx
			if dx*dx+dy*dy > r2max {
				continue
			}
			a, b := f(dx*cs+dy*sn, dy*cs-dx*sn)
			if a == 0 && b == 0 {
				continue
			}
			i := row + x
			pr[i] += float32(a*colA[0] + b*colB[0])
			pg[i] += float32(a*colA[1] + b*colB[1])
			pb[i] += float32(a*colA[2] + b*colB[2])
		}
	}
}

// attenuate dims every pixel within rmax of (cx, cy) by exp(-tau*ext)
// per channel, where tau = f(u, v) in the frame of splat. It is how a dust
// lane dims the light already drawn behind it, reddening it as it goes.
func (c *canvas) attenuate(cx, cy, pa, rmax float64, ext colour, f func(u, v float64) float64) {
	x0, x1 := max(0, int(math.Floor(cx-rmax))), min(c.n-1, int(math.Ceil(cx+rmax)))
	y0, y1 := max(0, int(math.Floor(cy-rmax))), min(c.n-1, int(math.Ceil(cy+rmax)))
	cs, sn := math.Cos(pa), math.Sin(pa)
	for y := y0; y <= y1; y++ {
		dy := float64(y) + 0.5 - cy
		row := y * c.n
		for x := x0; x <= x1; x++ {
			dx := float64(x) + 0.5 - cx
			tau := f(dx*cs+dy*sn, dy*cs-dx*sn)
			if tau == 0 {
				continue
			}
			for ch := range c.px {
				c.px[ch][row+x] *= float32(math.Exp(-tau * ext[ch]))
			}
		}
	}
}

// point adds a point source of total flux, split bilinearly over the four
// pixels around (x, y) so its centroid is exact; the PSF does the rest.
func (c *canvas) point(x, y, flux float64, col colour) {
	x -= 0.5
	y -= 0.5
	ix, iy := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(ix), y-float64(iy)
	for j := 0; j < 2; j++ {
		for i := 0; i < 2; i++ {
			px, py := ix+i, iy+j
			if px < 0 || py < 0 || px >= c.n || py >= c.n {
				continue
			}
			w := (1 - fx + float64(i)*(2*fx-1)) * (1 - fy + float64(j)*(2*fy-1))
			k := py*c.n + px
			for ch := range 3 {
				c.px[ch][k] += float32(flux * w * col[ch])
			}
		}
	}
}

// lutStep is the radius step of tabulated radial profiles, in pixels: fine
// enough that linear interpolation is invisible after the PSF.
const lutStep = 0.25

// tabulate fills c.lut with prof(r) for r in [0, rmax] and returns a lookup
// that interpolates it, so a profile costs one exp or pow per table entry
// rather than per pixel.
func (c *canvas) tabulate(rmax float64, prof func(r float64) float64) func(r float64) float64 {
	n := int(rmax/lutStep) + 2
	if cap(c.lut) < n {
		c.lut = make([]float32, n)
	}
	lut := c.lut[:n]
	for i := range lut {
		lut[i] = float32(prof(float64(i) * lutStep))
	}
	return func(r float64) float64 {
		x := r / lutStep
		i := int(x)
		if i >= n-1 {
			return 0
		}
		t := float32(x - float64(i))
		return float64(lut[i] + t*(lut[i+1]-lut[i]))
	}
}

// sersicB is b_n of the Sersic profile, chosen so that re encloses half the
// light (Ciotti & Bertin 1999 asymptotic expansion, good for n >= 0.36).
func sersicB(n float64) float64 {
	return 2*n - 1.0/3 + 4/(405*n) + 46/(25515*n*n) + 131/(1148175*n*n*n)
}

// minR keeps the pixel containing a cuspy centre from taking the value at
// r = 0: it stands for the average radius within a pixel.
const minR = 0.38

// sersic draws I(r) = ie * exp(-b_n((r/re)^(1/n) - 1)) with elliptical
// radius r = sqrt(u^2 + (v/q)^2) out to where it fades below cutoff.
func (c *canvas) sersic(cx, cy, pa, q, re, n, ie float64, col colour) {
	const cutoff = 2e-3 // in flux units: well under the sky noise
	b := sersicB(n)
	// Radius where ie*exp(-b((r/re)^(1/n)-1)) = cutoff.
	rmax := re
	if ie > cutoff {
		rmax = re * math.Pow(1+math.Log(ie/cutoff)/b, n)
	}
	rmax = min(rmax, 1.5*float64(c.n))
	prof := c.tabulate(rmax, func(r float64) float64 {
		return ie * math.Exp(-b*(math.Pow(max(r, minR)/re, 1/n)-1))
	})
	invq := 1 / q
	c.splat(cx, cy, pa, rmax, col, colour{}, func(u, v float64) (float64, float64) {
		return prof(math.Sqrt(u*u + v*v*invq*invq)), 0
	})
}

// gauss1 fills k with a normalised Gaussian of the given sigma, radius
// ceil(3 sigma).
func gauss1(k []float32, sigma float64) []float32 {
	r := int(math.Ceil(3 * sigma))
	k = k[:0]
	sum := 0.0
	for i := -r; i <= r; i++ {
		sum += math.Exp(-float64(i*i) / (2 * sigma * sigma))
	}
	for i := -r; i <= r; i++ {
		k = append(k, float32(math.Exp(-float64(i*i)/(2*sigma*sigma))/sum))
	}
	return k
}

// blur convolves every channel with a Gaussian PSF, as two 1-D passes.
// Both passes are written as "out += w * (a + b)" over whole shifted rows,
// which the compiler turns into tight loops without bounds checks; edges
// repeat the border pixel, which is only ever sky.
func (c *canvas) blur(sigma float64) {
	c.kern = gauss1(c.kern, sigma)
	k := c.kern
	r := len(k) / 2
	n := c.n
	if r == 0 || n <= 2*r {
		return
	}
	for ch := range c.px {
		src, dst := c.px[ch], c.tmp
		for y := 0; y < n; y++ { // horizontal: src -> dst
			in, out := src[y*n:y*n+n], dst[y*n:y*n+n]
			w0 := k[r]
			for x, v := range in {
				out[x] = w0 * v
			}
			for j := 1; j <= r; j++ {
				w := k[r+j]
				addPair(out[j:n-j], in[:n-2*j], in[2*j:], w)
				// The 2j pixels whose taps fall off an edge.
				for x := 0; x < j; x++ {
					out[x] += w * (in[0] + in[x+j])
					out[n-1-x] += w * (in[n-1-x-j] + in[n-1])
				}
			}
		}
		for y := 0; y < n; y++ { // vertical: dst -> src
			out := src[y*n : y*n+n]
			in := dst[y*n : y*n+n]
			w0 := k[r]
			for x, v := range in {
				out[x] = w0 * v
			}
			for j := 1; j <= r; j++ {
				a := dst[min(max(y-j, 0), n-1)*n:][:n]
				b := dst[min(max(y+j, 0), n-1)*n:][:n]
				addPair(out, a, b, k[r+j])
			}
		}
	}
}

// addPair does out[i] += w*(a[i]+b[i]): the blur's inner loop, unrolled by
// hand four times because the Go compiler does not unroll loops.
func addPair(out, a, b []float32, w float32) {
	n := len(out)
	a, b = a[:n], b[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		o, x, y := out[i:i+4:i+4], a[i:i+4:i+4], b[i:i+4:i+4]
		o[0] += w * (x[0] + y[0])
		o[1] += w * (x[1] + y[1])
		o[2] += w * (x[2] + y[2])
		o[3] += w * (x[3] + y[3])
	}
	for ; i < n; i++ {
		out[i] += w * (a[i] + b[i])
	}
}

// addNoise adds Gaussian sky noise of sd sky (per channel) plus photon-like
// noise whose variance grows with the signal, as in a CCD. The deviates are
// drawn on a grid of half the resolution and interpolated: the cutouts were
// resampled from coarser SDSS pixels, so their noise is blotchy on a scale
// of a few pixels, not white (and this draws a quarter as many numbers).
// Normal deviates come five to a random uint64 through a quantile table
// small enough for the L1 cache.
func (c *canvas) addNoise(rng *rand.Rand, sky, gain float64) {
	n := c.n
	m := n/2 + 2 // grid points, one beyond each edge
	if cap(c.grid) < m*m {
		c.grid = make([]float32, m*m)
	}
	grid := c.grid[:m*m]
	// sky and gain describe the grid; pixel centres fall at 1/4 and 3/4
	// between grid points, where interpolation keeps 0.625 of the sd in
	// each direction, the same everywhere.
	s2 := float32(sky * sky)
	sd := float32(sky)
	g := float32(gain)
	// Below this signal the photon term adds under 1% to the variance and
	// the square root is skipped.
	faint := 0.02 * s2 / max(g, 1e-30)
	table := normTable
	for ch := range c.px {
		var bits uint64
		for i := range grid {
			if i%5 == 0 {
				bits = rng.Uint64()
			}
			grid[i] = table[bits&(normSize-1)]
			bits >>= normBits
		}
		p := c.px[ch]
		for y := range n {
			// Rows y = 2j and 2j+1 lie at 1/4 and 3/4 from grid row j.
			j, ty := y/2, float32(0.25)
			if y&1 == 1 {
				ty = 0.75
			}
			g0, g1 := grid[j*m:j*m+m], grid[(j+1)*m:(j+1)*m+m]
			row := p[y*n : y*n+n]
			for x := range row {
				i, tx := x/2, float32(0.25)
				if x&1 == 1 {
					tx = 0.75
				}
				top := g0[i] + tx*(g0[i+1]-g0[i])
				bot := g1[i] + tx*(g1[i+1]-g1[i])
				z := top + ty*(bot-top)
				if v := row[x]; v > faint {
					row[x] = v + z*sqrt32(s2+g*v)
				} else {
					row[x] = v + z*sd
				}
			}
		}
	}
}

const (
	normBits = 12
	normSize = 1 << normBits
)

// normTable holds the standard normal quantiles of (k+0.5)/normSize, so a
// uniform index gives a normal deviate (tails cut at 3.5 sigma, which sky
// noise in an 8-bit image never shows).
var normTable = func() *[normSize]float32 {
	var t [normSize]float32
	for k := range t {
		t[k] = float32(math.Sqrt2 * math.Erfinv(2*(float64(k)+0.5)/normSize-1))
	}
	return &t
}()

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// stretch maps linear flux to 8-bit colour with the colour-preserving
// asinh stretch of SDSS colour images: all channels share the factor
// asinh(I)/I of their mean I, so cores saturate in their own colour instead
// of turning white, and faint light stays linear above the sky.
func (c *canvas) stretch(pedestal colour, white float64) *image.RGBA {
	scale := 255 / math.Asinh(white)
	pr, pg, pb := c.px[0], c.px[1], c.px[2]
	ped := [3]float32{float32(pedestal[0]), float32(pedestal[1]), float32(pedestal[2])}
	pix := c.img.Pix[:4*len(pr)]
	for i := range pr {
		r, g, b := pr[i]+ped[0], pg[i]+ped[1], pb[i]+ped[2]
		f := float32(scale) * asinhRatio((r+g+b)/3)
		r, g, b = max(r*f, 0), max(g*f, 0), max(b*f, 0)
		// Saturate by scaling all three so the hue survives.
		if m := max(r, g, b); m > 255 {
			s := 255 / m
			r, g, b = r*s, g*s, b*s
		}
		o := pix[4*i : 4*i+4 : 4*i+4]
		o[0], o[1], o[2], o[3] = uint8(r+0.5), uint8(g+0.5), uint8(b+0.5), 255
	}
	return c.img
}

// asinhRatio is asinh(x)/x, tabulated where nearly every pixel falls
// (x < asinhMax) and computed beyond.
func asinhRatio(x float32) float32 {
	if x <= 0 {
		return 1 // the limit at 0; negative flux is clipped after scaling
	}
	if x >= asinhMax {
		return float32(math.Asinh(float64(x)) / float64(x))
	}
	t := x * (asinhSteps / asinhMax)
	i := int(t)
	f := t - float32(i)
	return asinhTable[i] + f*(asinhTable[i+1]-asinhTable[i])
}

const (
	asinhMax   = 16
	asinhSteps = 4096
)

var asinhTable = func() *[asinhSteps + 1]float32 {
	var t [asinhSteps + 1]float32
	t[0] = 1
	for i := 1; i <= asinhSteps; i++ {
		x := float64(i) * asinhMax / asinhSteps
		t[i] = float32(math.Asinh(x) / x)
	}
	return &t
}()
