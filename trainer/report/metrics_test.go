package report

import (
	"errors"
	"math"
	"math/rand"
	"testing"
)

// galaxyClasses are the five HIWL classes in model.Classes order.
var galaxyClasses = []string{"completely round smooth", "in-between smooth", "cigar-shaped smooth", "edge-on", "spiral"}

// expand turns a confusion matrix into shuffled (truth, pred) pairs, so that
// Compute is checked against counts written by hand rather than against
// itself.
func expand(conf [][]int, seed int64) (truth, pred []int) {
	for t, row := range conf {
		for p, n := range row {
			for i := 0; i < n; i++ {
				truth = append(truth, t)
				pred = append(pred, p)
			}
		}
	}
	r := rand.New(rand.NewSource(seed))
	r.Shuffle(len(truth), func(i, j int) {
		truth[i], truth[j] = truth[j], truth[i]
		pred[i], pred[j] = pred[j], pred[i]
	})
	return truth, pred
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

func TestComputeKnownMatrix(t *testing.T) {
	// Worked by hand:
	//            pred a  b  c   support
	//   true a       5  1  0    6
	//   true b       2  3  1    6
	//   true c       0  0  4    4
	//   predicted    7  4  5    16, correct 12
	conf := [][]int{{5, 1, 0}, {2, 3, 1}, {0, 0, 4}}
	truth, pred := expand(conf, 1)
	m, err := Compute([]string{"a", "b", "c"}, truth, pred)
	if err != nil {
		t.Fatal(err)
	}
	for i := range conf {
		for j := range conf {
			if m.Confusion[i][j] != conf[i][j] {
				t.Fatalf("confusion = %v, want %v", m.Confusion, conf)
			}
		}
	}
	if m.Total != 16 {
		t.Errorf("total = %d, want 16", m.Total)
	}
	near(t, "accuracy", m.Accuracy, 12.0/16)
	want := []struct {
		p, r, f1   float64
		sup, npred int
	}{
		{5.0 / 7, 5.0 / 6, 10.0 / 13, 6, 7}, // F1 = 2TP/(2TP+FP+FN) = 10/13
		{3.0 / 4, 3.0 / 6, 3.0 / 5, 6, 4},   // 6/10
		{4.0 / 5, 4.0 / 4, 8.0 / 9, 4, 5},   // 8/9
	}
	for i, w := range want {
		c := m.PerClass[i]
		near(t, c.Class+" precision", c.Precision, w.p)
		near(t, c.Class+" recall", c.Recall, w.r)
		near(t, c.Class+" F1", c.F1, w.f1)
		if c.Support != w.sup || c.Predicted != w.npred {
			t.Errorf("%s support/predicted = %d/%d, want %d/%d", c.Class, c.Support, c.Predicted, w.sup, w.npred)
		}
		if c.PrecisionUndefined || c.RecallUndefined {
			t.Errorf("%s flagged undefined", c.Class)
		}
	}
	near(t, "macro precision", m.MacroPrecision, 317.0/420) // (100+105+112)/140/3
	near(t, "macro recall", m.MacroRecall, 7.0/9)           // (5+3+6)/6/3
	near(t, "macro F1", m.MacroF1, 1321.0/1755)             // (450+351+520)/585/3
	if len(m.Warnings) != 0 {
		t.Errorf("warnings = %q, want none", m.Warnings)
	}

	// The same matrix given as counts gives the same report.
	m2, err := FromConfusion([]string{"a", "b", "c"}, conf)
	if err != nil {
		t.Fatal(err)
	}
	if !equalMetrics(m, m2) {
		t.Errorf("FromConfusion = %+v, Compute = %+v", m2, m)
	}
}

func TestComputeGalaxyExample(t *testing.T) {
	// An imbalanced five-class set like Galaxy Zoo's, cigar rare and weak.
	conf := [][]int{
		{97, 3, 0, 0, 0}, // round: recall 0.97
		{4, 90, 2, 1, 3}, // in-between: 0.90
		{0, 3, 6, 1, 0},  // cigar: 0.60
		{0, 0, 1, 48, 1}, // edge-on: 0.96
		{0, 2, 0, 0, 98}, // spiral: 0.98
	}
	m, err := FromConfusion(galaxyClasses, conf)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "accuracy", m.Accuracy, 339.0/360)
	near(t, "cigar recall", m.PerClass[2].Recall, 0.6)
	near(t, "cigar precision", m.PerClass[2].Precision, 6.0/9)
	near(t, "macro recall", m.MacroRecall, (0.97+0.90+0.60+0.96+0.98)/5)
	// Macro recall is well below accuracy here: the point of reporting it.
	if m.MacroRecall >= m.Accuracy {
		t.Errorf("macro recall %g not below accuracy %g", m.MacroRecall, m.Accuracy)
	}
}

