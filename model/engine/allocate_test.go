package engine

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hiwl/hiwl/model/engine/act"
)

// TestArenaReuse: on a small network (stem, two MBConv-like stages with
// residuals, a head with two outputs), buffers shared by liveness take
// less memory than one buffer per value, and the run computes exactly
// what it computes without sharing; no two buffers alive at the same step
// overlap.
func TestArenaReuse(t *testing.T) {
	compile := func() *Plan {
		r := rand.New(rand.NewPCG(2, 9))
		b := newBuilder(t)
		conv := func(in *Node, cin, cout, k, group, stride int) *Node {
			return b.op("Conv", convAttrs(k, group, stride), in, b.value(randWeights(r, cout, cin/group, k, k), false), b.value(randTensor(r, cout), false))
		}
		x := b.value(randTensor(r, 1, 3, 24, 24), true)
		h := b.activate(act.SiLU, "", conv(x, 3, 8, 3, 1, 2))
		for _, c := range []int{8, 16} {
			e := b.activate(act.SiLU, "", conv(h, c, 4*c, 1, 1, 1))
			d := b.activate(act.SiLU, "", conv(e, 4*c, 4*c, 3, 4*c, 1))
			y := b.op("Add", nil, conv(d, 4*c, c, 1, 1, 1), h)
			h = b.activate(act.Relu, "", conv(y, c, 2*c, 3, 1, 2))
		}
		feat := b.op("Identity", nil, h)
		pool := b.op("GlobalAveragePool", nil, h)
		logits := b.op("Flatten", nil, pool)
		prob := b.op("Softmax", nil, b.op("MatMul", nil, logits, b.value(randTensor(r, 32, 5), false)))
		p, err := Compile(b.g, b.ins, []*Node{prob, feat})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := compile()
	reuse = false
	q := compile()
	reuse = true
	reused, separate := p.ArenaBytes()
	t.Logf("arena %d KiB with buffers shared by liveness, %d KiB one per value", reused>>10, separate>>10)
	if reused >= separate {
		t.Fatalf("arena %d bytes, no smaller than %d", reused, separate)
	}
	if r, s := q.ArenaBytes(); r != s {
		t.Fatalf("without reuse the arena is %d bytes, want the sum %d", r, s)
	}
	first, last := p.lifetimes()
	for a := range p.sizes {
		for b := range a {
			if p.shared[a] != nil || p.shared[b] != nil || first[a] > last[b] || first[b] > last[a] {
				continue
			}
			if p.offsets[a] < p.offsets[b]+p.sizes[b] && p.offsets[b] < p.offsets[a]+p.sizes[a] {
				t.Fatalf("slots %d and %d are alive together and overlap", a, b)
			}
		}
	}
	sp, sq := p.NewState(), q.NewState()
	for run := range 2 {
		for i := range sp.Input(0) {
			sp.Input(0)[i] = float32((i+run)%19) / 19
			sq.Input(0)[i] = sp.Input(0)[i]
		}
		sp.Run()
		sq.Run()
		for o := range 2 {
			if !slices.Equal(sp.Output(o), sq.Output(o)) {
				t.Fatalf("run %d: output %d differs with buffers shared", run, o)
			}
		}
	}
}
