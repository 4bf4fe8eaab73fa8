package model

import (
	"image"
	"math"
	"sync"

	"golang.org/x/image/draw"
)

// Auto-framing. Galaxy Zoo cutouts are scaled to each galaxy's Petrosian
// radius, so the network learnt galaxies of a fairly steady apparent size.
// Cutouts from other tools often frame them more loosely, and the paper's
// fixed centre crop then leaves the galaxy a few pixels wide. Frame
// measures the central galaxy and, when it is clearly smaller than a
// Challenge galaxy, crops tighter to bring it back to the size the network
// knows. Challenge-framed galaxies keep the fixed crop.
//
// Measured on the real five-class set (galaxyRadius, 1,771 training
// images): Challenge galaxies have radii 0.091 / 0.107 / 0.138 / 0.186 of
// the side at the 2nd / 10th / 50th / 90th percentile; the same galaxies at
// half scale measure 0.496 of that (median; 90% within 0.46-0.52), so the
// two framings barely overlap. The threshold and target were chosen on the
// validation split only (see README).
const (
	frameSide = 106 // working resolution of the measurement (424/4)
	// frameIsophote is the isophote measured, as a fraction of the
	// central peak above the sky: for one galaxy its radius scales with
	// the image scale, whatever the brightness.
	frameIsophote = 0.1
	// FrameBelow is the radius, as a fraction of the shorter side, below
	// which Frame zooms in: about the 3rd percentile of Challenge galaxies,
	// and above nine in ten galaxies at half scale.
	FrameBelow = 0.095
	// FrameTarget is the radius a zoomed galaxy is brought to.
	FrameTarget = 0.12
	// MaxFrameZoom bounds the zoom: a galaxy measured tiny (a point
	// source, a faint smudge) is not blown up past twice the fixed crop.
	MaxFrameZoom = 2.0
)

// galaxyRadius measures the central galaxy of img: the radius of a disc of
// the same area as the connected region around the centre brighter than
// the sky by frameIsophote of the central peak, as a fraction of the
// image's shorter side. The sky is the median of the outer ring.
func galaxyRadius(img image.Image) float64 { return measure(img).Radius }

// scene is what the framing step measures on the whole picture, before
// any crop: the central object's size, and how much else is as bright.
type scene struct {
	// Radius is galaxyRadius: the central object's 10 %-of-peak
	// isophote, as the radius of a disc of its area over the shorter side.
	Radius float64
	// Crowding is the area of the other objects brighter than the sky by
	// a quarter of the central peak (each of at least crowdMinArea cells
	// of the measurement grid), over the central object's area at that
	// isophote. A Galaxy Zoo cutout centres one galaxy, so it is small
	// (median 0.13 on the five-class set); several galaxies in one
	// picture, a zoomed-in crop or a photograph give tens to thousands.
	// A picture with no central peak above its sky gets crowdEmpty.
	Crowding float64
}

const (
	// crowdIsophote is the isophote, as a fraction of the central peak
	// above the sky, at which Crowding compares objects: brighter than
	// frameIsophote, so that a galaxy's own faint outskirts and the sky's
	// noise stay below it.
	crowdIsophote = 0.25
	// crowdMinArea is the smallest other object counted, in cells of the
	// frameSide grid: single noisy cells are not objects.
	crowdMinArea = 4
	// crowdEmpty is Crowding when nothing central stands above the sky:
	// the whole grid, as if everything else were bright.
	crowdEmpty = frameSide * frameSide
)

