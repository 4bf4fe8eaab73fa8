package model

import (
	"image"
	"image/color"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// disc is a side x side image of dark sky with a bright centred disc whose
// radius is frac of the side, fading linearly to the edge.
func disc(side int, frac float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	r := frac * float64(side)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			d := math.Hypot(float64(x)+0.5-float64(side)/2, float64(y)+0.5-float64(side)/2)
			v := 10 + 240*math.Max(0, 1-d/r)
			img.SetRGBA(x, y, color.RGBA{uint8(v), uint8(v), uint8(v), 255})
		}
	}
	return img
}

// The measured radius follows the image scale, a galaxy framed as in the
// Challenge keeps the paper's crop, and a loosely framed one is cropped
// tighter, in proportion, up to MaxFrameZoom.
func TestFrame(t *testing.T) {
	big, small, tiny := disc(424, 0.16), disc(424, 0.08), disc(424, 0.02)
	rb, rs := galaxyRadius(big), galaxyRadius(small)
	if rb < FrameBelow || math.Abs(rs/rb-0.5) > 0.03 {
		t.Fatalf("radii %.4f and %.4f: want the second half the first, the first above %.3f", rb, rs, FrameBelow)
	}
	if got, want := Frame(big), CenterCrop(big, EvalCropFraction); got != want {
		t.Fatalf("Challenge-framed galaxy cropped to %v, want %v", got, want)
	}
	got, fixed := Frame(small).Dx(), CenterCrop(small, EvalCropFraction).Dx()
	if want := float64(fixed) * rs / FrameTarget; math.Abs(float64(got)-want) > 3 {
		t.Fatalf("loosely framed galaxy cropped to %d px, want about %.0f", got, want)
	}
	if got := Frame(tiny).Dx(); got != CenterCrop(tiny, EvalCropFraction/MaxFrameZoom).Dx() {
		t.Fatalf("tiny galaxy cropped to %d px: zoom not capped", got)
	}
	if r := galaxyRadius(image.NewRGBA(image.Rect(0, 0, 64, 64))); r != 0 {
		t.Fatalf("blank image radius %v", r)
	}
}

// TestHist765 holds the counting upper median to sorting, on random sums of
// three bytes (odd and even lengths) and on one value repeated.
func TestHist765(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for n := 1; n < 400; n += 7 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(r.Intn(256) + r.Intn(256) + r.Intn(256))
		}
		var h hist765
		for _, x := range v {
			h.add(x)
		}
		got := h.upperMedian()
		s := slices.Clone(v)
		slices.Sort(s)
		if want := s[n/2]; got != want {
			t.Fatalf("n=%d: %v, sorting gives %v", n, got, want)
		}
	}
	var h hist765
	for range 3 {
		h.add(765)
	}
	if got := h.upperMedian(); got != 765 {
		t.Fatalf("all 765: %v", got)
	}
}
