package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hiwl/hiwl/model/engine/act"
)

// TestDepthwisePlan holds the direct kernel to the window-by-window one
// (Depthwise, which also runs dilations) over kernel sizes, strides 1-3,
// pads (none, "same", asymmetric ones that only shape the output),
// planes down to 1x1, channel multipliers, with and without a residual,
// and activations;
// the output starts as NaN so a value it forgets to write shows.
func TestDepthwisePlan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 3))
	cases := 0
	for _, k := range []int{1, 3, 5} {
		for _, stride := range []int{1, 2, 3} {
			for _, pad := range [][2]int{{0, 0}, {k / 2, k / 2}, {k / 2, k - 1 - k/2 + 1}, {0, k - 1}} {
				for _, hw := range [][2]int{{1, 1}, {5, 4}, {9, 9}, {10, 17}, {20, 20}, {1, 8}, {6, 12}} {
					h, w := hw[0], hw[1]
					oh := (h+pad[0]+pad[1]-k)/stride + 1
					ow := (w+pad[0]+pad[1]-k)/stride + 1
					if oh < 1 || ow < 1 {
						continue
					}
					for _, mult := range []int{1, 2} {
						channels := 3
						g := Conv2D{C: 1, H: h, W: w, KH: k, KW: k, StrideH: stride, StrideW: stride,
							DilH: 1, DilW: 1, PadT: pad[0], PadL: pad[0], OH: oh, OW: ow}
						p := NewDepthwisePlan(&g, channels, mult)
						if p == nil {
							t.Fatalf("%+v: not planned", g)
						}
						m := channels * mult
						src, wt, bias := randSlice(r, channels*h*w), randSlice(r, m*k*k), randSlice(r, m)
						res := randSlice(r, m*oh*ow)
						if cases%5 == 0 {
							res = nil
						}
						f := []act.Func{act.None, act.SiLU, act.Relu, act.ReLU6}[cases%4]
						want := make([]float32, m*oh*ow)
						Depthwise(want, src, wt, bias, &g, channels, mult)
						AddAct(want, res, f)
						got := make([]float32, len(want))
						for i := range got {
							got[i] = nan32
						}
						scratch := randSlice(r, p.Scratch()) // Run must not trust scratch's contents
						pool := make([]float32, m)
						p.Run(got, src, wt, bias, res, f, pool, scratch)
						for c := range m {
							var s float64
							for _, v := range want[c*oh*ow : (c+1)*oh*ow] {
								s += float64(v)
							}
							if d := math.Abs(s/float64(oh*ow) - float64(pool[c])); d > 1e-5 {
								t.Fatalf("%+v: pool[%d] = %v, want %v", g, c, pool[c], s/float64(oh*ow))
							}
						}
						for i := range want {
							if d := math.Abs(float64(got[i] - want[i])); !(d <= 1e-5*math.Max(1, math.Abs(float64(want[i])))) {
								t.Fatalf("%+v mult %d act %v: out[%d] = %v, want %v", g, mult, f, i, got[i], want[i])
							}
						}
						cases++
					}
				}
			}
		}
	}
	t.Logf("%d geometries", cases)
}

