package jpeg

import (
	"bytes"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestScaledKernels holds scaledK's literals to C(u)/2 cos((2i+1)uπ/2s).
func TestScaledKernels(t *testing.T) {
	for _, s := range []int{1, 2, 4} {
		for i := range s {
			for u := range s {
				c := 1.0
				if u == 0 {
					c = 1 / math.Sqrt2
				}
				want := int32(math.Round(c / 2 * math.Cos(float64(2*i+1)*float64(u)*math.Pi/float64(2*s)) * (1 << scaledConstBits)))
				if got := scaledK[s][i][u]; got != want {
					t.Errorf("s=%d K[%d][%d] = %d, want %d", s, i, u, got, want)
				}
			}
		}
	}
}

// TestIDCTScaled compares idctScaled with the reduced inverse DCT in
// float64, on random blocks of the coefficients a valid file holds, and
// its DC-only shortcut with its general path.
func TestIDCTScaled(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range []int{1, 2, 4} {
		worst := 0.0
		for n := 0; n < 20000; n++ {
			var b block
			amp := int32(1) << (1 + r.IntN(11)) // quiet to full-range blocks
			for i := range b {
				if i == 0 || r.IntN(4) == 0 {
					b[i] = r.Int32N(2*amp+1) - amp
				}
			}
			if n%5 == 0 { // DC alone, through both paths
				dc := b[0]
				b = block{0: dc}
				flat, full := b, b
				idctScaled(&flat, s, false)
				idctScaled(&full, s, true)
				if flat != full {
					t.Fatalf("s=%d DC %d: shortcut %v, general %v", s, dc, flat[:s*s], full[:s*s])
				}
			}
			want := make([]float64, s*s)
			for y := range s {
				for x := range s {
					var sum float64
					for v := range s {
						for u := range s {
							sum += float64(b[8*v+u]) * basis(v, y, s) * basis(u, x, s)
						}
					}
					want[y*s+x] = sum
				}
			}
			got := b
			idctScaled(&got, s, true)
			for i, w := range want {
				if d := math.Abs(float64(got[i]) - w); d > worst {
					worst = d
				}
			}
		}
		// 13-bit constants and two roundings: within one level
		if worst > 1.0 {
			t.Errorf("s=%d: off the float64 transform by up to %.2f", s, worst)
		}
		t.Logf("s=%d: within %.2f of the float64 transform", s, worst)
	}
}

// TestIDCT4x4 holds the unrolled 4x4 transform to the table-driven one
// it replaces, on random blocks over the whole int32 range too (corrupt
// input: the same wrap-around).
func TestIDCT4x4(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 100000; n++ {
		b := randomBlock(r, n%3 == 0)
		want, got := b, b
		idctTable(&want, 4)
		idct4x4(&got)
		if want != got {
			t.Fatalf("block %v: unrolled %v, table %v", b, got[:16], want[:16])
		}
	}
}

// randomBlock is a block of coefficients over the whole int32 range
// (corrupt input) or, a third of them set, in the range a JPEG's
// dequantized coefficients take.
func randomBlock(r *rand.Rand, wild bool) block {
	var b block
	for i := range b {
		switch {
		case wild:
			b[i] = int32(r.Uint32())
		case r.IntN(3) == 0:
			b[i] = r.Int32N(1<<14) - 1<<13
		}
	}
	return b
}

// TestIDCT4x4Store holds the fused inverse DCT and store (SIMD128 in
// wasm, AVX's 128-bit vectors natively) to idct4x4 then storeScaled, over the whole int32 range, into a
// destination whose other bytes must stay as they were.
func TestIDCT4x4Store(t *testing.T) {
	if !fusedIDCT4 {
		t.Skip("no fused kernel on this processor (the scalar pair runs)")
	}
	r := rand.New(rand.NewPCG(9, 10))
	const stride = 7
	for n := 0; n < 100000; n++ {
		b := randomBlock(r, n%3 == 0)
		want, got := make([]byte, 3*stride+5), make([]byte, 3*stride+5)
		for i := range want {
			want[i] = byte(i)
			got[i] = byte(i)
		}
		wb, gb := b, b
		idct4x4(&wb)
		storeScaled(want, stride, &wb, 4)
		idct4x4Store(got, stride, &gb)
		if !bytes.Equal(want, got) {
			t.Fatalf("block %v: fused %v, idct4x4 and storeScaled %v", b, got, want)
		}
	}
}

func basis(u, x, s int) float64 {
	c := 1.0
	if u == 0 {
		c = 1 / math.Sqrt2
	}
	return c / 2 * math.Cos(float64(2*x+1)*float64(u)*math.Pi/float64(2*s))
}

// TestDecodeScaled decodes the standard library's test images (every
// subsampling, flex sampling, grayscale, progressive, restart markers) and
// real Galaxy Zoo images at every scale: denominator 1 gives Decode's
// pixels; 2, 4 and 8 give the rounded-up size, the same image type and
// subsampling, and pixels close to the mean of the full-size pixels they
// stand for (not equal: the reduced transform drops the frequencies the
// smaller grid cannot hold, where a mean only attenuates them).
func TestDecodeScaled(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "*.jpeg"))
	shared, _ := filepath.Glob("../../../../shared/data/gz-challenge-5class/*/*.jpg")
	if len(files) < 20 || len(shared) < 100 {
		t.Fatalf("found %d standard library and %d Galaxy Zoo images", len(files), len(shared))
	}
	n := 400
	if testing.Short() {
		n = 40
	}
	std := len(files)
	files = append(files, shared[:n]...)
	// the worst image's mean |difference|, per denominator, for the
	// standard library's images and for Galaxy Zoo's
	var worstStd, worstGZ [9]float64
	for fi, f := range files {
		worstMean := &worstStd
		if fi >= std {
			worstMean = &worstGZ
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		full, ferr := Decode(bytes.NewReader(data))
		for _, d := range []int{1, 2, 4, 8} {
			got, err := DecodeScaled(bytes.NewReader(data), d)
			if (err == nil) != (ferr == nil) || (err != nil && err.Error() != ferr.Error()) {
				t.Fatalf("%s 1/%d: error %v, Decode %v", f, d, err, ferr)
			}
			if err != nil {
				continue
			}
			if d == 1 {
				if msg := differ(got, full); msg != "" {
					t.Fatalf("%s 1/1: %s", f, msg)
				}
				continue
			}
			fb, gb := full.Bounds(), got.Bounds()
			if gb == fb { // flex sampling: full size, and Decode's pixels
				if msg := differ(got, full); msg != "" || !flex(data) {
					t.Fatalf("%s 1/%d: full size (flex sampling: %v), %s", f, d, flex(data), msg)
				}
				continue
			}
			if want := image.Rect(0, 0, (fb.Dx()+d-1)/d, (fb.Dy()+d-1)/d); gb != want {
				t.Fatalf("%s 1/%d: bounds %v, want %v", f, d, gb, want)
			}
			planes, want := planesOf(got), planesOf(full)
			if len(planes) != len(want) {
				t.Fatalf("%s 1/%d: %T, Decode %T", f, d, got, full)
			}
			for i, p := range planes {
				if m := meanDiff(p, want[i], d); m > worstMean[d] {
					worstMean[d] = m
				}
			}
		}
	}
	for _, d := range []int{2, 4, 8} {
		t.Logf("1/%d: worst image's mean |difference| from the full-size means: %.2f levels (standard library), %.2f (Galaxy Zoo)", d, worstStd[d], worstGZ[d])
		// the standard library's 150x103 photographs are the hardest case
		// for dropping frequencies; galaxies on dark sky hold few
		if worstStd[d] > 4 || worstGZ[d] > 1 {
			t.Errorf("1/%d: mean difference %.2f and %.2f levels, want at most 4 and 1", d, worstStd[d], worstGZ[d])
		}
	}
}

