package hiwlnet

import (
	"fmt"
	"hash"
	"hash/fnv"
	"runtime"
	"sync"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// kernel is a float32 gorgonia op written as a plain Go loop: the ops that
// gorgonia lacks for MBConv blocks (depthwise convolution, SiLU, a
// per-channel scale) and their gradients. Each op of a graph is made for
// fixed shapes when the graph is built, so the kernels need no shape
// inference beyond returning out.
type kernel struct {
	name  string       // names the op and, with its parameters, hashes it
	in    []int        // each input's number of dimensions
	out   tensor.Shape // the output's shape
	run   func(out []float32, in [][]float32)
	grads func(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) // nil: not differentiable
}

var _ G.SDOp = (*kernel)(nil)

func (k *kernel) Arity() int { return len(k.in) }

func (k *kernel) Type() hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, 0, len(k.in)+1)
	for _, d := range k.in {
		ts = append(ts, G.TensorType{Dims: d, Of: a})
	}
	ts = append(ts, G.TensorType{Dims: len(k.out), Of: a})
	return hm.NewFnType(ts...)
}

func (k *kernel) InferShape(...G.DimSizer) (tensor.Shape, error) { return k.out.Clone(), nil }

func (k *kernel) Do(values ...G.Value) (G.Value, error) {
	out := tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(k.out.Clone()...))
	return k.UsePreallocDo(out, values...)
}

// UsePreallocDo lets the tape machine reuse the output buffer across steps.
func (k *kernel) UsePreallocDo(prealloc G.Value, values ...G.Value) (G.Value, error) {
	if len(values) != len(k.in) {
		return nil, fmt.Errorf("hiwlnet: %s takes %d inputs, got %d", k.name, len(k.in), len(values))
	}
	in := make([][]float32, len(values))
	for i, v := range values {
		d, ok := v.Data().([]float32)
		if !ok {
			return nil, fmt.Errorf("hiwlnet: %s: input %d is %T, want float32", k.name, i, v.Data())
		}
		in[i] = d
	}
	out, ok := prealloc.Data().([]float32)
	if !ok || len(out) != k.out.TotalSize() {
		// The tape machine then calls Do, which allocates.
		return nil, fmt.Errorf("hiwlnet: %s: output buffer of %d values, want %v", k.name, len(out), k.out)
	}
	// The machine hands over a register that may have held another
	// node's value of the same size but another shape.
	if t, ok := prealloc.(tensor.Tensor); ok && !t.Shape().Eq(k.out) {
		if err := t.Reshape(k.out...); err != nil {
			return nil, fmt.Errorf("hiwlnet: %s: %w", k.name, err)
		}
	}
	k.run(out, in)
	return prealloc, nil
}

func (k *kernel) ReturnsPtr() bool     { return false }
func (k *kernel) CallsExtern() bool    { return false }
func (k *kernel) OverwritesInput() int { return -1 }
func (k *kernel) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "%s%v", k.name, k.out)
}
func (k *kernel) Hashcode() uint32 {
	h := fnv.New32a()
	k.WriteHash(h)
	return h.Sum32()
}
func (k *kernel) String() string { return k.name }

func (k *kernel) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = k.grads != nil
	}
	return d
}

func (k *kernel) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	if k.grads == nil {
		return nil, fmt.Errorf("hiwlnet: %s has no gradient", k.name)
	}
	return k.grads(inputs, output, grad)
}

// parallel runs f(i) for i in [0,n) on all cores, in contiguous chunks.
func parallel(n int, f func(lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), n)
	if w <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < w; i++ {
		lo, hi := i*n/w, (i+1)*n/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
