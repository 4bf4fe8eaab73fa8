package engine

import (
	"math"

	"github.com/hiwl/hiwl/model/engine/act"
)

// The fusion patterns. Lowering a node asks these matchers whether the
// operations after it can run inside its step, and marks the ones it
// takes in c.done:
//   - a convolution takes the BatchNormalization after it (folded into
//     its weights), an Add of a computed tensor (the residual) and an
//     activation (activation), and a GlobalAveragePool of its output when
//     it is a direct depthwise one (pooling);
//   - a squeeze-excitation's channel scale x·s is left to the 1×1
//     convolution that reads it (channelScale).
// Each matcher reads the graph only; constant folding runs as each step
// is emitted (emit), and buffers are placed afterwards (allocate).

// activation matches the activation applied to the value of node n, when
// n's only use is that activation, and marks its nodes fused: Relu,
// Sigmoid, HardSwish, Clip(0, 6) (ReLU6), and SiLU and hard-swish written out as
// x·Sigmoid(x) and x·HardSigmoid(x) (alpha 1/6, beta 1/2), as exporters
// emit them. It returns the function and the node that carries its
// result, or act.None.
func (c *compiler) activation(n *Node) (act.Func, *Node) {
	if r := c.sole(n); r != nil && len(r.outputs) == 1 {
		switch r.op.Name {
		case "Relu":
			c.done[r] = true
			return act.Relu, r
		case "Sigmoid":
			c.done[r] = true
			return act.Sigmoid, r
		case "HardSwish":
			c.done[r] = true
			return act.HardSwish, r
		case "Clip":
			if lo, hi, err := clipBounds(r); err == nil && lo == 0 && hi == 6 && len(c.g.inputs(r)) == 1 {
				c.done[r] = true
				return act.ReLU6, r
			}
		}
	}
	// x·gate(x): n read by the gate and by a Mul that reads the gate,
	// which nothing else reads.
	if c.consumers[n] != 2 || len(c.readers[n]) != 2 {
		return act.None, nil
	}
	for i, gate := range c.readers[n] {
		mul := c.readers[n][1-i]
		if mul.op.Name != "Mul" || len(gate.outputs) != 1 || c.sole(gate) != mul || !c.reads(mul, n, gate) {
			continue
		}
		var f act.Func
		switch gate.op.Name {
		case "Sigmoid":
			f = act.SiLU
		case "HardSigmoid":
			at := attrsOf(gate)
			alpha, beta := at.Float("alpha", 0.2), at.Float("beta", 0.5)
			if at.Err() != nil || math.Abs(float64(alpha)-1.0/6) > 1e-7 || beta != 0.5 {
				continue
			}
			f = act.HardSwish
		default:
			continue
		}
		c.done[gate], c.done[mul] = true, true
		return f, mul
	}
	return act.None, nil
}

// reads reports whether operation op's two inputs are a and b, in either
// order.
func (c *compiler) reads(op, a, b *Node) bool {
	ins := c.g.inputs(op)
	return len(ins) == 2 && (ins[0] == a && ins[1] == b || ins[0] == b && ins[1] == a)
}

type bnParams struct {
	scale, bias, mean, variance []float32
	eps                         float32
}

// bnParams returns the constant statistics of a BatchNormalization node
// over channels channels.
func (c *compiler) bnParams(bn *Node, channels int) (bnParams, bool) {
	ins := c.g.inputs(bn)
	if len(ins) != 5 {
		return bnParams{}, false
	}
	var p bnParams
	dst := []*[]float32{nil, &p.scale, &p.bias, &p.mean, &p.variance}
	for i := 1; i < 5; i++ {
		v := c.constant(ins[i])
		if v == nil || v.ints != nil || v.size() != channels {
			return bnParams{}, false
		}
		*dst[i] = c.p.shared[v.slot]
	}
	eps, err := attrFloat(bn.op, "epsilon", 1e-5)
	if err != nil {
		return bnParams{}, false
	}
	p.eps = eps
	return p, true
}

// otherInput returns the computed value of the input of a two-input
// operation that is not from, or nil.
func (c *compiler) otherInput(op, from *Node) *value {
	ins := c.g.inputs(op)
	if len(ins) != 2 {
		return nil
	}
	o := ins[0]
	if o == from {
		o = ins[1]
	} else if ins[1] != from {
		return nil
	}
	return c.p.byNode[o]
}

// pooling returns the GlobalAveragePool reading n, when n is read by it
// and other operations; nil otherwise.
func (c *compiler) pooling(n *Node) *Node {
	if c.consumers[n] < 2 || c.consumers[n] != len(c.readers[n]) {
		return nil
	}
	for _, r := range c.readers[n] {
		if r.op.Name == "GlobalAveragePool" && len(r.outputs) == 1 && len(c.g.inputs(r)) == 1 {
			return r
		}
	}
	return nil
}

// channelScale plans Mul n = x·s, s of shape [N or 1, C, 1, 1] and x of
// shape [N, C, H, W], as a view of x carrying s when the only reader of n
// is a 1×1 convolution, which then folds s into its weights; it reports
// whether it did.
func (c *compiler) channelScale(n *Node, a, b *value) bool {
	x, s := a, b
	if len(x.shape) != 4 || len(s.shape) != 4 {
		return false
	}
	if s.size() > x.size() {
		x, s = s, x
	}
	N, C := x.shape[0], x.shape[1]
	if x.cnst || x.scale != nil || s.shape[1] != C || s.shape[2] != 1 || s.shape[3] != 1 || (s.shape[0] != N && s.shape[0] != 1) || len(n.outputs) != 1 {
		return false
	}
	conv := c.sole(n)
	if conv == nil || conv.op.Name != "Conv" {
		return false
	}
	ins := c.g.inputs(conv)
	if len(ins) < 2 || ins[0] != n {
		return false
	}
	w := c.constant(ins[1])
	if w == nil || w.ints != nil {
		return false
	}
	g, groups, err := convGeometry(c, conv, x, w)
	if err != nil || groups != 1 || !g.Pointwise() {
		return false
	}
	v := c.alias(n, x, x.shape)
	v.scale = s
	return true
}
