package training

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// At half scale a bright disc on dark sky keeps a quarter of its area,
// centred, and the new border is sky: its mean is the old sky's, neither
// black nor the galaxy's.
func TestShrinkHalfScale(t *testing.T) {
	const side = 200
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	bright := 0
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			dx, dy := float64(x)-side/2+0.5, float64(y)-side/2+0.5
			v := uint8(20 + (x*7+y*13)%9) // sky about 24
			if dx*dx+dy*dy < 40*40 {
				v, bright = 240, bright+1
			}
			img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	out := Shrink(img, 0.5)
	if out.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v", out.Bounds())
	}
	got := 0
	var edge float64
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			p := out.RGBAAt(x, y)
			if p.R > 128 {
				got++
			}
			if y < 10 {
				edge += float64(p.R) / (10 * side)
			}
		}
	}
	if ratio := float64(got) / float64(bright); math.Abs(ratio-0.25) > 0.04 {
		t.Fatalf("bright area ratio %.3f, want 0.25", ratio)
	}
	if edge < 21 || edge > 27 {
		t.Fatalf("padding mean %.1f, want the sky's (about 24)", edge)
	}
	if c := out.RGBAAt(side/2, side/2); c.R < 200 {
		t.Fatalf("centre %v is not the galaxy", c)
	}
}
