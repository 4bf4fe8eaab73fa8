package engine

import (
	"testing"

	"gonum.org/v1/gonum/graph"
)

// TestGraphEdges: the slice-backed Graph keeps gonum simple's semantics
// that onnx-go and Compile rely on: a second edge between the same two
// nodes replaces the first, inputs come back in weight order whatever the
// order they were set in, and To lists the readers of a node.
func TestGraphEdges(t *testing.T) {
	g := NewGraph()
	var ns []*Node
	for range 4 {
		n := g.NewNode().(*Node)
		g.AddNode(n)
		ns = append(ns, n)
	}
	op, a, b, c := ns[0], ns[1], ns[2], ns[3]
	g.SetWeightedEdge(g.NewWeightedEdge(op, c, 2))
	g.SetWeightedEdge(g.NewWeightedEdge(op, a, 0))
	g.SetWeightedEdge(g.NewWeightedEdge(op, b, 5))
	g.SetWeightedEdge(g.NewWeightedEdge(op, b, 1)) // replaces 5
	got := g.inputs(op)
	if len(got) != 3 || got[0] != a || got[1] != b || got[2] != c {
		t.Fatalf("inputs %v, want ids 1 2 3", ids(got))
	}
	if w := g.Edge(op.id, b.id).(graph.WeightedEdge).Weight(); w != 1 {
		t.Errorf("replaced edge weight %v, want 1", w)
	}
	if g.From(op.id).Len() != 3 || g.To(b.id).Len() != 1 || g.To(op.id).Len() != 0 {
		t.Errorf("From %d, To(b) %d, To(op) %d", g.From(op.id).Len(), g.To(b.id).Len(), g.To(op.id).Len())
	}
	if !g.HasEdgeFromTo(op.id, a.id) || g.HasEdgeFromTo(a.id, op.id) || !g.HasEdgeBetween(a.id, op.id) || g.HasEdgeBetween(a.id, b.id) {
		t.Error("edge directions")
	}
	if g.Edge(a.id, op.id) != nil || g.Node(99) != nil || g.Node(-1) != nil {
		t.Error("absent edge or node is not nil")
	}
	if g.Nodes().Len() != 4 {
		t.Errorf("%d nodes", g.Nodes().Len())
	}
}

// TestGraphRefuses: what onnx-go never does panics (model.Load turns a
// panic while decoding into ErrBadModel) instead of corrupting the graph.
func TestGraphRefuses(t *testing.T) {
	g := NewGraph()
	n := g.NewNode()
	g.AddNode(n)
	for name, f := range map[string]func(){
		"added twice":  func() { g.AddNode(n) },
		"self edge":    func() { g.SetWeightedEdge(g.NewWeightedEdge(n, n, 0)) },
		"foreign node": func() { g.AddNode(&Node{id: 7}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func ids(ns []*Node) []int64 {
	var out []int64
	for _, n := range ns {
		out = append(out, n.id)
	}
	return out
}
