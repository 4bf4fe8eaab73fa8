package training

import (
	"image"
	"math"
	"math/rand"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
)

// ellipse draws a Gaussian galaxy of axis ratio q, major axis at angle phi,
// on a dark sky of side n.
func ellipse(n int, sigma, q, phi float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	c, s := math.Cos(phi), math.Sin(phi)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := float64(x)+0.5-float64(n)/2, float64(y)+0.5-float64(n)/2
			u, v := c*dx+s*dy, -s*dx+c*dy
			l := 10 + 230*math.Exp(-0.5*(u*u/(sigma*sigma)+v*v/(sigma*sigma*q*q)))
			o := y*img.Stride + 4*x
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = uint8(l), uint8(l), uint8(l), 255
		}
	}
	return img
}

func TestMomentsSqueezed(t *testing.T) {
	m := moments{1, 0, 0.64} // major axis along x, q = 0.8
	if q := m.axisRatio(); math.Abs(q-0.8) > 1e-12 {
		t.Fatalf("q = %v", q)
	}
	// Halving x: diag(0.25, 0.64), q = 0.5/0.8.
	if q := m.squeezed(0.5, 0).axisRatio(); math.Abs(q-0.625) > 1e-12 {
		t.Fatalf("squeezed along x: q = %v", q)
	}
	// Halving y, the minor axis: q = 0.4.
	if q := m.squeezed(0.5, math.Pi/2).axisRatio(); math.Abs(q-0.4) > 1e-12 {
		t.Fatalf("squeezed along y: q = %v", q)
	}
}

// The measured axis ratio of a drawn galaxy is its own, whatever its angle.
func TestGalaxyMoments(t *testing.T) {
	for _, tc := range []struct{ q, phi float64 }{{1, 0}, {0.7, 0.4}, {0.45, 2}} {
		img := ellipse(212, 12, tc.q, tc.phi)
		if q := galaxyMoments(img, 120).axisRatio(); math.Abs(q-tc.q) > 0.04 {
			t.Errorf("galaxy q %v at %v rad: measured %v", tc.q, tc.phi, q)
		}
	}
}

// augment's squeeze makes the picture's galaxy as flat as the moments say.
func TestAugmentSqueezeMatchesMoments(t *testing.T) {
	const input = 64
	img := ellipse(424, 26, 0.9, 0.3)
	im := prepareTrain(input)(gzdata.Sample{Class: model.Round}, img)
	sq := squeeze{S: 0.55, Phi: 1.1}
	want := im.shape.squeezed(sq.S, sq.Phi).axisRatio()
	dst := image.NewRGBA(image.Rect(0, 0, input, input))
	augment(rand.New(rand.NewSource(1)), im, input, Augment{}, sq, dst)
	// augment wrote dst as pixels before normalising: measure them.
	got := galaxyMoments(dst, input).axisRatio()
	if math.Abs(got-want) > 0.05 || math.Abs(want-0.9*0.55) > 0.1 {
		t.Fatalf("squeezed galaxy q %v, the moments say %v", got, want)
	}
	// Squeezed, not stretched the other way (which gives the same ratio):
	// the light's spread shrinks, by (S²+1)/2 for a nearly round galaxy.
	plain := image.NewRGBA(image.Rect(0, 0, input, input))
	augment(rand.New(rand.NewSource(1)), im, input, Augment{}, squeeze{S: 1}, plain)
	m0, m1 := galaxyMoments(plain, input), galaxyMoments(dst, input)
	if r := (m1[0] + m1[2]) / (m0[0] + m0[2]); math.Abs(r-(sq.S*sq.S+1)/2) > 0.1 {
		t.Fatalf("the squeeze scaled the galaxy's spread by %v, want about %v", r, (sq.S*sq.S+1)/2)
	}
}

func TestDrawSqueeze(t *testing.T) {
	b := squeezeBounds{roundIn: 0.78, inCigar: 0.56}
	rng := rand.New(rand.NewSource(2))
	counts := map[model.Class]int{}
	for _, tc := range []struct {
		class model.Class
		q     float64
	}{{model.Round, 0.9}, {model.InBetween, 0.7}, {model.Cigar, 0.45}, {model.InBetween, 0.9}} {
		im := trainImage{class: tc.class, shape: moments{1, 0, tc.q * tc.q}}
		for i := 0; i < 400; i++ {
			s, _, c, ok := drawSqueeze(rng, im, b, 1)
			if !ok {
				continue
			}
			if rank(c) < rank(tc.class) || s < 0.5 || s >= 1 {
				t.Fatalf("%v (q %v) squeezed by %v became %v", tc.class, tc.q, s, c)
			}
			counts[c]++
		}
	}
	if counts[model.Cigar] < 100 || counts[model.InBetween] < 100 || counts[model.Round] == 0 {
		t.Fatalf("classes drawn: %v", counts)
	}
	// Off, or a class that is not smooth: nothing is drawn, and no random
	// number is taken (old runs keep their draws).
	r1, r2 := rand.New(rand.NewSource(3)), rand.New(rand.NewSource(3))
	for _, c := range []model.Class{model.Spiral, model.EdgeOn} {
		if _, _, _, ok := drawSqueeze(r1, trainImage{class: c, shape: moments{1, 0, 0.5}}, b, 1); ok {
			t.Fatalf("%v squeezed", c)
		}
	}
	if _, _, _, ok := drawSqueeze(r1, trainImage{class: model.Round, shape: moments{1, 0, 1}}, b, 0); ok {
		t.Fatal("squeezed with probability 0")
	}
	if r1.Int63() != r2.Int63() {
		t.Fatal("drawSqueeze took random numbers while off")
	}
}