// flex reports whether data's sampling factors put image/jpeg in flex
// mode.
func flex(data []byte) bool {
	var d decoder
	d.blockSide = 8
	if _, err := d.decode(bytes.NewReader(data), false); err != nil {
		return false
	}
	return d.flex
}

// plane is one channel: w x h values, rows stride apart.
type plane struct {
	pix       []byte
	w, h      int
	stride, o int // o: offset of the first value
}

func planesOf(img image.Image) []plane {
	switch m := img.(type) {
	case *image.YCbCr:
		b := m.Rect
		cw, ch := b.Dx(), b.Dy() // chroma extent, from the subsampling
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio422:
			cw = (cw + 1) / 2
		case image.YCbCrSubsampleRatio420:
			cw, ch = (cw+1)/2, (ch+1)/2
		case image.YCbCrSubsampleRatio440:
			ch = (ch + 1) / 2
		case image.YCbCrSubsampleRatio411:
			cw = (cw + 3) / 4
		case image.YCbCrSubsampleRatio410:
			cw, ch = (cw+3)/4, (ch+1)/2
		}
		co := m.COffset(b.Min.X, b.Min.Y)
		return []plane{
			{m.Y, b.Dx(), b.Dy(), m.YStride, m.YOffset(b.Min.X, b.Min.Y)},
			{m.Cb, cw, ch, m.CStride, co},
			{m.Cr, cw, ch, m.CStride, co},
		}
	case *image.Gray:
		return []plane{{m.Pix, m.Rect.Dx(), m.Rect.Dy(), m.Stride, 0}}
	case *image.RGBA:
		// An RGB JPEG's subsampled G and B are expanded to full size:
		// their means at full size hold detail the scaled image's, at
		// half its resolution, cannot, so only R is compared.
		var ps []plane
		for c := 0; c < 1; c++ {
			p := plane{w: m.Rect.Dx(), h: m.Rect.Dy(), stride: m.Rect.Dx()}
			p.pix = make([]byte, p.w*p.h)
			for y := 0; y < p.h; y++ {
				for x := 0; x < p.w; x++ {
					p.pix[y*p.w+x] = m.Pix[m.PixOffset(x, y)+c]
				}
			}
			ps = append(ps, p)
		}
		return ps
	}
	return nil
}

