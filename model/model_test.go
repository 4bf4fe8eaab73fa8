package model

import (
	"bytes"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// realImages returns a few real Galaxy Zoo JPEGs from ../shared/data.
func realImages(t testing.TB, n int) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"spirals", "non_spirals"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "gz-challenge-spiral", "validation", dir, "*.jpg"))
		if len(files) > n/2 {
			files = files[:n/2]
		}
		out = append(out, files...)
	}
	if len(out) == 0 {
		t.Fatal("no real images under ../shared/data (the repository expects shared/ beside it)")
	}
	return out
}

func TestDefaultClassifiesRealImages(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range realImages(t, 6) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Classify(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var sum float32
		for _, v := range p.Probabilities {
			if v < 0 || v > 1 || math.IsNaN(float64(v)) {
				t.Fatalf("%s: probability %v", f, v)
			}
			sum += v
		}
		if math.Abs(float64(sum)-1) > 1e-4 {
			t.Fatalf("%s: probabilities sum to %v", f, sum)
		}
		if p.Label != Decide(p.A, p.B) {
			t.Fatalf("%s: label %v, rule gives %v", f, p.Label, Decide(p.A, p.B))
		}
		for _, cl := range Classes {
			m := p.CAM(cl)
			if m.Side*m.Side != len(m.Values) || m.Side < 2 {
				t.Fatalf("CAM side %d with %d values", m.Side, len(m.Values))
			}
		}
		// The same bytes classified again give the same answer (run
		// states are pooled and reused; this pins that nothing leaks).
		q, err := c.Classify(data)
		if err != nil || q.Probabilities != p.Probabilities {
			t.Fatalf("%s: second run differs: %v vs %v (%v)", f, q.Probabilities, p.Probabilities, err)
		}
	}
}

func TestCombineAndDecide(t *testing.T) {
	pA := [NumA]float32{0.1, 0.6, 0.2, 0.1}
	pB := [NumB]float32{0.25, 0.75}
	p := Combine(pA, pB)
	want := [NumClasses]float32{0.2, 0.1, 0.15, 0.45, 0.1}
	for i := range p {
		if math.Abs(float64(p[i]-want[i])) > 1e-6 {
			t.Fatalf("Combine = %v, want %v", p, want)
		}
	}
	if got := Decide(pA, pB); got != EdgeOn {
		t.Fatalf("Decide = %v", got)
	}
	if got := Decide([NumA]float32{0.1, 0.2, 0.3, 0.4}, pB); got != Spiral {
		t.Fatalf("Decide = %v", got)
	}
	for _, c := range Classes {
		got, err := ParseClass(c.Slug())
		if err != nil || got != c {
			t.Fatalf("ParseClass(%q) = %v, %v", c.Slug(), got, err)
		}
	}
}

func encodePNG(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hugePNGHeader is a valid PNG signature and IHDR claiming w x h pixels,
// with no pixel data: decoding it fully would need gigabytes.
func hugePNGHeader(t *testing.T, w, h int) []byte {
	small := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := append([]byte(nil), small...)
	// IHDR data starts at byte 16: width, height as big-endian uint32.
	put := func(off, v int) {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	put(16, w)
	put(20, h)
	put(29, int(crc32.ChecksumIEEE(b[12:29]))) // IHDR type+data
	return b
}

func TestDecodeBadInput(t *testing.T) {
	var jb bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	if err := jpeg.Encode(&jb, img, nil); err != nil {
		t.Fatal(err)
	}
	good := jb.Bytes()
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrEmpty},
		{"text", []byte("hello, I am not a galaxy"), ErrNotImage},
		{"truncated jpeg", good[:len(good)/2], ErrCorrupt},
		{"header only", good[:20], ErrCorrupt},
		{"huge png", hugePNGHeader(t, 60000, 60000), ErrTooLarge},
		{"wide png", hugePNGHeader(t, MaxSide+1, 10), ErrTooLarge},
		{"tiny png", encodePNG(t, image.NewGray(image.Rect(0, 0, 2, 2))), ErrTooSmall},
	}
	for _, tc := range cases {
		_, err := Decode(tc.data)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := Decode(good); err != nil {
		t.Fatalf("good jpeg: %v", err)
	}
}

func TestPreprocessCropAndNormalise(t *testing.T) {
	// A 424x424 image, white inside the central 240x240 and black outside:
	// the crop must see only white.
	img := image.NewRGBA(image.Rect(0, 0, 424, 424))
	for y := 92; y < 332; y++ {
		for x := 92; x < 332; x++ {
			img.Set(x, y, color.White)
		}
	}
	if r := CenterCrop(img, EvalCropFraction); r != image.Rect(92, 92, 332, 332) {
		t.Fatalf("crop %v", r)
	}
	x := Preprocess(img, 16)
	if len(x) != 3*16*16 {
		t.Fatalf("%d values", len(x))
	}
	for c := 0; c < 3; c++ {
		want := (1 - Mean[c]) / Std[c]
		for i := 0; i < 256; i++ {
			if v := x[c*256+i]; math.Abs(float64(v-want)) > 1e-4 {
				t.Fatalf("channel %d pixel %d = %v, want %v", c, i, v, want)
			}
		}
	}
}

func TestCAMNormalized(t *testing.T) {
	m := CAM{Side: 2, Values: []float32{-1, 0, 1, 2}}
	got := m.Normalized()
	want := []float32{0, 0, 0.5, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Normalized = %v", got)
		}
	}
	if z := (CAM{Side: 1, Values: []float32{-3}}).Normalized(); z[0] != 0 {
		t.Fatalf("all-negative map = %v", z)
	}
}

func TestLoadRejectsForeignFiles(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty": nil, "jpeg": {0xff, 0xd8, 0xff, 0xe0}, "half": DefaultONNX()[:len(DefaultONNX())/3],
	} {
		if _, err := Load(b); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestReadImageFileBounds(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.jpg")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxFileBytes + 1) // sparse: costs no disk
	f.Close()
	if _, err := ReadImageFile(huge); !errors.Is(err, ErrFileTooLarge) {
		t.Fatalf("huge file: %v", err)
	}
	if _, err := ReadImageFile(dir); err == nil {
		t.Fatal("a directory was read")
	}
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	real := realImages(t, 2)[0]
	p, err := c.ClassifyFile(real)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(real)
	q, err := c.Classify(data)
	if err != nil || q.Probabilities != p.Probabilities {
		t.Fatalf("ClassifyFile %v, Classify %v (%v)", p.Probabilities, q.Probabilities, err)
	}
}
