package catalogue

import (
	"context"
	"encoding/json"
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/hiwl/hiwl/model"
)

func init() {
	register.Combiner2[Summary, Row](&summaryFn{})
	register.DoFn3x1[context.Context, []byte, func(*Summary) bool, error](&writeSummaryFn{})
	register.Iter1[Summary]()
}

// HistogramBins is the number of equal bins of the top-probability
// histogram over [0, 1]. The top of five probabilities is at least 0.2, so
// the first two bins stay empty; they are kept so that bin i always covers
// [i/10, (i+1)/10).
const HistogramBins = 10

// Summary is the small output beside the shards (PREFIX-summary.json):
// how many images, how many failed, how many of each class, and the
// histogram of the highest probability of each classified image.
type Summary struct {
	Images       int64            `json:"images"`
	Failures     int64            `json:"failures"`
	Classes      map[string]int64 `json:"classes"`
	TopHistogram []int64          `json:"top_probability_histogram"`
	// ModelVersion is the model's version ("" with no rows).
	ModelVersion string `json:"model_version"`
}

func newSummary() Summary {
	s := Summary{Classes: map[string]int64{}, TopHistogram: make([]int64, HistogramBins)}
	for _, c := range model.Classes {
		s.Classes[c.Slug()] = 0
	}
	return s
}

// topBin is the histogram bin of a top probability (1.0 goes to the last).
func topBin(p float32) int {
	return min(HistogramBins-1, max(0, int(math.Floor(float64(p)*HistogramBins))))
}

// summaryFn is the combine that builds the Summary.
type summaryFn struct{}

func (summaryFn) CreateAccumulator() Summary { return newSummary() }

func (summaryFn) AddInput(s Summary, r Row) Summary {
	s.Images++
	if r.Failed() {
		s.Failures++
	} else {
		s.Classes[r.Label]++
		s.TopHistogram[topBin(r.Top)]++
	}
	if v := r.Record[1+model.CSVModelVersion]; v != "" {
		s.ModelVersion = v
	}
	return s
}

func (summaryFn) MergeAccumulators(a, b Summary) Summary {
	a.Images += b.Images
	a.Failures += b.Failures
	for k, v := range b.Classes {
		a.Classes[k] += v
	}
	for i, v := range b.TopHistogram {
		a.TopHistogram[i] += v
	}
	if a.ModelVersion == "" {
		a.ModelVersion = b.ModelVersion
	}
	return a
}

// SummaryName is the summary's file.
func SummaryName(prefix string) string { return prefix + "-summary.json" }

// writeSummary writes the summary of rows, zeros included when there are
// none (a global combine of nothing gives nothing, so the summary is a
// side input of a single impulse).
func writeSummary(s beam.Scope, rows beam.PCollection, prefix string) {
	s = s.Scope("WriteSummary")
	sum := beam.Combine(s, &summaryFn{}, rows)
	beam.ParDo0(s, &writeSummaryFn{Path: SummaryName(prefix)}, beam.Impulse(s), beam.SideInput{Input: sum})
}

type writeSummaryFn struct{ Path string }

func (fn *writeSummaryFn) ProcessElement(ctx context.Context, _ []byte, sums func(*Summary) bool) error {
	s := newSummary()
	var one Summary
	for sums(&one) {
		s = summaryFn{}.MergeAccumulators(s, one)
		if s.ModelVersion == "" {
			s.ModelVersion = one.ModelVersion
		}
		one = Summary{}
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(ctx, fn.Path, append(data, '\n'))
}
