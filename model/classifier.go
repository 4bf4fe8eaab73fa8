package model

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"sync"
	"sync/atomic"

	"github.com/hiwl/hiwl/model/engine"
	"github.com/owulveryck/onnx-go"
)

// Names in the exported graph (trainer/onnxexport writes them). Features are
// exported through Identity nodes because onnx-go only keeps values of the
// graph's leaves.
const (
	InputName    = "image"
	ProbAName    = "prob_a"
	ProbBName    = "prob_b"
	FeatAName    = "feat_a"
	FeatBName    = "feat_b"
	HeadAWeights = "a.head.w" // [C, NumA]
	HeadBWeights = "b.head.w" // [C, NumB]
)

// ErrBadModel wraps every failure to load a model file.
var ErrBadModel = errors.New("model: not a usable HIWL ONNX model")

// Classifier runs an exported HIWL model: onnx-go decodes the file into
// hiwl's engine (package model/engine), which compiles it once into a plan.
// It is safe for concurrent use and runs in parallel: each run takes its
// own buffers from a pool, and nothing is locked around a run.
type Classifier struct {
	plan *engine.Plan
	// spare keeps one run's buffers (the plan's arena, hundreds of kB)
	// through garbage collections, which empty states: a lone worker, as
	// in wasm and at the edge, then never builds them again.
	spare     atomic.Pointer[engine.State]
	states    sync.Pool // of *engine.State, for concurrent runs
	inputSize int
	channelsA int // feature channels of network A
	channelsB int // of network B, which may be narrower: it only tells two classes apart
	headA     []float32
	headB     []float32
	version   string
	metadata  Metadata
	domain    *DomainFit // nil when the file has no domain fit
}

// Plan outputs, in the order given to engine.Compile.
const (
	outProbA = iota
	outProbB
	outFeatA
	outFeatB
)

// Load parses an ONNX file and checks that it has the inputs, outputs and
// head weights of a HIWL model. A corrupt or foreign file, an operator the
// engine does not run, inconsistent shapes or absurd sizes give an error
// wrapping ErrBadModel that names the operator or tensor; onnx-go panics
// are turned into errors.
func Load(data []byte) (*Classifier, error) { return load(data, true, "") }