// meanDiff is the mean |small - mean of the d x d full pixels it covers|.
func meanDiff(small, full plane, d int) float64 {
	var sum float64
	n := 0
	for y := 0; y < small.h && y*d < full.h; y++ {
		for x := 0; x < small.w && x*d < full.w; x++ {
			var acc, cnt float64
			for yy := y * d; yy < min(y*d+d, full.h); yy++ {
				for xx := x * d; xx < min(x*d+d, full.w); xx++ {
					acc += float64(full.pix[full.o+yy*full.stride+xx])
					cnt++
				}
			}
			sum += math.Abs(float64(small.pix[small.o+y*small.stride+x]) - acc/cnt)
			n++
		}
	}
	return sum / float64(max(n, 1))
}

// TestDamagedScaled: truncated and corrupted real images give Decode's
// error at every scale, and never a panic.
func TestDamagedScaled(t *testing.T) {
	eachDamaged(t, 5, func(f string, at int, bad []byte) {
		_, werr := Decode(bytes.NewReader(bad))
		for _, d := range []int{2, 4, 8} {
			_, gerr := DecodeScaled(bytes.NewReader(bad), d)
			if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
				t.Fatalf("%s damaged at %d, 1/%d: error %v, Decode %v", f, at, d, gerr, werr)
			}
		}
	})
	if _, err := DecodeScaled(bytes.NewReader(nil), 3); err == nil {
		t.Error("denominator 3 accepted")
	}
}

// FuzzDecodeScaled: on any input, Decode's error or an image of the
// rounded-up size, and never a panic.
func FuzzDecodeScaled(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-00*.q50.*.jpeg"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, uint8(1))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width*cfg.Height > 1<<20 {
			return
		}
		d := 1 << (k % 4)
		_, werr := Decode(bytes.NewReader(data))
		got, gerr := DecodeScaled(bytes.NewReader(data), d)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("1/%d: error %v, Decode %v", d, gerr, werr)
		}
		if gerr == nil && got.Bounds() != image.Rect(0, 0, cfg.Width, cfg.Height) {
			if want := image.Rect(0, 0, (cfg.Width+d-1)/d, (cfg.Height+d-1)/d); got.Bounds() != want {
				t.Fatalf("1/%d: bounds %v, want %v", d, got.Bounds(), want)
			}
		}
	})
}
