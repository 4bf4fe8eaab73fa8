package model

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"testing"
)

// FuzzDecodePreprocess feeds arbitrary bytes to Decode and, when they
// decode, to Preprocess: every input must give an image within the limits
// or one of Decode's errors, never a panic, and a decoded image must give
// a finite tensor of the right size. The committed corpus
// (testdata/fuzz/FuzzDecodePreprocess) holds headers that lie about their
// size, truncated and foreign files; `make fuzz` runs it for longer.
func FuzzDecodePreprocess(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed)
	}
	const size = 16 // small, so each run is fast; the code path is the same
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data)
		if err != nil {
			if img != nil {
				t.Fatalf("Decode returned an image and %v", err)
			}
			for _, known := range []error{ErrEmpty, ErrNotImage, ErrTooLarge, ErrTooSmall, ErrCorrupt} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("Decode: error %v is none of the documented ones", err)
		}
		b := img.Bounds()
		if b.Dx() < MinSide || b.Dy() < MinSide || b.Dx() > MaxSide || b.Dy() > MaxSide || b.Dx()*b.Dy() > MaxPixels {
			t.Fatalf("Decode accepted a %v image", b)
		}
		x := Preprocess(img, size)
		if len(x) != 3*size*size {
			t.Fatalf("Preprocess gave %d values, want %d", len(x), 3*size*size)
		}
		for i, v := range x {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("Preprocess value %d is %v", i, v)
			}
		}
	})
}

// fuzzSeeds are small valid images of each format and colour model.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	rgba := image.NewRGBA(image.Rect(0, 0, 12, 9))
	gray := image.NewGray(image.Rect(3, 5, 13, 15)) // a non-zero origin
	pal := image.NewPaletted(image.Rect(0, 0, 10, 10), color.Palette{color.Black, color.White, color.RGBA{200, 40, 10, 255}})
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(i * 7)
	}
	for i := range gray.Pix {
		gray.Pix[i] = byte(i * 3)
	}
	for i := range pal.Pix {
		pal.Pix[i] = byte(i % 3)
	}
	var seeds [][]byte
	add := func(enc func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := enc(&buf); err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, buf.Bytes())
	}
	add(func(b *bytes.Buffer) error { return png.Encode(b, rgba) })
	add(func(b *bytes.Buffer) error { return png.Encode(b, gray) })
	add(func(b *bytes.Buffer) error { return jpeg.Encode(b, rgba, &jpeg.Options{Quality: 75}) })
	add(func(b *bytes.Buffer) error { return jpeg.Encode(b, gray, nil) })
	add(func(b *bytes.Buffer) error { return gif.Encode(b, pal, nil) })
	return seeds
}
