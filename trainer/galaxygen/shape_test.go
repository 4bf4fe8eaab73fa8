package galaxygen

import (
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// axisRatio measures a rendered galaxy the way a simple pipeline would:
// estimate the sky from the image border, take the connected region above
// the sky around the brightest pixel near the centre (so field stars do not
// count), and return the ratio of the square roots of the eigenvalues of
// its flux-weighted second moments.
func axisRatio(img image.Image) float64 {
	b := img.Bounds()
	n := b.Dx()
	lum := make([]float64, n*n)
	var border []float64
	for y := range n {
		for x := range n {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			l := float64(r+g+bl) / 3 / 257
			lum[y*n+x] = l
			if x < n/10 || y < n/10 || x >= n-n/10 || y >= n-n/10 {
				border = append(border, l)
			}
		}
	}
	slices.Sort(border)
	sky := border[len(border)/2]
	var dev []float64
	for _, l := range border {
		dev = append(dev, math.Abs(l-sky))
	}
	slices.Sort(dev)
	thresh := sky + 6*1.4826*dev[len(dev)/2] + 2

	seed, best := 0, -1.0
	for y := n/2 - n/14; y <= n/2+n/14; y++ {
		for x := n/2 - n/14; x <= n/2+n/14; x++ {
			if l := lum[y*n+x]; l > best {
				seed, best = y*n+x, l
			}
		}
	}
	inside := make([]bool, n*n)
	stack := []int{seed}
	inside[seed] = true
	var sw, sx, sy, sxx, syy, sxy float64
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := float64(i%n), float64(i/n)
		w := lum[i] - sky
		sw, sx, sy = sw+w, sx+w*x, sy+w*y
		sxx, syy, sxy = sxx+w*x*x, syy+w*y*y, sxy+w*x*y
		for _, j := range [4]int{i - 1, i + 1, i - n, i + n} {
			if j < 0 || j >= n*n || inside[j] || lum[j] <= thresh || (j%n == 0 && i%n == n-1) || (i%n == 0 && j%n == n-1) {
				continue
			}
			inside[j] = true
			stack = append(stack, j)
		}
	}
	mx, my := sx/sw, sy/sw
	cxx, cyy, cxy := sxx/sw-mx*mx, syy/sw-my*my, sxy/sw-mx*my
	tr, det := cxx+cyy, cxx*cyy-cxy*cxy
	disc := math.Sqrt(max(tr*tr/4-det, 0))
	return math.Sqrt((tr/2 - disc) / (tr/2 + disc))
}

// TestShapesDistinguishClasses renders clear galaxies of each class and
// checks that the measured light distribution tells the shapes apart: the
// labels must be learnable from the pixels.
func TestShapesDistinguishClasses(t *testing.T) {
	const per = 9
	var med [model.NumClasses]float64
	for _, c := range model.Classes {
		var qs []float64
		for i := range per {
			img, _, err := Render(rand.New(rand.NewPCG(21, uint64(int(c)*per+i))), c, 212)
			if err != nil {
				t.Fatal(err)
			}
			qs = append(qs, axisRatio(img))
		}
		slices.Sort(qs)
		med[c] = qs[per/2]
		t.Logf("%-24s axis ratios %.2f", c, qs)
	}
	check := func(ok bool, what string) {
		if !ok {
			t.Errorf("%s: medians %.2f", what, med)
		}
	}
	check(med[model.Round] > 0.8, "round galaxies look round")
	check(med[model.InBetween] > 0.45 && med[model.InBetween] < 0.85, "in-between galaxies look in between")
	check(med[model.Cigar] < 0.45, "cigars look elongated")
	check(med[model.EdgeOn] < 0.35, "edge-on disks look thin")
	check(med[model.Round] > med[model.InBetween]+0.1 && med[model.InBetween] > med[model.Cigar]+0.1, "round > in-between > cigar")
	check(med[model.Spiral] > med[model.EdgeOn]+0.2, "spirals are seen face-on-ish")
}
