package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/image/draw"
)

// realTestGalaxies returns a few real Galaxy Zoo cutouts of the shared
// five-class set.
func realGalaxies(t *testing.T, n int) []string {
	t.Helper()
	var files []string
	for _, class := range []string{"round", "in-between", "cigar", "edge-on", "spiral"} {
		f, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "gz-challenge-5class", class, "*.jpg"))
		if len(f) < n {
			t.Fatalf("%d images of %s under ../shared/data/gz-challenge-5class, want %d", len(f), class, n)
		}
		files = append(files, f[len(f)-n:]...)
	}
	return files
}

func pngBytes(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The two pictures the issue was filed with (Go's own image test data: a
// video frame and its grey copy), a few plain non-galaxies and four real
// galaxies tiled into one picture are out of domain; real cutouts, and the
// same cutouts at half scale, are not.
func TestDomainFlagsNonGalaxies(t *testing.T) {
	clf, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if clf.DomainFit() == nil {
		t.Fatal("the default model has no domain fit (trainer domain)")
	}
	galaxies := realGalaxies(t, 4)
	for _, f := range galaxies {
		p, err := clf.ClassifyFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Domain.Fitted || p.Domain.OutOfDomain || !(p.Domain.Score > 0) {
			t.Errorf("%s: domain %+v, want a fitted score in (0, 1]", f, p.Domain)
		}
	}

	negatives := map[string][]byte{}
	for _, name := range []string{"video-001.jpeg", "video-005.gray.jpeg"} {
		data, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		negatives[name] = data
	}
	grad := image.NewRGBA(image.Rect(0, 0, 300, 200))
	noise := image.NewGray(image.Rect(0, 0, 256, 256))
	for y := range 200 {
		for x := range 300 {
			grad.Set(x, y, color.RGBA{uint8(x * 255 / 300), uint8(y * 255 / 200), 128, 255})
		}
	}
	seed := uint32(1)
	for i := range noise.Pix {
		seed = seed*1664525 + 1013904223
		noise.Pix[i] = uint8(seed >> 24)
	}
	negatives["gradient"] = pngBytes(t, grad)
	negatives["noise"] = pngBytes(t, noise)
	crowd := image.NewRGBA(image.Rect(0, 0, 424, 424))
	for i, f := range galaxies[:4] {
		img := decodeFile(t, f)
		x, y := (i%2)*212, (i/2)*212
		draw.BiLinear.Scale(crowd, image.Rect(x, y, x+212, y+212), img, img.Bounds(), draw.Src, nil)
	}
	negatives["four galaxies"] = pngBytes(t, crowd)
	for name, data := range negatives {
		p, err := clf.Classify(data)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Domain.OutOfDomain || !(p.Domain.Score > 1) {
			t.Errorf("%s: domain %+v (answer %v), want out of domain", name, p.Domain, p.Label)
		}
		r := p.Result(false)
		if r.Domain == nil || !r.Domain.OutOfDomain || r.Domain.Score != float32(p.Domain.Score) {
			t.Errorf("%s: Result.Domain %+v", name, r.Domain)
		}
	}
}

func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	data, err := ReadImageFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// blobs draws Gaussian blobs of peak 200 and the given sigma on a dark sky.
func blobs(side int, sigma float64, centres ...image.Point) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			var v float64
			for _, c := range centres {
				dx, dy := float64(x-c.X), float64(y-c.Y)
				v += 200 * math.Exp(-(dx*dx+dy*dy)/(2*sigma*sigma))
			}
			g := uint8(min(255, 5+v))
			img.SetRGBA(x, y, color.RGBA{g, g, g, 255})
		}
	}
	return img
}

