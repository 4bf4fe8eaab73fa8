package training

import (
	"fmt"
	"image"
	"math"
	"math/rand"
	"runtime"
	"sync"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
)

// trainImage is a training sample decoded once: the paper's 256/424 centre
// crop, scaled to a little more than the network input, from which every
// epoch draws fresh augmentations.
type trainImage struct {
	class model.Class
	src   *image.RGBA
}

// evalImage is a validation or test sample, preprocessed exactly as every
// runtime does (model.Preprocess).
type evalImage struct {
	class model.Class
	x     []float32
	path  string
}

// augSide is the side of the cached training crop: the 256/424 crop at the
// scale where the 240/424 evaluation crop is input pixels wide.
func augSide(input int) int {
	return int(math.Round(float64(input) * model.TrainCropFraction / model.EvalCropFraction))
}

// loadImages decodes samples in parallel with prepare; files that fail are
// reported and skipped, never used.
func loadImages[T any](samples []gzdata.Sample, workers int, prepare func(gzdata.Sample, image.Image) T, progress func(done, total int)) ([]T, []error) {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	out := make([]T, len(samples))
	ok := make([]bool, len(samples))
	errs := make([]error, len(samples))
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				data, err := model.ReadImageFile(samples[i].Path)
				var img image.Image
				if err == nil {
					img, err = model.Decode(data)
				}
				if err != nil {
					errs[i] = fmt.Errorf("%s: %w", samples[i].Path, err)
				} else {
					out[i], ok[i] = prepare(samples[i], img), true
				}
				mu.Lock()
				done++
				if progress != nil && (done%200 == 0 || done == len(samples)) {
					progress(done, len(samples))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range samples {
		next <- i
	}
	close(next)
	wg.Wait()
	var kept []T
	var bad []error
	for i := range out {
		if ok[i] {
			kept = append(kept, out[i])
		} else {
			bad = append(bad, errs[i])
		}
	}
	return kept, bad
}

func prepareTrain(input int) func(gzdata.Sample, image.Image) trainImage {
	side := augSide(input)
	return func(s gzdata.Sample, img image.Image) trainImage {
		return trainImage{class: s.Class, src: model.Resize(img, model.CenterCrop(img, model.TrainCropFraction), side)}
	}
}

func prepareEval(input int) func(gzdata.Sample, image.Image) evalImage {
	return func(s gzdata.Sample, img image.Image) evalImage {
		return evalImage{class: s.Class, x: model.Preprocess(img, input), path: s.Path}
	}
}

// augment draws one training input from a cached crop with the paper's
// augmentations: rotation within ±25°, a random square crop covering 90-100%
// of the area, horizontal and vertical flips. Unlike torchvision's
// RandomResizedCrop the aspect ratio is kept at 1: stretching would change
// a galaxy's axis ratio, which is what separates round, in-between and
// cigar-shaped. Sampling is bilinear, then model.Normalize.
func augment(rng *rand.Rand, src *image.RGBA, input int, dst *image.RGBA) []float32 {
	side := float64(src.Bounds().Dx())
	theta := (rng.Float64()*50 - 25) * math.Pi / 180
	crop := side * math.Sqrt(0.9+0.1*rng.Float64()) * float64(input) / float64(augSide(input))
	// Centre offset: the rotated crop may move while it stays inside.
	slack := math.Max(0, (side-crop)/2)
	cx := side/2 + (rng.Float64()*2-1)*slack
	cy := side/2 + (rng.Float64()*2-1)*slack
	fx, fy := 1.0, 1.0
	if rng.Intn(2) == 0 {
		fx = -1
	}
	if rng.Intn(2) == 0 {
		fy = -1
	}
	scale := crop / float64(input)
	cos, sin := math.Cos(theta), math.Sin(theta)
	for v := 0; v < input; v++ {
		for u := 0; u < input; u++ {
			// Output pixel centre in crop coordinates, centred at 0.
			ox := fx * (float64(u) + 0.5 - float64(input)/2) * scale
			oy := fy * (float64(v) + 0.5 - float64(input)/2) * scale
			sx := cx + cos*ox - sin*oy - 0.5
			sy := cy + sin*ox + cos*oy - 0.5
			bilinear(src, sx, sy, dst.Pix[v*dst.Stride+4*u:v*dst.Stride+4*u+4])
		}
	}
	return model.Normalize(dst)
}

// bilinear samples src at (x, y) in pixel-centre coordinates; outside the
// image it clamps to the edge (dark sky in galaxy cutouts).
func bilinear(src *image.RGBA, x, y float64, out []uint8) {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	x0, y0 := math.Floor(x), math.Floor(y)
	ax, ay := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	at := func(px, py int) []uint8 {
		px = min(max(px, 0), w-1)
		py = min(max(py, 0), h-1)
		o := py*src.Stride + 4*px
		return src.Pix[o : o+4]
	}
	p00, p10, p01, p11 := at(ix, iy), at(ix+1, iy), at(ix, iy+1), at(ix+1, iy+1)
	for c := 0; c < 4; c++ {
		top := float64(p00[c])*(1-ax) + float64(p10[c])*ax
		bot := float64(p01[c])*(1-ax) + float64(p11[c])*ax
		out[c] = uint8(math.Round(top*(1-ay) + bot*ay))
	}
}

// smoothed writes label-smoothed one-hot targets: 1-eps for the true class,
// eps/(K-1) for every other.
func smoothed(dst []float32, target, k int, eps float64) {
	for i := range dst {
		dst[i] = float32(eps / float64(k-1))
	}
	dst[target] = float32(1 - eps)
}

// weightedDraw returns n indices drawn with replacement, each sample
// weighted by 1/(its class's count): the paper's weighted sampling, which
// gives network B's rare cigar class as many draws as edge-on.
func weightedDraw(rng *rand.Rand, classes []int, n int) []int {
	count := map[int]int{}
	for _, c := range classes {
		count[c]++
	}
	cum := make([]float64, len(classes))
	total := 0.0
	for i, c := range classes {
		total += 1 / float64(count[c])
		cum[i] = total
	}
	out := make([]int, n)
	for i := range out {
		r := rng.Float64() * total
		lo, hi := 0, len(cum)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if cum[mid] < r {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		out[i] = lo
	}
	return out
}
