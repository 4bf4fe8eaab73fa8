package catalogue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/hiwl/hiwl/model"
)

func init() {
	register.DoFn3x1[context.Context, Entry, func(Row), error](&classifyFn{})
	register.Emitter1[Row]()
}

// Beam metrics, namespace "hiwl": images (every row), failures (error
// rows) and one counter per class, "class_" and its slug.
var (
	imagesCounter   = beam.NewCounter("hiwl", "images")
	failuresCounter = beam.NewCounter("hiwl", "failures")
	classCounters   = func() (c [model.NumClasses]beam.Counter) {
		for _, cl := range model.Classes {
			c[cl] = beam.NewCounter("hiwl", "class_"+cl.Slug())
		}
		return c
	}()
)

// The classifiers this worker process has loaded, by -model path: every
// DoFn instance of a process shares one (a runner may run several bundles
// at once, each with its own instance).
var (
	modelsMu sync.Mutex
	models   = map[string]*model.Classifier{}

	// openModel loads a model file ("" the embedded model); tests count
	// its calls.
	openModel = loadModel
	// modelLoads counts openModel's calls in this process.
	modelLoads atomic.Int64
)

// sharedClassifier returns the process's classifier for path, loading it
// on first use.
func sharedClassifier(ctx context.Context, path string) (*model.Classifier, error) {
	modelsMu.Lock()
	defer modelsMu.Unlock()
	if c, ok := models[path]; ok {
		return c, nil
	}
	modelLoads.Add(1)
	c, err := openModel(ctx, path)
	if err != nil {
		return nil, err
	}
	models[path] = c
	return c, nil
}

// maxModelBytes bounds a model file read through a Beam file system (HIWL
// models are about 1 MB).
const maxModelBytes = 512 << 20

// loadModel reads a model file through Beam's file systems, so that a
// Dataflow or Flink worker can take it from object storage.
func loadModel(ctx context.Context, path string) (*model.Classifier, error) {
	if path == "" {
		return model.Default()
	}
	r, err := openRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("-model: %w", err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("-model %s: %w", path, err)
	}
	if len(data) > maxModelBytes {
		return nil, fmt.Errorf("-model %s: %w: over %d bytes", path, model.ErrBadModel, maxModelBytes)
	}
	c, err := model.Load(data)
	if err != nil {
		return nil, fmt.Errorf("-model %s: %w", path, err)
	}
	return c, nil
}

// classifyFn classifies entries with the worker's classifier. Within a
// bundle it keeps up to Parallelism images in flight: Prism hands a stage
// all its pending elements as one bundle, so without this a run on one
// machine would use one core. Rows are emitted from ProcessElement (those
// finished so far) and FinishBundle (the rest), in the global window,
// which is the only one this batch pipeline uses.
type classifyFn struct {
	Model       string
	Parallelism int

	clf   *model.Classifier
	fs    fileSystems
	slots chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	ready []Row
}

func (fn *classifyFn) Setup(ctx context.Context) error {
	var err error
	fn.clf, err = sharedClassifier(ctx, fn.Model)
	return err
}

func (fn *classifyFn) Teardown() error { return fn.fs.close() }

func (fn *classifyFn) StartBundle(context.Context, func(Row)) {
	n := fn.Parallelism
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	fn.slots = make(chan struct{}, n)
}

func (fn *classifyFn) ProcessElement(ctx context.Context, e Entry, emit func(Row)) error {
	fn.slots <- struct{}{}
	fn.wg.Add(1)
	go func() {
		defer fn.wg.Done()
		r := classifyEntry(ctx, fn.clf, &fn.fs, e)
		fn.mu.Lock()
		fn.ready = append(fn.ready, r)
		fn.mu.Unlock()
		<-fn.slots
	}()
	fn.emitReady(ctx, emit)
	return nil
}

func (fn *classifyFn) FinishBundle(ctx context.Context, emit func(Row)) error {
	fn.wg.Wait()
	fn.emitReady(ctx, emit)
	return nil
}

// emitReady emits the rows finished so far, counting them, from the
// goroutine the runner called (emitters are not safe for concurrent use).
func (fn *classifyFn) emitReady(ctx context.Context, emit func(Row)) {
	fn.mu.Lock()
	ready := fn.ready
	fn.ready = nil
	fn.mu.Unlock()
	for _, r := range ready {
		imagesCounter.Inc(ctx, 1)
		if r.Failed() {
			failuresCounter.Inc(ctx, 1)
		} else if c, err := model.ParseClass(r.Label); err == nil {
			classCounters[c].Inc(ctx, 1)
		}
		emit(r)
	}
}

// classifyEntry reads and classifies one image. Every failure becomes an
// error row: the same columns as classify's, the error on one line.
func classifyEntry(ctx context.Context, clf *model.Classifier, fss *fileSystems, e Entry) Row {
	var p *model.Prediction
	var err error
	if e.Err != "" {
		err = fmt.Errorf("%s", e.Err)
	} else {
		var data []byte
		if data, err = readImage(ctx, fss, e.Path); err == nil {
			p, err = clf.Classify(data)
		}
	}
	if err != nil {
		p, err = nil, fmt.Errorf("%s", strings.ReplaceAll(err.Error(), "\n", " "))
	}
	r := Row{ID: e.ID, Record: append([]string{e.ID}, model.CSVRow(e.Path, clf.Version(), p, err)...)}
	if p != nil {
		r.Label = p.Label.Slug()
		r.Top = slices.Max(p.Probabilities[:])
	}
	return r
}

// readImage reads a whole image through Beam's file systems, refusing
// one over model.MaxFileBytes as model.ReadImageFile does.
func readImage(ctx context.Context, fss *fileSystems, path string) ([]byte, error) {
	fs, err := fss.get(ctx, path)
	if err != nil {
		return nil, err
	}
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, model.MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > model.MaxFileBytes {
		return nil, fmt.Errorf("%w: %s", model.ErrFileTooLarge, path)
	}
	return data, nil
}

// fileSystems keeps one Beam file system per scheme for a DoFn's life:
// making one per image would cost a new client (and connection pool) per
// image for gs:// and s3://.
type fileSystems struct {
	mu sync.Mutex
	m  map[string]filesystem.Interface
}

func (f *fileSystems) get(ctx context.Context, path string) (filesystem.Interface, error) {
	scheme := "default"
	if i := strings.Index(path, "://"); i > 0 {
		scheme = path[:i]
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if fs, ok := f.m[scheme]; ok {
		return fs, nil
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	if f.m == nil {
		f.m = map[string]filesystem.Interface{}
	}
	f.m[scheme] = fs
	return fs, nil
}

func (f *fileSystems) close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var errs []error
	for _, fs := range f.m {
		errs = append(errs, fs.Close())
	}
	f.m = nil
	return errors.Join(errs...)
}
