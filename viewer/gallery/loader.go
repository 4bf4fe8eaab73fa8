package gallery

import (
	"fmt"
	"image"
	"image/draw"
	"sync"
	"sync/atomic"

	xdraw "golang.org/x/image/draw"

	"github.com/hiwl/hiwl/model"
)

// Classifier is the part of *model.Classifier the loader uses.
type Classifier interface {
	ClassifyImage(img image.Image) (*model.Prediction, error)
	InputSize() int
}

// Item is one image as far as it is loaded. Items are immutable: the loader
// publishes a new Item at each stage (decoded, then classified), so the UI
// can hold one without locking.
type Item struct {
	Path   string
	Image  *image.RGBA     // display copy (see displayCopy); nil until decoded or if unreadable
	Crop   image.Rectangle // the square the network saw (Prediction.Crop), in Image's coordinates; empty until classified
	Result *Result         // nil until classified
	Err    error           // why the file cannot be shown or classified
}

// Done reports whether the loader has finished with the item.
func (it *Item) Done() bool { return it != nil && (it.Err != nil || it.Result != nil) }

// Result is what the viewer shows of a prediction, computed off the UI
// thread: probabilities, the hierarchy, and the attention maps of all five
// classes, so switching the map shown costs nothing.
type Result struct {
	Label         model.Class
	Probabilities [model.NumClasses]float32
	A             [model.NumA]float32
	B             [model.NumB]float32
	CAMSide       int
	CAMs          [model.NumClasses][]float32 // CAM.Normalized(), in model.Classes order
	CAMPeak       [model.NumClasses]float32   // the largest raw CAM value, in logit units
	LabelNote     string                      // why Label is not the largest probability, where it is not (Prediction.LabelNote)
	Domain        model.Domain                // the in-domain score
}

// NewResult extracts a Result from a prediction.
func NewResult(p *model.Prediction) *Result {
	r := &Result{Label: p.Label, Probabilities: p.Probabilities, A: p.A, B: p.B, LabelNote: p.LabelNote(), Domain: p.Domain}
	for _, c := range model.Classes {
		m := p.CAM(c)
		r.CAMSide = m.Side
		r.CAMs[c] = m.Normalized()
		peak := float32(0)
		for i, v := range m.Values {
			if i == 0 || v > peak {
				peak = v
			}
		}
		r.CAMPeak[c] = peak
	}
	return r
}

// Prefetch is how many images after (Ahead) and before (Behind) the one in
// focus are loaded in advance: browsing forwards is the common case.
const (
	Ahead  = 2
	Behind = 1
)

// Loader decodes and classifies the images of a list on demand with one
// background worker. The classifier serialises its runs anyway, so a second
// worker would only add memory.
type Loader struct {
	paths []string
	clf   Classifier
	size  int // cache capacity
	side  int // longest side of the display copies

	mu    sync.Mutex
	cache map[int]*entry
	clock uint64 // LRU time
	want  []int  // indices to load, most urgent first
	busy  int    // index being loaded, or -1
	// known keeps the label and confidence of every image classified so
	// far, after its pixels leave the cache: sorting a contact sheet needs
	// them, and at 8 bytes an image a folder of 100 000 takes under 2 MB.
	known map[int]Summary

	wake  chan struct{}
	quit  chan struct{}
	done  chan struct{}
	gen   atomic.Uint64 // bumped whenever an item is published
	loads atomic.Int64  // files read so far
}

type entry struct {
	item *Item
	used uint64
}

// NewLoader starts a loader over paths. cacheSize items are kept (at least
// the focus and its prefetched neighbours).
func NewLoader(paths []string, clf Classifier, cacheSize int) *Loader {
	return NewThumbLoader(paths, clf, cacheSize, MaxDisplaySide)
}

