package engine_test

import (
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/model/engine"
	"github.com/owulveryck/onnx-go"
)

// compileDefault compiles the embedded HIWL model with its four outputs.
func compileDefault(t testing.TB) *engine.Plan {
	g := engine.NewGraph()
	m := onnx.NewModel(g)
	if err := m.UnmarshalBinary(model.DefaultONNX()); err != nil {
		t.Fatal(err)
	}
	var outs []*engine.Node
	for _, name := range []string{model.ProbAName, model.ProbBName, model.FeatAName, model.FeatBName} {
		n, _ := m.GetNodeByName(name)
		outs = append(outs, n.(*engine.Node))
	}
	p, err := engine.Compile(g, []*engine.Node{g.Node(m.Input[0]).(*engine.Node)}, outs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlanFusesAndAllocatesNothing(t *testing.T) {
	p := compileDefault(t)
	// Per network: 7 convolutions (BN, residual Add and ReLU fused in),
	// 3 max pools, GAP, MatMul, bias Add, Softmax; Flatten and Identity are
	// views. Anything more means a fusion was lost.
	if got, want := p.Steps(), 2*(7+3+1+3); got != want {
		t.Errorf("%d steps, want %d", got, want)
	}
	s := p.NewState()
	in := s.Input(0)
	for i := range in {
		in[i] = float32(i%17) / 17
	}
	if a := testing.AllocsPerRun(3, s.Run); a != 0 {
		t.Fatalf("%v allocations per run", a)
	}
	var sum float32
	for _, v := range s.Output(0) {
		sum += v
	}
	if sum < 0.999 || sum > 1.001 {
		t.Fatalf("prob_a sums to %v", sum)
	}
}

func BenchmarkDefaultModel(b *testing.B) {
	p := compileDefault(b)
	s := p.NewState()
	cpu0 := cpuSeconds()
	for b.Loop() {
		s.Run()
	}
	// CPU time per run: steadier than wall time on a shared machine.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N)*1e3, "cpu-ms/op")
}
