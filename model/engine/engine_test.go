package engine_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/model/engine"
	"github.com/owulveryck/onnx-go"
)

// compileDefault compiles the embedded HIWL model with its four outputs.
func compileDefault(t testing.TB) *engine.Plan { return compileFile(t, model.DefaultONNX()) }

// compileFile compiles a HIWL model file (networks A and B) with its four
// outputs.
func compileFile(t testing.TB, data []byte) *engine.Plan {
	g := engine.NewGraph()
	m := onnx.NewModel(g)
	if err := m.UnmarshalBinary(data); err != nil {
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

// defaultShape counts what the embedded model's backbones (its
// hiwl.arch.a and hiwl.arch.b specs) should compile to when every fusion
// holds: per network a stem and a top convolution with their activation
// (SiLU, or ReLU6 after "relu6:"); per MBConv block an expansion (when it
// expands) and a depthwise convolution, each ending in the activation,
// with squeeze-excitation (qN) its first 1x1 convolution ending in SiLU
// and the excitation gate, and the projection with the gate's scale, BN
// and any residual Add fused in; then GAP, MatMul, bias Add and Softmax
// (Flatten and Identity are views).
func defaultShape(t testing.TB) (steps, acts int) {
	md, err := model.ReadMetadata(model.DefaultONNX())
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`^m\d+e(\d+)k\d+(?:/\d)?(q\d+)?$`)
	for _, key := range []string{"hiwl.arch.a", "hiwl.arch.b"} {
		spec, ok := md.Props[key]
		if !ok {
			t.Fatalf("the default model has no %s", key)
		}
		_, layers, _ := strings.Cut(spec, ":")
		layers = strings.TrimPrefix(layers, "relu6:")
		for _, l := range strings.Split(layers, ",") {
			switch m := block.FindStringSubmatch(l); {
			case strings.HasPrefix(l, "s") || strings.HasPrefix(l, "t"):
				steps, acts = steps+1, acts+1
			case m != nil:
				steps, acts = steps+2, acts+1 // depthwise, projection
				if m[1] != "1" {
					steps, acts = steps+1, acts+1 // expansion
				}
				if m[2] != "" {
					steps, acts = steps+2, acts+1 // excitation's 1x1 and gate
				}
			default:
				t.Fatalf("%s: layer %q is not one this test counts (stem, MBConv block, top)", key, l)
			}
		}
		steps += 4
	}
	return steps, acts
}

func TestPlanFusesAndAllocatesNothing(t *testing.T) {
	p := compileDefault(t)
	// Anything more than defaultShape's count means a fusion was lost.
	want, _ := defaultShape(t)
	if got := p.Steps(); got != want {
		t.Errorf("%d steps, want %d", got, want)
	}
	reused, separate := p.ArenaBytes()
	t.Logf("run buffers: %d KiB shared by liveness, %d KiB one per value", reused>>10, separate>>10)
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

// TestProfile: Profile computes what Run does, times every step, and names
// each by its own node, a fused convolution by the activation it ends with.
func TestProfile(t *testing.T) {
	p := compileDefault(t)
	run, prof := p.NewState(), p.NewState()
	for i := range run.Input(0) {
		run.Input(0)[i] = float32(i%23) / 23
		prof.Input(0)[i] = float32(i%23) / 23
	}
	run.Run()
	times := make([]time.Duration, p.Steps())
	prof.Profile(times)
	for o := range 4 {
		if !slices.Equal(run.Output(o), prof.Output(o)) {
			t.Fatalf("output %d differs between Run and Profile", o)
		}
	}
	seen := map[string]bool{}
	acts := 0
	var total time.Duration
	for i, d := range times {
		name := p.StepName(i)
		if name == "" || seen[name] {
			t.Fatalf("step %d is named %q (names so far %v)", i, name, seen)
		}
		seen[name] = true
		if strings.HasSuffix(name, ".silu") || strings.HasSuffix(name, ".relu6") {
			acts++
		}
		total += d
	}
	if _, want := defaultShape(t); acts != want || total <= 0 {
		t.Fatalf("%d steps end in an activation, want %d convolutions; %v timed in all", acts, want, total)
	}
}

// BenchmarkDefaultModelSteps is BenchmarkDefaultModel step by step: one
// metric per step, in ms per run, named by the node it writes (for a fused
// convolution its Relu or residual Add), so that a profile of the layers
// under V8 needs no profiler (GOOS=js GOARCH=wasm go test -c, then the
// test binary under node --wasm-enforce-bounds-checks, as workerd runs it).
func BenchmarkDefaultModelSteps(b *testing.B) { benchSteps(b, compileDefault(b)) }

// BenchmarkModelFileSteps and BenchmarkModelFile are the two benchmarks
// above on the model file $HIWL_BENCH_MODEL: the stand-in MBConv model
// that `go run ./trainer standin -out FILE` writes, before a trained one
// is the default:
//
//	go run ./trainer standin -out /tmp/mbconv.onnx
//	HIWL_BENCH_MODEL=/tmp/mbconv.onnx go test -run '^$' -bench 'ModelFile' ./model/engine
func BenchmarkModelFileSteps(b *testing.B) { benchSteps(b, compileFile(b, benchModel(b))) }
func BenchmarkModelFile(b *testing.B)      { benchRun(b, compileFile(b, benchModel(b))) }

func benchModel(b *testing.B) []byte {
	path := os.Getenv("HIWL_BENCH_MODEL")
	if path == "" {
		b.Skip("HIWL_BENCH_MODEL names no model file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchSteps(b *testing.B, p *engine.Plan) {
	s := p.NewState()
	times := make([]time.Duration, p.Steps())
	for b.Loop() {
		s.Profile(times)
	}
	var total time.Duration
	for _, t := range times {
		total += t
	}
	if total <= 0 {
		b.Fatal("Profile timed nothing")
	}
	for i, t := range times {
		b.ReportMetric(float64(t.Nanoseconds())/1e6/float64(b.N), p.StepName(i)+"-ms/op")
	}
}

func BenchmarkDefaultModel(b *testing.B) { benchRun(b, compileDefault(b)) }

func benchRun(b *testing.B, p *engine.Plan) {
	s := p.NewState()
	cpu0 := cpuSeconds()
	for b.Loop() {
		s.Run()
	}
	// CPU time per run: steadier than wall time on a shared machine.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N)*1e3, "cpu-ms/op")
	reused, separate := p.ArenaBytes()
	b.ReportMetric(float64(reused)/1024, "arena-KiB")
	b.ReportMetric(float64(separate)/1024, "arena-unshared-KiB")
}

// BenchmarkLoadParts splits loading the embedded model into what the
// cold start pays for: the size check of the raw file, onnx-go decoding
// it into a Graph, and Compile (folding, packing, planning). Run with
// -benchtime 1x in a fresh process (natively or as js/wasm under Node)
// for the cold figures, before the code is warm.
func BenchmarkLoadParts(b *testing.B) {
	data := model.DefaultONNX()
	b.Run("checksizes", func(b *testing.B) {
		cpu0 := cpuSeconds()
		defer func() { b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N)*1e3, "cpu-ms/op") }()
		for b.Loop() {
			if err := engine.CheckSizes(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		cpu0 := cpuSeconds()
		defer func() { b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N)*1e3, "cpu-ms/op") }()
		for b.Loop() {
			if err := onnx.NewModel(engine.NewGraph()).UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compile", func(b *testing.B) {
		cpu0 := cpuSeconds()
		defer func() { b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N)*1e3, "cpu-ms/op") }()
		for b.Loop() {
			b.StopTimer()
			g := engine.NewGraph()
			m := onnx.NewModel(g)
			if err := m.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
			var outs []*engine.Node
			for _, name := range []string{model.ProbAName, model.ProbBName, model.FeatAName, model.FeatBName} {
				n, _ := m.GetNodeByName(name)
				outs = append(outs, n.(*engine.Node))
			}
			b.StartTimer()
			if _, err := engine.Compile(g, []*engine.Node{g.Node(m.Input[0]).(*engine.Node)}, outs); err != nil {
				b.Fatal(err)
			}
		}
	})
}
