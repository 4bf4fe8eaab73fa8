package hiwlnet

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BNMomentum is the weight of a batch's statistics in the running averages
// (gorgonia's convention, the same as PyTorch's momentum=0.1).
const (
	BNMomentum = 0.1
	BNEpsilon  = 1e-5
)

// Net is one network (A or B) compiled for a fixed batch size, either for
// training (batch statistics, loss and gradients) or evaluation (running
// statistics, probabilities). Its learnable nodes share memory with the
// Params they were built from, so updating Params updates the net.
type Net struct {
	Arch    Arch
	Classes int
	Batch   int
	train   bool

	g      *G.ExprGraph
	x      *G.Node // (B,3,S,S) input
	y      *G.Node // (B,K) smoothed targets, training only
	logits *G.Node
	probs  *G.Node
	feat   *G.Node
	loss   *G.Node
	attn   *G.Node // mean attention penalty, when the loss has one

	names   []string // learnable parameter names, in learn order
	learn   G.Nodes
	bn      map[string]*G.BatchNormOp
	bnNames []string // in creation order
	vm      G.VM
}

// Option changes how Build compiles a training net.
type Option func(*options)

type options struct {
	attention          float32
	attnOff, attnTotal []float32
}

// WithAttentionPenalty adds weight times the batch's mean
// AttentionPenalty to the training loss, with off and total the cell
// weights of the network's last feature map.
func WithAttentionPenalty(weight float64, off, total []float32) Option {
	return func(o *options) { o.attention, o.attnOff, o.attnTotal = float32(weight), off, total }
}

// Build compiles a network over p.
func Build(a Arch, classes, batch int, p Params, train bool, opts ...Option) (net *Net, err error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	defer func() { // gorgonia reports some shape errors by panicking
		if r := recover(); r != nil {
			net, err = nil, fmt.Errorf("hiwlnet: build: %v", r)
		}
	}()
	n := &Net{Arch: a, Classes: classes, Batch: batch, train: train, g: G.NewGraph(), bn: map[string]*G.BatchNormOp{}}
	s := a.Input
	n.x = G.NewTensor(n.g, tensor.Float32, 4, G.WithShape(batch, 3, s, s), G.WithName("x"))
	h := n.x
	convs := map[string]Conv{}
	for _, c := range a.Convs() {
		convs[c.Name] = c
	}
	for _, l := range a.Layers {
		switch l.Kind {
		case ConvBNReLU:
			if h, err = n.convBN(h, p, convs[l.Name]); err == nil {
				h, err = G.Rectify(h)
			}
		case MaxPool:
			h, err = G.MaxPool2D(h, tensor.Shape{2, 2}, []int{0, 0}, []int{2, 2})
		case Residual:
			var r *G.Node
			if r, err = n.convBN(h, p, convs[l.Name+".c1"]); err != nil {
				break
			}
			if r, err = G.Rectify(r); err != nil {
				break
			}
			if r, err = n.convBN(r, p, convs[l.Name+".c2"]); err != nil {
				break
			}
			if h, err = G.Add(r, h); err == nil {
				h, err = G.Rectify(h)
			}
		case Stem, Top:
			if h, err = n.convBN(h, p, convs[l.Name]); err == nil {
				h, err = n.act(h)
			}
		case MBConv:
			h, err = n.mbconv(h, p, l, convs)
		}
		if err != nil {
			return nil, fmt.Errorf("hiwlnet: layer %s: %w", l.Name, err)
		}
	}
	n.feat = h
	// Global average pooling: gorgonia's GlobalAveragePool2D has no
	// gradient. The export uses GlobalAveragePool, which computes the same
	// thing. The residual CNN keeps reshape + mean, which its shipped
	// models were trained with (the same rounding, so `make
	// default-model` still reproduces them byte for byte).
	var pooled *G.Node
	if a.IsResidualCNN() {
		c, fs := a.Features(), a.FeatureSide()
		pooled = G.Must(G.Mean(G.Must(G.Reshape(h, tensor.Shape{batch, c, fs * fs})), 2))
	} else {
		pooled = G.Must(ChannelMean(h))
	}
	w := n.param(p, "head.w", p["head.w"])
	b := n.param(p, "head.b", p["head.b"])
	n.logits = G.Must(G.BroadcastAdd(G.Must(G.Mul(pooled, w)), b, nil, []byte{0}))
	// Only one of SoftMax and LogSoftMax may be in a graph: gorgonia
	// hash-conses nodes and both ops hash alike, so the second call would
	// silently return the first node.
	if !train {
		n.probs = G.Must(G.SoftMax(n.logits))
		n.vm = G.NewTapeMachine(n.g, append(deviceOpts(), G.EvalMode())...)
	} else {
		n.y = G.NewMatrix(n.g, tensor.Float32, G.WithShape(batch, classes), G.WithName("y"))
		logp := G.Must(G.LogSoftMax(n.logits))
		total := G.Must(G.Sum(G.Must(G.HadamardProd(logp, n.y))))
		n.loss = G.Must(G.Neg(G.Must(G.Div(total, G.NewConstant(float32(batch))))))
		if o.attention > 0 {
			shares, err := AttentionPenalty(n.feat, w, n.y, o.attnOff, o.attnTotal)
			if err != nil {
				return nil, err
			}
			n.attn = G.Must(G.Div(G.Must(G.Sum(shares)), G.NewConstant(float32(batch))))
			n.loss = G.Must(G.Add(n.loss, G.Must(G.Mul(n.attn, G.NewConstant(o.attention)))))
		}
		if _, err = G.Grad(n.loss, n.learn...); err != nil {
			return nil, fmt.Errorf("hiwlnet: gradients: %w", err)
		}
		n.vm = G.NewTapeMachine(n.g, append(deviceOpts(), G.BindDualValues(n.learn...))...)
	}
	// The machine sets every batch-norm op's mode when it is made, and
	// entering training mode resets the statistics: load them after.
	if err := n.bindBatchNorms(p); err != nil {
		return nil, err
	}
	return n, nil
}

