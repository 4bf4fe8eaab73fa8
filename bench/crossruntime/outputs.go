package crossruntime

import (
	"fmt"
	"math"

	"github.com/hiwl/hiwl/model"
)

// Output is what the runtimes are compared on: both networks'
// probabilities and the five final ones.
type Output struct {
	A [model.NumA]float32
	B [model.NumB]float32
	P [model.NumClasses]float32
}

// FromPrediction takes the compared values of a native prediction.
func FromPrediction(p *model.Prediction) Output {
	return Output{A: p.A, B: p.B, P: p.Probabilities}
}

// RawOutput is one answer as a Node or Chromium script reports it: the
// networks' probabilities (onnxruntime) or a model.Result (hiwl's runtimes).
type RawOutput struct {
	A      []float32     `json:"a,omitempty"`
	B      []float32     `json:"b,omitempty"`
	Result *model.Result `json:"result,omitempty"`
}

// Output converts a raw answer. For onnxruntime the five probabilities are
// model.Combine of its A and B; hiwl's runtimes report their own, and
// every value must be present.
func (r RawOutput) Output() (Output, error) {
	var o Output
	if r.Result == nil {
		if len(r.A) != model.NumA || len(r.B) != model.NumB {
			return o, fmt.Errorf("answer has %d and %d probabilities, want %d and %d", len(r.A), len(r.B), model.NumA, model.NumB)
		}
		copy(o.A[:], r.A)
		copy(o.B[:], r.B)
		o.P = model.Combine(o.A, o.B)
		return o, nil
	}
	get := func(m map[string]float32, key string) (float32, error) {
		v, ok := m[key]
		if !ok {
			return 0, fmt.Errorf("answer has no %q", key)
		}
		return v, nil
	}
	var err error
	for i, c := range model.Classes {
		if o.P[i], err = get(r.Result.Probabilities, c.Slug()); err != nil {
			return o, err
		}
	}
	for i, n := range model.ANames {
		if o.A[i], err = get(r.Result.Hierarchy.A, n); err != nil {
			return o, err
		}
	}
	for i, n := range model.BNames {
		if o.B[i], err = get(r.Result.Hierarchy.B, n); err != nil {
			return o, err
		}
	}
	return o, nil
}

// MaxDiff is the largest absolute difference over all eleven values; NaN
// anywhere gives +Inf so that it never passes a tolerance.
func MaxDiff(x, y Output) float64 {
	d := 0.0
	add := func(a, b float32) {
		v := math.Abs(float64(a) - float64(b))
		if math.IsNaN(v) {
			v = math.Inf(1)
		}
		d = max(d, v)
	}
	for i := range x.A {
		add(x.A[i], y.A[i])
	}
	for i := range x.B {
		add(x.B[i], y.B[i])
	}
	for i := range x.P {
		add(x.P[i], y.P[i])
	}
	return d
}

// Outputs converts every answer of a measurement; a missing answer is an
// error.
func (m *Measurement) Outputs() ([]Output, error) {
	out := make([]Output, len(m.Raw))
	for i, r := range m.Raw {
		if r == nil {
			return nil, fmt.Errorf("no answer for image %d", i)
		}
		o, err := r.Output()
		if err != nil {
			return nil, fmt.Errorf("image %d: %w", i, err)
		}
		out[i] = o
	}
	return out, nil
}

// ModelVersions lists the distinct model_version values hiwl's runtimes
// reported (none for onnxruntime).
func (m *Measurement) ModelVersions() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range m.Raw {
		if r != nil && r.Result != nil && !seen[r.Result.ModelVersion] {
			seen[r.Result.ModelVersion] = true
			out = append(out, r.Result.ModelVersion)
		}
	}
	return out
}

// Tolerance is the largest difference allowed between runtimes on any
// probability.
const Tolerance = 1e-4