// TestDepthwiseRows3 holds the row kernel of 3×3 stride-1 "same" planes
// (depthwise3x3Rows, wasm) to the window-by-window one, for the clamp
// activations, with the pooling, and with NaN in the memory before and
// after the input: the kernel reads the value before a row and must not
// let it reach the output. Where the kernel exists, scratch past the
// padding row stays untouched (the phase planes are not used).
func TestDepthwiseRows3(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	for _, hw := range [][3]int{
		// stride 1: any height, rows of a multiple of 4 values, at least 8
		{1, 1, 8}, {1, 2, 12}, {1, 3, 16}, {1, 8, 32}, {1, 16, 8}, {1, 5, 12},
		// stride 2: even sides, output rows of a multiple of 4 values
		{2, 2, 8}, {2, 4, 16}, {2, 8, 24}, {2, 16, 32}, {2, 32, 8}, {2, 6, 16},
	} {
		stride, h, w := hw[0], hw[1], hw[2]
		for _, mult := range []int{1, 2} {
			for _, f := range []act.Func{act.None, act.Relu, act.ReLU6} {
				channels := 3
				oh, ow := (h-1)/stride+1, (w-1)/stride+1
				g := Conv2D{C: 1, H: h, W: w, KH: 3, KW: 3, StrideH: stride, StrideW: stride, DilH: 1, DilW: 1, PadT: 1, PadL: 1, OH: oh, OW: ow}
				p := NewDepthwisePlan(&g, channels, mult)
				if !p.rows3 {
					t.Fatalf("%dx%d stride %d: not planned for the row kernels", h, w, stride)
				}
				m := channels * mult
				guarded := make([]float32, channels*h*w+8)
				for i := range guarded {
					guarded[i] = nan32
				}
				src := guarded[4 : 4+channels*h*w]
				copy(src, randSlice(r, len(src)))
				wt, bias := randSlice(r, m*9), randSlice(r, m)
				want := make([]float32, m*oh*ow)
				Depthwise(want, src, wt, bias, &g, channels, mult)
				AddAct(want, nil, f)
				got := make([]float32, len(want))
				for i := range got {
					got[i] = nan32
				}
				scratch := make([]float32, p.Scratch())
				for i := range scratch {
					scratch[i] = nan32
				}
				pool := make([]float32, m)
				p.Run(got, src, wt, bias, nil, f, pool, scratch)
				for i := range want {
					if d := math.Abs(float64(got[i] - want[i])); !(d <= 1e-5*math.Max(1, math.Abs(float64(want[i])))) {
						t.Fatalf("%dx%d stride %d mult %d act %v: out[%d] = %v, want %v", h, w, stride, mult, f, i, got[i], want[i])
					}
				}
				for c := range m {
					var s float64
					for _, v := range want[c*oh*ow : (c+1)*oh*ow] {
						s += float64(v)
					}
					if d := math.Abs(s/float64(oh*ow) - float64(pool[c])); !(d <= 1e-5) {
						t.Fatalf("%dx%d stride %d: pool[%d] = %v, want %v", h, w, stride, c, pool[c], s/float64(oh*ow))
					}
				}
				if directRows3 && rowsFit(stride, w, ow) && !math.IsNaN(float64(scratch[w+8])) {
					t.Fatalf("%dx%d: the phase planes were written: the row kernel did not run", h, w)
				}
			}
		}
	}
}

func TestDepthwisePlanDeclines(t *testing.T) {
	g := Conv2D{C: 1, H: 8, W: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilH: 2, DilW: 2, OH: 4, OW: 4}
	if NewDepthwisePlan(&g, 2, 1) != nil {
		t.Fatal("planned a dilated convolution")
	}
	g.DilH, g.DilW, g.StrideW = 1, 1, 2
	if NewDepthwisePlan(&g, 2, 1) != nil {
		t.Fatal("planned unequal strides")
	}
}