// param makes a learnable node whose value is t, sharing t's memory.
func (n *Net) param(p Params, name string, t *tensor.Dense) *G.Node {
	node := G.NodeFromAny(n.g, t, G.WithName(name))
	n.names = append(n.names, name)
	n.learn = append(n.learn, node)
	return node
}

// conv applies one convolution without its batch norm: depthwise and 1x1
// through this package's ops, the others through gorgonia's im2col
// convolution.
func (n *Net) conv(x *G.Node, p Params, c Conv) (*G.Node, error) {
	w := n.param(p, c.Name+".w", p[c.Name+".w"])
	if c.Group > 1 {
		if c.Group != c.In || c.Group != c.Out {
			return nil, fmt.Errorf("hiwlnet: %s: only depthwise grouped convolutions (group %d, %d to %d channels)", c.Name, c.Group, c.In, c.Out)
		}
		return Depthwise(x, w, c.Kernel, c.Stride)
	}
	if c.Kernel == 1 && c.Stride == 1 {
		return Pointwise(x, w)
	}
	k, pad := c.Kernel, c.Kernel/2
	return G.Conv2d(x, w, tensor.Shape{k, k}, []int{pad, pad}, []int{c.Stride, c.Stride}, []int{1, 1})
}

func (n *Net) convBN(x *G.Node, p Params, c Conv) (*G.Node, error) {
	h, err := n.conv(x, p, c)
	if err != nil {
		return nil, err
	}
	// Scale and bias are [C] in Params and (1,C,1,1) in the graph; the view
	// shares the backing array.
	scale := n.param(p, c.Name+".bn.scale", view(p[c.Name+".bn.scale"], 1, c.Out, 1, 1))
	bias := n.param(p, c.Name+".bn.bias", view(p[c.Name+".bn.bias"], 1, c.Out, 1, 1))
	y, _, _, _, err := G.BatchNorm(h, scale, bias, BNMomentum, n.Arch.BNEpsilon())
	if err != nil {
		return nil, err
	}
	n.bnNames = append(n.bnNames, c.Name)
	return y, nil
}

// act is the backbone's activation.
func (n *Net) act(x *G.Node) (*G.Node, error) {
	if n.Arch.Act == ActReLU6 {
		return ReLU6(x)
	}
	return SiLU(x)
}

// mbconv builds one MBConv block (see the MBConv layer kind).
func (n *Net) mbconv(x *G.Node, p Params, l Layer, convs map[string]Conv) (*G.Node, error) {
	h := x
	var err error
	if l.Expand != 1 {
		if h, err = n.convBN(h, p, convs[l.Name+".expand"]); err != nil {
			return nil, err
		}
		if h, err = n.act(h); err != nil {
			return nil, err
		}
	}
	if h, err = n.convBN(h, p, convs[l.Name+".dw"]); err != nil {
		return nil, err
	}
	if h, err = n.act(h); err != nil {
		return nil, err
	}
	if l.Squeeze > 0 {
		if h, err = n.excite(h, p, convs[l.Name+".se.c1"], convs[l.Name+".se.c2"]); err != nil {
			return nil, err
		}
	}
	if h, err = n.convBN(h, p, convs[l.Name+".project"]); err != nil {
		return nil, err
	}
	if l.residual() {
		return G.Add(h, x)
	}
	return h, nil
}

// excite is squeeze-excitation: the channel means of h go through two
// fully connected layers (SiLU, then sigmoid), and h's channels are scaled
// by the result. The weights are stored as the 1x1 convolutions the export
// writes; here they are [out,in] matrices, transposed for the product.
func (n *Net) excite(h *G.Node, p Params, c1, c2 Conv) (*G.Node, error) {
	pooled, err := ChannelMean(h)
	if err != nil {
		return nil, err
	}
	fc := func(x *G.Node, cv Conv) (*G.Node, error) {
		w := n.param(p, cv.Name+".w", view(p[cv.Name+".w"], cv.Out, cv.In))
		bias := n.param(p, cv.Name+".b", view(p[cv.Name+".b"], 1, cv.Out))
		wt, err := G.Transpose(w)
		if err != nil {
			return nil, err
		}
		z, err := G.Mul(x, wt)
		if err != nil {
			return nil, err
		}
		return G.BroadcastAdd(z, bias, nil, []byte{0})
	}
	z, err := fc(pooled, c1)
	if err != nil {
		return nil, err
	}
	if z, err = SiLU(z); err != nil {
		return nil, err
	}
	if z, err = fc(z, c2); err != nil {
		return nil, err
	}
	if z, err = G.Sigmoid(z); err != nil {
		return nil, err
	}
	return ChannelScale(h, z)
}

