package engine

import (
	"fmt"
	"math"
	"slices"

	"github.com/hiwl/hiwl/model/engine/act"
	"github.com/hiwl/hiwl/model/engine/ops"
)

// lowerings maps each supported ONNX operator to the function that plans
// it. ApplyOperation refuses any other operator while the file is decoded.
var lowerings map[string]func(c *compiler, n *Node, in []*value) error

func init() {
	lowerings = map[string]func(*compiler, *Node, []*value) error{
		"Conv":               lowerConv,
		"BatchNormalization": lowerBatchNorm,
		"Relu":               unary(func(d, s []float32, _ float32) { ops.Relu(d, s) }, "", 0),
		"LeakyRelu":          unary(ops.LeakyRelu, "alpha", 0.01),
		"Sigmoid":            unary(func(d, s []float32, _ float32) { ops.Sigmoid(d, s) }, "", 0),
		"HardSigmoid":        lowerHardSigmoid,
		"Clip":               lowerClip,
		"HardSwish":          unary(func(d, s []float32, _ float32) { copy(d, s); act.HardSwish.Slice(d) }, "", 0),
		"MaxPool":            lowerPool(false),
		"AveragePool":        lowerPool(true),
		"GlobalAveragePool":  lowerGlobalPool(ops.GlobalAveragePool),
		"GlobalMaxPool":      lowerGlobalPool(ops.GlobalMaxPool),
		"Add":                lowerBinary(ops.AddOp),
		"Sub":                lowerBinary(ops.SubOp),
		"Mul":                lowerBinary(ops.MulOp),
		"Div":                lowerBinary(ops.DivOp),
		"MatMul":             lowerMatMul,
		"Gemm":               lowerGemm,
		"Softmax":            lowerSoftmax,
		"Concat":             lowerConcat,
		"Reshape":            lowerReshape,
		"Flatten":            lowerFlatten,
		"Identity":           lowerIdentity,
		"Dropout":            lowerIdentity,
	}
}

// Operators lists the supported ONNX operators.
func Operators() []string {
	out := make([]string, 0, len(lowerings))
	for k := range lowerings {
		out = append(out, k)
	}
	return out
}

func want(in []*value, n int) error {
	if len(in) != n {
		return fmt.Errorf("want %d inputs, got %d", n, len(in))
	}
	for _, v := range in {
		if v.ints != nil {
			return fmt.Errorf("%w: int64 tensor %q as data", ErrUnsupported, v.name())
		}
	}
	return nil
}

func single(n *Node) error {
	if len(n.outputs) != 1 {
		return fmt.Errorf("%w: %d outputs (only the first is computed)", ErrUnsupported, len(n.outputs))
	}
	return nil
}

// funcStep runs a closure over the state: for operations whose work is
// small next to a convolution.
type funcStep func(s *State)

func (f funcStep) run(s *State) { f(s) }

func unary(f func(dst, src []float32, a float32), attr string, def float32) func(*compiler, *Node, []*value) error {
	return func(c *compiler, n *Node, in []*value) error {
		if err := want(in, 1); err != nil {
			return err
		}
		if err := single(n); err != nil {
			return err
		}
		a := def
		if attr != "" {
			var err error
			if a, err = attrFloat(n.op, attr, def); err != nil {
				return err
			}
		}
		x := in[0]
		if err := c.work(n, float64(x.size())); err != nil {
			return err
		}
		y := c.define(n, x.shape)
		xs, ys := x.slot, y.slot
		c.emit(funcStep(func(s *State) { f(s.bufs[ys], s.bufs[xs], a) }), in, y)
		return nil
	}
}

func lowerHardSigmoid(c *compiler, n *Node, in []*value) error {
	at := attrsOf(n)
	alpha, beta := at.Float("alpha", 0.2), at.Float("beta", 0.5)
	if err := at.Err(); err != nil {
		return err
	}
	return unary(func(d, s []float32, _ float32) { act.HardSigmoid(d, s, alpha, beta) }, "", 0)(c, n, in)
}

// lowerClip is Clip with its bounds as attributes (opset 6 to 10): ReLU6
// is Clip(0, 6). Opset 11 moved the bounds to inputs, which this engine
// does not read.
func lowerClip(c *compiler, n *Node, in []*value) error {
	lo, hi, err := clipBounds(n)
	if err != nil {
		return err
	}
	if len(in) > 1 {
		return fmt.Errorf("%w: Clip with its bounds as inputs (opset 11 and later)", ErrUnsupported)
	}
	return unary(func(d, s []float32, _ float32) { ops.Clip(d, s, lo, hi) }, "", 0)(c, n, in)
}

