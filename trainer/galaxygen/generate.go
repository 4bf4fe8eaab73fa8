package galaxygen

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
	gz "github.com/hiwl/hiwl/trainer/gzdata"
)

// DefaultMix is roughly the class balance of the HIWL selection of the real
// Challenge data: cigar-shaped galaxies are rare, which is the imbalance
// the hierarchy and weighted sampling are there for.
var DefaultMix = [model.NumClasses]float64{
	model.Round:     0.30,
	model.InBetween: 0.30,
	model.Cigar:     0.03,
	model.EdgeOn:    0.12,
	model.Spiral:    0.25,
}

// Defaults for zero Config fields.
const (
	DefaultSize      = 424    // the Challenge cutout side
	DefaultQuality   = 90     // JPEG quality
	DefaultFirstID   = 100000 // Challenge GalaxyIDs have six digits
	DefaultAmbiguous = 0.04   // share of galaxies drawn at a class boundary
	MaxN             = 10_000_000
)

// Image sizes Generate and Render accept. Below 64 pixels there is no
// morphology left to learn; above 2048 one worker's float planes pass 64 MB.
const (
	MinSize = 64
	MaxSize = 2048
)

// Config says what Generate makes. The zero value of every field but N
// means its default.
type Config struct {
	N         int                       // galaxies to make
	Seed      int64                     // the data set is a pure function of Seed and the other fields
	Size      int                       // image side in pixels (DefaultSize)
	Mix       [model.NumClasses]float64 // relative class frequencies (DefaultMix)
	Ambiguous float64                   // share drawn at a class boundary (DefaultAmbiguous); negative for none
	Quality   int                       // JPEG quality 1-100 (DefaultQuality)
	FirstID   int64                     // GalaxyID of the first galaxy (DefaultFirstID)
	Workers   int                       // parallel renderers (runtime.NumCPU()); does not change the output
	Progress  io.Writer                 // progress lines with rate and ETA; nil for none
}

// Galaxy records what was made for one GalaxyID.
type Galaxy struct {
	ID       int64
	Params   Params
	Selected model.Class // what the selection rules make of its votes, if OK
	OK       bool        // false when the votes select no class
}

// Summary is what Generate wrote.
type Summary struct {
	Dir        string
	Galaxies   []Galaxy // in GalaxyID order
	Drawn      [model.NumClasses]int
	Selected   [model.NumClasses]int // what gzdata.Load will find
	Unselected int                   // votes too split for any class (ambiguous galaxies only)
	Ambiguous  int                   // drawn at a class boundary
	Elapsed    time.Duration
}

// Rate is the images written per second.
func (s *Summary) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(len(s.Galaxies)) / s.Elapsed.Seconds()
}

// Generate writes cfg.N galaxies to dir in the Challenge layout: the
// images as images_training_rev1/<GalaxyID>.jpg and their votes as
// training_solutions_rev1.csv, every file through package atomicfile
// (temporary file, sync, rename). Files of an earlier, larger run are not
// removed, but the CSV only lists this run's galaxies.
func Generate(dir string, cfg Config) (*Summary, error) {
	return GenerateContext(context.Background(), dir, cfg)
}

