package engine

import (
	"fmt"
	"sort"

	"github.com/owulveryck/onnx-go"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gorgonia.org/tensor"
)

// Node is a value of the decoded graph (an input, an initializer or an
// operation's output). It carries its name, its tensor when onnx-go or a
// run sets one, and the operation producing it.
type Node struct {
	id      int64
	name    string
	t       tensor.Tensor
	op      *onnx.Operation
	outputs []*Node // all outputs of op, in order, on the first one
	index   int     // which output of its operation this node is
	first   *Node   // the node holding op
}

// ID implements graph.Node.
func (n *Node) ID() int64 { return n.id }

// SetName and GetName implement onnx.Namer.
func (n *Node) SetName(s string) { n.name = s }
func (n *Node) GetName() string  { return n.name }

// SetTensor and GetTensor implement onnx.DataCarrier.
func (n *Node) SetTensor(t tensor.Tensor) error { n.t = t; return nil }
func (n *Node) GetTensor() tensor.Tensor        { return n.t }

// Graph is the onnx.Backend that onnx-go decodes into. Node ids are handed
// out in creation order, which onnx-go's Model.SetInput relies on.
type Graph struct {
	*simple.WeightedDirectedGraph
	next int64
	// Err is the first unsupported operation met while decoding; onnx-go
	// also returns it from UnmarshalBinary.
	Err error
}

// NewGraph returns an empty graph for onnx.NewModel.
func NewGraph() *Graph {
	return &Graph{WeightedDirectedGraph: simple.NewWeightedDirectedGraph(0, 0)}
}

// NewNode implements graph.NodeAdder with sequential ids.
func (g *Graph) NewNode() graph.Node {
	n := &Node{id: g.next}
	g.next++
	return n
}

// ApplyOperation implements onnx.OperationCarrier. Unsupported operations
// are refused here, so that a model is rejected while it is decoded.
func (g *Graph) ApplyOperation(op onnx.Operation, outs ...graph.Node) error {
	if len(outs) == 0 {
		return fmt.Errorf("engine: operation %s has no output", op.Name)
	}
	if _, ok := lowerings[op.Name]; !ok {
		return &onnx.ErrNotImplemented{Operator: op.Name, Message: "not supported by hiwl's engine"}
	}
	first, ok := outs[0].(*Node)
	if !ok {
		return fmt.Errorf("engine: foreign node %T", outs[0])
	}
	o := op
	first.op = &o
	for i, gn := range outs {
		n, ok := gn.(*Node)
		if !ok {
			return fmt.Errorf("engine: foreign node %T", gn)
		}
		n.index, n.first = i, first
		first.outputs = append(first.outputs, n)
	}
	return nil
}

// inputs returns the nodes n's operation reads, in argument order (the
// edge weights onnx-go sets).
func (g *Graph) inputs(n *Node) []*Node {
	it := g.From(n.id)
	var ins []*Node
	var w []float64
	for it.Next() {
		m := it.Node().(*Node)
		ins = append(ins, m)
		wt, _ := g.Weight(n.id, m.id)
		w = append(w, wt)
	}
	sort.Sort(byWeight{ins, w})
	return ins
}

type byWeight struct {
	n []*Node
	w []float64
}

func (b byWeight) Len() int           { return len(b.n) }
func (b byWeight) Less(i, j int) bool { return b.w[i] < b.w[j] }
func (b byWeight) Swap(i, j int) {
	b.n[i], b.n[j] = b.n[j], b.n[i]
	b.w[i], b.w[j] = b.w[j], b.w[i]
}

// ByName returns the node called name, or nil.
func (g *Graph) ByName(name string) *Node {
	for id := int64(0); id < g.next; id++ {
		if n, ok := g.Node(id).(*Node); ok && n.name == name {
			return n
		}
	}
	return nil
}

// Run implements onnx-go's backend.ComputationBackend for its conformance
// tests: it compiles the graph with every tensor set so far as a constant,
// runs it and stores every computed value on its node. Classifiers use
// Compile and State instead, which compile once.
func (g *Graph) Run() error {
	var outs []*Node
	for id := int64(0); id < g.next; id++ {
		n, ok := g.Node(id).(*Node)
		if ok && n.first != nil && g.To(id).Len() == 0 {
			outs = append(outs, n)
		}
	}
	p, err := Compile(g, nil, outs)
	if err != nil {
		return err
	}
	s := p.NewState()
	s.Run()
	// Only the outputs: the buffers of other values are reused during the
	// run and hold something else by its end.
	for _, v := range p.outputs {
		if v.node == nil || v.slot < 0 || v.node.first == nil {
			continue
		}
		shape := v.shape
		if len(shape) == 0 {
			shape = []int{1}
		}
		if v.index {
			ints := make([]int64, len(s.bufs[v.slot]))
			for i, x := range s.bufs[v.slot] {
				ints[i] = int64(x)
			}
			v.node.t = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(ints))
			continue
		}
		data := append([]float32(nil), s.bufs[v.slot]...)
		v.node.t = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
	}
	return nil
}