// Crowding is zero for one central object and counts the area of the
// others, relative to the central one; a picture without a central peak
// gets crowdEmpty.
func TestMeasureCrowding(t *testing.T) {
	if s := measure(blobs(212, 10, image.Pt(106, 106))); s.Crowding != 0 || s.Radius < 0.05 {
		t.Errorf("one central blob: %+v, want crowding 0", s)
	}
	two := measure(blobs(212, 10, image.Pt(106, 106), image.Pt(40, 40)))
	if math.Abs(two.Crowding-1) > 0.1 {
		t.Errorf("a central blob and one as big: crowding %v, want about 1", two.Crowding)
	}
	five := measure(blobs(212, 10, image.Pt(106, 106), image.Pt(40, 40), image.Pt(170, 40), image.Pt(40, 170), image.Pt(170, 170)))
	if math.Abs(five.Crowding-4) > 0.4 {
		t.Errorf("a central blob and four as big: crowding %v, want about 4", five.Crowding)
	}
	if s := measure(image.NewRGBA(image.Rect(0, 0, 64, 64))); s.Crowding != crowdEmpty || s.Radius != 0 {
		t.Errorf("a black picture: %+v, want no radius and crowding %d", s, crowdEmpty)
	}
}

// A model file's domain fit is checked when it loads: a broken one is a
// bad model, a missing one is no score.
func TestParseDomainFit(t *testing.T) {
	good := (&DomainFit{Means: [][]float32{{1, 2}, {3, 4}}, Precision: []float32{1, 0, 0, 1}, DistanceThreshold: 2, CrowdingThreshold: 3, RadiusThreshold: 0.4, About: "test"}).Props()
	f, err := ParseDomainFit(good, 2)
	if err != nil || f == nil || len(f.Means) != 2 || f.DistanceThreshold != 2 || f.CrowdingThreshold != 3 || f.RadiusThreshold != 0.4 {
		t.Fatalf("round trip: %+v, %v", f, err)
	}
	if d := f.Distance([]float32{4, 4}); d != 1 {
		t.Errorf("distance to the nearest mean = %v, want 1", d)
	}
	if d := f.domain([]float32{3, 8}, scene{Crowding: 1.5, Radius: 0.1}); d.Score != 2 || !d.OutOfDomain || d.Distance != 4 {
		t.Errorf("domain %+v, want distance 4 and score max(4/2, 1.5/3, 0.1/0.4) = 2", d)
	}
	if d := f.domain([]float32{3, 4}, scene{Crowding: 6}); d.Score != 2 || !d.OutOfDomain {
		t.Errorf("domain %+v, want the crowding's 6/3 = 2", d)
	}
	if d := f.domain([]float32{3, 4}, scene{Radius: 0.6}); math.Abs(d.Score-1.5) > 1e-12 || !d.OutOfDomain || d.Radius != 0.6 {
		t.Errorf("domain %+v, want the radius's 0.6/0.4 = 1.5", d)
	}
	if d := f.domain([]float32{3, 5}, scene{Crowding: 1.5, Radius: 0.1}); d.Score != 0.5 || d.OutOfDomain {
		t.Errorf("domain %+v, want score 0.5, in domain", d)
	}
	if f, err := ParseDomainFit(map[string]string{}, 2); f != nil || err != nil {
		t.Errorf("no fit: %+v, %v; want nil, nil", f, err)
	}
	for key, value := range map[string]string{
		PropDomainMeans:             "not base64!",
		PropDomainPrecision:         encodeFloats([]float32{1, 0, 0}),
		PropDomainDistanceThreshold: "0",
		PropDomainCrowdingThreshold: "NaN",
		PropDomainRadiusThreshold:   "",
	} {
		props := map[string]string{}
		for k, v := range good {
			props[k] = v
		}
		props[key] = value
		if _, err := ParseDomainFit(props, 2); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s = %q: err %v, want ErrBadModel", key, value, err)
		}
	}
	if _, err := ParseDomainFit(good, 3); !errors.Is(err, ErrBadModel) {
		t.Errorf("a fit for 2 channels on a 3-channel model: err %v, want ErrBadModel", err)
	}
	props := map[string]string{}
	for k, v := range good {
		props[k] = v
	}
	props[PropDomainMeans] = encodeFloats([]float32{1, float32(math.Inf(1)), 3, 4})
	if _, err := ParseDomainFit(props, 2); !errors.Is(err, ErrBadModel) {
		t.Errorf("an infinite mean: err %v, want ErrBadModel", err)
	}
}

