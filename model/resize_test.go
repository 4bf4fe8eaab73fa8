package model

import (
	"bytes"
	"image"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"
)

// TestResizeMatchesXImage holds the YCbCr fast path to x/image/draw's
// BiLinear byte for byte: every subsampling it covers, sources whose
// bounds do not start at zero, odd crops, shrinking and enlarging, random
// pixels (which reach the clamps) and the bundled JPEGs.
func TestResizeMatchesXImage(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	cases := 0
	for _, ratio := range fastRatios {
		for range 12 {
			src := randomYCbCr(rng, ratio, 120)
			b := src.Bounds()
			sx, sy := b.Min.X+rng.Intn(b.Dx()/2), b.Min.Y+rng.Intn(b.Dy()/2)
			sr := image.Rect(sx, sy, sx+1+rng.Intn(b.Max.X-sx), sy+1+rng.Intn(b.Max.Y-sy))
			for _, size := range []int{1, 7, 16, 80, 2 * max(sr.Dx(), sr.Dy())} {
				compareResize(t, src, sr, size)
				cases++
			}
		}
	}
	files, _ := filepath.Glob("../wasm/static/examples/*.jpg")
	if len(files) == 0 {
		t.Fatal("no bundled examples to test on")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := img.(*image.YCbCr); !ok {
			t.Fatalf("%s decodes as %T, want *image.YCbCr", f, img)
		}
		compareResize(t, img, Frame(img), 80)
		compareResize(t, img, CenterCrop(img, EvalCropFraction/1.7), 80)
		cases += 2
	}
	t.Logf("%d resizes identical", cases)
}

// fastRatios are the subsamplings the YCbCr fast paths cover.
var fastRatios = []image.YCbCrSubsampleRatio{
	image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
	image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440,
}

// randomYCbCr is a YCbCr image of random pixels, up to 9+side on a side,
// cut from a larger one so that its bounds start away from zero, at odd
// or negative coordinates, which moves the chroma indexing (Go's division
// rounds towards zero, so left of column 0 three columns share a sample).
func randomYCbCr(rng *rand.Rand, ratio image.YCbCrSubsampleRatio, side int) *image.YCbCr {
	w, h := 9+rng.Intn(side), 9+rng.Intn(side)
	ox, oy := rng.Intn(6), rng.Intn(6)
	full := image.NewYCbCr(image.Rect(-ox, -oy, w-ox, h-oy), ratio)
	for _, p := range [][]uint8{full.Y, full.Cb, full.Cr} {
		rng.Read(p)
	}
	x0, y0 := rng.Intn(w/3)-ox, rng.Intn(h/3)-oy
	return full.SubImage(image.Rect(x0, y0, w-ox, h-oy)).(*image.YCbCr)
}

func compareResize(t *testing.T, src image.Image, sr image.Rectangle, size int) {
	t.Helper()
	want := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.BiLinear.Scale(want, want.Bounds(), src, sr, draw.Src, nil)
	got := Resize(src, sr, size)
	if !bytes.Equal(got.Pix, want.Pix) {
		for i := range got.Pix {
			if got.Pix[i] != want.Pix[i] {
				t.Fatalf("%T %v crop %v to %d: byte %d (pixel %d, channel %d) is %d, x/image/draw gives %d",
					src, src.Bounds(), sr, size, i, i/4, i%4, got.Pix[i], want.Pix[i])
			}
		}
	}
}

// TestResizeFallsBack: a subsampling the fast path does not cover still
// resizes, through x/image/draw.
func TestResizeFallsBack(t *testing.T) {
	src := image.NewYCbCr(image.Rect(0, 0, 40, 40), image.YCbCrSubsampleRatio411)
	for i := range src.Y {
		src.Y[i] = uint8(i)
	}
	if bilinearYCbCr(image.NewRGBA(image.Rect(0, 0, 8, 8)), src, src.Bounds()) {
		t.Fatal("4:1:1 taken by the fast path")
	}
	compareResize(t, src, src.Bounds(), 8)
}

// BenchmarkResize compares the fast path with x/image/draw on a bundled
// Challenge JPEG's evaluation crop, in the same run.
func BenchmarkResize(b *testing.B) {
	data, err := os.ReadFile("../wasm/static/examples/395316.jpg")
	if err != nil {
		b.Fatal(err)
	}
	img, err := Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	sr := CenterCrop(img, EvalCropFraction)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			Resize(img, sr, 80)
		}
	})
	b.Run("x-image-draw", func(b *testing.B) {
		for b.Loop() {
			dst := image.NewRGBA(image.Rect(0, 0, 80, 80))
			draw.BiLinear.Scale(dst, dst.Bounds(), img, sr, draw.Src, nil)
		}
	})
}

// TestApproxLumMatchesXImage holds galaxyRadius's fast measurement image
// to x/image/draw's ApproxBiLinear, the way TestResizeMatchesXImage does
// the resize.
func TestApproxLumMatchesXImage(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	for _, ratio := range fastRatios {
		for range 10 {
			src := randomYCbCr(rng, ratio, 300)
			b := src.Bounds()
			for _, n := range []int{1, 5, frameSide, 2 * b.Dx()} {
				sr := image.Rect(b.Min.X+rng.Intn(b.Dx()/2), b.Min.Y+rng.Intn(b.Dy()/2), b.Max.X, b.Max.Y)
				compareLum(t, src, sr, n)
			}
			// exactly twice the grid (approxLumHalfRow), at odd and even
			// offsets into the chroma planes
			for _, n := range []int{1, 7, frameSide} {
				if 2*n > min(b.Dx(), b.Dy()) {
					continue
				}
				x0, y0 := b.Min.X+rng.Intn(b.Dx()-2*n+1), b.Min.Y+rng.Intn(b.Dy()-2*n+1)
				compareLum(t, src, image.Rect(x0, y0, x0+2*n, y0+2*n), n)
			}
		}
	}
	files, _ := filepath.Glob("../wasm/static/examples/*.jpg")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		full, err := Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		half, _, err := DecodeFor(data, 64) // 212 px: approxLumHalfRow
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range []image.Image{full, half} {
			b := img.Bounds()
			short := min(b.Dx(), b.Dy())
			compareLum(t, img.(*image.YCbCr), image.Rect(b.Min.X+(b.Dx()-short)/2, b.Min.Y+(b.Dy()-short)/2, b.Min.X+(b.Dx()-short)/2+short, b.Min.Y+(b.Dy()-short)/2+short), frameSide)
		}
	}
}

func compareLum(t *testing.T, src *image.YCbCr, sr image.Rectangle, n int) {
	t.Helper()
	small := image.NewRGBA(image.Rect(0, 0, n, n))
	draw.ApproxBiLinear.Scale(small, small.Bounds(), src, sr, draw.Src, nil)
	got := make([]float64, n*n)
	if !approxLumYCbCr(got, n, src, sr) {
		t.Fatalf("%v %v: not taken", src.SubsampleRatio, sr)
	}
	for i := range got {
		p := small.Pix[4*i : 4*i+3]
		if want := float64(p[0]) + float64(p[1]) + float64(p[2]); got[i] != want {
			t.Fatalf("%v %v crop %v to %d: pixel %d sums to %v, x/image/draw gives %v", src.SubsampleRatio, src.Bounds(), sr, n, i, got[i], want)
		}
	}
}