func TestFitSqueezeBounds(t *testing.T) {
	var ims []trainImage
	add := func(c model.Class, qs ...float64) {
		for _, q := range qs {
			ims = append(ims, trainImage{class: c, shape: moments{1, 0, q * q}})
		}
	}
	add(model.Round, 0.85, 0.9, 0.95, 0.82)
	add(model.InBetween, 0.6, 0.7, 0.75, 0.65)
	add(model.Cigar, 0.4, 0.45, 0.5)
	b := fitSqueezeBounds(ims)
	if !(b.roundIn > 0.75 && b.roundIn <= 0.82) || !(b.inCigar > 0.5 && b.inCigar <= 0.6) {
		t.Fatalf("bounds %+v", b)
	}
}

func TestSoftTarget(t *testing.T) {
	im := trainImage{softA: []float32{0.1, 0.2, 0.6, 0.1}, softB: []float32{2, 6}}
	dst := make([]float32, 4)
	if !im.softTarget(dst, model.NumA) || dst[2] != 0.6 {
		t.Fatalf("A: %v", dst)
	}
	if !im.softTarget(dst[:2], model.NumB) || dst[0] != 0.25 || dst[1] != 0.75 {
		t.Fatalf("B, renormalised: %v", dst[:2])
	}
	if (trainImage{}).softTarget(dst, model.NumA) || im.softTarget(make([]float32, 5), model.NumClasses) {
		t.Fatal("a labelled image, or a flat target without the teachers' five probabilities, took soft targets")
	}
	im.softFlat = []float32{0.5, 0.25, 0.25, 0, 0}
	five := make([]float32, 5)
	if !im.softTarget(five, model.NumClasses) || five[0] != 0.5 || five[4] != 0 {
		t.Fatalf("flat: %v", five)
	}
}

// drawCigar turns in-between galaxies into cigars by the moments, along
// the minor axis, and the rendered picture agrees.
func TestDrawCigar(t *testing.T) {
	b := squeezeBounds{roundIn: 0.78, inCigar: 0.56}
	rng := rand.New(rand.NewSource(4))
	const input = 64
	im := prepareTrain(input)(gzdata.Sample{Class: model.InBetween}, ellipse(424, 26, 0.7, 0.5))
	if d := math.Abs(math.Mod(im.shape.minorAxis()-(0.5+math.Pi/2)+4*math.Pi, math.Pi)); d > 0.05 && d < math.Pi-0.05 {
		t.Fatalf("minor axis %v, want %v (mod π)", im.shape.minorAxis(), 0.5+math.Pi/2)
	}
	drawn := 0
	for i := 0; i < 50; i++ {
		s, phi, ok := drawCigar(rng, im, b)
		if !ok {
			continue
		}
		drawn++
		q := im.shape.squeezed(s, phi).axisRatio()
		if q > b.inCigar-squeezeMargin || s < 0.5 {
			t.Fatalf("squeeze %v at %v: q %v is not a cigar's", s, phi, q)
		}
		dst := image.NewRGBA(image.Rect(0, 0, input, input))
		augment(rand.New(rand.NewSource(int64(i))), im, input, Augment{}, squeeze{S: s, Phi: phi}, dst)
		if got := galaxyMoments(dst, input).axisRatio(); got > b.inCigar {
			t.Fatalf("rendered cigar has q %v", got)
		}
	}
	if drawn < 40 {
		t.Fatalf("only %d of 50 draws made a cigar", drawn)
	}
	// A galaxy that no squeeze of at least 0.5 makes a cigar.
	if _, _, ok := drawCigar(rng, trainImage{shape: moments{1, 0, 1}}, squeezeBounds{roundIn: 0.78, inCigar: 0.3}); ok {
		t.Fatal("a round galaxy squeezed past 0.5")
	}
}
