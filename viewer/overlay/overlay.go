// Package overlay is the arithmetic of an attention overlay: it upsamples a
// class activation map (CAM) to the rectangle of the image the network saw,
// colours it with a colour map and alpha-blends it over the galaxy.
//
// It deliberately imports no ebiten (importing ebiten needs a display), so
// every pixel rule here is unit-tested headless; the viewer only uploads the
// result.
package overlay

import (
	"image"
	"image/color"
	"math"
)

// Upsample resizes a side x side row-major grid to w x h with bilinear
// interpolation. Samples are cell-centred: grid cell i covers the output
// interval [i*w/side, (i+1)*w/side), so a 2x2 map upsampled to 4x4 keeps its
// quadrants in place rather than shifting towards the top left. Beyond the
// outermost cell centres values are clamped (no extrapolation), so the result
// stays within the input's range.
func Upsample(values []float32, side, w, h int) []float32 {
	if side <= 0 || w <= 0 || h <= 0 || len(values) < side*side {
		return nil
	}
	out := make([]float32, w*h)
	// Precompute the horizontal sample positions once per call; every row
	// uses the same ones.
	x0s, x1s, fxs := axis(side, w)
	y0s, y1s, fys := axis(side, h)
	for y := 0; y < h; y++ {
		r0 := values[y0s[y]*side : y0s[y]*side+side]
		r1 := values[y1s[y]*side : y1s[y]*side+side]
		fy := fys[y]
		row := out[y*w : y*w+w]
		for x := range row {
			x0, x1, fx := x0s[x], x1s[x], fxs[x]
			top := r0[x0] + (r0[x1]-r0[x0])*fx
			bot := r1[x0] + (r1[x1]-r1[x0])*fx
			row[x] = top + (bot-top)*fy
		}
	}
	return out
}

// axis maps each of n output pixel centres to the two grid cells around it
// and the weight of the second.
func axis(side, n int) (i0, i1 []int, f []float32) {
	i0, i1, f = make([]int, n), make([]int, n), make([]float32, n)
	scale := float64(side) / float64(n)
	for k := 0; k < n; k++ {
		// Centre of output pixel k in grid units, minus the half cell that
		// puts grid values at cell centres.
		g := (float64(k)+0.5)*scale - 0.5
		switch {
		case g <= 0:
			i0[k], i1[k], f[k] = 0, 0, 0
		case g >= float64(side-1):
			i0[k], i1[k], f[k] = side-1, side-1, 0
		default:
			a := int(math.Floor(g))
			i0[k], i1[k], f[k] = a, a+1, float32(g-float64(a))
		}
	}
	return i0, i1, f
}

// Blend paints heat (r.Dx() x r.Dy() values in [0,1], row-major) over dst
// inside r, coloured by cm. The alpha of each pixel is opacity*value: cells
// with no evidence leave the galaxy untouched and the strongest cell is drawn
// at the full opacity, so the image stays readable under the map. dst's
// pixels are taken to be opaque.
//
// Per channel, out = round(base*(1-a) + colour*a).
func Blend(dst *image.RGBA, r image.Rectangle, heat []float32, cm *Colormap, opacity float32) {
	w, h := r.Dx(), r.Dy()
	if len(heat) < w*h || cm == nil {
		return
	}
	opacity = clamp01(opacity)
	clip := r.Intersect(dst.Bounds())
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		hrow := heat[(y-r.Min.Y)*w:]
		off := dst.PixOffset(clip.Min.X, y)
		for x := clip.Min.X; x < clip.Max.X; x, off = x+1, off+4 {
			v := clamp01(hrow[x-r.Min.X])
			a := opacity * v
			if a <= 0 {
				continue
			}
			c := cm.At(v)
			p := dst.Pix[off : off+3 : off+3]
			p[0] = mix(p[0], c.R, a)
			p[1] = mix(p[1], c.G, a)
			p[2] = mix(p[2], c.B, a)
		}
	}
}

