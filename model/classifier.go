package model

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"sync"

	"github.com/owulveryck/onnx-go"
	"github.com/owulveryck/onnx-go/backend/x/gorgonnx"
	"gorgonia.org/tensor"
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

// Classifier runs an exported HIWL model with onnx-go. It is safe for
// concurrent use; runs are serialised because the onnx-go graph holds state.
type Classifier struct {
	mu        sync.Mutex
	onnx      *onnx.Model
	backend   *gorgonnx.Graph
	inputSize int
	channels  int // feature channels per network
	headA     []float32
	headB     []float32
	version   string
}

// Load parses an ONNX file and checks that it has the inputs, outputs and
// head weights of a HIWL model. A corrupt or foreign file gives an error
// wrapping ErrBadModel; onnx-go panics are turned into errors.
func Load(data []byte) (*Classifier, error) { return load(data, true) }

// load parses a model; trial adds one run on a blank input, which proves a
// foreign file executes before anyone depends on it. The embedded model is
// tested at build time and skips it: the edge worker loads it on every
// request, where the trial run is a quarter of the cost.
func load(data []byte, trial bool) (c *Classifier, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("%w: onnx-go: %v", ErrBadModel, r)
		}
	}()
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty file", ErrBadModel)
	}
	backend := gorgonnx.NewGraph()
	m := onnx.NewModel(backend)
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	inputs := m.GetInputTensors()
	if len(inputs) != 1 || inputs[0] == nil {
		return nil, fmt.Errorf("%w: want one input %q", ErrBadModel, InputName)
	}
	shape := inputs[0].Shape()
	if len(shape) != 4 || shape[0] != 1 || shape[1] != 3 || shape[2] != shape[3] || shape[2] < MinSide {
		return nil, fmt.Errorf("%w: input shape %v, want [1 3 S S]", ErrBadModel, shape)
	}
	c = &Classifier{onnx: m, backend: backend, inputSize: shape[2]}
	for _, name := range []string{ProbAName, ProbBName, FeatAName, FeatBName} {
		if _, ok := m.GetNodeByName(name); !ok {
			return nil, fmt.Errorf("%w: no output %q", ErrBadModel, name)
		}
	}
	if c.headA, err = initializer(m, HeadAWeights, NumA); err != nil {
		return nil, err
	}
	if c.headB, err = initializer(m, HeadBWeights, NumB); err != nil {
		return nil, err
	}
	c.channels = len(c.headA) / NumA
	if len(c.headB)/NumB != c.channels {
		return nil, fmt.Errorf("%w: heads disagree on feature channels", ErrBadModel)
	}
	sum := sha256.Sum256(data)
	c.version = "hiwl-" + hex.EncodeToString(sum[:6])
	if !trial {
		return c, nil
	}
	if _, err := c.ClassifyTensor(make([]float32, 3*c.inputSize*c.inputSize)); err != nil {
		return nil, fmt.Errorf("%w: trial run: %v", ErrBadModel, err)
	}
	return c, nil
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

// Classify decodes, preprocesses and classifies image bytes.
func (c *Classifier) Classify(data []byte) (*Prediction, error) {
	x, _, err := PreprocessBytes(data, c.inputSize)
	if err != nil {
		return nil, err
	}
	return c.ClassifyTensor(x)
}

// ClassifyImage classifies an already decoded image.
func (c *Classifier) ClassifyImage(img image.Image) (*Prediction, error) {
	return c.ClassifyTensor(Preprocess(img, c.inputSize))
}

// ClassifyTensor runs the network on a preprocessed CHW input.
func (c *Classifier) ClassifyTensor(x []float32) (p *Prediction, err error) {
	if len(x) != 3*c.inputSize*c.inputSize {
		return nil, fmt.Errorf("model: input has %d values, want %d", len(x), 3*c.inputSize*c.inputSize)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("model: onnx-go run failed: %v", r)
		}
	}()
	in := tensor.New(tensor.WithShape(1, 3, c.inputSize, c.inputSize), tensor.WithBacking(append([]float32(nil), x...)))
	if err := c.onnx.SetInput(0, in); err != nil {
		return nil, fmt.Errorf("model: set input: %v", err)
	}
	if err := c.backend.Run(); err != nil {
		return nil, fmt.Errorf("model: run: %v", err)
	}
	p = &Prediction{classifier: c}
	pa, err := c.output(ProbAName, NumA)
	if err != nil {
		return nil, err
	}
	pb, err := c.output(ProbBName, NumB)
	if err != nil {
		return nil, err
	}
	copy(p.A[:], pa)
	copy(p.B[:], pb)
	if p.featA, err = c.output(FeatAName, -1); err != nil {
		return nil, err
	}
	if p.featB, err = c.output(FeatBName, len(p.featA)); err != nil {
		return nil, err
	}
	if len(p.featA)%c.channels != 0 {
		return nil, fmt.Errorf("model: feature map of %d values for %d channels", len(p.featA), c.channels)
	}
	p.camSide = isqrt(len(p.featA) / c.channels)
	p.Probabilities = Combine(p.A, p.B)
	p.Label = Decide(p.A, p.B)
	return p, nil
}

// output copies a named graph output; want < 0 accepts any length.
func (c *Classifier) output(name string, want int) ([]float32, error) {
	n, _ := c.onnx.GetNodeByName(name)
	dc, ok := n.(onnx.DataCarrier)
	if !ok || dc.GetTensor() == nil {
		return nil, fmt.Errorf("model: output %q missing after run", name)
	}
	data, ok := dc.GetTensor().Data().([]float32)
	if !ok || (want >= 0 && len(data) != want) {
		return nil, fmt.Errorf("model: output %q has %d values, want %d", name, len(data), want)
	}
	return append([]float32(nil), data...), nil
}

func isqrt(n int) int {
	s := 0
	for (s+1)*(s+1) <= n {
		s++
	}
	return s
}