// clipBounds is Clip's min and max attributes, by default the whole
// float32 range.
func clipBounds(n *Node) (lo, hi float32, err error) {
	at := attrsOf(n)
	lo, hi = at.Float("min", -math.MaxFloat32), at.Float("max", math.MaxFloat32)
	return lo, hi, at.Err()
}

func lowerBatchNorm(c *compiler, n *Node, in []*value) error {
	if err := want(in, 5); err != nil {
		return err
	}
	if err := single(n); err != nil {
		return err
	}
	x := in[0]
	if len(x.shape) < 2 {
		return fmt.Errorf("input %q has shape %v", x.name(), x.shape)
	}
	ch := x.shape[1]
	for _, p := range in[1:] {
		if p.size() != ch {
			return fmt.Errorf("%q has %d values for %d channels", p.name(), p.size(), ch)
		}
	}
	eps, err := attrFloat(n.op, "epsilon", 1e-5)
	if err != nil {
		return err
	}
	y := c.define(n, x.shape)
	batch, plane := x.shape[0], numel(x.shape[2:])
	sl := []int{x.slot, in[1].slot, in[2].slot, in[3].slot, in[4].slot, y.slot}
	c.emit(funcStep(func(s *State) {
		b := s.bufs
		ops.BatchNorm(b[sl[5]], b[sl[0]], b[sl[1]], b[sl[2]], b[sl[3]], b[sl[4]], batch, ch, plane, eps)
	}), in, y)
	return nil
}

func lowerPool(avg bool) func(*compiler, *Node, []*value) error {
	return func(c *compiler, n *Node, in []*value) error {
		if err := want(in, 1); err != nil {
			return err
		}
		if avg || len(n.outputs) > 2 {
			if err := single(n); err != nil {
				return err
			}
		}
		x := in[0]
		d := len(x.shape) - 2
		if d < 1 {
			return fmt.Errorf("input %q has shape %v, want [N C spatial...]", x.name(), x.shape)
		}
		at := attrsOf(n)
		k := at.Ints("kernel_shape", d, 0)
		strides := at.Ints("strides", d, 1)
		dil := at.Ints("dilations", d, 1)
		pads := at.Ints("pads", 2*d, 0)
		autoPad := at.String("auto_pad", "NOTSET")
		ceil := at.Int("ceil_mode", 0)
		countPad := at.Int("count_include_pad", 0)
		so := at.Int("storage_order", 0)
		if err := at.Err(); err != nil {
			return err
		}
		if so < 0 || so > 1 {
			return fmt.Errorf("storage_order %d", so)
		}
		out, begin, end, err := windows(x.shape[2:], k, strides, dil, pads, autoPad, ceil != 0)
		if err != nil {
			return err
		}
		g := &ops.Pool{In: x.shape[2:], Out: out, Kernel: k, Strides: strides, Dilations: dil,
			PadBegin: begin, PadEnd: end, CountPad: countPad != 0, ColumnMajor: so == 1}
		shape := append([]int{x.shape[0], x.shape[1]}, out...)
		if err := checkShape(n.name, shape); err != nil {
			return err
		}
		if err := c.work(n, float64(numel(shape))*float64(numel(k))); err != nil {
			return err
		}
		y := c.define(n, shape)
		planes, xs, ys := x.shape[0]*x.shape[1], x.slot, y.slot
		if len(n.outputs) == 2 {
			if x.size() > 1<<24 {
				return fmt.Errorf("%w: Indices of an input over 2^24 elements", ErrUnsupported)
			}
			ind := c.define(n.outputs[1], shape)
			ind.index = true
			is := ind.slot
			c.emit(funcStep(func(s *State) { ops.MaxPoolIndices(s.bufs[ys], s.bufs[is], s.bufs[xs], planes, g) }), in, y, ind)
			return nil
		}
		f := ops.MaxPool
		if avg {
			f = ops.AveragePool
		}
		c.emit(funcStep(func(s *State) { f(s.bufs[ys], s.bufs[xs], planes, g) }), in, y)
		return nil
	}
}

