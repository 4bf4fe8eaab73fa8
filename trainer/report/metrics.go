package report

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Errors returned by Compute and FromConfusion; test them with errors.Is.
var (
	ErrEmpty          = errors.New("report: no samples")
	ErrLengthMismatch = errors.New("report: truth and prediction lengths differ")
	ErrLabelRange     = errors.New("report: label out of range")
	ErrClasses        = errors.New("report: bad class list")
	ErrConfusion      = errors.New("report: bad confusion matrix")
)

// ClassMetrics holds one class's one-vs-rest figures.
//
// Precision is undefined when the class was never predicted and recall is
// undefined when it never occurs in the truth (zero support). Both are then
// reported as 0, as scikit-learn's zero_division=0 does, and flagged so that a
// reader can tell "0 because wrong" from "0 because there was nothing to
// measure".
type ClassMetrics struct {
	Class              string  `json:"class"`
	Precision          float64 `json:"precision"`
	Recall             float64 `json:"recall"`
	F1                 float64 `json:"f1"`
	Support            int     `json:"support"`   // samples whose true class is this one
	Predicted          int     `json:"predicted"` // samples predicted as this class
	PrecisionUndefined bool    `json:"precision_undefined,omitempty"`
	RecallUndefined    bool    `json:"recall_undefined,omitempty"`
}

// Metrics summarises predictions for K classes. All rates are fractions in
// [0, 1].
type Metrics struct {
	Classes []string `json:"classes"`
	// Confusion[t][p] counts samples of true class t predicted as class p.
	Confusion [][]int `json:"confusion"`
	Total     int     `json:"total"`
	Accuracy  float64 `json:"accuracy"`
	// AccuracyCI95 is a 95% bootstrap interval on Accuracy (percentile
	// method, resampling the test images): small test splits make the
	// point value alone misleading.
	AccuracyCI95 [2]float64     `json:"accuracy_ci95"`
	PerClass     []ClassMetrics `json:"per_class"`
	// Macro averages are unweighted means over all K classes, undefined
	// values counting as 0 (scikit-learn's convention, so numbers can be
	// compared with papers that used it). MacroF1 is the mean of the
	// per-class F1 scores, not the F1 of the macro precision and recall.
	MacroPrecision float64 `json:"macro_precision"`
	MacroRecall    float64 `json:"macro_recall"`
	MacroF1        float64 `json:"macro_f1"`
	// Warnings lists every undefined figure in words; empty when all are
	// defined.
	Warnings []string `json:"warnings,omitempty"`
	// Calibration and Attention are filled by evaluations that have the
	// probabilities and attention maps, not by Compute.
	Calibration *Calibration `json:"calibration,omitempty"`
	Attention   *Attention   `json:"attention,omitempty"`
}

// Compute builds the metrics for predictions pred of samples whose true
// classes are truth; both hold indices into classes.
func Compute(classes []string, truth, pred []int) (*Metrics, error) {
	if err := checkClasses(classes); err != nil {
		return nil, err
	}
	if len(truth) != len(pred) {
		return nil, fmt.Errorf("%w: %d true labels, %d predictions", ErrLengthMismatch, len(truth), len(pred))
	}
	if len(truth) == 0 {
		return nil, ErrEmpty
	}
	k := len(classes)
	conf := newMatrix(k)
	for i := range truth {
		t, p := truth[i], pred[i]
		if t < 0 || t >= k {
			return nil, fmt.Errorf("%w: true label %d at sample %d (want 0..%d)", ErrLabelRange, t, i, k-1)
		}
		if p < 0 || p >= k {
			return nil, fmt.Errorf("%w: predicted label %d at sample %d (want 0..%d)", ErrLabelRange, p, i, k-1)
		}
		conf[t][p]++
	}
	return fromCounts(classes, conf), nil
}