func randSlice(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// BenchmarkDepthwise: the direct kernel against the window-by-window one
// on an MBConv model's depthwise layers (channels x size, kernel, stride),
// in GB/s of the input and output planes (each read or written once at
// the least) and GFLOP/s.
func BenchmarkDepthwise(b *testing.B) {
	for _, s := range []struct {
		c, hw, k, stride int
		f                act.Func
	}{
		// the stand-in MBConv model's (SiLU)
		{96, 40, 3, 2, act.SiLU}, {144, 20, 3, 1, act.SiLU}, {240, 10, 5, 1, act.SiLU}, {144, 20, 5, 2, act.SiLU},
		// the shipped MobileNetV2 backbone's (64 px, ReLU6)
		{32, 32, 3, 1, act.ReLU6}, {96, 32, 3, 2, act.ReLU6}, {144, 16, 3, 1, act.ReLU6}, {144, 16, 3, 2, act.ReLU6}, {192, 8, 3, 1, act.ReLU6},
	} {
		g := Conv2D{C: 1, H: s.hw, W: s.hw, KH: s.k, KW: s.k, StrideH: s.stride, StrideW: s.stride, DilH: 1, DilW: 1,
			PadT: s.k / 2, PadL: s.k / 2, OH: (s.hw+2*(s.k/2)-s.k)/s.stride + 1, OW: (s.hw+2*(s.k/2)-s.k)/s.stride + 1}
		r := rand.New(rand.NewPCG(1, 1))
		src, wt, bias := randSlice(r, s.c*s.hw*s.hw), randSlice(r, s.c*s.k*s.k), randSlice(r, s.c)
		dst := make([]float32, s.c*g.OH*g.OW)
		p := NewDepthwisePlan(&g, s.c, 1)
		scratch := make([]float32, p.Scratch())
		bytes := 4 * float64(len(src)+len(dst))
		flops := 2 * float64(len(dst)*s.k*s.k)
		// CPU time of this process: on a shared machine wall time counts
		// other processes' turns.
		var cpu0 float64
		report := func(b *testing.B) {
			cpu := cpuSeconds() - cpu0
			b.ReportMetric(bytes*float64(b.N)/cpu/1e9, "cpu-GB/s")
			b.ReportMetric(flops*float64(b.N)/cpu/1e9, "cpu-GFLOP/s")
		}
		name := fmt.Sprintf("%dx%dx%d/k%d/s%d", s.c, s.hw, s.hw, s.k, s.stride)
		b.Run("direct/"+name, func(b *testing.B) {
			cpu0 = cpuSeconds()
			for b.Loop() {
				p.Run(dst, src, wt, bias, nil, s.f, nil, scratch)
			}
			report(b)
		})
		b.Run("window/"+name, func(b *testing.B) {
			cpu0 = cpuSeconds()
			for b.Loop() {
				Depthwise(dst, src, wt, bias, &g, s.c, 1)
				AddAct(dst, nil, s.f)
			}
			report(b)
		})
	}
}

// BenchmarkCopyBandwidth is the yardstick for the memory-bound kernels'
// GB/s: copying 64 MiB (far beyond the caches), bytes read plus written
// per second of CPU time.
func BenchmarkCopyBandwidth(b *testing.B) {
	src, dst := make([]float32, 16<<20), make([]float32, 16<<20)
	for i := range src {
		src[i] = float32(i)
	}
	cpu0 := cpuSeconds()
	for b.Loop() {
		copy(dst, src)
	}
	b.ReportMetric(8*float64(len(src))*float64(b.N)/(cpuSeconds()-cpu0)/1e9, "cpu-GB/s")
}

// TestDeinterleave: stride 2's row scatter against the one-by-one gather,
// for every length up to 20 and every alignment of src.
func TestDeinterleave(t *testing.T) {
	buf := make([]float32, 64)
	for i := range buf {
		buf[i] = float32(i) + 0.5
	}
	for at := range 3 {
		for w := 1; w <= 20; w++ {
			src := buf[at : at+w]
			even, odd := make([]float32, (w+1)/2), make([]float32, w/2)
			wantE, wantO := make([]float32, len(even)), make([]float32, len(odd))
			gather(wantE, src, 2)
			if w > 1 {
				gather(wantO, src[1:], 2)
			}
			deinterleave(even, odd, src)
			if fmt.Sprint(even, odd) != fmt.Sprint(wantE, wantO) {
				t.Fatalf("offset %d width %d: %v %v, want %v %v", at, w, even, odd, wantE, wantO)
			}
		}
	}
}

// TestSum: Sum against a float64 sum for every length up to 70, so that
// every count of whole vectors and every partial tail of both vector
// widths (4 in wasm, 16 with AVX-512) is met.
func TestSum(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for n := range 71 {
		x := randSlice(r, n)
		var want float64
		for _, v := range x {
			want += float64(v)
		}
		if got := Sum(x); math.Abs(float64(got)-want) > 1e-5*max(1, math.Abs(want)) {
			t.Fatalf("Sum of %d values = %v, want %v", n, got, want)
		}
	}
}

// BenchmarkSum: Sum on the plane sizes it pools (5x5 to 40x40), against
// the scalar loop.
func BenchmarkSum(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{25, 100, 400, 1600} {
		x := randSlice(r, n)
		for _, f := range []struct {
			name string
			sum  func([]float32) float32
		}{{"Sum", Sum}, {"scalar", sumGo}} {
			b.Run(fmt.Sprintf("%s/%d", f.name, n), func(b *testing.B) {
				var s float32
				for b.Loop() {
					s += f.sum(x)
				}
				_ = s
			})
		}
	}
}