func lowerGlobalPool(f func(dst, src []float32, planes, plane int)) func(*compiler, *Node, []*value) error {
	return func(c *compiler, n *Node, in []*value) error {
		if err := want(in, 1); err != nil {
			return err
		}
		x := in[0]
		if len(x.shape) < 3 {
			return fmt.Errorf("input %q has shape %v", x.name(), x.shape)
		}
		shape := []int{x.shape[0], x.shape[1]}
		for range x.shape[2:] {
			shape = append(shape, 1)
		}
		y := c.define(n, shape)
		planes, plane, xs, ys := x.shape[0]*x.shape[1], numel(x.shape[2:]), x.slot, y.slot
		if plane == 0 {
			return fmt.Errorf("input %q has an empty plane", x.name())
		}
		c.emit(funcStep(func(s *State) { f(s.bufs[ys], s.bufs[xs], planes, plane) }), in, y)
		return nil
	}
}

// broadcastShape returns numpy's broadcast of a and b and the element
// strides of each, aligned right.
func broadcastShape(a, b []int) (shape, sa, sb []int, err error) {
	r := max(len(a), len(b))
	shape, sa, sb = make([]int, r), make([]int, r), make([]int, r)
	stA, stB := 1, 1
	for i := r - 1; i >= 0; i-- {
		da, db := 1, 1
		if j := i - (r - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (r - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			shape[i] = da
		case da == 1:
			shape[i] = db
		case db == 1:
			shape[i] = da
		default:
			return nil, nil, nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
		if da != 1 {
			sa[i] = stA
		}
		if db != 1 {
			sb[i] = stB
		}
		stA *= da
		stB *= db
	}
	return shape, sa, sb, nil
}

func lowerBinary(op ops.BinaryOp) func(*compiler, *Node, []*value) error {
	return func(c *compiler, n *Node, in []*value) error {
		if err := want(in, 2); err != nil {
			return err
		}
		if err := single(n); err != nil {
			return err
		}
		a, b := in[0], in[1]
		if op == ops.MulOp && c.channelScale(n, a, b) {
			return nil
		}
		bshape := b.shape
		// Opset 1-6 broadcasting: B's dimensions line up with A's from axis.
		at := attrsOf(n)
		if bc := at.Int("broadcast", 0); bc == 1 {
			axis := at.Int("axis", int64(len(a.shape)-len(b.shape)))
			if err := at.Err(); err != nil {
				return err
			}
			if axis < 0 || int(axis)+len(b.shape) > len(a.shape) {
				return fmt.Errorf("broadcast axis %d for shapes %v and %v", axis, a.shape, b.shape)
			}
			bshape = make([]int, len(a.shape))
			for i := range bshape {
				bshape[i] = 1
			}
			copy(bshape[axis:], b.shape)
		}
		if err := at.Err(); err != nil {
			return err
		}
		shape, sa, sb, err := broadcastShape(a.shape, bshape)
		if err != nil {
			return err
		}
		if err := checkShape(n.name, shape); err != nil {
			return err
		}
		if err := c.work(n, float64(numel(shape))); err != nil {
			return err
		}
		y := c.define(n, shape)
		g := &ops.Broadcast{Shape: shape, AStrides: sa, BStrides: sb, Op: op}
		as, bs, ys := a.slot, b.slot, y.slot
		if y.size() == 0 {
			c.emit(funcStep(func(*State) {}), in, y)
			return nil
		}
		c.emit(funcStep(func(s *State) { ops.Binary(s.bufs[ys], s.bufs[as], s.bufs[bs], g) }), in, y)
		return nil
	}
}

func lowerMatMul(c *compiler, n *Node, in []*value) error {
	if err := want(in, 2); err != nil {
		return err
	}
	a, b := in[0], in[1]
	as, bs := a.shape, b.shape
	if len(as) == 0 || len(bs) == 0 {
		return fmt.Errorf("scalar operand")
	}
	// numpy: a 1-D left operand is a row, a 1-D right one a column; the
	// added dimension is dropped from the result.
	dropRow, dropCol := len(as) == 1, len(bs) == 1
	if dropRow {
		as = []int{1, as[0]}
	}
	if dropCol {
		bs = []int{bs[0], 1}
	}
	M, K, K2, N := as[len(as)-2], as[len(as)-1], bs[len(bs)-2], bs[len(bs)-1]
	if K != K2 {
		return fmt.Errorf("shapes %v and %v do not multiply", a.shape, b.shape)
	}
	batch, sa, sb, err := broadcastShape(as[:len(as)-2], bs[:len(bs)-2])
	if err != nil {
		return err
	}
	shape := append(append([]int(nil), batch...), M, N)
	if err := checkShape(n.name, shape); err != nil {
		return err
	}
	out := append([]int(nil), batch...)
	if !dropRow {
		out = append(out, M)
	}
	if !dropCol {
		out = append(out, N)
	}
	if err := c.work(n, 2*float64(numel(shape))*float64(K)); err != nil {
		return err
	}
	y := c.define(n, out)
	nb := numel(batch)
	ys, aslot, bslot := y.slot, a.slot, b.slot
	c.emit(funcStep(func(s *State) {
		A, B, Y := s.bufs[aslot], s.bufs[bslot], s.bufs[ys]
		for i := 0; i < nb; i++ {
			// batch offset of each operand from the output batch index
			oa, ob, r := 0, 0, i
			for d := len(batch) - 1; d >= 0; d-- {
				k := r % batch[d]
				r /= batch[d]
				oa += k * sa[d]
				ob += k * sb[d]
			}
			ops.MatMul(Y[i*M*N:(i+1)*M*N], A[oa*M*K:(oa+1)*M*K], B[ob*K*N:(ob+1)*K*N], M, K, N)
		}
	}), in, y)
	return nil
}

func lowerGemm(c *compiler, n *Node, in []*value) error {
	if len(in) != 2 && len(in) != 3 {
		return fmt.Errorf("want 2 or 3 inputs, got %d", len(in))
	}
	if err := want(in, len(in)); err != nil {
		return err
	}
	a, b := in[0], in[1]
	if len(a.shape) != 2 || len(b.shape) != 2 {
		return fmt.Errorf("operands %v and %v, want matrices", a.shape, b.shape)
	}
	at := attrsOf(n)
	alpha, beta := at.Float("alpha", 1), at.Float("beta", 1)
	ta, tb := at.Int("transA", 0), at.Int("transB", 0)
	if err := at.Err(); err != nil {
		return err
	}
	M, K := a.shape[0], a.shape[1]
	if ta != 0 {
		M, K = K, M
	}
	K2, N := b.shape[0], b.shape[1]
	if tb != 0 {
		K2, N = N, K2
	}
	if K != K2 {
		return fmt.Errorf("shapes %v and %v do not multiply (transA %d, transB %d)", a.shape, b.shape, ta, tb)
	}
	shape := []int{M, N}
	if err := checkShape(n.name, shape); err != nil {
		return err
	}
	if err := c.work(n, 2*float64(M)*float64(N)*float64(K)); err != nil {
		return err
	}
	cs := -1
	var sc []int
	if len(in) == 3 {
		bshape, s1, s2, err := broadcastShape(shape, in[2].shape)
		if err != nil || !slices.Equal(bshape, shape) {
			return fmt.Errorf("bias %q of shape %v does not broadcast to %v", in[2].name(), in[2].shape, shape)
		}
		_ = s1
		sc, cs = s2, in[2].slot
	}
	y := c.define(n, shape)
	as, bs, ys := a.slot, b.slot, y.slot
	c.emit(funcStep(func(s *State) {
		A, B, Y := s.bufs[as], s.bufs[bs], s.bufs[ys]
		for i := 0; i < M; i++ {
			for j := 0; j < N; j++ {
				var acc float32
				for k := 0; k < K; k++ {
					var av, bv float32
					if ta != 0 {
						av = A[k*a.shape[1]+i]
					} else {
						av = A[i*a.shape[1]+k]
					}
					if tb != 0 {
						bv = B[j*b.shape[1]+k]
					} else {
						bv = B[k*b.shape[1]+j]
					}
					acc += av * bv
				}
				acc *= alpha
				if cs >= 0 {
					acc += beta * s.bufs[cs][i*sc[0]+j*sc[1]]
				}
				Y[i*N+j] = acc
			}
		}
	}), in, y)
	return nil
}

func axisArg(n *Node, rank int, def int64, allowRank bool) (int, error) {
	axis, err := attrInt(n.op, "axis", def)
	if err != nil {
		return 0, err
	}
	if axis < 0 {
		axis += int64(rank)
	}
	hi := int64(rank)
	if !allowRank {
		hi--
	}
	if axis < 0 || axis > hi {
		return 0, fmt.Errorf("axis %d for rank %d", axis, rank)
	}
	return int(axis), nil
}

func lowerSoftmax(c *compiler, n *Node, in []*value) error {
	if err := want(in, 1); err != nil {
		return err
	}
	x := in[0]
	axis, err := axisArg(n, len(x.shape), 1, false)
	if err != nil {
		return err
	}
	rows, cols := numel(x.shape[:axis]), numel(x.shape[axis:])
	if err := c.work(n, 4*float64(x.size())); err != nil {
		return err
	}
	y := c.define(n, x.shape)
	xs, ys := x.slot, y.slot
	c.emit(funcStep(func(s *State) { ops.Softmax(s.bufs[ys], s.bufs[xs], rows, cols) }), in, y)
	return nil
}

func lowerConcat(c *compiler, n *Node, in []*value) error {
	if len(in) == 0 {
		return fmt.Errorf("no inputs")
	}
	if err := want(in, len(in)); err != nil {
		return err
	}
	rank := len(in[0].shape)
	axis, err := axisArg(n, rank, 1<<40, false)
	if err != nil {
		return err
	}
	shape := append([]int(nil), in[0].shape...)
	shape[axis] = 0
	for _, v := range in {
		if len(v.shape) != rank {
			return fmt.Errorf("input %q has shape %v, first %v", v.name(), v.shape, in[0].shape)
		}
		for d := range v.shape {
			if d != axis && v.shape[d] != in[0].shape[d] {
				return fmt.Errorf("input %q has shape %v, first %v", v.name(), v.shape, in[0].shape)
			}
		}
		shape[axis] += v.shape[axis]
	}
	if err := checkShape(n.name, shape); err != nil {
		return err
	}
	y := c.define(n, shape)
	outer, inner := numel(shape[:axis]), numel(shape[axis+1:])
	slots := make([]int, len(in))
	widths := make([]int, len(in))
	for i, v := range in {
		slots[i], widths[i] = v.slot, v.shape[axis]*inner
	}
	total, ys := shape[axis]*inner, y.slot
	c.emit(funcStep(func(s *State) {
		Y := s.bufs[ys]
		for o := 0; o < outer; o++ {
			at := o * total
			for i, sl := range slots {
				w := widths[i]
				copy(Y[at:at+w], s.bufs[sl][o*w:(o+1)*w])
				at += w
			}
		}
	}), in, y)
	return nil
}

func lowerReshape(c *compiler, n *Node, in []*value) error {
	if len(in) == 0 || len(in) > 2 || in[0].ints != nil {
		return fmt.Errorf("want a float input and a shape")
	}
	x := in[0]
	var spec []int64
	if len(in) == 2 {
		if in[1].ints == nil {
			return fmt.Errorf("%w: shape %q must be an int64 initializer", ErrUnsupported, in[1].name())
		}
		spec = in[1].ints
	} else {
		s, err := attrInts(n.op, "shape", -1, 0)
		if err != nil || s == nil {
			return fmt.Errorf("no shape")
		}
		for _, v := range s {
			spec = append(spec, int64(v))
		}
	}
	if len(spec) > maxRank {
		return fmt.Errorf("%w: shape of rank %d", ErrUnsupported, len(spec))
	}
	shape := make([]int, len(spec))
	infer, known := -1, 1
	for i, d := range spec {
		switch {
		case d == 0:
			if i >= len(x.shape) {
				return fmt.Errorf("shape %v copies dimension %d of %v", spec, i, x.shape)
			}
			shape[i] = x.shape[i]
		case d == -1:
			if infer >= 0 {
				return fmt.Errorf("shape %v has two -1", spec)
			}
			infer = i
			continue
		case d < 0 || d > MaxElements:
			return fmt.Errorf("shape %v", spec)
		default:
			shape[i] = int(d)
		}
		if shape[i] > 0 && known > MaxElements/shape[i] {
			return fmt.Errorf("shape %v is too large", spec)
		}
		known *= shape[i]
	}
	if infer >= 0 {
		if known == 0 || x.size()%known != 0 {
			return fmt.Errorf("cannot reshape %v to %v", x.shape, spec)
		}
		shape[infer] = x.size() / known
	}
	if numel(shape) != x.size() {
		return fmt.Errorf("cannot reshape %v to %v", x.shape, spec)
	}
	c.alias(n, x, shape)
	return nil
}

func lowerFlatten(c *compiler, n *Node, in []*value) error {
	if err := want(in, 1); err != nil {
		return err
	}
	x := in[0]
	axis, err := axisArg(n, len(x.shape), 1, true)
	if err != nil {
		return err
	}
	c.alias(n, x, []int{numel(x.shape[:axis]), numel(x.shape[axis:])})
	return nil
}

func lowerIdentity(c *compiler, n *Node, in []*value) error {
	if len(in) != 1 {
		return fmt.Errorf("want 1 input, got %d", len(in))
	}
	if err := single(n); err != nil {
		return err
	}
	if n.op.Name == "Dropout" {
		if r, err := attrFloat(n.op, "ratio", 0.5); err != nil || r < 0 || r >= 1 {
			return fmt.Errorf("ratio %v (%v)", r, err)
		}
	}
	c.alias(n, in[0], in[0].shape)
	return nil
}
