package overlay

import (
	"image"
	"testing"
)

// The sizes of a 424x424 Galaxy Zoo image in the viewer: its 240-pixel crop
// is drawn 385 pixels wide, from an 8x8 CAM.
func BenchmarkUpsample(b *testing.B) {
	cam := make([]float32, 64)
	for i := range cam {
		cam[i] = float32(i) / 63
	}
	for b.Loop() {
		Upsample(cam, 8, 385, 385)
	}
}

func BenchmarkBlend(b *testing.B) {
	dst := image.NewRGBA(image.Rect(0, 0, 680, 680))
	r := image.Rect(147, 147, 532, 532)
	heat := Upsample([]float32{0, 0.5, 1, 0.25}, 2, r.Dx(), r.Dy())
	for b.Loop() {
		Blend(dst, r, heat, Inferno, 0.6)
	}
}
