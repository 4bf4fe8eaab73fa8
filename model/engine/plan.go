package engine

import (
	"errors"
	"fmt"

	"github.com/owulveryck/onnx-go"
	"gorgonia.org/tensor"

	"github.com/hiwl/hiwl/model/engine/internal/avx"
)

// Limits on what a plan may allocate; a file claiming more is refused at
// compile time rather than failing (or swapping) at run time.
const (
	MaxElements   = 1 << 26 // per tensor: 256 MiB of float32
	MaxStateBytes = 1 << 30 // all buffers of one State together
	// MaxFLOPs bounds the work of one run (HIWL needs 0.05 GFLOP), so that
	// a file of modest size cannot make a run take minutes.
	MaxFLOPs = 5e9
	maxRank  = 8
)

// ErrUnsupported is wrapped by errors about operations, attributes or data
// types the engine does not run.
var ErrUnsupported = errors.New("engine: unsupported")

// value is one tensor of the plan.
type value struct {
	node  *Node
	shape []int
	slot  int     // buffer index in State.bufs
	ints  []int64 // data of an int64 constant (shapes); slot is -1
	cnst  bool    // the buffer is fixed at compile time and shared
	index bool    // holds integer indices (MaxPool's Indices) as float32
	// scale is set on the value of a squeeze-excitation Mul x·s (s of
	// shape [N,C,1,1]) that is left to the 1×1 convolution reading it:
	// the value is then a view of x, and only that convolution reads it,
	// scaling its weights by s (gemm.MulScaledK).
	scale *value
}

func (v *value) name() string { return v.node.name }
func (v *value) size() int    { return numel(v.shape) }

// step is one operation of a plan.
type step interface{ run(s *State) }

// Plan is a compiled graph: immutable after Compile and safe to share.
type Plan struct {
	values []*value
	byNode map[*Node]*value
	shared [][]float32 // per slot: constant data, or nil for run buffers
	sizes  []int       // per slot: length
	steps  []step
	names  []string // per step: the node whose value it writes (Profile)
	access []access // per step: the slots it reads and writes (allocate)
	// offsets places each run buffer in the arena (allocate); arena is
	// its length, unshared the sum of the buffers' lengths.
	offsets         []int
	arena, unshared int
	scratch         int
	inputs          []*value
	outputs         []*value
}

// State is the per-goroutine memory of a plan: every buffer of one run.
type State struct {
	plan    *Plan
	bufs    [][]float32
	scratch []float32
}

// NewState allocates the buffers of one run.
func (p *Plan) NewState() *State {
	s := &State{plan: p, bufs: make([][]float32, len(p.sizes)), scratch: make([]float32, p.scratch)}
	arena := make([]float32, p.arena)
	for i, c := range p.shared {
		if c != nil {
			s.bufs[i] = c
			continue
		}
		off, n := p.offsets[i], p.sizes[i]
		s.bufs[i] = arena[off : off+n : off+n]
	}
	return s
}

// Input returns the buffer of the i-th input given to Compile, to be filled
// before Run.
func (s *State) Input(i int) []float32 { return s.bufs[s.plan.inputs[i].slot] }

// Output returns the buffer of the i-th output given to Compile, valid until
// the next Run.
func (s *State) Output(i int) []float32 { return s.bufs[s.plan.outputs[i].slot] }

// Run executes the plan; it allocates nothing.
func (s *State) Run() {
	for _, st := range s.plan.steps {
		st.run(s)
		// Steps written with the portable simd package leave the upper
		// halves of the AVX registers set, which slows the scalar float
		// code of the next step, and the caller's after the run, until
		// cleared (package avx).
		avx.ClearUpper()
	}
}

// InputShape and OutputShape are the static shapes of the plan's ends.
func (p *Plan) InputShape(i int) []int  { return append([]int(nil), p.inputs[i].shape...) }
func (p *Plan) OutputShape(i int) []int { return append([]int(nil), p.outputs[i].shape...) }

// Steps is the number of operations left after folding and fusion.
func (p *Plan) Steps() int { return len(p.steps) }

// compiler holds the state of one Compile.
type compiler struct {
	g         *Graph
	p         *Plan
	consumers map[*Node]int // operations reading a node, plus one if it is an output
	readers   map[*Node][]*Node
	done      map[*Node]bool // nodes fused into an earlier step
	isInput   map[*Node]bool
	fold      State   // the compile-time state that constant folding runs in
	flops     float64 // work of one run so far
}

// work adds the cost of a step and refuses a plan over MaxFLOPs.
func (c *compiler) work(n *Node, flops float64) error {
	c.flops += flops
	if c.flops > MaxFLOPs {
		return fmt.Errorf("a run needs over %.0f GFLOP by %s %q, limit %.0f", c.flops/1e9, n.op.Name, n.name, MaxFLOPs/1e9)
	}
	return nil
}

