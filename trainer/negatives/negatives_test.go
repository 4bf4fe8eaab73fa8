package negatives

import (
	"image"
	"image/color"
	"testing"
)

// Procedural pictures are the promised kinds, the right size, not blank,
// and the same for the same seed.
func TestProcedural(t *testing.T) {
	a, b := Procedural(8, 7), Procedural(8, 7)
	for i, s := range a {
		if s.Kind != ProceduralKinds[i%len(ProceduralKinds)] || s.Image.Bounds() != image.Rect(0, 0, Side, Side) {
			t.Fatalf("sample %d: %s %v", i, s.Kind, s.Image.Bounds())
		}
		seen := map[color.RGBA]bool{}
		rgba := s.Image.(*image.RGBA)
		for y := 0; y < Side; y += 7 {
			for x := 0; x < Side; x += 7 {
				seen[rgba.RGBAAt(x, y)] = true
			}
		}
		if len(seen) < 2 {
			t.Errorf("%s is one colour", s.Name)
		}
		if string(rgba.Pix) != string(b[i].Image.(*image.RGBA).Pix) {
			t.Errorf("%s differs between two runs with the same seed", s.Name)
		}
	}
}

func TestZoomAndCrowd(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 100, 100))
	for y := 46; y < 54; y++ {
		for x := 46; x < 54; x++ {
			src.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
		}
	}
	z := Zoom(src, 4).(*image.RGBA)
	// the 8-pixel square, a third of the 25-pixel crop, fills a third of the side
	if z.Bounds().Dx() != Side || z.RGBAAt(Side/2, Side/2).R != 255 || z.RGBAAt(Side/2+Side/8, Side/2).R != 255 || z.RGBAAt(Side/2+Side/4, Side/2).R != 0 {
		t.Errorf("zoom: %v, centre %v", z.Bounds(), z.RGBAAt(Side/2, Side/2))
	}
	c := Crowd([]image.Image{src, src, src, src}).(*image.RGBA)
	for _, p := range []image.Point{{Side / 4, Side / 4}, {3 * Side / 4, 3 * Side / 4}} {
		if c.RGBAAt(p.X, p.Y).R == 0 {
			t.Errorf("crowd: no object at %v", p)
		}
	}
	if c.RGBAAt(Side/2, Side/2).R != 0 {
		t.Error("crowd: something at the centre")
	}
}
