package hiwlnet

// SGD is stochastic gradient descent with momentum and weight decay, the
// paper's optimiser, written out so that its state can be checkpointed and
// the learning rate changed per step (cosine schedule).
type SGD struct {
	LR          float64
	Momentum    float64
	WeightDecay float64
	Velocity    map[string][]float32
}

// NewSGD returns an optimiser with empty momentum buffers.
func NewSGD(lr, momentum, weightDecay float64) *SGD {
	return &SGD{LR: lr, Momentum: momentum, WeightDecay: weightDecay, Velocity: map[string][]float32{}}
}

// Update applies one step: v = mu*v + g + wd*w; w -= lr*v (PyTorch's form).
// Batch-norm running statistics are not learnable and are skipped.
func (s *SGD) Update(p Params, grads map[string][]float32) {
	lr, mu, wd := float32(s.LR), float32(s.Momentum), float32(s.WeightDecay)
	for name, g := range grads {
		w := p[name].Float32s()
		v := s.Velocity[name]
		if v == nil {
			v = make([]float32, len(w))
			s.Velocity[name] = v
		}
		for i := range w {
			v[i] = mu*v[i] + g[i] + wd*w[i]
			w[i] -= lr * v[i]
		}
	}
}