// Compile plans the computation of outputs from inputs. inputs are the
// nodes whose data is given at run time (their current tensor gives the
// shape); every other leaf must carry a constant tensor.
func Compile(g *Graph, inputs, outputs []*Node) (p *Plan, err error) {
	for _, n := range outputs {
		if n.first == nil {
			return nil, fmt.Errorf("output %q is not computed by any operation", n.name)
		}
	}
	p = &Plan{byNode: map[*Node]*value{}}
	c := &compiler{g: g, p: p, consumers: map[*Node]int{}, readers: map[*Node][]*Node{}, done: map[*Node]bool{}}
	order, err := c.order(outputs)
	if err != nil {
		return nil, err
	}
	isInput := map[*Node]bool{}
	c.isInput = isInput
	for _, n := range inputs {
		isInput[n] = true
	}
	for _, n := range order {
		if c.done[n] || p.byNode[n] != nil {
			continue
		}
		if n.first == nil {
			v, err := c.leaf(n, isInput[n])
			if err != nil {
				return nil, err
			}
			if isInput[n] {
				p.inputs = append(p.inputs, v)
			}
			continue
		}
		if n.first != n {
			continue // defined by its operation's first output
		}
		ins := make([]*value, 0, 4)
		for _, m := range g.inputs(n) {
			v := p.byNode[m]
			if v == nil {
				return nil, fmt.Errorf("%s %q: input %q is not computed before it", n.op.Name, n.name, m.name)
			}
			ins = append(ins, v)
		}
		if err := lowerings[n.op.Name](c, n, ins); err != nil {
			var ni *onnx.ErrNotImplemented
			if errors.As(err, &ni) {
				return nil, err
			}
			return nil, fmt.Errorf("%s %q: %w", n.op.Name, n.name, err)
		}
	}
	for _, n := range inputs {
		if p.byNode[n] == nil {
			v, err := c.leaf(n, true)
			if err != nil {
				return nil, err
			}
			p.inputs = append(p.inputs, v)
		}
	}
	for _, n := range outputs {
		v := p.byNode[n]
		if v == nil || v.slot < 0 {
			return nil, fmt.Errorf("output %q is not a float tensor the plan computes", n.name)
		}
		p.outputs = append(p.outputs, v)
	}
	p.allocate()
	if total := p.scratch + p.arena; total > MaxStateBytes/4 {
		return nil, fmt.Errorf("a run needs %d MiB of buffers, limit %d MiB", total>>18, MaxStateBytes>>20)
	}
	return p, nil
}

// order returns every node the outputs depend on, inputs first, and counts
// consumers.
func (c *compiler) order(outputs []*Node) ([]*Node, error) {
	const (
		unseen = iota
		active
		finished
	)
	state := map[*Node]int{}
	var order []*Node
	type frame struct {
		n    *Node
		ins  []*Node
		next int
	}
	for _, out := range outputs {
		c.consumers[out]++
		if out.first != nil {
			c.consumers[out.first] += 0
		}
		if state[out] != unseen {
			continue
		}
		stack := []frame{{n: out}}
		state[out] = active
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.ins == nil && f.n.first != nil {
				f.ins = c.g.inputs(f.n.first)
				if f.n.first != f.n {
					// a secondary output depends on its operation
					f.ins = append([]*Node{f.n.first}, nil...)
				} else {
					for _, m := range f.ins {
						c.consumers[m]++
						c.readers[m] = append(c.readers[m], f.n)
					}
				}
			}
			if f.next < len(f.ins) {
				m := f.ins[f.next]
				f.next++
				switch state[m] {
				case active:
					return nil, fmt.Errorf("the graph has a cycle through %q", m.name)
				case unseen:
					state[m] = active
					stack = append(stack, frame{n: m})
				}
				continue
			}
			state[f.n] = finished
			order = append(order, f.n)
			stack = stack[:len(stack)-1]
		}
	}
	return order, nil
}