func TestZeroSupportAndNeverPredicted(t *testing.T) {
	//            pred a  b  c   support
	//   true a       3  0  1    4
	//   true b       1  0  0    1   never predicted: precision undefined
	//   true c       0  0  0    0   no support: recall undefined
	truth := []int{0, 0, 0, 0, 1}
	pred := []int{0, 0, 2, 0, 0}
	m, err := Compute([]string{"a", "b", "c"}, truth, pred)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "accuracy", m.Accuracy, 3.0/5)
	a, b, c := m.PerClass[0], m.PerClass[1], m.PerClass[2]
	near(t, "a precision", a.Precision, 0.75)
	near(t, "a recall", a.Recall, 0.75)
	near(t, "a F1", a.F1, 0.75)
	if a.PrecisionUndefined || a.RecallUndefined {
		t.Error("a flagged undefined")
	}
	if !b.PrecisionUndefined || b.RecallUndefined || b.Precision != 0 || b.Recall != 0 || b.F1 != 0 {
		t.Errorf("b = %+v, want precision undefined (0), recall 0", b)
	}
	if c.PrecisionUndefined || !c.RecallUndefined || c.Precision != 0 || c.Recall != 0 || c.F1 != 0 || c.Support != 0 {
		t.Errorf("c = %+v, want recall undefined (0), precision 0", c)
	}
	near(t, "macro precision", m.MacroPrecision, 0.25)
	near(t, "macro recall", m.MacroRecall, 0.25)
	near(t, "macro F1", m.MacroF1, 0.25)
	if len(m.Warnings) != 2 {
		t.Errorf("warnings = %q, want 2", m.Warnings)
	}

	// A class that is neither present nor predicted gets both flags.
	m, err = Compute([]string{"x", "y"}, []int{0, 0}, []int{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	if y := m.PerClass[1]; !y.PrecisionUndefined || !y.RecallUndefined {
		t.Errorf("y = %+v, want both undefined", y)
	}
	near(t, "macro recall", m.MacroRecall, 0.5)
}

func TestComputeErrors(t *testing.T) {
	three := []string{"a", "b", "c"}
	for _, tc := range []struct {
		name        string
		classes     []string
		truth, pred []int
		want        error
	}{
		{"empty", three, nil, nil, ErrEmpty},
		{"empty slices", three, []int{}, []int{}, ErrEmpty},
		{"length mismatch", three, []int{0, 1}, []int{0}, ErrLengthMismatch},
		{"truth too large", three, []int{0, 3}, []int{0, 1}, ErrLabelRange},
		{"truth negative", three, []int{-1}, []int{0}, ErrLabelRange},
		{"pred too large", three, []int{0}, []int{7}, ErrLabelRange},
		{"pred negative", three, []int{0}, []int{-2}, ErrLabelRange},
		{"no classes", nil, []int{0}, []int{0}, ErrClasses},
		{"duplicate class", []string{"a", "a"}, []int{0}, []int{0}, ErrClasses},
		{"empty class name", []string{"a", ""}, []int{0}, []int{0}, ErrClasses},
	} {
		m, err := Compute(tc.classes, tc.truth, tc.pred)
		if !errors.Is(err, tc.want) || m != nil {
			t.Errorf("%s: got %v, %v; want error %v", tc.name, m, err, tc.want)
		}
	}
}

func TestFromConfusionErrors(t *testing.T) {
	two := []string{"a", "b"}
	for _, tc := range []struct {
		name string
		conf [][]int
		want error
	}{
		{"all zero", [][]int{{0, 0}, {0, 0}}, ErrEmpty},
		{"too few rows", [][]int{{1, 0}}, ErrConfusion},
		{"ragged", [][]int{{1, 0}, {1}}, ErrConfusion},
		{"negative", [][]int{{1, -1}, {0, 2}}, ErrConfusion},
		{"overflow", [][]int{{math.MaxInt, 0}, {0, math.MaxInt}}, ErrConfusion},
		{"nil", nil, ErrConfusion},
	} {
		m, err := FromConfusion(two, tc.conf)
		if !errors.Is(err, tc.want) || m != nil {
			t.Errorf("%s: got %v, %v; want error %v", tc.name, m, err, tc.want)
		}
	}
}

func TestComputeCopiesInput(t *testing.T) {
	classes := []string{"a", "b"}
	conf := [][]int{{1, 0}, {0, 1}}
	m, err := FromConfusion(classes, conf)
	if err != nil {
		t.Fatal(err)
	}
	classes[0] = "changed"
	conf[0][0] = 100
	if m.Classes[0] != "a" || m.Confusion[0][0] != 1 {
		t.Errorf("metrics share the caller's slices: %v %v", m.Classes, m.Confusion)
	}
}

// The bootstrap interval brackets the accuracy, is about as wide as the
// binomial standard error says (±1.96·sqrt(p(1-p)/n) ≈ ±5.9 pp for 90 of
// 100), and collapses when every answer is right.
func TestAccuracyInterval(t *testing.T) {
	ci := bootstrapAccuracy(90, 100)
	if !(ci[0] < 0.9 && 0.9 < ci[1]) || ci[0] < 0.82 || ci[0] > 0.86 || ci[1] < 0.94 || ci[1] > 0.97 {
		t.Fatalf("interval %v for 90/100", ci)
	}
	if ci := bootstrapAccuracy(50, 50); ci != [2]float64{1, 1} {
		t.Fatalf("interval %v for 50/50", ci)
	}
	if bootstrapAccuracy(90, 100) != ci {
		t.Fatal("same counts, different interval")
	}
}
