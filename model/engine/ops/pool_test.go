package ops

import (
	"math/rand/v2"
	"testing"
)

// TestMaxPool2x2 holds maxPool2x2 (with its vector row kernel where there
// is one) to the plain row loop, for widths around the kernel's 8 outputs.
func TestMaxPool2x2(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for w := 2; w <= 41; w++ {
		h, planes := 4, 3
		oh, ow := h/2, w/2
		src := make([]float32, planes*h*w)
		for i := range src {
			src[i] = float32(r.NormFloat64())
		}
		got := make([]float32, planes*oh*ow)
		maxPool2x2(got, src, planes, h, w, oh, ow)
		for p := 0; p < planes; p++ {
			for y := 0; y < oh; y++ {
				want := make([]float32, ow)
				in := src[p*h*w:]
				maxPool2x2Row(want, in[2*y*w:2*y*w+w], in[(2*y+1)*w:(2*y+1)*w+w])
				for x, v := range want {
					if g := got[p*oh*ow+y*ow+x]; g != v {
						t.Fatalf("w=%d plane %d (%d,%d): %v, want %v", w, p, y, x, g, v)
					}
				}
			}
		}
	}
	t.Logf("vector row kernel: %v", maxPoolKernel)
}

// BenchmarkMaxPool2x2 pools the first block's output shape (16 planes of
// 80x80, random values: their order is as unpredictable as a real
// galaxy's) with the row kernel and with the plain row loop, in one run.
func BenchmarkMaxPool2x2(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	const planes, h, w = 16, 80, 80
	src := make([]float32, planes*h*w)
	for i := range src {
		src[i] = float32(r.NormFloat64())
	}
	dst := make([]float32, planes*h*w/4)
	b.Run("kernel", func(b *testing.B) {
		for b.Loop() {
			maxPool2x2(dst, src, planes, h, w, h/2, w/2)
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			for p := 0; p < planes; p++ {
				in, out := src[p*h*w:], dst[p*h*w/4:]
				for y := 0; y < h/2; y++ {
					maxPool2x2Row(out[y*w/2:(y+1)*w/2], in[2*y*w:2*y*w+w], in[(2*y+1)*w:(2*y+1)*w+w])
				}
			}
		}
	})
}