// leaf defines a graph input or an initializer.
func (c *compiler) leaf(n *Node, input bool) (*value, error) {
	if n.t == nil {
		return nil, fmt.Errorf("value %q has no data and is not an input", n.name)
	}
	shape := append([]int(nil), n.t.Shape()...)
	if err := checkShape(n.name, shape); err != nil {
		return nil, err
	}
	if input {
		if n.t.Dtype() != tensor.Float32 {
			return nil, fmt.Errorf("%w: input %q is %v, want float32", ErrUnsupported, n.name, n.t.Dtype())
		}
		return c.define(n, shape), nil
	}
	var data []float32
	switch d := n.t.Data().(type) {
	case []float32:
		data = d
	case float32:
		data = []float32{d}
	case []float64:
		data = make([]float32, len(d))
		for i, x := range d {
			data[i] = float32(x)
		}
	case []int64:
		v := &value{node: n, shape: shape, slot: -1, ints: d, cnst: true}
		c.p.byNode[n] = v
		c.p.values = append(c.p.values, v)
		if len(d) != numel(shape) {
			return nil, fmt.Errorf("initializer %q has %d values for shape %v", n.name, len(d), shape)
		}
		return v, nil
	default:
		return nil, fmt.Errorf("%w: initializer %q of type %v", ErrUnsupported, n.name, n.t.Dtype())
	}
	if len(data) != numel(shape) {
		return nil, fmt.Errorf("initializer %q has %d values for shape %v", n.name, len(data), shape)
	}
	v := c.define(n, shape)
	c.p.shared[v.slot] = data
	v.cnst = true
	return v, nil
}

// constant returns the value of leaf n, defining it ahead of the
// topological order if needed (fusion reads the statistics of a batch norm
// before the main loop reaches them); nil if n is not a constant leaf.
func (c *compiler) constant(n *Node) *value {
	if v := c.p.byNode[n]; v != nil {
		if !v.cnst {
			return nil
		}
		return v
	}
	if n.first != nil || c.isInput[n] {
		return nil
	}
	v, err := c.leaf(n, false)
	if err != nil {
		return nil
	}
	return v
}

// define gives node n a new buffer of the given shape.
func (c *compiler) define(n *Node, shape []int) *value {
	p := c.p
	v := &value{node: n, shape: shape, slot: len(p.sizes)}
	p.sizes = append(p.sizes, numel(shape))
	p.shared = append(p.shared, nil)
	p.byNode[n] = v
	p.values = append(p.values, v)
	return v
}

// alias makes node n a view of in's buffer with another shape (Reshape,
// Flatten, Identity).
func (c *compiler) alias(n *Node, in *value, shape []int) *value {
	v := &value{node: n, shape: shape, slot: in.slot, cnst: in.cnst, ints: in.ints}
	c.p.byNode[n] = v
	c.p.values = append(c.p.values, v)
	return v
}

// emit appends a step, or runs it now when all its inputs are constant
// (constant folding) and marks its outputs constant.
func (c *compiler) emit(st step, ins []*value, outs ...*value) {
	for _, in := range ins {
		if in != nil && !in.cnst {
			c.p.steps = append(c.p.steps, st)
			name := ""
			if len(outs) > 0 {
				name = outs[0].name()
			}
			c.p.names = append(c.p.names, name)
			var a access
			for _, v := range ins {
				if v != nil && v.slot >= 0 && !v.cnst {
					a.reads = append(a.reads, v.slot)
				}
			}
			for _, o := range outs {
				a.writes = append(a.writes, o.slot)
			}
			c.p.access = append(c.p.access, a)
			return
		}
	}
	// Constant folding runs at compile time: it is work too.
	p := c.p
	c.fold.plan = p
	c.fold.bufs = make([][]float32, len(p.sizes))
	for i := range p.sizes {
		if p.shared[i] != nil {
			c.fold.bufs[i] = p.shared[i]
		}
	}
	for _, o := range outs {
		c.fold.bufs[o.slot] = make([]float32, p.sizes[o.slot])
	}
	if len(c.fold.scratch) < p.scratch {
		c.fold.scratch = make([]float32, p.scratch)
	}
	st.run(&c.fold)
	for _, o := range outs {
		p.shared[o.slot] = c.fold.bufs[o.slot]
		o.cnst = true
	}
}

// needScratch grows the per-state scratch buffer to n floats.
func (c *compiler) needScratch(n int) { c.p.scratch = max(c.p.scratch, n) }

// sole returns the one operation reading n, when n has exactly one reader
// and is not itself a requested output.
func (c *compiler) sole(n *Node) *Node {
	if c.consumers[n] != 1 || len(c.readers[n]) != 1 {
		return nil
	}
	return c.readers[n][0]
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// checkShape refuses negative dimensions and tensors over MaxElements,
// without overflowing.
func checkShape(name string, shape []int) error {
	if len(shape) > maxRank {
		return fmt.Errorf("%w: tensor %q has rank %d, limit %d", ErrUnsupported, name, len(shape), maxRank)
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			return fmt.Errorf("tensor %q has shape %v", name, shape)
		}
		if d > 0 && n > MaxElements/d {
			return fmt.Errorf("tensor %q of shape %v is over %d elements", name, shape, MaxElements)
		}
		n *= d
	}
	return nil
}