// bindBatchNorms finds the batch-norm ops in the graph and loads their
// statistics from p. The graph's own ops are taken, in creation order.
func (n *Net) bindBatchNorms(p Params) error {
	var ops []*G.BatchNormOp
	for _, node := range n.g.AllNodes() {
		if op, ok := node.Op().(*G.BatchNormOp); ok {
			ops = append(ops, op)
		}
	}
	if len(ops) != len(n.bnNames) {
		return fmt.Errorf("hiwlnet: found %d batch-norm ops, built %d", len(ops), len(n.bnNames))
	}
	for i, op := range ops {
		n.bn[n.bnNames[i]] = op
	}
	return n.LoadStats(p)
}

// view is t's data under another shape, sharing the backing array.
func view(t *tensor.Dense, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(t.Data()))
}

// LoadStats copies running batch-norm statistics from p into the net (an
// evaluation net built earlier sees the newest statistics this way).
func (n *Net) LoadStats(p Params) error {
	for name, op := range n.bn {
		if err := op.SetStats(p[name+".bn.mean"], p[name+".bn.var"]); err != nil {
			return err
		}
	}
	return nil
}

// SaveStats copies the running statistics a training net accumulated into p.
func (n *Net) SaveStats(p Params) {
	for name, op := range n.bn {
		m, v := op.Stats()
		copy(p[name+".bn.mean"].Float32s(), m.Data().([]float32))
		copy(p[name+".bn.var"].Float32s(), v.Data().([]float32))
	}
}

// run executes the graph once on x (Batch*3*S*S values) and, when training,
// the smoothed targets y (Batch*K).
func (n *Net) run(x, y []float32) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("hiwlnet: run: %v", r)
		}
	}()
	s := n.Arch.Input
	if len(x) != n.Batch*3*s*s {
		return fmt.Errorf("hiwlnet: input has %d values, want %d", len(x), n.Batch*3*s*s)
	}
	if err := G.Let(n.x, tensor.New(tensor.WithShape(n.Batch, 3, s, s), tensor.WithBacking(x))); err != nil {
		return err
	}
	if n.train {
		if err := G.Let(n.y, tensor.New(tensor.WithShape(n.Batch, n.Classes), tensor.WithBacking(y))); err != nil {
			return err
		}
	}
	n.vm.Reset()
	return n.vm.RunAll()
}

// Forward runs an evaluation net and returns the probabilities (Batch*K)
// and the last feature maps (Batch*C*side*side), both copied.
func (n *Net) Forward(x []float32) (probs, feat []float32, err error) {
	if n.train {
		return nil, nil, fmt.Errorf("hiwlnet: Forward on a training net")
	}
	if err := n.run(x, nil); err != nil {
		return nil, nil, err
	}
	return values(n.probs), values(n.feat), nil
}

// Step runs one training batch and returns the mean loss, the logits
// (Batch*K, copied) and the gradients by parameter name. The gradients
// alias gorgonia's buffers and are valid until the next Step.
func (n *Net) Step(x, y []float32) (loss float32, logits []float32, grads map[string][]float32, err error) {
	if !n.train {
		return 0, nil, nil, fmt.Errorf("hiwlnet: Step on an evaluation net")
	}
	// The machine adds into the gradient buffers; without zeroing, every
	// step would carry the sum of all earlier gradients.
	for _, node := range n.learn {
		if g, err := node.Grad(); err == nil {
			if t, ok := g.(tensor.Tensor); ok {
				t.Zero()
			}
		}
	}
	if err := n.run(x, y); err != nil {
		return 0, nil, nil, err
	}
	grads = make(map[string][]float32, len(n.learn))
	for i, node := range n.learn {
		g, err := node.Grad()
		if err != nil {
			return 0, nil, nil, fmt.Errorf("hiwlnet: gradient of %s: %w", n.names[i], err)
		}
		grads[n.names[i]] = g.Data().([]float32)
	}
	return n.loss.Value().Data().(float32), values(n.logits), grads, nil
}

// AttentionOff is the last Step's mean attention penalty: the share of
// the target classes' positive maps off the galaxy. It is NaN when the net
// has no penalty.
func (n *Net) AttentionOff() float32 {
	if n.attn == nil || n.attn.Value() == nil {
		return float32(math.NaN())
	}
	return n.attn.Value().Data().(float32)
}

func values(n *G.Node) []float32 {
	return append([]float32(nil), n.Value().Data().([]float32)...)
}
