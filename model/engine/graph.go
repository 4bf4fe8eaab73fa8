package engine

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/owulveryck/onnx-go"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
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

// Graph is the onnx.Backend that onnx-go decodes into: gonum's
// graph.DirectedWeightedBuilder over slices indexed by node id. Ids are
// handed out in creation order, which onnx-go's Model.SetInput relies on,
// so they are dense. It replaces gonum's simple.WeightedDirectedGraph,
// whose maps of maps made adding the default model's nodes and edges about
// a tenth of loading it in js/wasm, where Go's maps hash in software
// (wasm/test/coldstart.mjs; see wasm/README.md). Edges keep simple's
// semantics: one edge per ordered pair, a second one replacing the first,
// and no edge from a node to itself.
type Graph struct {
	nodes []*Node   // by id; nil for an id handed out but not added
	from  [][]edge  // by id: the edges out of the node, in the order set
	to    [][]int64 // by id: the nodes with an edge into it, in the order set
	next  int64
	// Err is the first unsupported operation met while decoding; onnx-go
	// also returns it from UnmarshalBinary.
	Err error
}

// edge is an edge out of a node. onnx-go draws one from an operation's
// output to each of its inputs, weighted by the input's position.
type edge struct {
	to int64
	w  float64
}

// NewGraph returns an empty graph for onnx.NewModel.
func NewGraph() *Graph { return &Graph{} }

// NewNode implements graph.NodeAdder with sequential ids.
func (g *Graph) NewNode() graph.Node {
	n := &Node{id: g.next}
	g.next++
	return n
}

// AddNode implements graph.NodeAdder. Like simple's, it panics on a node
// already added; and on a node that NewNode did not make, which onnx-go
// never adds (a panic while decoding is a bad model to model.Load).
func (g *Graph) AddNode(gn graph.Node) {
	n := g.own(gn)
	if g.nodes[n.id] != nil {
		panic(fmt.Sprintf("engine: node ID collision: %d", n.id))
	}
	g.nodes[n.id] = n
}

// own returns gn as one of g's nodes, with room for it in g's slices.
func (g *Graph) own(gn graph.Node) *Node {
	n, ok := gn.(*Node)
	if !ok || n.id < 0 || n.id >= g.next {
		panic(fmt.Sprintf("engine: node %v (%T) was not made by this graph's NewNode", gn, gn))
	}
	if grow := int(g.next) - len(g.nodes); grow > 0 {
		g.nodes = append(g.nodes, make([]*Node, grow)...)
		g.from = append(g.from, make([][]edge, grow)...)
		g.to = append(g.to, make([][]int64, grow)...)
	}
	return n
}

// NewWeightedEdge implements graph.WeightedEdgeAdder.
func (g *Graph) NewWeightedEdge(from, to graph.Node, weight float64) graph.WeightedEdge {
	return simple.WeightedEdge{F: from, T: to, W: weight}
}

// SetWeightedEdge implements graph.WeightedEdgeAdder: it adds the edge's
// nodes if they are not in g yet, and replaces an edge between the same
// two nodes in the same direction.
func (g *Graph) SetWeightedEdge(e graph.WeightedEdge) {
	f, t := g.own(e.From()), g.own(e.To())
	if f.id == t.id {
		panic("engine: adding self edge")
	}
	g.nodes[f.id], g.nodes[t.id] = f, t
	for i := range g.from[f.id] {
		if g.from[f.id][i].to == t.id {
			g.from[f.id][i].w = e.Weight()
			return
		}
	}
	g.from[f.id] = append(g.from[f.id], edge{to: t.id, w: e.Weight()})
	g.to[t.id] = append(g.to[t.id], f.id)
}

// Node implements graph.Graph: the node with the id, or nil.
func (g *Graph) Node(id int64) graph.Node {
	if id < 0 || id >= int64(len(g.nodes)) || g.nodes[id] == nil {
		return nil // an untyped nil, as simple's map lookup gives
	}
	return g.nodes[id]
}

// Nodes implements graph.Graph, in id order.
func (g *Graph) Nodes() graph.Nodes {
	var ns []graph.Node
	for _, n := range g.nodes {
		if n != nil {
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return graph.Empty
	}
	return iterator.NewOrderedNodes(ns)
}

// From implements graph.Graph: the nodes at the end of id's edges.
func (g *Graph) From(id int64) graph.Nodes {
	if id < 0 || id >= int64(len(g.from)) {
		return graph.Empty
	}
	es := g.from[id]
	return g.list(len(es), func(i int) int64 { return es[i].to })
}

// To implements graph.Directed: the nodes with an edge into id.
func (g *Graph) To(id int64) graph.Nodes {
	if id < 0 || id >= int64(len(g.to)) {
		return graph.Empty
	}
	return g.list(len(g.to[id]), func(i int) int64 { return g.to[id][i] })
}

// list is the nodes with ids id(0) … id(n-1), as gonum's iterator.
func (g *Graph) list(n int, id func(i int) int64) graph.Nodes {
	if n == 0 {
		return graph.Empty
	}
	ns := make([]graph.Node, n)
	for i := range ns {
		ns[i] = g.nodes[id(i)]
	}
	return iterator.NewOrderedNodes(ns)
}

// edge returns the edge from uid to vid.
func (g *Graph) edge(uid, vid int64) (edge, bool) {
	if uid >= 0 && uid < int64(len(g.from)) {
		for _, e := range g.from[uid] {
			if e.to == vid {
				return e, true
			}
		}
	}
	return edge{}, false
}

// Edge implements graph.Graph: the edge from uid to vid, or nil.
func (g *Graph) Edge(uid, vid int64) graph.Edge {
	e, ok := g.edge(uid, vid)
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: g.nodes[uid], T: g.nodes[vid], W: e.w}
}

// HasEdgeFromTo implements graph.Directed.
func (g *Graph) HasEdgeFromTo(uid, vid int64) bool {
	_, ok := g.edge(uid, vid)
	return ok
}

// HasEdgeBetween implements graph.Graph, in either direction.
func (g *Graph) HasEdgeBetween(xid, yid int64) bool {
	return g.HasEdgeFromTo(xid, yid) || g.HasEdgeFromTo(yid, xid)
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
	es := slices.Clone(g.from[n.id])
	slices.SortStableFunc(es, func(a, b edge) int { return cmp.Compare(a.w, b.w) })
	ins := make([]*Node, len(es))
	for i, e := range es {
		ins[i] = g.nodes[e.to]
	}
	return ins
}

// ByName returns the node called name, or nil.
func (g *Graph) ByName(name string) *Node {
	for _, n := range g.nodes {
		if n != nil && n.name == name {
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
	for id, n := range g.nodes {
		if n != nil && n.first != nil && len(g.to[id]) == 0 {
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
