package jpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	stdjpeg "image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestDCOnly holds the inverse DCT's shortcut to idct itself, for every DC
// value a valid file can hold (11-bit coefficients times 16-bit quantizers
// stay within ±2^27) sampled densely, and at the int32 extremes that
// corrupt input reaches.
func TestDCOnly(t *testing.T) {
	check := func(v int32) {
		var b block
		b[0] = v
		idct(&b)
		want := dcOnly(v)
		for i, got := range b {
			if got != want {
				t.Fatalf("DC %d: idct gives %d at %d, dcOnly %d", v, got, i, want)
			}
		}
	}
	for v := int32(-1 << 17); v <= 1<<17; v++ {
		check(v)
	}
	for v := int64(-1 << 31); v < 1<<31; v += 65521 {
		check(int32(v))
	}
	check(-1 << 31)
	check(1<<31 - 1)
}

// TestSameAsImageJPEG decodes with this package and with image/jpeg and
// wants the same pixels: every real Galaxy Zoo image in ../shared when it
// is there (the images hiwl classifies), and the standard library's own
// test images (every subsampling, flex sampling, grayscale, progressive,
// restart markers, truncation; the CMYK one must be refused, see doc.go).
func TestSameAsImageJPEG(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*.jpeg"))
	if len(files) < 20 {
		t.Fatalf("found %d standard library test images, want the ~30 of GOROOT/src/image/testdata", len(files))
	}
	std := len(files)
	shared, _ := filepath.Glob("../../../../shared/data/*/*/*/*.jpg")
	shared2, _ := filepath.Glob("../../../../shared/data/*/*/*.jpg")
	files = append(append(files, shared...), shared2...)
	if testing.Short() && len(files) > std+200 {
		files = files[:std+200]
	}
	same, refused := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, werr := stdjpeg.Decode(bytes.NewReader(data))
		got, gerr := Decode(bytes.NewReader(data))
		if _, cmyk := want.(*image.CMYK); cmyk {
			var u UnsupportedError
			if !errors.As(gerr, &u) {
				t.Fatalf("%s: CMYK decoded (%T, %v), want an UnsupportedError", f, got, gerr)
			}
			refused++
			continue
		}
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
			t.Fatalf("%s: error %v, image/jpeg %v", f, gerr, werr)
		}
		if werr != nil {
			same++
			continue
		}
		if msg := differ(got, want); msg != "" {
			t.Fatalf("%s: %s", f, msg)
		}
		same++
	}
	if refused != 1 {
		t.Errorf("%d CMYK images refused, want 1", refused)
	}
	t.Logf("%d images identical to image/jpeg (%d from ../shared)", same, len(files)-std)
}

func differ(got, want image.Image) string {
	switch w := want.(type) {
	case *image.YCbCr:
		g, ok := got.(*image.YCbCr)
		if !ok {
			return "not a *image.YCbCr"
		}
		if g.Rect != w.Rect || g.SubsampleRatio != w.SubsampleRatio || g.YStride != w.YStride || g.CStride != w.CStride {
			return "different geometry"
		}
		if !bytes.Equal(g.Y, w.Y) || !bytes.Equal(g.Cb, w.Cb) || !bytes.Equal(g.Cr, w.Cr) {
			return "different pixels"
		}
	case *image.Gray:
		g, ok := got.(*image.Gray)
		if !ok || g.Rect != w.Rect || g.Stride != w.Stride || !bytes.Equal(g.Pix, w.Pix) {
			return "different gray image"
		}
	case *image.RGBA:
		g, ok := got.(*image.RGBA)
		if !ok || g.Rect != w.Rect || !bytes.Equal(g.Pix, w.Pix) {
			return "different RGB image"
		}
	default:
		return fmt.Sprintf("unexpected image type %T", want)
	}
	return ""
}

// TestDamagedSameAsImageJPEG: truncated and corrupted copies of real
// images give the same error or the same pixels as image/jpeg, so the
// shortcuts (huffman.fast, dcOnly) also agree where the bit-stream ends early or
// holds codes a valid file would not.
func TestDamagedSameAsImageJPEG(t *testing.T) {
	checked := 0
	eachDamaged(t, 1, func(f string, at int, bad []byte) {
		want, werr := stdjpeg.Decode(bytes.NewReader(bad))
		got, gerr := Decode(bytes.NewReader(bad))
		if _, cmyk := want.(*image.CMYK); cmyk {
			return
		}
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
			t.Fatalf("%s damaged at %d: error %v, image/jpeg %v", f, at, gerr, werr)
		}
		if werr == nil {
			if msg := differ(got, want); msg != "" {
				t.Fatalf("%s damaged at %d: %s", f, at, msg)
			}
		}
		checked++
	})
	t.Logf("%d damaged images agree with image/jpeg", checked)
}

// eachDamaged calls check with 40 truncated or corrupted copies each of
// four real Galaxy Zoo images and the standard library's video-001 images
// (seeded with seed), and where each was damaged.
func eachDamaged(t *testing.T, seed uint64, check func(file string, at int, bad []byte)) {
	t.Helper()
	files, _ := filepath.Glob("../../../../shared/data/gz-challenge-5class/*/*.jpg")
	std, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-001*.jpeg"))
	if len(files) < 4 || len(std) == 0 {
		t.Fatalf("found %d Galaxy Zoo and %d standard library images", len(files), len(std))
	}
	r := rand.New(rand.NewPCG(seed, seed+1))
	for _, f := range append(files[:4], std...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 40; i++ {
			bad := bytes.Clone(data)
			at := len(data)/8 + r.IntN(len(data)-len(data)/8)
			if i%2 == 0 {
				bad = bad[:at]
			} else {
				bad[at] ^= byte(1 + r.IntN(255))
			}
			check(f, at, bad)
		}
	}
}

// FuzzSameAsImageJPEG: on any input, the same pixels or the same error as
// image/jpeg, and never a panic.
func FuzzSameAsImageJPEG(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-00*.q50.*.jpeg"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := stdjpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width*cfg.Height > 1<<20 {
			return
		}
		want, werr := stdjpeg.Decode(bytes.NewReader(data))
		got, gerr := Decode(bytes.NewReader(data))
		if _, cmyk := want.(*image.CMYK); cmyk {
			return
		}
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("error %v, image/jpeg %v", gerr, werr)
		}
		if werr == nil {
			if msg := differ(got, want); msg != "" {
				t.Fatal(msg)
			}
		}
	})
}
