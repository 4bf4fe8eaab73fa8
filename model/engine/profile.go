package engine

import (
	"time"

	"github.com/hiwl/hiwl/model/engine/internal/avx"
)

// StepName names step i (0 <= i < Steps()) by the graph node whose value
// it writes: for a convolution with its batch normalisation, residual Add
// and Relu fused in, the last of those.
func (p *Plan) StepName(i int) string { return p.names[i] }

// Profile runs the plan as Run does and adds each step's wall time to
// times[i], which must hold Steps() durations: to see where a run's time
// goes, layer by layer (BenchmarkDefaultModelSteps). The clock reads cost
// a little per step, so Run is the way to run.
func (s *State) Profile(times []time.Duration) {
	times = times[:len(s.plan.steps)]
	for i, st := range s.plan.steps {
		t0 := time.Now()
		st.run(s)
		avx.ClearUpper() // as Run does
		times[i] += time.Since(t0)
	}
}
