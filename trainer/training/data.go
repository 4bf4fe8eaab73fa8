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

// trainImage is a training sample decoded once: the whole image scaled so
// that the evaluation crop (240/424) is input pixels wide, and the same at
// half that resolution. Every epoch draws fresh augmentations from them;
// the half-resolution copy keeps strong zoom-outs anti-aliased.
type trainImage struct {
	class      model.Class
	full, half *image.RGBA
	shape      moments // the central galaxy's light moments in full's pixels, for Squeeze
	// softA, softB and softFlat are a pseudo-labelled image's targets for
	// networks A and B and for the ablation's flat network (the teachers'
	// probabilities); nil for labelled images.
	softA, softB, softFlat []float32
}

// evalImage is a validation or test sample, preprocessed exactly as every
// runtime does (model.Preprocess).
type evalImage struct {
	class model.Class
	x     []float32
	path  string
}

// fullSide is the side of the cached training image: the whole image at
// the scale where the 240/424 evaluation crop is input pixels wide.
func fullSide(input int) int {
	return int(math.Round(float64(input) / model.EvalCropFraction))
}

// loadImages decodes samples in parallel for a network of input side
// input (model.DecodeFor, as every runtime decodes) with prepare; files
// that fail are reported and skipped, never used.
func loadImages[T any](samples []gzdata.Sample, input, workers int, prepare func(gzdata.Sample, image.Image) T, progress func(done, total int)) ([]T, []error) {
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
					img, _, err = model.DecodeFor(data, input)
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
	side := fullSide(input)
	return func(s gzdata.Sample, img image.Image) trainImage {
		full := model.Resize(img, model.CenterCrop(img, 1), side)
		return trainImage{class: s.Class, full: full, half: model.Resize(full, full.Bounds(), (side+1)/2), shape: galaxyMoments(full, input)}
	}
}

func prepareEval(input int) func(gzdata.Sample, image.Image) evalImage {
	return func(s gzdata.Sample, img image.Image) evalImage {
		return evalImage{class: s.Class, x: model.Preprocess(img, input), path: s.Path}
	}
}

// Augment sets the training augmentations. A galaxy has no up, so
// rotations cover the full circle; real cutouts frame galaxies at many
// scales, so some draws zoom out. The paper's fixed crop (rotation ±25°, a
// random crop of 90-100% of the area, flips) is Rotation 25, ZoomOut 1,
// Brightness 0.
type Augment struct {
	Rotation    float64 // largest |angle| in degrees (180: any angle)
	ZoomOut     float64 // largest zoom-out factor: 2 shows the galaxy at half size
	ZoomOutProb float64 // share of draws that zoom out beyond 1.1
	Brightness  float64 // brightness scaled by up to 1+Brightness either way
	// Squeeze is the share of smooth galaxies squeezed along a random
	// direction and relabelled by their new axis ratio (squeeze.go); 0
	// (and old checkpoints) means none.
	Squeeze float64
	// SqueezeB is the share of network B's draws replaced by an in-between
	// training galaxy squeezed into a cigar (drawCigar); 0 means none.
	SqueezeB float64
}

// squeeze is a drawn squeeze: scale S along direction Phi (radians, in the
// cached image's frame); S = 1 is none.
type squeeze struct{ S, Phi float64 }

// maxShift is the largest random shift of the crop centre, as a fraction of
// the crop side: the catalogue centres galaxies, but not to the pixel.
const maxShift = 0.04

// augment draws one training input. The crop is square: unlike
// torchvision's RandomResizedCrop it never stretches, since stretching would
// change a galaxy's axis ratio, which is what separates round, in-between
// and cigar-shaped. zoom = 1 sees exactly the evaluation crop; zooms in
// [sqrt(0.9), 1.1] (the paper's 90-100% area crop, widened a little) are the
// common case, larger ones up to ZoomOut are drawn with ZoomOutProb,
// log-uniformly. Outside the image the sky is mirrored. Sampling is
// bilinear, then model.Normalize.
func augment(rng *rand.Rand, im trainImage, input int, aug Augment, sq squeeze, dst *image.RGBA) []float32 {
	theta := (rng.Float64()*2 - 1) * aug.Rotation * math.Pi / 180
	zoom := logUniform(rng, math.Sqrt(0.9), 1.1)
	if aug.ZoomOut > 1.1 && rng.Float64() < aug.ZoomOutProb {
		zoom = logUniform(rng, 1.1, aug.ZoomOut)
	}
	gain := 1.0
	if aug.Brightness > 0 {
		gain = logUniform(rng, 1/(1+aug.Brightness), 1+aug.Brightness)
	}
	src := im.full
	step := zoom // source pixels per output pixel
	if step > 1.5 {
		src, step = im.half, step*float64(im.half.Bounds().Dx())/float64(im.full.Bounds().Dx())
	}
	side := float64(src.Bounds().Dx())
	cx := side/2 + (rng.Float64()*2-1)*maxShift*step*float64(input)
	cy := side/2 + (rng.Float64()*2-1)*maxShift*step*float64(input)
	fx, fy := 1.0, 1.0
	if rng.Intn(2) == 0 {
		fx = -1
	}
	if rng.Intn(2) == 0 {
		fy = -1
	}
	cos, sin := math.Cos(theta), math.Sin(theta)
	// A squeeze by S along d shows the source stretched by 1/S along d.
	dx, dy, stretch := math.Cos(sq.Phi), math.Sin(sq.Phi), 0.0
	if sq.S > 0 && sq.S != 1 {
		stretch = 1/sq.S - 1
	}
	for v := 0; v < input; v++ {
		for u := 0; u < input; u++ {
			// Output pixel centre in crop coordinates, centred at 0.
			ox := fx * (float64(u) + 0.5 - float64(input)/2) * step
			oy := fy * (float64(v) + 0.5 - float64(input)/2) * step
			rx, ry := cos*ox-sin*oy, sin*ox+cos*oy
			along := stretch * (rx*dx + ry*dy)
			sx := cx + rx + along*dx - 0.5
			sy := cy + ry + along*dy - 0.5
			bilinear(src, sx, sy, gain, dst.Pix[v*dst.Stride+4*u:v*dst.Stride+4*u+4])
		}
	}
	return model.Normalize(dst)
}

func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo * math.Exp(rng.Float64()*math.Log(hi/lo))
}

// bilinear samples src at (x, y) in pixel-centre coordinates, scaled by
// gain; outside the image it mirrors, which continues the sky around a
// centred galaxy without the streaks that clamping draws.
func bilinear(src *image.RGBA, x, y, gain float64, out []uint8) {
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	x0, y0 := math.Floor(x), math.Floor(y)
	ax, ay := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	at := func(px, py int) []uint8 {
		o := mirror(py, h)*src.Stride + 4*mirror(px, w)
		return src.Pix[o : o+4]
	}
	p00, p10, p01, p11 := at(ix, iy), at(ix+1, iy), at(ix, iy+1), at(ix+1, iy+1)
	for c := 0; c < 4; c++ {
		top := float64(p00[c])*(1-ax) + float64(p10[c])*ax
		bot := float64(p01[c])*(1-ax) + float64(p11[c])*ax
		v := (top*(1-ay) + bot*ay) * gain
		if c == 3 {
			v = 255
		}
		out[c] = uint8(math.Round(min(max(v, 0), 255)))
	}
}

// mirror folds a coordinate into [0, n) by reflection (…2 1 0 | 0 1 2…).
func mirror(i, n int) int {
	period := 2 * n
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - 1 - i
	}
	return i
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
