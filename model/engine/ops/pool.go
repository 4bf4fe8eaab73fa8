package ops

import "math"

// Pool is the geometry of an N-d max or average pooling over the trailing
// spatial dimensions of an [N, C, spatial...] tensor.
type Pool struct {
	In, Out   []int // spatial sizes
	Kernel    []int
	Strides   []int
	Dilations []int
	PadBegin  []int
	PadEnd    []int
	// CountPad makes an average divide by the window size clipped to the
	// padded input, rather than by the number of input elements it covers.
	CountPad bool
	// ColumnMajor makes MaxPoolIndices count within a plane with the first
	// spatial dimension fastest (ONNX storage_order 1).
	ColumnMajor bool
}

// MaxPool writes the maximum over each window; pads never win.
func MaxPool(dst, src []float32, planes int, g *Pool) { pool(dst, nil, src, planes, g, true) }

// MaxPoolIndices is MaxPool that also writes, for each output, the flat
// index into src of the maximum (ONNX's Indices output, row-major), as a
// float32: exact for inputs under 2^24 elements.
func MaxPoolIndices(dst, indices, src []float32, planes int, g *Pool) {
	pool(dst, indices, src, planes, g, true)
}

// AveragePool writes the mean over each window.
func AveragePool(dst, src []float32, planes int, g *Pool) { pool(dst, nil, src, planes, g, false) }

func pool(dst, indices, src []float32, planes int, g *Pool, isMax bool) {
	if indices == nil && len(g.In) == 2 && isMax && g.Kernel[0] == 2 && g.Kernel[1] == 2 && g.Strides[0] == 2 && g.Strides[1] == 2 &&
		g.Dilations[0] == 1 && g.Dilations[1] == 1 && g.PadBegin[0] == 0 && g.PadBegin[1] == 0 &&
		g.Out[0]*2 <= g.In[0] && g.Out[1]*2 <= g.In[1] {
		maxPool2x2(dst, src, planes, g.In[0], g.In[1], g.Out[0], g.Out[1])
		return
	}
	d := len(g.In)
	inPlane, outPlane := prod(g.In), prod(g.Out)
	var oidx, kidx [8]int // spatial ranks above 8 are refused at plan time
	for p := 0; p < planes; p++ {
		in := src[p*inPlane : (p+1)*inPlane]
		out := dst[p*outPlane : (p+1)*outPlane]
		for o := range out {
			// decompose o into output coordinates
			r := o
			for i := d - 1; i >= 0; i-- {
				oidx[i] = r % g.Out[i]
				r /= g.Out[i]
			}
			best := float32(math.Inf(-1))
			bestAt := 0
			var sum float64
			count, padded := 0, 0
			for i := 0; i < d; i++ {
				kidx[i] = 0
			}
			for {
				at, inside, inPad := 0, true, true
				for i := 0; i < d; i++ {
					x := oidx[i]*g.Strides[i] + kidx[i]*g.Dilations[i] - g.PadBegin[i]
					if x < 0 || x >= g.In[i] {
						inside = false
						if x < -g.PadBegin[i] || x >= g.In[i]+g.PadEnd[i] {
							inPad = false
						}
					}
					at = at*g.In[i] + x
				}
				if inPad {
					padded++
				}
				if inside {
					v := in[at]
					if v > best {
						best, bestAt = v, at
					}
					sum += float64(v)
					count++
				}
				// next kernel offset
				i := d - 1
				for ; i >= 0; i-- {
					kidx[i]++
					if kidx[i] < g.Kernel[i] {
						break
					}
					kidx[i] = 0
				}
				if i < 0 {
					break
				}
			}
			switch {
			case isMax:
				out[o] = best
				if indices != nil {
					if g.ColumnMajor {
						bestAt = columnMajor(bestAt, g.In)
					}
					indices[p*outPlane+o] = float32(p*inPlane + bestAt)
				}
			case g.CountPad && padded > 0:
				out[o] = float32(sum / float64(padded))
			case count > 0:
				out[o] = float32(sum / float64(count))
			default:
				out[o] = 0
			}
		}
	}
}

func maxPool2x2(dst, src []float32, planes, h, w, oh, ow int) {
	for p := 0; p < planes; p++ {
		in := src[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for y := 0; y < oh; y++ {
			r0 := in[2*y*w : 2*y*w+w]
			r1 := in[(2*y+1)*w : (2*y+1)*w+w]
			o := out[y*ow : (y+1)*ow]
			x := 0
			if n := ow / 8; maxPoolKernel && n > 0 {
				maxPool2x2x8(&o[0], &r0[0], &r1[0], n)
				x = 8 * n
			}
			maxPool2x2Row(o[x:], r0[2*x:], r1[2*x:])
		}
	}
}

// maxPool2x2Row is one output row of maxPool2x2 in plain Go.
func maxPool2x2Row(o, r0, r1 []float32) {
	for x := range o {
		// plain comparisons: the builtin max orders NaNs and
		// signed zeros, which costs branches here
		a, b := r0[2*x], r0[2*x+1]
		if b > a {
			a = b
		}
		c, d := r1[2*x], r1[2*x+1]
		if d > c {
			c = d
		}
		if c > a {
			a = c
		}
		o[x] = a
	}
}

// GlobalAveragePool writes the mean of each of the planes of size plane.
func GlobalAveragePool(dst, src []float32, planes, plane int) {
	for p := 0; p < planes; p++ {
		dst[p] = Sum(src[p*plane:(p+1)*plane]) / float32(plane)
	}
}

// GlobalMaxPool writes the maximum of each of the planes of size plane.
func GlobalMaxPool(dst, src []float32, planes, plane int) {
	for p := 0; p < planes; p++ {
		m := float32(math.Inf(-1))
		for _, v := range src[p*plane : (p+1)*plane] {
			m = max(m, v)
		}
		dst[p] = m
	}
}

func prod(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}

// columnMajor converts a row-major offset within a plane of the given
// sizes to the column-major one.
func columnMajor(at int, sizes []int) int {
	out, stride := 0, 1
	r := at
	coords := [8]int{}
	for i := len(sizes) - 1; i >= 0; i-- {
		coords[i] = r % sizes[i]
		r /= sizes[i]
	}
	for i := range sizes {
		out += coords[i] * stride
		stride *= sizes[i]
	}
	return out
}
