package model

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// TestDecodeScale: the denominator keeps at least DecodeMargin pixels of
// the fixed crop per input pixel, on the shorter side.
func TestDecodeScale(t *testing.T) {
	for _, c := range []struct{ w, h, size, want int }{
		{424, 424, 64, 2},   // a Galaxy Zoo cutout: 212 px, a 120-px crop
		{424, 424, 128, 1},  // a larger network needs every pixel
		{424, 424, 0, 1},    // no network: full size
		{256, 256, 64, 1},   // 128 px would leave a 72-px crop, under 96
		{340, 340, 64, 2},   // 170 px: a 96-px crop, just enough
		{338, 338, 64, 1},   // 169 px: one short
		{1700, 1700, 64, 8}, // 212 px again; never past 1/8
		{9000, 9000, 64, 8},
		{4000, 400, 64, 2}, // the shorter side decides
	} {
		if got := decodeScale(c.w, c.h, c.size); got != c.want {
			t.Errorf("%dx%d for %d px: 1/%d, want 1/%d", c.w, c.h, c.size, got, c.want)
		}
	}
}

// TestDecodeFor decodes a large JPEG at 1/8 (so its pixel memory is 1/64
// of a full decode), a Challenge cutout at 1/2, and a PNG at full size,
// and each image is what Classify classifies.
func TestDecodeFor(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	big := image.NewRGBA(image.Rect(0, 0, 2000, 1800))
	for y := 0; y < 1800; y++ {
		for x := 0; x < 2000; x++ {
			big.Set(x, y, color.RGBA{uint8(x / 8), uint8(y / 8), 40, 255})
		}
	}
	var jb, pb bytes.Buffer
	if err := jpeg.Encode(&jb, big, nil); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&pb, big.SubImage(image.Rect(0, 0, 424, 424))); err != nil {
		t.Fatal(err)
	}
	cutout, err := ReadImageFile(realImages(t, 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name  string
		data  []byte
		scale int
		size  image.Point
	}{
		{"2000x1800 JPEG", jb.Bytes(), 8, image.Pt(250, 225)},
		{"424x424 cutout", cutout, 2, image.Pt(212, 212)},
		{"424x424 PNG", pb.Bytes(), 1, image.Pt(424, 424)},
	} {
		img, scale, err := DecodeFor(f.data, c.InputSize())
		if err != nil || scale != f.scale || img.Bounds().Size() != f.size {
			t.Errorf("%s: %v at 1/%d (%v), want %v at 1/%d", f.name, img.Bounds(), scale, err, f.size, f.scale)
			continue
		}
		p, err := c.Classify(f.data)
		if err != nil {
			t.Fatal(err)
		}
		q, err := c.ClassifyImage(img)
		if err != nil || q.Probabilities != p.Probabilities || q.Crop != p.Crop {
			t.Errorf("%s: ClassifyImage(DecodeFor) gives %v %v, Classify %v %v", f.name, q.Probabilities, q.Crop, p.Probabilities, p.Crop)
		}
	}
}
