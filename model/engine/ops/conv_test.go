package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestIm2Col holds Im2Col, with its shifted-copy path for stride-1
// convolutions, to the row-by-row path over kernel sizes, pads (none,
// "same", asymmetric, wider than the kernel), dilations and tiny planes,
// with the output filled with NaN first so that a value it forgets to
// write shows.
func TestIm2Col(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	shifted := 0
	for _, k := range []int{1, 2, 3, 5} {
		for _, pad := range []int{0, 1, 2, 3} {
			for _, dil := range []int{1, 2} {
				for _, stride := range []int{1, 2} {
					for _, hw := range [][2]int{{1, 1}, {2, 3}, {5, 4}, {9, 9}, {10, 17}} {
						h, w := hw[0], hw[1]
						// output size with pad leading and ext-1-pad trailing
						// (at least 0): at stride 1 that is OW == W whenever
						// pad <= ext-1, the shifted path's case.
						ext := dil*(k-1) + 1
						oh := (h+pad+max(0, ext-1-pad)-ext)/stride + 1
						ow := (w+pad+max(0, ext-1-pad)-ext)/stride + 1
						if oh < 1 || ow < 1 {
							continue
						}
						g := Conv2D{C: 2, H: h, W: w, KH: k, KW: k, StrideH: stride, StrideW: stride,
							DilH: dil, DilW: dil, PadT: pad, PadL: pad, OH: oh, OW: ow}
						src := make([]float32, g.C*h*w)
						for i := range src {
							src[i] = float32(r.NormFloat64())
						}
						got := make([]float32, g.K()*oh*ow)
						want := make([]float32, len(got))
						for i := range got {
							got[i], want[i] = nan32, nan32
						}
						Im2Col(got, src, &g)
						n := oh * ow
						for c := range g.C {
							for ky := range k {
								for kx := range k {
									row := (c*k+ky)*k + kx
									im2colRows(want[row*n:(row+1)*n], src[c*h*w:(c+1)*h*w], &g, ky, kx)
								}
							}
						}
						if !slices.Equal(got, want) {
							t.Fatalf("%+v: im2col differs from the row-by-row path", g)
						}
						if stride == 1 && ow == w {
							shifted++
						}
					}
				}
			}
		}
	}
	if shifted < 20 {
		t.Fatalf("only %d cases took the shifted path", shifted)
	}
	t.Logf("%d geometries took the shifted path", shifted)
}

var nan32 = float32(math.NaN())

// gatherEvens, where it exists, sets what gather at stride 2 sets, and
// only within src: for every length of dst and src around its four-value
// steps, with NaN past src's end in the memory it must not read.
func TestGatherEvens(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 21; n++ {
		for extra := 0; extra <= 2; extra++ {
			srcLen := max(0, 2*n-1+extra)
			mem := randSlice(r, srcLen+8)
			for i := srcLen; i < len(mem); i++ {
				mem[i] = float32(math.NaN())
			}
			src := mem[:srcLen]
			want := make([]float32, n)
			if n > 0 {
				gather(want, src, 2)
			}
			got := make([]float32, n)
			k := gatherEvens(got, src)
			if k%4 != 0 || k > n || 2*k > len(src) {
				t.Fatalf("n=%d src=%d: set %d values", n, len(src), k)
			}
			gather(got[k:], src[2*k:], 2)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("n=%d src=%d: dst[%d] = %v, want %v", n, len(src), i, got[i], want[i])
				}
			}
		}
	}
}