// NewThumbLoader is NewLoader keeping display copies of at most side pixels
// on their longest side: the contact sheet's loader, whose cache holds a few
// pages of thumbnails rather than a few full images.
func NewThumbLoader(paths []string, clf Classifier, cacheSize, side int) *Loader {
	l := &Loader{
		paths: paths,
		clf:   clf,
		size:  max(cacheSize, 1+Ahead+Behind),
		side:  max(min(side, MaxDisplaySide), 1),
		known: make(map[int]Summary),
		cache: make(map[int]*entry),
		busy:  -1,
		wake:  make(chan struct{}, 1),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go l.work()
	return l
}

// Len is the number of images.
func (l *Loader) Len() int { return len(l.paths) }

// Path is the path of image i.
func (l *Loader) Path(i int) string { return l.paths[i] }

// Focus makes image i the most urgent, followed by its neighbours; images
// wanted before and not started yet are dropped, so flipping quickly through
// a folder does not queue work for images already passed.
func (l *Loader) Focus(i int) {
	if i < 0 || i >= len(l.paths) {
		return
	}
	want := []int{i}
	for d := 1; d <= max(Ahead, Behind); d++ {
		if d <= Ahead && i+d < len(l.paths) {
			want = append(want, i+d)
		}
		if d <= Behind && i-d >= 0 {
			want = append(want, i-d)
		}
	}
	l.mu.Lock()
	l.want = want
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Want replaces the images to load by these, most urgent first: the
// contact sheet asks for the thumbnails on screen, then the next page.
func (l *Loader) Want(indices []int) {
	want := make([]int, 0, len(indices))
	for _, i := range indices {
		if i >= 0 && i < len(l.paths) {
			want = append(want, i)
		}
	}
	l.mu.Lock()
	l.want = want
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Summary is what a contact sheet sorts and filters on.
type Summary struct {
	Label       model.Class
	Confidence  float32 // the probability of Label
	Score       float64 // the in-domain score (model.Domain.Score)
	OutOfDomain bool    // Score > 1: not like a Galaxy Zoo-style cutout
}

// Summary reports the label and confidence of image i if it has been
// classified, even if its pixels have since left the cache.
func (l *Loader) Summary(i int) (Summary, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.known[i]
	return s, ok
}

// Classified is the number of images classified so far.
func (l *Loader) Classified() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.known)
}

// Item returns what is loaded of image i: nil if nothing yet, an Item
// without Result while it is being classified, a finished one otherwise.
// It never blocks on loading.
func (l *Loader) Item(i int) *Item {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.cache[i]
	if e == nil {
		return nil
	}
	l.clock++
	e.used = l.clock
	return e.item
}

// Generation changes whenever an item is published; the UI compares it
// between frames to know when to redraw.
func (l *Loader) Generation() uint64 { return l.gen.Load() }

// Loads is the number of files read so far (cache misses).
func (l *Loader) Loads() int64 { return l.loads.Load() }

// Close stops the worker, after the image it is loading if any.
func (l *Loader) Close() {
	select {
	case <-l.quit:
	default:
		close(l.quit)
	}
	<-l.done
}

func (l *Loader) work() {
	defer close(l.done)
	for {
		i, ok := l.next()
		if !ok {
			select {
			case <-l.wake:
				continue
			case <-l.quit:
				return
			}
		}
		l.load(i)
		l.mu.Lock()
		l.busy = -1
		l.mu.Unlock()
		select {
		case <-l.quit:
			return
		default:
		}
	}
}

// next picks the most urgent wanted image that is not cached.
func (l *Loader) next() (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, i := range l.want {
		if l.cache[i] == nil {
			l.busy = i
			return i, true
		}
	}
	return 0, false
}

func (l *Loader) load(i int) {
	l.loads.Add(1)
	it := &Item{Path: l.paths[i]}
	var decoded image.Image
	scale := 1
	data, err := model.ReadImageFile(it.Path)
	if err == nil {
		decoded, scale, err = model.DecodeFor(data, l.clf.InputSize())
	}
	if err != nil {
		it.Err = err
		l.publish(i, it)
		return
	}
	// The network gets the image as every runtime decodes it for the
	// network (model.DecodeFor), so that the probabilities are exactly
	// those of model.Classifier.Classify; the UI gets a display copy, from
	// the file at full size when the network's decode was reduced and the
	// display has room for more.
	shown := decoded
	if b := decoded.Bounds(); scale > 1 && max(b.Dx(), b.Dy()) < l.side {
		if full, err := model.Decode(data); err == nil {
			shown = full
		}
	}
	it.Image = displayCopy(shown, l.side)
	l.publish(i, it) // the image can be shown while the network runs

	done := *it
	p, err := l.clf.ClassifyImage(decoded)
	if err != nil {
		done.Err = fmt.Errorf("classification failed: %w", err)
	} else {
		done.Result = NewResult(p)
		done.Crop = displayRect(p.Crop, decoded.Bounds(), it.Image.Bounds())
	}
	l.publish(i, &done)
}

// publish stores an item and evicts the least recently used ones beyond the
// capacity, never an image that is wanted or being loaded.
func (l *Loader) publish(i int, it *Item) {
	l.mu.Lock()
	l.clock++
	l.cache[i] = &entry{item: it, used: l.clock}
	if it.Result != nil {
		r := it.Result
		l.known[i] = Summary{Label: r.Label, Confidence: r.Probabilities[r.Label], Score: r.Domain.Score, OutOfDomain: r.Domain.OutOfDomain}
	}
	for len(l.cache) > l.size {
		victim, oldest := -1, ^uint64(0)
		for j, e := range l.cache {
			if j != l.busy && !contains(l.want, j) && e.used < oldest {
				victim, oldest = j, e.used
			}
		}
		if victim < 0 {
			break
		}
		delete(l.cache, victim)
	}
	l.mu.Unlock()
	l.gen.Add(1)
}

// MaxDisplaySide bounds the longest side of the copy of an image the loader
// keeps for display: the viewer draws at most 680 pixels, and a cache of
// 8192-pixel images would take gigabytes.
const MaxDisplaySide = 1024

// displayCopy converts img to RGBA (JPEGs decode to YCbCr, which is slow to
// scale on every redraw), shrinking it to side pixels if it is larger.
// The copy's bounds start at (0,0); its centre crop covers the same part of
// the sky as the original's.
// displayRect maps r, a rectangle of an image with bounds from, onto its
// display copy with bounds to: the square the network saw, on screen.
func displayRect(r, from, to image.Rectangle) image.Rectangle {
	sx := float64(to.Dx()) / float64(from.Dx())
	sy := float64(to.Dy()) / float64(from.Dy())
	at := func(p image.Point) image.Point {
		return image.Pt(to.Min.X+int(float64(p.X-from.Min.X)*sx+0.5), to.Min.Y+int(float64(p.Y-from.Min.Y)*sy+0.5))
	}
	return image.Rectangle{Min: at(r.Min), Max: at(r.Max)}
}

func displayCopy(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > side {
		w = max(1, w*side/long)
		h = max(1, h*side/long)
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.BiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
		return dst
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return dst
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