// The JSON of a prediction carries the domain object the edge documents.
func TestResultDomainJSON(t *testing.T) {
	clf, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	p, err := clf.ClassifyFile(realGalaxies(t, 1)[0])
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(p.Result(false))
	var back struct {
		Domain map[string]any `json:"domain"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"score", "out_of_domain", "distance", "crowding", "radius"} {
		if _, ok := back.Domain[k]; !ok {
			t.Errorf("domain JSON %s has no %q", raw, k)
		}
	}
}

// Measure looks at the central square of a picture that is not square
// (it once measured the top-left one).
func TestMeasureCentralSquare(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 636, 212))
	draw.Draw(img, img.Bounds(), blobs(212, 10, image.Pt(106, 106)), image.Pt(-212, 0), draw.Src)
	if s := measure(img); s.Radius < 0.05 || s.Crowding != 0 {
		t.Errorf("a blob in the middle of a 3:1 picture: %+v, want it measured", s)
	}
}

// TestDistanceExpansion holds Distance's expanded form to (x−m)ᵀP(x−m)
// summed directly, for a precision that is not symmetric and for the
// embedded model's fit.
func TestDistanceExpansion(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 7))
	direct := func(f *DomainFit, x []float32) float64 {
		c := len(x)
		best := math.Inf(1)
		for _, m := range f.Means {
			var s float64
			for i := range c {
				for j := range c {
					s += (float64(x[i]) - float64(m[i])) * float64(f.Precision[i*c+j]) * (float64(x[j]) - float64(m[j]))
				}
			}
			best = min(best, s)
		}
		return math.Sqrt(max(best, 0))
	}
	random := &DomainFit{}
	const c = 8
	for range 5 {
		m := make([]float32, c)
		for i := range m {
			m[i] = float32(r.NormFloat64() * 3)
		}
		random.Means = append(random.Means, m)
	}
	random.Precision = make([]float32, c*c)
	for i := range c {
		for j := range c {
			random.Precision[i*c+j] = float32(r.NormFloat64() * 0.3)
		}
		random.Precision[i*c+i] += 4
	}
	fits := []*DomainFit{random}
	fits = append(fits, embeddedFit(t))
	for _, f := range fits {
		c := len(f.Means[0])
		for range 200 {
			x := make([]float32, c)
			for i := range x {
				x[i] = f.Means[r.IntN(len(f.Means))][i] + float32(r.NormFloat64())
			}
			got, want := f.Distance(x), direct(f, x)
			if math.Abs(got-want) > 1e-9*math.Max(1, want) {
				t.Fatalf("%d channels: Distance %v, summed directly %v", c, got, want)
			}
		}
	}
}

// BenchmarkDistance: the embedded model's fit on one image's features.
func BenchmarkDistance(b *testing.B) {
	f := embeddedFit(b)
	x := append([]float32(nil), f.Means[0]...)
	for b.Loop() {
		f.Distance(x)
	}
}

// embeddedFit is the embedded model's domain fit, read from its metadata
// (its size from the precision's).
func embeddedFit(tb testing.TB) *DomainFit {
	tb.Helper()
	md, err := ReadMetadata(DefaultONNX())
	if err != nil {
		tb.Fatal(err)
	}
	prec, err := decodeFloats(md.Props[PropDomainPrecision])
	if err != nil {
		tb.Fatal(err)
	}
	f, err := ParseDomainFit(md.Props, int(math.Sqrt(float64(len(prec)))))
	if err != nil || f == nil {
		tb.Fatalf("the embedded model's domain fit: %v, %v", f, err)
	}
	return f
}
