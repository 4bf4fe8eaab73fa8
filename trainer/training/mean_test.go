package training

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// An ensemble's answer is the mean of its models' answers, network by
// network, decided by the hierarchy on the means; models of different
// input sides each see the image decoded for their side.
func TestEvaluateEnsemble(t *testing.T) {
	var log strings.Builder
	res, err := Run(context.Background(), tinyConfig(t.TempDir()), Options{Progress: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	tiny := openModel(t, res.ModelPath) // 16 px
	def, err := model.Default()         // 64 px
	if err != nil {
		t.Fatal(err)
	}
	samples := realSamples(t, 2, model.Round, model.InBetween, model.Cigar, model.EdgeOn, model.Spiral)
	ens, err := EvaluateWith(def, samples, EvalOptions{Members: []*model.Classifier{tiny}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	alone := map[*model.Classifier]*Evaluation{}
	for _, m := range []*model.Classifier{def, tiny} {
		if alone[m], err = Evaluate(m, samples, nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(ens.Predictions) != len(samples) {
		t.Fatalf("%d predictions for %d samples", len(ens.Predictions), len(samples))
	}
	differs := false
	for i, p := range ens.Predictions {
		pd, pt := alone[def].Predictions[i], alone[tiny].Predictions[i]
		var a [model.NumA]float32
		var b [model.NumB]float32
		for k := range a {
			a[k] = (pd.A[k] + pt.A[k]) / 2
			differs = differs || math.Abs(float64(pd.A[k]-pt.A[k])) > 1e-3
		}
		for k := range b {
			b[k] = (pd.B[k] + pt.B[k]) / 2
		}
		for k := range a {
			if math.Abs(float64(p.A[k]-a[k])) > 1e-6 {
				t.Fatalf("%s: A %v, the mean of %v and %v is %v", samples[i].Path, p.A, pd.A, pt.A, a)
			}
		}
		for k := range b {
			if math.Abs(float64(p.B[k]-b[k])) > 1e-6 {
				t.Fatalf("%s: B %v, the mean is %v", samples[i].Path, p.B, b)
			}
		}
		if p.Label != model.Decide(a, b) || p.Probabilities != model.Combine(a, b) {
			t.Fatalf("%s: label %v, probabilities %v: not decided on the means", samples[i].Path, p.Label, p.Probabilities)
		}
	}
	if !differs {
		t.Fatal("the two models answer alike: the test cannot tell a mean from either")
	}
}