// Dim darkens every pixel of dst outside keep to factor of its brightness:
// the network never saw that part of the image, so the viewer mutes it.
func Dim(dst *image.RGBA, keep image.Rectangle, factor float32) {
	factor = clamp01(factor)
	b := dst.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		off := dst.PixOffset(b.Min.X, y)
		for x := b.Min.X; x < b.Max.X; x, off = x+1, off+4 {
			if (image.Point{x, y}).In(keep) {
				continue
			}
			p := dst.Pix[off : off+3 : off+3]
			p[0] = mix(0, p[0], factor)
			p[1] = mix(0, p[1], factor)
			p[2] = mix(0, p[2], factor)
		}
	}
}

// Outline draws a one-pixel frame just inside r.
func Outline(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	if r.Empty() {
		return
	}
	for x := r.Min.X; x < r.Max.X; x++ {
		set(dst, x, r.Min.Y, c)
		set(dst, x, r.Max.Y-1, c)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		set(dst, r.Min.X, y, c)
		set(dst, r.Max.X-1, y, c)
	}
}

func set(dst *image.RGBA, x, y int, c color.RGBA) {
	if (image.Point{x, y}).In(dst.Bounds()) {
		dst.SetRGBA(x, y, c)
	}
}

// Fit returns the largest rectangle with the aspect ratio of a w x h image
// that fits in box, centred in it.
func Fit(w, h int, box image.Rectangle) image.Rectangle {
	if w <= 0 || h <= 0 || box.Empty() {
		return image.Rectangle{}
	}
	bw, bh := box.Dx(), box.Dy()
	dw, dh := bw, bw*h/w
	if dh > bh {
		dw, dh = bh*w/h, bh
	}
	x0 := box.Min.X + (bw-dw)/2
	y0 := box.Min.Y + (bh-dh)/2
	return image.Rect(x0, y0, x0+dw, y0+dh)
}

// Project maps rectangle r in the coordinates of an image with bounds src to
// the coordinates of that image drawn scaled into dst (edges rounded to the
// nearest pixel). The viewer uses it to find where the network's crop lies on
// screen.
func Project(r, src, dst image.Rectangle) image.Rectangle {
	if src.Empty() {
		return image.Rectangle{}
	}
	sx := float64(dst.Dx()) / float64(src.Dx())
	sy := float64(dst.Dy()) / float64(src.Dy())
	px := func(x int) int { return dst.Min.X + int(math.Round(float64(x-src.Min.X)*sx)) }
	py := func(y int) int { return dst.Min.Y + int(math.Round(float64(y-src.Min.Y)*sy)) }
	return image.Rect(px(r.Min.X), py(r.Min.Y), px(r.Max.X), py(r.Max.Y))
}

// mix returns round(a*(1-t) + b*t) for t in [0,1].
func mix(a, b uint8, t float32) uint8 {
	return uint8(float32(a)*(1-t) + float32(b)*t + 0.5)
}

func clamp01(v float32) float32 {
	switch {
	case v > 1:
		return 1
	case v >= 0:
		return v
	}
	return 0 // negative or NaN
}

// ContourLevels are the fractions of a map's strongest cell at which Contour
// draws its lines.
var ContourLevels = []float32{0.25, 0.5, 0.75}

// Contour draws iso-lines of heat (laid out as for Blend) at levels, each in
// the colour map's colour of its level, leaving every other pixel as it is:
// unlike Blend it hides nothing of the galaxy between the lines. A pixel is
// on a line when a level lies between its value and that of its right or
// lower neighbour.
func Contour(dst *image.RGBA, r image.Rectangle, heat []float32, cm *Colormap, levels []float32) {
	w, h := r.Dx(), r.Dy()
	if len(heat) < w*h || cm == nil {
		return
	}
	band := func(v float32) int {
		n := 0
		for _, l := range levels {
			if v >= l {
				n++
			}
		}
		return n
	}
	clip := r.Intersect(dst.Bounds())
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		for x := clip.Min.X; x < clip.Max.X; x++ {
			i := (y-r.Min.Y)*w + (x - r.Min.X)
			b := band(heat[i])
			hi, edge := b, false
			if x+1 < r.Max.X {
				if nb := band(heat[i+1]); nb != b {
					hi, edge = max(hi, nb), true
				}
			}
			if y+1 < r.Max.Y {
				if nb := band(heat[i+w]); nb != b {
					hi, edge = max(hi, nb), true
				}
			}
			if !edge {
				continue
			}
			set(dst, x, y, cm.At(levels[hi-1]))
		}
	}
}
