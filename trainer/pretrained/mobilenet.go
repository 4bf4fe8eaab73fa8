package pretrained

import (
	"fmt"
	"slices"

	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// kerasEpsilon is the batch-norm epsilon Keras's MobileNetV2 was trained
// with; where a backbone's differs, the difference moves into the variance.
const kerasEpsilon = 1e-3

// mobileNetV2Strides are the strides of MobileNetV2's 17 inverted-residual
// blocks that are not 1 (the weights do not say them).
var mobileNetV2Strides = map[int]int{1: 2, 3: 2, 6: 2, 13: 2}

// MobileNetV2 copies Keras MobileNetV2 weights w (ReadTFJS) into p, the
// parameters of backbone a: the stem from Conv1, and a's MBConv blocks in
// order from MobileNetV2's first blocks (expanded_conv, block_1, ...),
// batch normalisation included. a must use ReLU6 and follow MobileNetV2's
// widths, expansions and 3x3 kernels without squeeze-excitation, as far
// as it goes: "INPUT:relu6:s32k3/2,m16e1k3,m24e6k3/2,m24e6k3,...". Its
// blocks may take their strides of 2 elsewhere than MobileNetV2's, as
// long as as many of them do: a depthwise kernel's weights do not depend
// on its stride, and moving a stride earlier is how a network gets the
// same depth and output side for less (network B at 80 px, s32k3/2,
// m16e1k3/2, m24e6k3/2, m24e6k3, m32e6k3, ...: 15 MFLOP instead of 29).
// The Top layer and the head keep p's values. It returns how many numbers
// it copied.
func MobileNetV2(w map[string]Tensor, a hiwlnet.Arch, p hiwlnet.Params) (int, error) {
	if a.Act != hiwlnet.ActReLU6 {
		return 0, fmt.Errorf("pretrained: MobileNetV2's blocks use ReLU6; the backbone %s does not", a)
	}
	c := copier{w: w, p: p, varShift: float32(kerasEpsilon - a.BNEpsilon())}
	block, halvings, theirs := 0, 0, 0
	for i, l := range a.Layers {
		switch {
		case l.Kind == hiwlnet.Stem && i == 0:
			if l.Kernel != 3 || l.Stride != 2 {
				return 0, fmt.Errorf("pretrained: the stem %s must be 3x3 at stride 2, as MobileNetV2's", l.Name)
			}
			c.conv("Conv1/kernel", l.Name+".w", false)
			c.bn("bn_Conv1", l.Name)
		case l.Kind == hiwlnet.MBConv:
			if l.Kernel != 3 || l.Squeeze != 0 || (l.Stride != 1 && l.Stride != 2) {
				return 0, fmt.Errorf("pretrained: block %s is k%d/%d q%d; MobileNetV2's block %d is 3x3 without squeeze-excitation, at stride 1 or 2",
					l.Name, l.Kernel, l.Stride, l.Squeeze, block)
			}
			if l.Stride == 2 {
				halvings++
			}
			if mobileNetV2Strides[block] == 2 {
				theirs++
			}
			k := fmt.Sprintf("block_%d", block)
			if block == 0 {
				k = "expanded_conv"
			}
			if l.Expand != 1 {
				c.conv(k+"_expand/kernel", l.Name+".expand.w", false)
				c.bn(k+"_expand_BN", l.Name+".expand")
			} else if _, ok := w[k+"_expand/kernel"]; ok {
				return 0, fmt.Errorf("pretrained: block %s has no expansion; MobileNetV2's %s has one", l.Name, k)
			}
			c.conv(k+"_depthwise/depthwise_kernel", l.Name+".dw.w", true)
			c.bn(k+"_depthwise_BN", l.Name+".dw")
			c.conv(k+"_project/kernel", l.Name+".project.w", false)
			c.bn(k+"_project_BN", l.Name+".project")
			block++
		case l.Kind == hiwlnet.Top && i == len(a.Layers)-1:
		default:
			return 0, fmt.Errorf("pretrained: layer %s has no counterpart in MobileNetV2", l.Name)
		}
		if c.err != nil {
			return 0, c.err
		}
	}
	if halvings != theirs {
		return 0, fmt.Errorf("pretrained: %d of the backbone's %d blocks have stride 2; MobileNetV2's first %d have %d",
			halvings, block, block, theirs)
	}
	return c.copied, nil
}

// copier copies weights by name and keeps the first error.
type copier struct {
	w      map[string]Tensor
	p      hiwlnet.Params
	copied int
	err    error
	// varShift is added to each moving variance: Keras's epsilon less the
	// backbone's.
	varShift float32
}

func (c *copier) get(src, dst string) (Tensor, []float32, bool) {
	if c.err != nil {
		return Tensor{}, nil, false
	}
	t, ok := c.w[src]
	if !ok {
		c.err = fmt.Errorf("pretrained: the weights have no %s (for %s)", src, dst)
		return Tensor{}, nil, false
	}
	d, ok := c.p[dst]
	if !ok {
		c.err = fmt.Errorf("pretrained: the backbone has no parameter %s", dst)
		return Tensor{}, nil, false
	}
	out := d.Float32s()
	if len(out) != len(t.Data) {
		c.err = fmt.Errorf("pretrained: %s has shape %v, but %s has shape %v", src, t.Shape, dst, d.Shape())
		return Tensor{}, nil, false
	}
	c.copied += len(out)
	return t, out, true
}

// conv copies a Keras kernel [kh, kw, in, out] (depthwise: [kh, kw, C, 1])
// into hiwlnet's [out, in, kh, kw] ([C, 1, kh, kw]).
func (c *copier) conv(src, dst string, depthwise bool) {
	t, out, ok := c.get(src, dst)
	if !ok {
		return
	}
	if len(t.Shape) != 4 {
		c.err = fmt.Errorf("pretrained: %s has shape %v, want a 4-D kernel", src, t.Shape)
		return
	}
	kh, kw, ci, co := t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]
	want := []int{co, ci, kh, kw}
	if depthwise {
		want = []int{ci, co, kh, kw}
	}
	if got := c.p[dst].Shape(); !slices.Equal([]int(got), want) {
		c.err = fmt.Errorf("pretrained: %s has shape %v, but %s has shape %v", src, t.Shape, dst, got)
		return
	}
	for y := range kh {
		for x := range kw {
			for i := range ci {
				for o := range co {
					v := t.Data[((y*kw+x)*ci+i)*co+o]
					if depthwise { // o is 0; the channel is i
						out[(i*kh+y)*kw+x] = v
					} else {
						out[((o*ci+i)*kh+y)*kw+x] = v
					}
				}
			}
		}
	}
}

// bn copies a Keras BatchNormalization's four vectors.
func (c *copier) bn(src, dst string) {
	for _, part := range [][2]string{{"gamma", "scale"}, {"beta", "bias"}, {"moving_mean", "mean"}, {"moving_variance", "var"}} {
		t, out, ok := c.get(src+"/"+part[0], dst+".bn."+part[1])
		if !ok {
			return
		}
		copy(out, t.Data)
		if part[1] == "var" {
			for i := range out {
				out[i] += c.varShift
			}
		}
	}
}
