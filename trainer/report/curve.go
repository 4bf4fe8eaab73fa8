package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CurvePoint is one trained model of a learning curve: how many labelled
// images it trained on, and its five-class accuracy on the validation and
// test splits.
type CurvePoint struct {
	Name       string  `json:"name"`
	Images     int     `json:"training_images"`
	Validation float64 `json:"validation_accuracy"`
	Test       float64 `json:"test_accuracy"`
}

// LogFit is accuracy = Intercept + PerDoubling·log2(images), fitted by
// least squares: the usual shape of a learning curve over a range of a few
// doublings.
type LogFit struct {
	Intercept   float64 `json:"intercept"`
	PerDoubling float64 `json:"per_doubling"`
}

// At is the fitted accuracy for n training images.
func (f LogFit) At(n float64) float64 { return f.Intercept + f.PerDoubling*math.Log2(n) }

// ImagesFor is the number of training images at which the fit reaches
// accuracy, or +Inf where it never does (no gain per doubling).
func (f LogFit) ImagesFor(accuracy float64) float64 {
	if !(f.PerDoubling > 0) {
		return math.Inf(1)
	}
	return math.Exp2((accuracy - f.Intercept) / f.PerDoubling)
}

// FitLog fits accuracy against log2(images) over the points (each seed a
// point of its own). It needs at least two different image counts.
func FitLog(ns []int, acc []float64) (LogFit, error) {
	if len(ns) != len(acc) {
		return LogFit{}, errors.New("report: as many image counts as accuracies needed")
	}
	var sx, sy, sxx, sxy float64
	distinct := map[int]bool{}
	for i, n := range ns {
		if n <= 0 || !(acc[i] >= 0 && acc[i] <= 1) {
			return LogFit{}, fmt.Errorf("report: point %d: %d images, accuracy %v", i, n, acc[i])
		}
		distinct[n] = true
		x := math.Log2(float64(n))
		sx, sy, sxx, sxy = sx+x, sy+acc[i], sxx+x*x, sxy+x*acc[i]
	}
	if len(distinct) < 2 {
		return LogFit{}, errors.New("report: a learning curve needs at least two different numbers of training images")
	}
	k := float64(len(ns))
	b := (k*sxy - sx*sy) / (k*sxx - sx*sx)
	return LogFit{Intercept: (sy - b*sx) / k, PerDoubling: b}, nil
}

// CurvePNG plots a learning curve: each point's validation and test
// accuracy against its training images on a log axis, the test fit drawn
// on to where it would reach target when that is within 64 times the
// largest run's images (and only over the runs' range otherwise), and
// target as a line.
func CurvePNG(path, title string, points []CurvePoint, fit LogFit, target float64) error {
	if len(points) == 0 {
		return ErrEmpty
	}
	p := newPlot(title)
	p.X.Label.Text = "labelled training images (log scale)"
	p.Y.Label.Text = "five-class accuracy (%)"
	p.X.Scale = plot.LogScale{}
	p.Add(plotter.NewGrid())
	var val, test plotter.XYs
	lo, hi, most := 100.0, 0.0, 0
	for _, c := range points {
		if c.Images <= 0 || !(c.Validation >= 0 && c.Validation <= 1) || !(c.Test >= 0 && c.Test <= 1) {
			return fmt.Errorf("report: point %s: %d images, accuracy %v / %v", c.Name, c.Images, c.Validation, c.Test)
		}
		x := float64(c.Images)
		val = append(val, plotter.XY{X: x, Y: 100 * c.Validation})
		test = append(test, plotter.XY{X: x, Y: 100 * c.Test})
		lo, hi = min(lo, 100*c.Validation, 100*c.Test), max(hi, 100*c.Validation, 100*c.Test)
		most = max(most, c.Images)
	}
	// A tick at each run's image count (a log axis over two or three
	// doublings has at most one power of ten to mark).
	var ticks []plot.Tick
	seen := map[int]bool{}
	for _, c := range points {
		if !seen[c.Images] {
			seen[c.Images] = true
			ticks = append(ticks, plot.Tick{Value: float64(c.Images), Label: fmt.Sprint(c.Images)})
		}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	sv, err := plotter.NewScatter(val)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	sv.Color, sv.Shape, sv.Radius = color.RGBA{R: 30, G: 80, B: 180, A: 255}, draw.CircleGlyph{}, vg.Points(4)
	st, err := plotter.NewScatter(test)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	st.Color, st.Shape, st.Radius = color.RGBA{R: 200, G: 60, B: 30, A: 255}, draw.CrossGlyph{}, vg.Points(5)
	p.Add(sv, st)
	// The legend goes under the plot, where it covers no point.
	leg := plot.NewLegend()
	leg.TextStyle.Font = p.Legend.TextStyle.Font
	leg.Top, leg.Left = true, true
	leg.Add("validation (five classes, the pair)", sv)
	leg.Add("test", st)
	// The fit runs from the smallest run to where it meets the target, if
	// that is within 64 times the largest run; a fit that meets it later
	// or never is not extrapolated.
	first := float64(most)
	for _, c := range points {
		first = min(first, float64(c.Images))
	}
	end := float64(most)
	if n := fit.ImagesFor(target); n <= 64*float64(most) {
		end = max(end, n)
	}
	var line plotter.XYs
	for x := first; ; x *= 1.25 {
		x = min(x, end)
		line = append(line, plotter.XY{X: x, Y: 100 * fit.At(x)})
		if x == end {
			break
		}
	}
	fl, err := plotter.NewLine(line)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fl.Color, fl.Dashes = color.RGBA{R: 200, G: 60, B: 30, A: 255}, []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(fl)
	leg.Add(fmt.Sprintf("test fit: %+.2f points per doubling", 100*fit.PerDoubling), fl)
	tl, err := plotter.NewLine(plotter.XYs{{X: first, Y: 100 * target}, {X: end, Y: 100 * target}})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	tl.Color = color.Gray{Y: 110}
	p.Add(tl)
	leg.Add(fmt.Sprintf("target %.1f %%", 100*target), tl)
	p.Y.Min, p.Y.Max = min(lo, 100*fit.At(first))-1, max(hi, 100*target, 100*fit.At(end))+1
	p.X.Min, p.X.Max = first/1.2, end*1.2
	return savePlotAndLegend(path, p, &leg, 4)
}