// GenerateContext is Generate, stopping early with ctx's error when ctx is
// done; the CSV is then not written, so a half-made set is never loadable.
func GenerateContext(ctx context.Context, dir string, cfg Config) (*Summary, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	imgDir := filepath.Join(dir, gz.ImageDir)
	if err := os.MkdirAll(imgDir, 0o755); err != nil {
		return nil, fmt.Errorf("galaxygen: %w", err)
	}
	start := time.Now()
	plan := planClasses(cfg)
	sum := &Summary{Dir: dir, Galaxies: make([]Galaxy, cfg.N)}
	votes := make([]gz.Votes, cfg.N)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next, done atomic.Int64
		firstErr   error
		errOnce    sync.Once
		wg         sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(cfg)
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= cfg.N {
					return
				}
				id := cfg.FirstID + int64(i)
				g, v, err := w.make(uint64(i), plan[i], imgDir, id)
				if err != nil {
					fail(err)
					return
				}
				sum.Galaxies[i], votes[i] = g, v
				done.Add(1)
			}
		}()
	}
	stopProgress := progress(cfg.Progress, cfg.N, &done, start)
	wg.Wait()
	stopProgress()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("galaxygen: %w", err)
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, gz.SolutionsFile), solutionsCSV(sum.Galaxies, votes)); err != nil {
		return nil, err
	}
	for _, g := range sum.Galaxies {
		sum.Drawn[g.Params.Class]++
		if g.Params.Ambiguous {
			sum.Ambiguous++
		}
		if g.OK {
			sum.Selected[g.Selected]++
		} else {
			sum.Unselected++
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

func (cfg Config) withDefaults() (Config, error) {
	if cfg.N < 1 || cfg.N > MaxN {
		return cfg, fmt.Errorf("galaxygen: N = %d, want 1 to %d", cfg.N, MaxN)
	}
	if cfg.Size == 0 {
		cfg.Size = DefaultSize
	}
	if cfg.Size < MinSize || cfg.Size > MaxSize {
		return cfg, fmt.Errorf("galaxygen: Size = %d, want %d to %d", cfg.Size, MinSize, MaxSize)
	}
	total := 0.0
	for c, m := range cfg.Mix {
		if m < 0 || math.IsNaN(m) || math.IsInf(m, 0) {
			return cfg, fmt.Errorf("galaxygen: Mix[%s] = %v, want a finite value >= 0", model.Class(c).Slug(), m)
		}
		total += m
	}
	switch {
	case total == 0:
		cfg.Mix = DefaultMix
	case math.IsInf(total, 0):
		return cfg, fmt.Errorf("galaxygen: Mix sums to infinity")
	}
	switch {
	case cfg.Ambiguous == 0:
		cfg.Ambiguous = DefaultAmbiguous
	case cfg.Ambiguous < 0:
		cfg.Ambiguous = 0
	case cfg.Ambiguous > 1 || math.IsNaN(cfg.Ambiguous):
		return cfg, fmt.Errorf("galaxygen: Ambiguous = %v, want a share <= 1", cfg.Ambiguous)
	}
	if cfg.Quality == 0 {
		cfg.Quality = DefaultQuality
	}
	if cfg.Quality < 1 || cfg.Quality > 100 {
		return cfg, fmt.Errorf("galaxygen: Quality = %d, want 1 to 100", cfg.Quality)
	}
	if cfg.FirstID == 0 {
		cfg.FirstID = DefaultFirstID
	}
	if cfg.FirstID < 1 || cfg.FirstID > math.MaxInt64-int64(cfg.N) {
		return cfg, fmt.Errorf("galaxygen: FirstID = %d out of range", cfg.FirstID)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	cfg.Workers = min(cfg.Workers, cfg.N)
	return cfg, nil
}

// planStream is the PCG stream of the class plan; image i uses stream i,
// and i < MaxN never reaches it.
const planStream = 1 << 63

// planClasses gives each image its class: the exact counts the mix asks
// for (largest remainders), in an order shuffled by the seed, so that even
// a small set has its rare classes.
func planClasses(cfg Config) []model.Class {
	total := 0.0
	for _, m := range cfg.Mix {
		total += m
	}
	var counts [model.NumClasses]int
	var rem [model.NumClasses]float64
	assigned := 0
	for c, m := range cfg.Mix {
		x := float64(cfg.N) * m / total
		counts[c] = int(x)
		rem[c] = x - float64(counts[c])
		assigned += counts[c]
	}
	for ; assigned < cfg.N; assigned++ {
		best := 0
		for c := range rem {
			if rem[c] > rem[best] {
				best = c
			}
		}
		counts[best]++
		rem[best] = -1
	}
	plan := make([]model.Class, 0, cfg.N)
	for c, n := range counts {
		for range n {
			plan = append(plan, model.Class(c))
		}
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), planStream))
	rng.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
	return plan
}

// worker holds one renderer's reusable buffers.
type worker struct {
	cfg    Config
	pcg    *rand.PCG
	rng    *rand.Rand
	canvas *canvas
	buf    bytes.Buffer
}

func newWorker(cfg Config) *worker {
	pcg := rand.NewPCG(0, 0)
	return &worker{cfg: cfg, pcg: pcg, rng: rand.New(pcg), canvas: newCanvas(cfg.Size)}
}

// make draws, renders and writes image i. Every random choice comes from
// the stream (Seed, i), in a fixed order, which is what makes the output
// independent of the number of workers.
func (w *worker) make(i uint64, class model.Class, imgDir string, id int64) (Galaxy, gz.Votes, error) {
	w.pcg.Seed(uint64(w.cfg.Seed), i)
	ambiguous := w.rng.Float64() < w.cfg.Ambiguous
	p := drawParams(w.rng, class, ambiguous, w.cfg.Size)
	v := drawVotes(w.rng, &p)
	img := paint(w.canvas, w.rng, &p)
	w.buf.Reset()
	if err := jpeg.Encode(&w.buf, img, &jpeg.Options{Quality: w.cfg.Quality}); err != nil {
		return Galaxy{}, v, fmt.Errorf("galaxygen: encoding %d: %w", id, err)
	}
	if err := atomicfile.WriteBytes(filepath.Join(imgDir, strconv.FormatInt(id, 10)+gz.ImageExt), w.buf.Bytes()); err != nil {
		return Galaxy{}, v, err
	}
	sel, ok := gz.Select(&v)
	return Galaxy{ID: id, Params: p, Selected: sel, OK: ok}, v, nil
}

// solutionsCSV formats the votes like the published file: a header, then
// one row per galaxy, fractions with at most six decimals.
func solutionsCSV(gals []Galaxy, votes []gz.Votes) []byte {
	b := make([]byte, 0, 64+len(gals)*(8+gz.NumColumns*9))
	b = append(b, gz.IDColumn...)
	for _, name := range gz.Columns {
		b = append(b, ',')
		b = append(b, name...)
	}
	b = append(b, '\n')
	for i, g := range gals {
		b = strconv.AppendInt(b, g.ID, 10)
		for _, x := range votes[i] {
			b = append(b, ',')
			b = strconv.AppendFloat(b, x, 'f', -1, 64)
		}
		b = append(b, '\n')
	}
	return b
}

// progressEvery is how often progress prints a line.
var progressEvery = 2 * time.Second

// progress prints count, rate and ETA every progressEvery until stopped,
// then a final line. It returns the stop function.
func progress(w io.Writer, n int, done *atomic.Int64, start time.Time) (stop func()) {
	if w == nil {
		return func() {}
	}
	line := func() {
		d := done.Load()
		el := time.Since(start)
		rate := float64(d) / el.Seconds()
		eta := "?"
		if rate > 0 {
			eta = time.Duration(float64(int64(n)-d) / rate * float64(time.Second)).Round(time.Second).String()
		}
		fmt.Fprintf(w, "galaxygen: %d/%d images (%.0f%%), %.1f/s, elapsed %s, ETA %s\n",
			d, n, 100*float64(d)/float64(n), rate, el.Round(time.Second), eta)
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				line()
			case <-quit:
				line()
				return
			}
		}
	}()
	return func() { close(quit); <-finished }
}
