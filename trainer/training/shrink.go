package training

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"golang.org/x/image/draw"
)

// skyRing is the width, in pixels of the shrunk image, of the border whose
// statistics Shrink takes as the sky.
const skyRing = 8

// Shrink shows img at scale (0 < scale < 1) of its size: downscaled, centred
// and padded back to the original size with its own sky, Gaussian noise of
// the mean and spread of each channel in the shrunk image's outer ring. It
// is how a survey cutout that frames the galaxy more loosely looks; the
// noise is seeded by the image size, so the same image always gives the
// same result.
func Shrink(img image.Image, scale float64) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	sw, sh := max(1, int(math.Round(float64(w)*scale))), max(1, int(math.Round(float64(h)*scale)))
	small := image.NewRGBA(image.Rect(0, 0, sw, sh))
	draw.BiLinear.Scale(small, small.Bounds(), img, b, draw.Src, nil)

	var sum, sq [3]float64
	n := 0
	for y := 0; y < sh; y++ {
		for x := 0; x < sw; x++ {
			if x >= skyRing && x < sw-skyRing && y >= skyRing && y < sh-skyRing {
				continue
			}
			p := small.RGBAAt(x, y)
			for c, v := range [3]uint8{p.R, p.G, p.B} {
				sum[c] += float64(v)
				sq[c] += float64(v) * float64(v)
			}
			n++
		}
	}
	var mean, std [3]float64
	for c := range mean {
		mean[c] = sum[c] / float64(n)
		std[c] = math.Sqrt(math.Max(0, sq[c]/float64(n)-mean[c]*mean[c]))
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var px [3]uint8
			for c := range px {
				px[c] = uint8(math.Round(min(max(mean[c]+std[c]*rng.NormFloat64(), 0), 255)))
			}
			out.SetRGBA(x, y, color.RGBA{px[0], px[1], px[2], 255})
		}
	}
	x0, y0 := (w-sw)/2, (h-sh)/2
	for y := 0; y < sh; y++ {
		copy(out.Pix[(y0+y)*out.Stride+4*x0:(y0+y)*out.Stride+4*(x0+sw)], small.Pix[y*small.Stride:y*small.Stride+4*sw])
	}
	return out
}