// load parses a model; trial adds one run on a blank input, which proves a
// foreign file executes before anyone depends on it. The embedded model is
// tested at build time and skips it, and passes its version, known at build
// time too: hashing 1 MB is cheap natively but costs about 120 ms in wasm
// before V8 has optimised the code, on every cold start of the page and the
// edge.
func load(data []byte, trial bool, version string) (c *Classifier, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("%w: onnx-go: %v", ErrBadModel, r)
		}
	}()
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty file", ErrBadModel)
	}
	if err := engine.CheckSizes(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	// hiwl's copy of onnx-go decodes raw_data and float_data alike, each
	// float initializer in one copy (third_party/onnx-go/HIWL.md).
	g := engine.NewGraph()
	m := onnx.NewModel(g)
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	inputs := m.GetInputTensors()
	if len(inputs) != 1 || inputs[0] == nil {
		return nil, fmt.Errorf("%w: want one input %q", ErrBadModel, InputName)
	}
	shape := inputs[0].Shape()
	if len(shape) != 4 || shape[0] != 1 || shape[1] != 3 || shape[2] != shape[3] || shape[2] < MinSide || shape[2] > MaxSide {
		return nil, fmt.Errorf("%w: input shape %v, want [1 3 S S]", ErrBadModel, shape)
	}
	c = &Classifier{inputSize: shape[2]}
	var outs []*engine.Node
	for _, name := range []string{ProbAName, ProbBName, FeatAName, FeatBName} {
		n, ok := m.GetNodeByName(name)
		en, _ := n.(*engine.Node)
		if !ok || en == nil {
			return nil, fmt.Errorf("%w: no output %q", ErrBadModel, name)
		}
		outs = append(outs, en)
	}
	in, _ := g.Node(m.Input[0]).(*engine.Node)
	if in == nil {
		return nil, fmt.Errorf("%w: input %q is not a graph value", ErrBadModel, InputName)
	}
	if c.plan, err = engine.Compile(g, []*engine.Node{in}, outs); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	if c.headA, err = initializer(m, HeadAWeights, NumA); err != nil {
		return nil, err
	}
	if c.headB, err = initializer(m, HeadBWeights, NumB); err != nil {
		return nil, err
	}
	c.channelsA, c.channelsB = len(c.headA)/NumA, len(c.headB)/NumB
	for i, want := range []int{NumA, NumB} {
		if got := numel(c.plan.OutputShape(i)); got != want {
			return nil, fmt.Errorf("%w: output %q has shape %v, want %d values", ErrBadModel, outs[i].GetName(), c.plan.OutputShape(i), want)
		}
	}
	fa, fb := c.plan.OutputShape(outFeatA), c.plan.OutputShape(outFeatB)
	// The CAMs of both networks are drawn on one grid, so the maps share
	// their side; each has as many channels as its head reads.
	if len(fa) != 4 || fa[1] != c.channelsA || fa[2] != fa[3] || fa[2] < 1 ||
		len(fb) != 4 || fb[1] != c.channelsB || fb[2] != fa[2] || fb[3] != fa[3] {
		return nil, fmt.Errorf("%w: feature maps %v and %v, want [1 %d S S] and [1 %d S S]", ErrBadModel, fa, fb, c.channelsA, c.channelsB)
	}
	c.version = version
	if c.version == "" {
		c.version = versionOf(data)
	}
	if c.metadata, err = ReadMetadata(data); err != nil {
		return nil, err
	}
	if c.domain, err = ParseDomainFit(c.metadata.Props, c.channelsA); err != nil {
		return nil, err
	}
	if !trial {
		return c, nil
	}
	if _, err := c.ClassifyTensor(make([]float32, 3*c.inputSize*c.inputSize)); err != nil {
		return nil, fmt.Errorf("%w: trial run: %v", ErrBadModel, err)
	}
	return c, nil
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func initializer(m *onnx.Model, name string, cols int) ([]float32, error) {
	n, ok := m.GetNodeByName(name)
	if !ok {
		return nil, fmt.Errorf("%w: no initializer %q", ErrBadModel, name)
	}
	dc, ok := n.(onnx.DataCarrier)
	if !ok || dc.GetTensor() == nil {
		return nil, fmt.Errorf("%w: %q holds no tensor", ErrBadModel, name)
	}
	t := dc.GetTensor()
	data, ok := t.Data().([]float32)
	if !ok || t.Dims() != 2 || t.Shape()[1] != cols || len(data) == 0 {
		return nil, fmt.Errorf("%w: %q has shape %v, want [C %d] float32", ErrBadModel, name, t.Shape(), cols)
	}
	return append([]float32(nil), data...), nil
}

// InputSize is the side of the square network input, in pixels.
func (c *Classifier) InputSize() int { return c.inputSize }

// Version identifies the model file (a hash of its bytes).
func (c *Classifier) Version() string { return c.version }

// Metadata is what the model file says about itself (ONNX's producer,
// model_version, doc_string and metadata_props): the classes, input size,
// preprocessing, training data and test metrics for hiwl's own models.
func (c *Classifier) Metadata() Metadata { return c.metadata }

// DomainFit is the model file's fit for the in-domain score, or nil.
func (c *Classifier) DomainFit() *DomainFit { return c.domain }

// Classify decodes (DecodeFor), preprocesses and classifies image bytes.
func (c *Classifier) Classify(data []byte) (*Prediction, error) {
	img, _, err := DecodeFor(data, c.inputSize)
	if err != nil {
		return nil, err
	}
	return c.ClassifyImage(img)
}

// ClassifyImage classifies an already decoded image; the Prediction
// carries the crop it took. To get Classify's probabilities, decode with
// DecodeFor.
func (c *Classifier) ClassifyImage(img image.Image) (*Prediction, error) {
	x, crop, sc := preprocess(img, c.inputSize)
	p, err := c.classify(x, sc)
	if err != nil {
		return nil, err
	}
	p.Crop = crop
	return p, nil
}

// ClassifyTensor runs the network on a preprocessed CHW input. Without the
// picture there is no scene: the prediction's Domain scores the features
// alone (Crowding and Radius 0).
func (c *Classifier) ClassifyTensor(x []float32) (*Prediction, error) {
	return c.classify(x, scene{})
}

func (c *Classifier) classify(x []float32, sc scene) (p *Prediction, err error) {
	if len(x) != 3*c.inputSize*c.inputSize {
		return nil, fmt.Errorf("model: input has %d values, want %d", len(x), 3*c.inputSize*c.inputSize)
	}
	st := c.spare.Swap(nil)
	if st == nil {
		st, _ = c.states.Get().(*engine.State)
	}
	if st == nil {
		st = c.plan.NewState()
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("model: run failed: %v", r)
			return // a state a run panicked in is dropped
		}
		if !c.spare.CompareAndSwap(nil, st) {
			c.states.Put(st)
		}
	}()
	copy(st.Input(0), x)
	st.Run()
	p = &Prediction{classifier: c}
	copy(p.A[:], st.Output(outProbA))
	copy(p.B[:], st.Output(outProbB))
	p.featA = append([]float32(nil), st.Output(outFeatA)...)
	p.featB = append([]float32(nil), st.Output(outFeatB)...)
	p.camSide = c.plan.OutputShape(outFeatA)[2]
	p.Probabilities = Combine(p.A, p.B)
	p.Label = Decide(p.A, p.B)
	p.Domain = c.domain.domain(p.Features(), sc)
	return p, nil
}

// versionOf names a model file by its content: "hiwl-" and the first 6
// bytes of its SHA-256 in hex.
func versionOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "hiwl-" + hex.EncodeToString(sum[:6])
}