// measure measures img's central object and the objects around it on a
// frameSide x frameSide luminance grid of its central square (the
// measurement Frame decides on, and the picture statistics of the
// in-domain score). Every value is computed from whole numbers, so every
// runtime gives the same scene for the same pixels.
func measure(img image.Image) scene {
	b := img.Bounds()
	short := min(b.Dx(), b.Dy())
	// The central square. (image.Rect(x0, y0, 0, 0) would swap the
	// corners and give the top-left one: wrong for non-square pictures.)
	min0 := image.Pt(b.Min.X+(b.Dx()-short)/2, b.Min.Y+(b.Dy()-short)/2)
	sq := image.Rectangle{Min: min0, Max: min0.Add(image.Pt(short, short))}
	n := frameSide
	g := grids.Get().(*frameGrids)
	defer grids.Put(g)
	lum, label := g.lum, g.label
	clear(lum)
	clear(label)
	if y, ok := img.(*image.YCbCr); !ok || !approxLumYCbCr(lum, n, y, sq) {
		small := image.NewRGBA(image.Rect(0, 0, n, n))
		draw.ApproxBiLinear.Scale(small, small.Bounds(), img, sq, draw.Src, nil)
		for i := range lum {
			p := small.Pix[4*i : 4*i+3]
			lum[i] = float64(p[0]) + float64(p[1]) + float64(p[2])
		}
	}
	ring := n / 12
	var sky hist765
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if x < ring || y < ring || x >= n-ring || y >= n-ring {
				sky.add(lum[y*n+x])
			}
		}
	}
	bg := sky.upperMedian()
	// The peak is the brightest pixel of the central 10% of the side: the
	// catalogue centres its galaxy, a bright star elsewhere is not it.
	c, w := n/2, max(1, n/20)
	start, peak := c*n+c, lum[c*n+c]
	for y := c - w; y <= c+w; y++ {
		for x := c - w; x <= c+w; x++ {
			if lum[y*n+x] > peak {
				start, peak = y*n+x, lum[y*n+x]
			}
		}
	}
	if peak <= bg {
		return scene{Radius: 0, Crowding: crowdEmpty}
	}
	area := fill(lum, n, label, start, 1, bg+frameIsophote*(peak-bg), &g.stack)
	radius := math.Sqrt(float64(area)/math.Pi) / float64(n)

	// Crowding: label every object above the brighter isophote; the one
	// holding the peak is the central one.
	clear(label)
	thr := bg + crowdIsophote*(peak-bg)
	central := fill(lum, n, label, start, 1, thr, &g.stack)
	var others int
	id := int32(1)
	for i, v := range lum {
		if label[i] == 0 && v > thr {
			id++
			if a := fill(lum, n, label, i, id, thr, &g.stack); a >= crowdMinArea {
				others += a
			}
		}
	}
	return scene{Radius: radius, Crowding: float64(others) / float64(central)}
}

// fill labels with id the 4-connected region of cells brighter than thr
// around start (which is one), and returns its area in cells. work holds
// its work list's storage between calls.
func fill(lum []float64, n int, label []int32, start int, id int32, thr float64, work *[]int) int {
	stack := append((*work)[:0], start)
	defer func() { *work = stack }()
	label[start] = id
	area := 0
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		area++
		x, y := i%n, i/n
		for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			nx, ny := x+d[0], y+d[1]
			if nx < 0 || ny < 0 || nx >= n || ny >= n {
				continue
			}
			j := ny*n + nx
			if label[j] == 0 && lum[j] > thr {
				label[j] = id
				stack = append(stack, j)
			}
		}
	}
	return area
}

// Frame returns the square the network should see: the paper's centre crop
// (EvalCropFraction of the shorter side), narrowed around the centre to
// bring the galaxy to FrameTarget when it measures under FrameBelow, by at
// most MaxFrameZoom. The step at FrameBelow is deliberate: a smooth ramp
// would shrink Challenge galaxies near the threshold or under-zoom loosely
// framed ones, and the two populations meet only in their tails.
func Frame(img image.Image) image.Rectangle { return frameOf(img, measure(img)) }

// frameGrids are measure's working grids, kept between calls: after the
// decoded image, they were a request's largest allocations.
type frameGrids struct {
	lum   []float64
	label []int32
	stack []int
}

var grids = sync.Pool{New: func() any {
	return &frameGrids{lum: make([]float64, frameSide*frameSide), label: make([]int32, frameSide*frameSide)}
}}

// frameOf is Frame for a scene already measured on img.
func frameOf(img image.Image, s scene) image.Rectangle {
	zoom := 1.0
	if r := s.Radius; r < FrameBelow {
		zoom = min(MaxFrameZoom, FrameTarget/max(r, 1e-6))
	}
	return CenterCrop(img, EvalCropFraction/zoom)
}

// hist765 counts sums of three bytes, whole numbers in [0, 765], for
// their upper median (sorted[len/2]): the same value as sorting them,
// without the sort (1 % of a request in wasm) or a slice of them.
type hist765 struct {
	count [766]int32
	n     int
}

func (h *hist765) add(x float64) {
	h.count[int(x)]++
	h.n++
}

func (h *hist765) upperMedian() float64 {
	k := int32(h.n / 2)
	for i, c := range h.count {
		if k < c {
			return float64(i)
		}
		k -= c
	}
	return 765
}