// FromConfusion builds the metrics from a K x K confusion matrix
// (confusion[true][predicted]), for callers that accumulate counts instead of
// keeping every label. The matrix is copied.
func FromConfusion(classes []string, confusion [][]int) (*Metrics, error) {
	if err := checkClasses(classes); err != nil {
		return nil, err
	}
	k := len(classes)
	if len(confusion) != k {
		return nil, fmt.Errorf("%w: %d rows for %d classes", ErrConfusion, len(confusion), k)
	}
	conf := newMatrix(k)
	total := 0
	for t, row := range confusion {
		if len(row) != k {
			return nil, fmt.Errorf("%w: row %d has %d columns for %d classes", ErrConfusion, t, len(row), k)
		}
		for p, n := range row {
			if n < 0 {
				return nil, fmt.Errorf("%w: negative count %d at [%d][%d]", ErrConfusion, n, t, p)
			}
			// Guard the sum: counts near MaxInt would wrap and make every
			// rate nonsense.
			if total > maxTotal-n {
				return nil, fmt.Errorf("%w: counts too large", ErrConfusion)
			}
			total += n
			conf[t][p] = n
		}
	}
	if total == 0 {
		return nil, ErrEmpty
	}
	return fromCounts(classes, conf), nil
}

const maxTotal = 1 << 52 // counts stay exact as float64

func checkClasses(classes []string) error {
	if len(classes) == 0 {
		return fmt.Errorf("%w: no classes", ErrClasses)
	}
	seen := make(map[string]bool, len(classes))
	for i, c := range classes {
		if c == "" {
			return fmt.Errorf("%w: class %d has an empty name", ErrClasses, i)
		}
		if seen[c] {
			return fmt.Errorf("%w: class %q listed twice", ErrClasses, c)
		}
		seen[c] = true
	}
	return nil
}

func newMatrix(k int) [][]int {
	cells := make([]int, k*k)
	m := make([][]int, k)
	for i := range m {
		m[i] = cells[i*k : (i+1)*k : (i+1)*k]
	}
	return m
}

// fromCounts derives every figure from a validated, non-empty matrix.
func fromCounts(classes []string, conf [][]int) *Metrics {
	k := len(classes)
	m := &Metrics{
		Classes:   append([]string(nil), classes...),
		Confusion: conf,
		PerClass:  make([]ClassMetrics, k),
	}
	predicted := make([]int, k)
	correct := 0
	for t := 0; t < k; t++ {
		for p := 0; p < k; p++ {
			m.Total += conf[t][p]
			predicted[p] += conf[t][p]
		}
		correct += conf[t][t]
	}
	m.Accuracy = float64(correct) / float64(m.Total)
	m.AccuracyCI95 = bootstrapAccuracy(correct, m.Total)

	for c := 0; c < k; c++ {
		support := 0
		for p := 0; p < k; p++ {
			support += conf[c][p]
		}
		tp := conf[c][c]
		cm := ClassMetrics{Class: classes[c], Support: support, Predicted: predicted[c]}
		if predicted[c] == 0 {
			cm.PrecisionUndefined = true
			m.Warnings = append(m.Warnings, fmt.Sprintf("%s: never predicted, precision undefined (reported as 0)", classes[c]))
		} else {
			cm.Precision = float64(tp) / float64(predicted[c])
		}
		if support == 0 {
			cm.RecallUndefined = true
			m.Warnings = append(m.Warnings, fmt.Sprintf("%s: no true samples (zero support), recall undefined (reported as 0)", classes[c]))
		} else {
			cm.Recall = float64(tp) / float64(support)
		}
		if s := cm.Precision + cm.Recall; s > 0 {
			cm.F1 = 2 * cm.Precision * cm.Recall / s
		}
		m.PerClass[c] = cm
		m.MacroPrecision += cm.Precision
		m.MacroRecall += cm.Recall
		m.MacroF1 += cm.F1
	}
	m.MacroPrecision /= float64(k)
	m.MacroRecall /= float64(k)
	m.MacroF1 /= float64(k)
	return m
}

// bootstrapRounds is the number of resamples behind AccuracyCI95.
const bootstrapRounds = 2000

// bootstrapAccuracy resamples n images with replacement from a set with
// `correct` right answers: each draw is right with probability correct/n.
// The seed is fixed so that the same predictions give the same interval.
func bootstrapAccuracy(correct, n int) [2]float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	p := float64(correct) / float64(n)
	acc := make([]float64, bootstrapRounds)
	for r := range acc {
		hits := 0
		for range n {
			if rng.Float64() < p {
				hits++
			}
		}
		acc[r] = float64(hits) / float64(n)
	}
	slices.Sort(acc)
	return [2]float64{acc[bootstrapRounds*25/1000], acc[bootstrapRounds*975/1000-1]}
}
